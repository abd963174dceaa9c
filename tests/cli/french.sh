# SPDX-License-Identifier: MIT
# French: the commands under fr_FR.UTF-8 (compiled by `make check` into a
# private LOCPATH, $PD_TEST_LOCPATH; the catalogue from the build tree,
# $PROSPECTD_LOCALEDIR) — the plan of the worked example, a status, an
# error, the help — with JSON unchanged; and [campaign] language = fr,
# which makes a process in the C locale write French feeds and show French
# notifications (python3-dbusmock's notification server on a private bus).
if [ -z "${PD_FRENCH_TEST_SESSION:-}" ]; then
  PD_FRENCH_TEST_SESSION=1 exec dbus-run-session -- sh "$0" "$@"
fi
. tests/cli/lib.sh

mock_pid=""
cleanup () {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

if [ ! -e "${PD_TEST_LOCPATH:-/nonexistent}/fr_FR.UTF-8/LC_CTYPE" ] || [ -z "${PROSPECTD_LOCALEDIR:-}" ]; then
  fail "fr_FR.UTF-8 in \$PD_TEST_LOCPATH and the catalogue in \$PROSPECTD_LOCALEDIR (run through make check)"
  done_testing
fi
FR="env LOCPATH=$PD_TEST_LOCPATH LC_ALL=fr_FR.UTF-8"
# A process in the C locale that can load fr_FR.UTF-8 when a campaign asks.
C_LOCALE="env LOCPATH=$PD_TEST_LOCPATH LC_ALL=C"
EXAMPLE=config/campaigns/example.conf
NNBSP=$(printf '\342\200\257')

# --- the CLI in French.
$FR "$CTL" plan "$EXAMPLE" >"$T/plan.txt" 2>"$T/plan.err"
check_eq "plan in French: exit 0" "0" "$?"
check_file "plan of the worked example in French (exact)" "$DATA/plan-example.fr.txt" "$T/plan.txt"
check_eq "plan in French: 60 000 € grouped with U+202F, 6 % with it too" "yes" \
  "$(grep -q "60${NNBSP}000" "$T/plan.txt" && grep -q "6${NNBSP}%" "$T/plan.txt" && echo yes)"
$FR "$CTL" plan "$EXAMPLE" --json >"$T/plan.json"
check_file "plan --json under French: the same JSON as in C" "$DATA/plan-example.json" "$T/plan.json"

$FR "$CTL" plan tests/data/bad/rate-without-percent.conf >"$T/out" 2>"$T/err"
check_eq "a French error: exit 2" "2" "$?"
check_eq "a French error: the message" \
  "prospectctl : tests/data/bad/rate-without-percent.conf : [plan] accessibility_rate = 6 : écrivez un pourcentage, par ex. 6 %" \
  "$(cat "$T/err")"
check_eq "a French error: nothing on stdout" "" "$(cat "$T/out")"
$FR "$CTL" nope >/dev/null 2>"$T/err"
check_eq "unknown command in French" "prospectctl : commande inconnue « nope » (voir prospectctl --help)" "$(cat "$T/err")"

$FR "$CTL" --help >"$T/help"
check_eq "help in French: its first lines" \
"Usage : prospectctl [OPTION…] COMMANDE [ARG…]

Planifier, organiser et suivre une campagne de prospection B2B.

Commandes :" "$(head -n 5 "$T/help")"
check_eq "help in French: the status command" \
  "  status [CAMPAIGN]                 Où en est la campagne : qui est en retard, points d'étape, taux" \
  "$(grep '^  status' "$T/help")"

# A status on Friday evening of the first week: alice logged 58, bob 40.
DB="$T/status.db"
for entry in "alice 2027-01-04 16" "alice 2027-01-07 42" "bob 2027-01-04 8" "bob 2027-01-07 32"; do
  set -- $entry
  $FR "$CTL" --now 2027-01-08T18:00 --db "$DB" log "$EXAMPLE" --rep "$1" --date "$2" --contacts "$3" \
    --prospects 1 >>"$T/log.out" 2>&1
done
check_eq "log in French" "saisi #1 : alice, 2027-01-04, 16 contacts" "$(head -n 1 "$T/log.out")"
$FR "$CTL" --now 2027-01-08T18:00 --db "$DB" status "$EXAMPLE" >"$T/status.txt" 2>&1
check_eq "status in French: exit 0" "0" "$?"
check_file "status in French (exact)" "$DATA/status-fr.txt" "$T/status.txt"

# The README's French section: its campaign, written the French way,
# pasted as is, prints the README's output.
block_after () {
  awk -v marker="$1" '
    index($0, marker) { found = 1; next }
    found && !inside && /^```/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }' "$TOP/README.md"
}
mkdir -p "$T/readme"
block_after 'Une première campagne' >"$T/readme/campagne-fr.conf"
block_after 'prospectctl plan campagne-fr.conf` donne' >"$T/readme/expected"
check_eq "README (fr): the campaign block is there" "[campaign]" "$(head -n 1 "$T/readme/campagne-fr.conf")"
(cd "$T/readme" && $FR "$CTL" plan campagne-fr.conf) >"$T/readme/actual" 2>&1
check_file "README (fr): the French campaign (60 000, 2,5, 6 %, lun-ven) prints the README's plan" \
  "$T/readme/expected" "$T/readme/actual"

# --- [campaign] language = fr: feeds and notifications in French from a
# process in the C locale.
mkdir -p "$T/campaigns"
sed 's/^currency = EUR$/&\nlanguage = en/' "$EXAMPLE" >"$T/campaigns/example.conf"
cat >"$T/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $T/prospectd.db
feeds = $T/feeds
notify = *
CONF
FEED="$T/feeds/example/alice.ics"
# The first event of alice's feed, unfolded, without its DTSTAMP.
first_event () {
  awk '/^BEGIN:VEVENT/ { n++ } n == 1' "$FEED" | tr -d '\r' | sed -e ':a' -e '$!N;s/\n //;ta' -e 'P;D' \
    | grep -v '^DTSTAMP:' | sed '/^END:VEVENT/q'
}
$C_LOCALE "$CTL" --config "$T/prospectd.conf" export example >/dev/null
check_eq "language = en: English events" "SUMMARY:Call block — 8 contacts" "$(first_event | grep '^SUMMARY:')"
sed -i 's/^language = en$/language = fr/' "$T/campaigns/example.conf"
$C_LOCALE "$CTL" --config "$T/prospectd.conf" export example >/dev/null
check_eq "language = fr, written in the C locale: the event in French, SEQUENCE bumped" \
"BEGIN:VEVENT
UID:20270104-1-alice@example.prospectd
SEQUENCE:1
DTSTART;TZID=Europe/Paris:20270104T090000
DTEND;TZID=Europe/Paris:20270104T091600
SUMMARY:Bloc d'appels — 8 contacts
DESCRIPTION:Ce bloc : 8 contacts\\nAujourd'hui : 16 contacts\\nObjectif cumulé en fin de journée : 16 contacts\\nProchain point d'étape : 29/01/2027\\, 312 contacts en cumulé
CATEGORIES:Prospecting
TRANSP:OPAQUE
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT10M
DESCRIPTION:Bloc d'appels — 8 contacts
END:VALARM
END:VEVENT" "$(first_event)"
check_eq "language = en -> fr: every event of alice's feed gets SEQUENCE 1" \
  "$(grep -c '^BEGIN:VEVENT' "$FEED")" "$(grep -c '^SEQUENCE:1' "$FEED")"
$C_LOCALE "$CTL" --config "$T/prospectd.conf" export example >/dev/null
check_eq "the same language again: nothing changes (SEQUENCE stays 1)" "0" "$(grep -c '^SEQUENCE:2' "$FEED")"

# Without the French locale on the machine: a clear error, exit 2.
env LOCPATH="$T/no-locales" LC_ALL=C "$CTL" --config "$T/prospectd.conf" plan example >"$T/out" 2>"$T/err"
check_eq "language = fr without fr_FR.UTF-8: exit 2" "2" "$?"
check_eq "language = fr without fr_FR.UTF-8: says so" \
  "prospectctl: $T/campaigns/example.conf: [campaign] language = fr: the locale fr_FR.UTF-8 is not installed on this machine (Debian: apt-get install locales, then localedef -i fr_FR -f UTF-8 fr_FR.UTF-8)" \
  "$(cat "$T/err")"

# Notifications: the daemon in the C locale, the campaign in French.
/usr/bin/python3 -m dbusmock --template notification_daemon -l "$T/mock.log" >"$T/mock.out" 2>&1 &
mock_pid=$!
i=0
until /usr/bin/python3 -c 'import dbus, sys; sys.exit(0 if dbus.SessionBus().name_has_owner("org.freedesktop.Notifications") else 1)' 2>/dev/null; do
  i=$((i + 1))
  if [ $i -ge 50 ]; then fail "the mock notification server starts"; done_testing; fi
  sleep 0.1
done
notifications () {
  /usr/bin/python3 - "$T/mock.log" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for record in re.split(r"(?m)^(?=\d+\.\d+ )", text):
    m = re.match(r'\d+\.\d+ Notify "prospectd" \d+ "" "(.*?)" "(.*?)" \[\] \{(.*?)\} -?\d+\s*$', record, re.S)
    if m:
        print("%s|%s" % (m.group(1), m.group(2).replace("\n", "\\n")))
PY
}
N="New customers Q1 2027"
$C_LOCALE "$DAEMON" --config "$T/prospectd.conf" --once --now 2027-01-04T08:50 >"$T/once.out" 2>"$T/once.err"
check_eq "the daemon in the C locale: exit 0" "0" "$?"
i=0
while [ "$(notifications | wc -l)" -lt 2 ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "reminders in French from a daemon in the C locale" \
"Bloc d'appels à 09:00 — 8 contacts ($N)|alice, 09:00–09:16. Objectif du jour : 16 contacts.
Bloc d'appels à 09:00 — 8 contacts ($N)|bob, 09:00–09:16. Objectif du jour : 8 contacts." "$(notifications)"
# Friday's daily check: alice behind, her catch-up, dates and numbers as
# French writes them; the reminders missed since Monday in one summary.
for entry in "alice 2027-01-04 16" "alice 2027-01-07 42" "bob 2027-01-04 8" "bob 2027-01-07 32"; do
  set -- $entry
  $C_LOCALE "$CTL" --config "$T/prospectd.conf" --now 2027-01-08T17:00 log example --rep "$1" --date "$2" \
    --contacts "$3" >/dev/null
done
$C_LOCALE "$DAEMON" --config "$T/prospectd.conf" --once --now 2027-01-08T17:30 >"$T/once.out" 2>"$T/once.err"
check_eq "the daily check in the C locale: exit 0" "0" "$?"
i=0
while [ "$(notifications | wc -l)" -lt 4 ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "the behind alert and the missed reminders in French (bodies markup-escaped: the mock announces body-markup)" \
"alice est en retard sur l'objectif ($N)|Prévu : 80 contacts au 08/01/2027, fait : 58, soit 22 de retard (27,5${NNBSP}%).\\nRattrapage planifié : retour à l&apos;objectif d&apos;ici le 29/01/2027 (312 contacts) : 254 contacts sur 15 jours ouvrés, au plus 17 par jour.
13 rappels de blocs d'appels manqués|Des blocs d&apos;appels du 04/01/2027 au 08/01/2027 se sont terminés pendant que prospectd ne tournait pas ou que l&apos;ordinateur était en veille." \
  "$(notifications | tail -n +3)"
done_testing
