# SPDX-License-Identifier: MIT
# prospectd and the calls, on a private session bus (dbus-run-session)
# with python3-dbusmock's notification_daemon as the notification server:
# each rep's latent follow-ups due that day in one notification, with the
# day's first reminder (the oldest follow-up first), recorded and never
# sent again (a restart at the same instant, a later block, the same day
# again); a rep without one gets none; the next day lists those still due;
# in the campaign's language (French); bodies markup-escaped for a server
# that announces "body-markup" (the mock's default: "Dupont &amp; Fils"),
# sent as they are to one that does not; and a running daemon rewrites a
# rep's feed after another process's `prospectctl call` as after a `log`.
# Every wait is bounded.
if [ -z "${PD_DAEMON_TEST_SESSION:-}" ]; then
  PD_DAEMON_TEST_SESSION=1 exec dbus-run-session -- sh "$0" "$@"
fi
. tests/cli/lib.sh

mock_pid=""
daemon_pid=""
cleanup () {
  for pid in $daemon_pid $mock_pid; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$T"
}
trap cleanup EXIT

if [ ! -e "${PD_TEST_LOCPATH:-/nonexistent}/fr_FR.UTF-8/LC_CTYPE" ] || [ -z "${PROSPECTD_LOCALEDIR:-}" ]; then
  fail "fr_FR.UTF-8 in \$PD_TEST_LOCPATH and the catalogue in \$PROSPECTD_LOCALEDIR (run through make check)"
  done_testing
fi

mkdir -p "$T/campaigns"
cp config/campaigns/example.conf "$T/campaigns/"
cat >"$T/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $T/prospectd.db
feeds = $T/feeds
notify = *
[feeds]
listen = 127.0.0.1:8765
CONF
C="$CTL --config $T/prospectd.conf"
D="env LOCPATH=$PD_TEST_LOCPATH $DAEMON --config $T/prospectd.conf"
FEED="$T/feeds/example/alice.ics"
N="New customers Q1 2027"
NNBSP=$(printf '\342\200\257')

/usr/bin/python3 -m dbusmock --template notification_daemon -l "$T/mock.log" >"$T/mock.out" 2>&1 &
mock_pid=$!
has_server () {
  /usr/bin/python3 -c 'import dbus, sys; sys.exit(0 if dbus.SessionBus().name_has_owner("org.freedesktop.Notifications") else 1)' 2>/dev/null
}
i=0
until has_server; do
  i=$((i + 1))
  if [ $i -ge 50 ]; then fail "the mock notification server starts"; done_testing; fi
  sleep 0.1
done

# Every Notify call so far, one line each: urgency|summary|body (a body's
# line breaks written as \n).
notifications () {
  /usr/bin/python3 - "$T/mock.log" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for record in re.split(r"(?m)^(?=\d+\.\d+ )", text):
    m = re.match(r'\d+\.\d+ Notify "prospectd" \d+ "" "(.*?)" "(.*?)" \[\] \{(.*?)\} -?\d+\s*$', record, re.S)
    if m:
        urgency = re.search(r'"urgency": (\d+)', m.group(3)).group(1)
        print("%s|%s|%s" % (urgency, m.group(1), m.group(2).replace("\n", "\\n")))
PY
}
seen=0
check_new () {
  notifications >"$T/all"
  tail -n +$((seen + 1)) "$T/all" >"$T/new"
  seen=$(wc -l <"$T/all")
  check_eq "$1" "$2" "$(cat "$T/new")"
}
once () {
  $D --once --now "$1" >"$T/once.out" 2>"$T/once.err"
  rc=$?
  [ $rc -eq 0 ] || { fail "prospectd --once --now $1 exits 0 (got $rc)"; cat "$T/once.err"; }
}

# The file: alice's #1 latent until Monday the 11th, #2 until Friday the
# 8th, #3 until the 20th, #4 never reached; bob's #5 latent until the 11th.
# The database made (a feed token issued records the campaign, no
# figure), and the prospects written behind the store's back (their
# import is prospects import's test).
$C feed-url example --rep alice >/dev/null || fail "feed-url makes the database"
add () {
  sqlite3 "$T/prospectd.db" "INSERT INTO prospects (campaign, rep, company, contact, phone, import_order, created)
    VALUES ('example', '$4', '$1', '$2', '$3', (SELECT coalesce (max (import_order), 0) + 1 FROM prospects), 0)" ||
    fail "add $1"
}
add "Acme" "Jean Dupont" "+33123456789" alice
add "Dupont & Fils" "Marie Curie" "+33140000000" alice
add "Zeta" "Ana" "+33150000000" alice
add "Omega" "Paul" "+33160000000" alice
add "Bobco" "Léa" "+33170000000" bob
$C --now 2027-01-05T18:00 call 1 --outcome latent --follow-up 2027-01-11 --date 2027-01-05 >/dev/null
$C --now 2027-01-05T18:00 call 2 --outcome latent --follow-up 2027-01-08 --date 2027-01-05 >/dev/null
$C --now 2027-01-05T18:00 call 3 --outcome latent --follow-up 2027-01-20 --date 2027-01-05 >/dev/null
$C --now 2027-01-05T18:00 call 4 --outcome no-answer --date 2027-01-05 >/dev/null
$C --now 2027-01-05T18:00 call 5 --outcome latent --follow-up 2027-01-11 --date 2027-01-05 >/dev/null

# Monday the 11th, 08:50: the check of Friday the 8th (both reps behind:
# their calls of the 5th count 4 and 1 contacts) and the reminders missed
# since the 4th come first; then each rep's follow-ups due (on or before
# the day, the oldest first) with the rep's first reminder.
once 2027-01-11T08:50
check_new "Monday morning: the follow-ups due with the first reminder, oldest first" \
"1|alice is behind target ($N)|Planned 80 contacts by 2027-01-08, done 4: 76 short (95%).\\nCatch-up scheduled: back on target by 2027-01-29 (312 contacts): 308 contacts over 15 working days, at most 21 a day.
1|bob is behind target ($N)|Planned 40 contacts by 2027-01-08, done 1: 39 short (97.5%).\\nCatch-up scheduled: back on target by 2027-01-29 (156 contacts): 155 contacts over 15 working days, at most 11 a day.
1|Missed 15 call-block reminders|Call blocks from 2027-01-04 to 2027-01-08 ended while prospectd was not running or the computer was asleep.
1|2 follow-ups due today: alice ($N)|#2 Dupont &amp; Fils, Marie Curie, +33140000000 (set for 2027-01-08)\\n#1 Acme, Jean Dupont, +33123456789 (set for 2027-01-11)
1|Call block at 09:00 — 11 contacts ($N)|alice, 09:00–09:22. Target today: 21 contacts.
1|1 follow-up due today: bob ($N)|#5 Bobco, Léa, +33170000000 (set for 2027-01-11)
1|Call block at 09:00 — 11 contacts ($N)|bob, 09:00–09:22. Target today: 11 contacts."
check_eq "recorded like the other notifications" \
"follow-ups:alice:2027-01-11
follow-ups:bob:2027-01-11" \
  "$(sqlite3 "$T/prospectd.db" "SELECT key FROM notifications WHERE key LIKE 'follow-ups:%' ORDER BY key")"
once 2027-01-11T08:50
check_new "a restart at the same instant: nothing sent again" ""
once 2027-01-11T13:50
check_new "the afternoon's block: its reminder only" \
"1|Call block at 14:00 — 10 contacts ($N)|alice, 14:00–14:20. Target today: 21 contacts."
once 2027-01-11T13:50
check_new "restarted again: nothing" ""

# Monday's calls: #2 reached (active), #1 followed up to the 18th. On
# Tuesday bob's #5 is still due (overdue), alice has none.
$C --now 2027-01-11T18:00 call 2 --outcome active --date 2027-01-11 >/dev/null
$C --now 2027-01-11T18:00 call 1 --outcome latent --follow-up 2027-01-18 --date 2027-01-11 >/dev/null
once 2027-01-12T08:50
check_new "Tuesday (after Monday's check): bob's follow-up still due; alice, with none, only her reminder" \
"1|alice is behind target ($N)|Planned 96 contacts by 2027-01-11, done 6: 90 short (93.8%).\\nCatch-up scheduled: back on target by 2027-01-29 (312 contacts): 306 contacts over 14 working days, at most 22 a day.
1|bob is behind target ($N)|Planned 48 contacts by 2027-01-11, done 1: 47 short (97.9%).\\nCatch-up scheduled: back on target by 2027-01-29 (156 contacts): 155 contacts over 14 working days, at most 12 a day.
1|Call block at 09:00 — 11 contacts ($N)|alice, 09:00–09:22. Target today: 22 contacts.
1|1 follow-up due today: bob ($N)|#5 Bobco, Léa, +33170000000 (set for 2027-01-11)
1|Call block at 09:00 — 12 contacts ($N)|bob, 09:00–09:24. Target today: 12 contacts."
check_eq "nothing recorded for a rep without follow-ups" "" \
  "$(sqlite3 "$T/prospectd.db" "SELECT key FROM notifications WHERE key = 'follow-ups:alice:2027-01-12'")"

# --- in the campaign's language.
sed -i 's/^currency = EUR$/&\nlanguage = fr/' "$T/campaigns/example.conf"
once 2027-01-18T08:50
check_new "in French when the campaign is (after the week's check, and the week's reminders missed)" \
"1|alice est en retard sur l'objectif ($N)|Prévu : 160 contacts au 15/01/2027, fait : 6, soit 154 de retard (96,3${NNBSP}%).\\nRattrapage planifié : retour à l&apos;objectif d&apos;ici le 29/01/2027 (312 contacts) : 306 contacts sur 10 jours ouvrés, au plus 31 par jour.
1|bob est en retard sur l'objectif ($N)|Prévu : 80 contacts au 15/01/2027, fait : 1, soit 79 de retard (98,8${NNBSP}%).\\nRattrapage planifié : retour à l&apos;objectif d&apos;ici le 29/01/2027 (156 contacts) : 155 contacts sur 10 jours ouvrés, au plus 16 par jour.
1|10 rappels de blocs d'appels manqués|Des blocs d&apos;appels du 12/01/2027 au 15/01/2027 se sont terminés pendant que prospectd ne tournait pas ou que l&apos;ordinateur était en veille.
1|1 relance due aujourd'hui : alice ($N)|#1 Acme, Jean Dupont, +33123456789 (prévue le 18/01/2027)
1|Bloc d'appels à 09:00 — 16 contacts ($N)|alice, 09:00–09:32. Objectif du jour : 31 contacts.
1|1 relance due aujourd'hui : bob ($N)|#5 Bobco, Léa, +33170000000 (prévue le 11/01/2027)
1|Bloc d'appels à 09:00 — 16 contacts ($N)|bob, 09:00–09:32. Objectif du jour : 16 contacts."
sed -i '/^language = fr$/d' "$T/campaigns/example.conf"

# --- a running daemon rewrites the feed after another process's call.
$D --verbose --now 2027-01-18T18:00 >"$T/daemon.log" 2>&1 &
daemon_pid=$!
wait_for () { # wait_for FILE PATTERN: up to 30 s
  i=0
  while ! grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -ge 300 ] && return 1; sleep 0.1
  done
}
wait_for "$T/daemon.log" "next wake-up at"
check_eq "running daemon: plans its next wake-up" 0 $?
before=$(cksum <"$FEED")
$C --now 2027-01-18T18:00 call 4 --outcome arid --date 2027-01-18 >/dev/null
i=0
while [ "$(cksum <"$FEED")" = "$before" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "running daemon: alice's feed rewritten after another process's call" "changed" \
  "$([ "$(cksum <"$FEED")" != "$before" ] && echo changed)"
check_eq "running daemon: woke for the database change" 1 \
  "$(grep -c 'woke for a change in the database by another process' "$T/daemon.log")"

# --- a server without "body-markup": the body as it is. A company
# named with markup, alice's follow-up on Tuesday the 19th (with Acme's,
# due since the 18th); the daemon stopped first, the mock restarted with
# the capabilities "body" and "actions" only.
kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
daemon_pid=""
kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
i=0
while has_server && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
/usr/bin/python3 -m dbusmock --template notification_daemon -p '{"capabilities": "body actions"}' \
  -l "$T/plain.log" >"$T/plain.out" 2>&1 &
mock_pid=$!
i=0
until has_server; do
  i=$((i + 1))
  if [ $i -ge 50 ]; then fail "the plain mock notification server starts"; done_testing; fi
  sleep 0.1
done
add "<b>Gras</b> & Cie" "Éve" "+33180000000" alice
$C --now 2027-01-18T18:00 call 6 --outcome latent --follow-up 2027-01-19 --date 2027-01-18 >/dev/null
once 2027-01-19T08:50
cp "$T/plain.log" "$T/mock.log"
seen=0
check_new "a server without body-markup: the body as it is" \
"1|2 follow-ups due today: alice ($N)|#1 Acme, Jean Dupont, +33123456789 (set for 2027-01-18)\\n#6 <b>Gras</b> & Cie, Éve, +33180000000 (set for 2027-01-19)
1|Call block at 09:00 — 17 contacts ($N)|alice, 09:00–09:34. Target today: 34 contacts.
1|1 follow-up due today: bob ($N)|#5 Bobco, Léa, +33170000000 (set for 2027-01-11)
1|Call block at 09:00 — 18 contacts ($N)|bob, 09:00–09:36. Target today: 18 contacts."
done_testing
