# SPDX-License-Identifier: MIT
# prospectd end to end, on a private session bus (dbus-run-session) with
# python3-dbusmock's notification_daemon as the notification server: a
# timeline of --once runs at chosen instants (exact notifications, in
# order, none twice across restarts, one summary after a long sleep, the
# behind alert with its catch-up and the feed's SEQUENCE bump, checkpoint
# alerts and a catch-up over capacity, the rep told when new activity
# changes the coming days), a running daemon that picks up another
# process's `prospectctl log`, SIGHUP with a broken campaign file,
# SIGTERM, and no notification server at all. Every wait is bounded.
if [ -z "${PD_DAEMON_TEST_SESSION:-}" ]; then
  PD_DAEMON_TEST_SESSION=1 exec dbus-run-session -- sh "$0" "$@"
fi
. tests/cli/lib.sh

mock_pid=""
daemon_pid=""
holder_pid=""
cleanup () {
  for pid in $daemon_pid $mock_pid $holder_pid; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$T"
}
trap cleanup EXIT

mkdir -p "$T/campaigns" "$T/empty-runtime"
cp config/campaigns/example.conf "$T/campaigns/"
cat >"$T/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $T/prospectd.db
feeds = $T/feeds
notify = *
CONF
C="$CTL --config $T/prospectd.conf"
D="$DAEMON --config $T/prospectd.conf"
FEED="$T/feeds/example/alice.ics"

# The notification server, logging every method call.
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
# check_new NAME EXPECTED: the Notify calls since the last check_new.
check_new () {
  notifications >"$T/all"
  tail -n +$((seen + 1)) "$T/all" >"$T/new"
  seen=$(wc -l <"$T/all")
  check_eq "$1" "$2" "$(cat "$T/new")"
}
# once DATETIME: one evaluation at that instant; any exit status but 0
# (a sanitizer report included) is a failure.
once () {
  $D --once --now "$1" >"$T/once.out" 2>"$T/once.err"
  rc=$?
  [ $rc -eq 0 ] || { fail "prospectd --once --now $1 exits 0 (got $rc)"; cat "$T/once.err"; }
  return $rc
}

N="New customers Q1 2027"

# info_lines FILE: the daemon's info-level log lines in FILE, without the
# level and time GLib puts before them.
info_lines () {
  sed -n 's/^prospectd-daemon-INFO: [0-9:.]*: //p' "$1"
}

# --- the first morning: both reps' reminders, in order, then nothing twice.
once 2027-01-04T08:50
check_eq "--once exits 0" 0 $?
check_new "first morning: both reminders, alice first" \
"1|Call block at 09:00 — 8 contacts ($N)|alice, 09:00–09:16. Target today: 16 contacts.
1|Call block at 09:00 — 8 contacts ($N)|bob, 09:00–09:16. Target today: 8 contacts."
check_eq "feeds written on the first run" "yes yes" \
  "$([ -s "$FEED" ] && echo yes) $([ -s "$T/feeds/example/bob.ics" ] && echo yes)"
check_eq "first morning: each notification shown is logged whole, at info" \
"sent reminder:alice:2027-01-04:1: 'Call block at 09:00 — 8 contacts ($N)': 'alice, 09:00–09:16. Target today: 16 contacts.'
sent reminder:bob:2027-01-04:1: 'Call block at 09:00 — 8 contacts ($N)': 'bob, 09:00–09:16. Target today: 8 contacts.'" \
  "$(info_lines "$T/once.err")"
once 2027-01-04T08:50
check_new "a restart at the same instant sends nothing" ""
once 2027-01-04T09:10
check_new "a block under way already reminded: nothing" ""
once 2027-01-04T08:49:59+01:00
check_new "an offset --now before the reminders: nothing" ""
# alice's two windows share her day: her second block is at 14:00.
once 2027-01-04T13:50
check_new "afternoon: alice's second block" \
"1|Call block at 14:00 — 8 contacts ($N)|alice, 14:00–14:16. Target today: 16 contacts."

# --- the daily check with everyone on plan: no alert.
$C --now 2027-01-04T17:00 log example --rep alice --contacts 16 --date 2027-01-04 >/dev/null
$C --now 2027-01-04T17:00 log example --rep bob --contacts 8 --date 2027-01-04 >/dev/null
once 2027-01-04T17:30
check_new "daily check on plan: no notification" ""
check_eq "daily check logged" "1" "$(grep -c 'daily check of 2027-01-04 for example: everyone on track' "$T/once.err")"

# --- a clock jump from Monday evening to Friday 08:55: one summary of the
# nine reminders missed (alice's two a day, bob's one), then Friday's
# reminders; not a flood.
$C --now 2027-01-07T18:00 log example --rep alice --contacts 42 --date 2027-01-07 >/dev/null
$C --now 2027-01-07T18:00 log example --rep bob --contacts 32 --date 2027-01-07 >/dev/null
once 2027-01-08T08:55
check_new "clock jump: one summary, then the day's reminders" \
"1|Missed 9 call-block reminders|Call blocks from 2027-01-05 to 2027-01-07 ended while prospectd was not running or the computer was asleep.
1|Call block at 09:00 — 8 contacts ($N)|alice, 09:00–09:16. Target today: 16 contacts.
1|Call block at 09:00 — 8 contacts ($N)|bob, 09:00–09:16. Target today: 8 contacts."
once 2027-01-08T08:55
check_new "the summary is sent once" ""
once 2027-01-08T12:00
check_new "later that morning: nothing more" ""
once 2027-01-08T13:50
check_new "Friday afternoon: alice's second block" \
"1|Call block at 14:00 — 8 contacts ($N)|alice, 14:00–14:16. Target today: 16 contacts."

# --- alice falls behind: the alert at the daily check, with the catch-up
# just scheduled, and her feed re-exported with SEQUENCE bumps.
check_eq "no catch-up in the feed yet" 0 "$(grep -c '^SEQUENCE:1' "$FEED")"
bob_file=$(stat -c '%i %y' "$T/feeds/example/bob.ics")
alice_file=$(stat -c '%i %y' "$FEED")
once 2027-01-08T17:30
check_new "behind: exact alert" \
"1|alice is behind target ($N)|Planned 80 contacts by 2027-01-08, done 58: 22 short (27.5%).\\nCatch-up scheduled: back on target by 2027-01-29 (312 contacts): 254 contacts over 15 working days, at most 17 a day."
check_eq "behind: the alert is logged whole, its line break as \\n" \
"sent behind:alice:2027-01-08: 'alice is behind target ($N)': 'Planned 80 contacts by 2027-01-08, done 58: 22 short (27.5%).\\nCatch-up scheduled: back on target by 2027-01-29 (312 contacts): 254 contacts over 15 working days, at most 17 a day.'" \
  "$(info_lines "$T/once.err")"
check_eq "behind: alice's days to the checkpoint get SEQUENCE 1 (two blocks a day)" 30 "$(grep -c '^SEQUENCE:1' "$FEED")"
check_eq "behind: bob's feed untouched" 0 "$(grep -c '^SEQUENCE:1' "$T/feeds/example/bob.ics")"
check_eq "behind: bob's feed file not rewritten (same inode and time)" "$bob_file" \
  "$(stat -c '%i %y' "$T/feeds/example/bob.ics")"
check_eq "behind: alice's feed file replaced" "yes" \
  "$([ "$(stat -c '%i %y' "$FEED")" != "$alice_file" ] && echo yes)"
check_eq "behind: the catch-up is the schedule in force (58 done + 17)" "2027-01-11 alice 17 75" \
  "$($C schedule example --rep alice --from 2027-01-11 --to 2027-01-11 | awk 'NR == 2 { print $1, $2, $3, $4 }')"
# The catch-up revision holds only the days whose load differs from the
# baseline (its days by rep, in catchup_days), the first holding the 58
# done the count restarts from.
$C schedule example --rep alice >"$T/in-force.txt"
sed "s|^database = .*|database = $T/no-such.db|" "$T/prospectd.conf" >"$T/baseline.conf"
$CTL --config "$T/baseline.conf" schedule example --rep alice >"$T/baseline.txt"
moved=$(awk 'NR == FNR { load[$1] = $3; next } ($1 in load) && load[$1] != $3 { n++ } END { print n + 0 }' \
  "$T/baseline.txt" "$T/in-force.txt")
check_eq "behind: the catch-up moves alice's 15 days to the checkpoint" 15 "$moved"
check_eq "behind: its revision stores those 15 days only" "$moved" \
  "$(sqlite3 "$T/prospectd.db" "SELECT count(*) FROM catchup_days WHERE campaign = 'example'")"
check_eq "behind: the first stores the count it restarts from" "alice|2027-01-11|17|58" \
  "$(sqlite3 "$T/prospectd.db" "SELECT rep, date, contacts, base FROM catchup_days WHERE base IS NOT NULL")"
once 2027-01-08T17:30
check_new "behind: alerted once" ""

# --- what-ifs never touch real state. The state: every file of the feeds
# directory (name, size, time, SHA-256), the database's bytes and rows.
state () {
  (cd "$T/feeds" && find . -type f -printf '%p %s %T@\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum)
  ls "$T" | grep '^prospectd\.db'
  sha256sum <"$T/prospectd.db"
  for table in campaigns activity notifications revisions revision_days catchup_days activity_changes meta; do
    echo "$table $(sqlite3 "$T/prospectd.db" "SELECT count(*) FROM $table")"
  done
}
state >"$T/state.before"
# --dry-run on the real database: what Monday morning would bring.
$D --dry-run --once --now 2027-01-11T08:50 >"$T/dry.out" 2>"$T/dry.err"
check_eq "--dry-run: exit 0" 0 $?
check_eq "--dry-run: prints what would be shown and written" \
"dry run at 2027-01-11T08:50:00+01:00 on database '$T/prospectd.db': nothing written, nothing shown
feed unchanged: '$T/feeds/example/alice.ics'
feed unchanged: '$T/feeds/example/bob.ics'
would show reminder:alice:2027-01-11:1 (normal urgency):
  Call block at 09:00 — 9 contacts ($N)
  alice, 09:00–09:18. Target today: 17 contacts.
would show reminder:bob:2027-01-11:1 (normal urgency):
  Call block at 09:00 — 8 contacts ($N)
  bob, 09:00–09:16. Target today: 8 contacts.
next wake-up at 2027-01-11T13:50:00+01:00 for reminder:alice:2027-01-11:2 (example)" "$(cat "$T/dry.out")"
state >"$T/state.after"
check_file "--dry-run: feeds and database untouched (bytes, times, rows)" "$T/state.before" "$T/state.after"
check_new "--dry-run: no notification reached the server" ""
check_eq "--dry-run: logs nothing as sent or written" 0 "$(grep -c -e 'sent ' -e 'wrote feed' "$T/dry.err")"
# A what-if that would change the feeds: Monday evening, nothing logged
# that day (and the day's reminders missed).
$D --dry-run --once --now 2027-01-11T17:30 >"$T/dry.out" 2>"$T/dry.err"
check_eq "--dry-run, catch-up: exit 0" 0 $?
check_eq "--dry-run, catch-up: the check, the catch-up, the alerts and the feeds it would write" \
"dry run at 2027-01-11T17:30:00+01:00 on database '$T/prospectd.db': nothing written, nothing shown
would run the daily check of 2027-01-11 for example: someone is behind
would store a catch-up for example as of 2027-01-11
would show behind:alice:2027-01-11 (normal urgency):
  alice is behind target ($N)
  Planned 96 contacts by 2027-01-11, done 58: 38 short (39.6%).
  Catch-up scheduled: back on target by 2027-01-29 (312 contacts): 254 contacts over 14 working days, at most 19 a day.
would show behind:bob:2027-01-11 (normal urgency):
  bob is behind target ($N)
  Planned 48 contacts by 2027-01-11, done 40: 8 short (16.7%).
  Catch-up scheduled: back on target by 2027-01-29 (156 contacts): 116 contacts over 14 working days, at most 9 a day.
would write feed: '$T/feeds/example/alice.ics' (28 events changed, 0 added, 0 removed)
would write feed: '$T/feeds/example/bob.ics' (14 events changed, 0 added, 0 removed)
would show summary:2027-01-11T16:30:00Z (normal urgency):
  Missed 3 call-block reminders
  Call blocks on 2027-01-11 ended while prospectd was not running or the computer was asleep.
next wake-up at 2027-01-12T08:50:00+01:00 for reminder:alice:2027-01-12:1 (example)" "$(cat "$T/dry.out")"
state >"$T/state.after"
check_file "--dry-run, catch-up: feeds and database untouched" "$T/state.before" "$T/state.after"
check_new "--dry-run, catch-up: no notification reached the server" ""
# The same run for real, on a copy of the database and the feeds: it
# changes exactly the events the dry run counted.
mkdir "$T/real-copy"
cp "$T/prospectd.db" "$T/real-copy/prospectd.db"
cp -R "$T/feeds" "$T/real-copy/feeds"
sed -e "s|^database = .*|database = $T/real-copy/prospectd.db|" -e "s|^feeds = .*|feeds = $T/real-copy/feeds|" \
  -e '$a notifications = off' "$T/prospectd.conf" >"$T/real-copy.conf"
$DAEMON --config "$T/real-copy.conf" --once --now 2027-01-11T17:30 >/dev/null 2>&1
changed_events () { # changed_events BEFORE AFTER: events whose SEQUENCE moved
  awk '/^UID:/ { uid = $0 } /^SEQUENCE:/ { if (FNR == NR) seq[uid] = $0; else if (seq[uid] != $0) n++ }
       END { print n + 0 }' "$1" "$2"
}
check_eq "--dry-run, catch-up: the real run changes the events counted (alice, bob)" "28 14" \
  "$(changed_events "$T/feeds/example/alice.ics" "$T/real-copy/feeds/example/alice.ics") $(changed_events "$T/feeds/example/bob.ics" "$T/real-copy/feeds/example/bob.ics")"
rm -rf "$T/real-copy" "$T/real-copy.conf"
$D --dry-run --now 2027-01-11T17:30 >"$T/dry.out" 2>"$T/err"
check_eq "--dry-run without --once: exit 2" "2 prospectd: --dry-run needs --once: a dry run is one evaluation" \
  "$? $(cat "$T/err")"

# The README's dry run, as typed there (a home with nothing in it yet):
# its pasted output is what it prints, and it creates nothing.
mkdir -p "$T/readme-config/prospectd/campaigns"
cp config/campaigns/example.conf "$T/readme-config/prospectd/campaigns/"
sed -n '/^\$ prospectd --dry-run/,/^```/p' README.md | sed '1d;$d' >"$T/readme.expected"
env -u XDG_DATA_HOME HOME="$T/no-home/you" XDG_CONFIG_HOME="$T/readme-config" \
  $DAEMON --dry-run --once --now 2027-01-04T08:50 2>/dev/null | sed "s|$T/no-home|/home|g" >"$T/readme.actual"
check_file "README: the dry run's output is real" "$T/readme.expected" "$T/readme.actual"
check_eq "README: the dry run created nothing" "no" "$([ -e "$T/no-home" ] && echo yes || echo no)"

# --- the feeds directory belongs to the database that first wrote it.
owner_id=$(sqlite3 "$T/prospectd.db" "SELECT value FROM meta WHERE key = 'database_id'")
check_eq "marker: names the database's id and path" \
"# prospectd: the feeds of this directory are written from one database
# only, the one whose id is below (stored in the database itself; the
# path is where it was when it first wrote here). Remove this file to
# hand the directory over to another database.

[feeds]
database-id=$owner_id
database=$T/prospectd.db" "$(cat "$T/feeds/.prospectd-database")"
refused () { # refused DB ID: the refusal's text
  echo "Feeds directory '$T/feeds' belongs to the database '$T/prospectd.db' (id $owner_id), not to '$1' ($2): its feeds are written from their own database only (remove '$T/feeds/.prospectd-database' to hand the directory over)"
}
# The README's old what-if, on a scratch database: refused, nothing written.
$D --once --now 2027-01-11T17:30 --db "$T/whatif.db" >"$T/once.out" 2>"$T/once.err"
check_eq "another database: prospectd --once refused, exit 1" \
  "1 prospectd: $(refused "$T/whatif.db" "no such file")" "$? $(grep -v -- '-Message: ' "$T/once.err")"
check_eq "another database: not even created" "no" "$([ -e "$T/whatif.db" ] && echo yes || echo no)"
$C --db "$T/whatif.db" --now 2027-01-11T17:30 log example --rep alice --contacts 1 --date 2027-01-04 >/dev/null
other=$(sqlite3 "$T/whatif.db" "SELECT value FROM meta WHERE key = 'database_id'")
$D --once --now 2027-01-11T17:30 --db "$T/whatif.db" >"$T/once.out" 2>"$T/once.err"
check_eq "another database that exists: prospectd --once refused, exit 1" \
  "1 prospectd: $(refused "$T/whatif.db" "id $other")" "$? $(grep -v -- '-Message: ' "$T/once.err")"
$D --now 2027-01-11T17:30 --db "$T/whatif.db" >"$T/once.out" 2>"$T/once.err"
check_eq "another database: the daemon refuses to start, exit 1" \
  "1 prospectd: $(refused "$T/whatif.db" "id $other")" "$? $(grep -v -- '-Message: ' "$T/once.err")"
$C --db "$T/whatif.db" export example >"$T/out" 2>"$T/err"
check_eq "another database: prospectctl export refused, exit 1, nothing printed" \
  "1 prospectctl: $(refused "$T/whatif.db" "id $other") " "$? $(cat "$T/err") $(cat "$T/out")"
sed "s|^database = .*|database = $T/none.db|" "$T/prospectd.conf" >"$T/none.conf"
$CTL --config "$T/none.conf" export example >"$T/out" 2>"$T/err"
check_eq "no database (the configured one not created yet): prospectctl export refused, exit 1" \
  "1 prospectctl: $(refused "$T/none.db" "no such file")" "$? $(cat "$T/err")"
# (Its log recorded the baseline: one revision, left alone.)
revisions=$(sqlite3 "$T/whatif.db" 'SELECT count(*) || max(id) FROM revisions')
$C --db "$T/whatif.db" reschedule example --as-of 2027-01-11 >"$T/out" 2>"$T/err"
check_eq "another database: prospectctl reschedule refused before storing anything" \
  "1 prospectctl: $(refused "$T/whatif.db" "id $other") 11" \
  "$? $(cat "$T/err") $(sqlite3 "$T/whatif.db" 'SELECT count(*) || max(id) FROM revisions')"
check_eq "another database: the revisions before it" "11" "$revisions"
state >"$T/state.after"
check_file "another database: feeds and real database untouched" "$T/state.before" "$T/state.after"
check_new "another database: no notification reached the server" ""
# The id is the database's, not its path's: a moved copy is the same one.
cp "$T/prospectd.db" "$T/moved.db"
$C --db "$T/moved.db" export example >"$T/out" 2>"$T/err"
check_eq "a copy of the database: export allowed" \
  "0 alice: $T/feeds/example/alice.ics unchanged
bob: $T/feeds/example/bob.ics unchanged" "$? $(cat "$T/out")"
rm -f "$T/moved.db"

# --- a running daemon picks up another process's log within a second and
# re-exports the feed (the day's catch-up re-run with the new figures).
$D --verbose --now 2027-01-08T18:00 >"$T/daemon.log" 2>&1 &
daemon_pid=$!
wait_for () { # wait_for FILE PATTERN: up to 30 s
  i=0
  while ! grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -ge 300 ] && return 1; sleep 0.1
  done
}
wait_for "$T/daemon.log" "next wake-up at"
check_eq "running daemon: plans its next wake-up" 0 $?
# Times in the campaign's zone (Europe/Paris), whatever the machine's (UTC).
check_eq "running daemon: next wake-up is Monday's reminder, in the campaign's zone" 1 \
  "$(grep -c 'next wake-up at 2027-01-11T08:50:00+01:00 for reminder:alice:2027-01-11:1 (example)' "$T/daemon.log")"
before=$(cksum <"$FEED")
$C --now 2027-01-08T18:00 log example --rep alice --contacts 10 --date 2027-01-08 >/dev/null
i=0
while [ "$(cksum <"$FEED")" = "$before" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "running daemon: feed rewritten after another process's log" "changed" \
  "$([ "$(cksum <"$FEED")" != "$before" ] && echo changed)"
check_eq "running daemon: woke for the database change" 1 \
  "$(grep -c 'woke for a change in the database by another process' "$T/daemon.log")"
check_eq "running daemon: within a second" "yes" "$([ $i -le 10 ] && echo yes)"

# The feeds' VTIMEZONE comes from a short-lived `prospectd --vtimezone`,
# so libical never expands zone rules (with ICU) in the daemon: ICU's data
# stays as good as untouched (16 kB mapped at load; about 960 kB once used).
sed -n '/^BEGIN:VTIMEZONE/,/^END:VTIMEZONE/p' "$FEED" >"$T/vtimezone.expected"
$DAEMON --vtimezone Europe/Paris:2027:2027 >"$T/vtimezone.out"
check_file "--vtimezone prints the feed's VTIMEZONE" "$T/vtimezone.expected" "$T/vtimezone.out"
check_eq "running daemon: built no time zone itself" 0 "$(grep -c 'built in the daemon' "$T/daemon.log")"
icu_kb=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { icu = ($6 ~ /libicudata/) } icu && /^Rss:/ { kb += $2 } END { print kb + 0 }' \
  "/proc/$daemon_pid/smaps")
check_eq "running daemon: ICU's data untouched ($icu_kb kB resident)" yes "$([ "$icu_kb" -le 64 ] && echo yes)"
$DAEMON --vtimezone Europe/Paris >/dev/null 2>"$T/err"
check_eq "--vtimezone without years: exit 2" 2 $?
check_eq "--vtimezone without years: message" \
  "prospectd: --vtimezone Europe/Paris: expected ZONE:FIRST:LAST, e.g. Europe/Paris:2027:2027" "$(cat "$T/err")"

# A burst: ten commits 20 ms apart (five entries added, then removed
# again), more often than the daemon re-plans (at most every 100 ms). Its
# last re-plan must see the last commit: `prospectctl reschedule` then
# finds the catch-up in force already right and stores no revision.
for sql in "INSERT INTO activity (campaign, rep, date, contacts, created) VALUES ('example', 'alice', '2027-01-08', 1, 0)" \
           "DELETE FROM activity WHERE id = (SELECT max(id) FROM activity)"; do
  for n in 1 2 3 4 5; do
    sqlite3 "$T/prospectd.db" ".timeout 5000" "$sql"
    sleep 0.02
  done
done
sleep 1 # the last re-plan: at most 100 ms after the previous one
revisions=$(sqlite3 "$T/prospectd.db" 'SELECT max(id) FROM revisions')
$C reschedule example --as-of 2027-01-08 >/dev/null
check_eq "burst: the daemon's last re-plan saw the last of 10 commits" "$revisions" \
  "$(sqlite3 "$T/prospectd.db" 'SELECT max(id) FROM revisions')"

# Feeds whose blocks did not change are not even rendered again (bob's
# only at start-up, while alice's catch-up moved at every commit), and a
# feed file that disappeared is written again at the next change.
check_eq "running daemon: bob's unchanged feed rendered once, at start-up" 1 \
  "$(grep -c "feed unchanged: '$T/feeds/example/bob.ics'" "$T/daemon.log")"
rm "$T/feeds/example/bob.ics"
id=$($C --now 2027-01-08T18:00 log example --rep alice --contacts 1 --date 2027-01-08 | sed -n 's/^logged #\([0-9]*\):.*/\1/p')
$C activity rm "$id" >/dev/null
i=0
while [ ! -e "$T/feeds/example/bob.ics" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "running daemon: a deleted feed is written again" "yes" "$([ -s "$T/feeds/example/bob.ics" ] && echo yes)"

# SIGHUP with a broken campaign file: the old campaign keeps running.
cp "$T/campaigns/example.conf" "$T/example.good"
echo "[broken" >>"$T/campaigns/example.conf"
kill -HUP $daemon_pid
wait_for "$T/daemon.log" "woke for SIGHUP"
check_eq "SIGHUP: reloads" 0 $?
check_eq "SIGHUP: broken campaign logged, previous version kept" "yes" \
  "$(grep -q "campaign not reloaded, keeping the previous version: $T/campaigns/example.conf:" "$T/daemon.log" && echo yes)"
check_eq "SIGHUP: still running" "yes" "$(kill -0 $daemon_pid 2>/dev/null && echo yes)"
cp "$T/example.good" "$T/campaigns/example.conf"

# SIGHUP onto another database: refused as at start, the running one kept.
cp "$T/prospectd.conf" "$T/prospectd.conf.good"
sed -i "s|^database = .*|database = $T/whatif.db|" "$T/prospectd.conf"
kill -HUP $daemon_pid
wait_for "$T/daemon.log" "reload failed, keeping the running configuration: Feeds directory"
# (the only reload refused in this log: the wake-up that led to it may be
# logged with a campaign file's change, so the line is found by its text)
check_eq "SIGHUP onto another database: refused, the running configuration kept" \
  "reload failed, keeping the running configuration: $(refused "$T/whatif.db" "id $other")" \
  "$(grep 'reload failed, keeping the running configuration: ' "$T/daemon.log" | tail -n 1 |
       sed 's/^.*-WARNING \*\*: [0-9:.]*: //')"
check_eq "SIGHUP onto another database: still running" "yes" "$(kill -0 $daemon_pid 2>/dev/null && echo yes)"
cp "$T/prospectd.conf.good" "$T/prospectd.conf"

# SIGTERM: exit 0, database intact.
kill -TERM $daemon_pid
i=0
while kill -0 $daemon_pid 2>/dev/null && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
kill -KILL $daemon_pid 2>/dev/null
wait $daemon_pid
check_eq "SIGTERM: exit 0" 0 $?
daemon_pid=""
check_eq "SIGTERM: database intact" ok "$(sqlite3 "$T/prospectd.db" 'PRAGMA integrity_check')"
# No reminder was due; alice was told each time her coming days changed
# (new activity after the day's check), first after the 10 contacts of
# another process. (How many of the burst's commits the daemon saw one by
# one depends on timing: only the first is exact.)
notifications >"$T/all"
tail -n +$((seen + 1)) "$T/all" >"$T/new"
seen=$(wc -l <"$T/all")
changed="1|Your calls after 2027-01-08 changed: alice ($N)|68 contacts done by 2027-01-08, 12 short. New catch-up: back on target by 2027-01-29 (312 contacts): 244 contacts over 15 working days, at most 17 a day."
check_eq "running daemon: alice told her new load after another process's log" "$changed" "$(head -n 1 "$T/new")"
check_eq "running daemon: nothing but those load changes" 0 "$(grep -vc '^1|Your calls after 2027-01-08 changed: alice' "$T/new")"

# --- a checkpoint missed three weeks later: critical alerts, and one
# summary for the 45 reminders missed meanwhile (15 days, 3 blocks a day).
once 2027-01-29T17:30
check_new "checkpoint missed: critical alerts, then one summary" \
"2|Checkpoint 2027-01-29 missed: alice ($N)|68 of 312 contacts done by 2027-01-29 (21.8%).
2|alice is behind target ($N)|Planned 312 contacts by 2027-01-29, done 68: 244 short (78.2%).\\nCatch-up scheduled: back on target by 2027-02-26 (747 contacts): 679 contacts over 20 working days, at most 34 a day.
2|Checkpoint 2027-01-29 missed: bob ($N)|40 of 156 contacts done by 2027-01-29 (25.6%).
2|bob is behind target ($N)|Planned 156 contacts by 2027-01-29, done 40: 116 short (74.4%).\\nCatch-up scheduled: back on target by 2027-02-26 (374 contacts): 334 contacts over 15 working days, at most 23 a day.
1|Missed 45 call-block reminders|Call blocks from 2027-01-11 to 2027-01-29 ended while prospectd was not running or the computer was asleep."

# --- the day before the end the calendar cannot hold the shortfall: each
# rep gets the last day at full capacity (2 h: 60 contacts) and is told
# how much is left uncovered.
once 2027-03-30T17:30
check_new "catch-up over capacity: critical alerts with what is left uncovered" \
"2|Checkpoint 2027-02-26 missed: alice ($N)|68 of 747 contacts done by 2027-02-26 (9.1%).
2|alice is behind target ($N)|Planned 1 223 contacts by 2027-03-30, done 68: 1 155 short (94.4%).\\nCatch-up scheduled: at full capacity to the end: 60 contacts over 1 working day, at most 60 a day; 1 117 contacts left uncovered.
2|Checkpoint 2027-02-26 missed: bob ($N)|40 of 374 contacts done by 2027-02-26 (10.7%).
2|bob is behind target ($N)|Planned 612 contacts by 2027-03-30, done 40: 572 short (93.5%).\\nCatch-up scheduled: at full capacity to the end: 60 contacts over 1 working day, at most 60 a day; 523 contacts left uncovered.
1|Missed 118 call-block reminders|Call blocks from 2027-02-01 to 2027-03-30 ended while prospectd was not running or the computer was asleep."

# --- no session bus at all: exit 0, feeds still written, said once.
cat >"$T/nobus.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $T/nobus.db
feeds = $T/nobus-feeds
CONF
env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY XDG_RUNTIME_DIR="$T/empty-runtime" \
  $DAEMON --config "$T/nobus.conf" --once --now 2027-01-05T08:50 >"$T/nobus.out" 2>"$T/nobus.err"
check_eq "no bus: --once exits 0" 0 $?
check_eq "no bus: feeds written" "yes" "$([ -s "$T/nobus-feeds/example/alice.ics" ] && echo yes)"
check_eq "no bus: said once" 1 "$(grep -c 'cannot show notifications' "$T/nobus.err")"
check_eq "no bus: notifications still recorded, and logged whole; one day's summary says 'on DATE'" \
"recorded, not shown (notifications unavailable) behind:alice:2027-01-04: 'alice is behind target ($N)': 'Planned 16 contacts by 2027-01-04, done 0: 16 short (100%).\\nCatch-up scheduled: back on target by 2027-01-29 (312 contacts): 312 contacts over 19 working days, at most 17 a day.'
recorded, not shown (notifications unavailable) behind:bob:2027-01-04: 'bob is behind target ($N)': 'Planned 8 contacts by 2027-01-04, done 0: 8 short (100%).\\nCatch-up scheduled: back on target by 2027-01-29 (156 contacts): 156 contacts over 19 working days, at most 9 a day.'
recorded, not shown (notifications unavailable) summary:2027-01-05T07:50:00Z: 'Missed 3 call-block reminders': 'Call blocks on 2027-01-04 ended while prospectd was not running or the computer was asleep.'
recorded, not shown (notifications unavailable) reminder:alice:2027-01-05:1: 'Call block at 09:00 — 9 contacts ($N)': 'alice, 09:00–09:18. Target today: 17 contacts.'
recorded, not shown (notifications unavailable) reminder:bob:2027-01-05:1: 'Call block at 09:00 — 9 contacts ($N)': 'bob, 09:00–09:18. Target today: 9 contacts.'" \
  "$(info_lines "$T/nobus.err")"
check_new "no bus: nothing reached the server" ""
rm -rf "$T/nobus-feeds"
env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY XDG_RUNTIME_DIR="$T/empty-runtime" \
  $DAEMON --config "$T/nobus.conf" --db "$T/nobus2.db" --now 2027-01-05T08:50 >"$T/nobus.out" 2>"$T/nobus.err" &
daemon_pid=$!
wait_for "$T/nobus.err" "next wake-up at"
check_eq "no bus: the daemon keeps running" "yes" "$(kill -0 $daemon_pid 2>/dev/null && echo yes)"
check_eq "no bus: running daemon wrote the feeds" "yes" "$([ -s "$T/nobus-feeds/example/alice.ics" ] && echo yes)"
kill -TERM $daemon_pid
i=0
while kill -0 $daemon_pid 2>/dev/null && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
kill -KILL $daemon_pid 2>/dev/null
wait $daemon_pid
check_eq "no bus: SIGTERM exits 0" 0 $?
daemon_pid=""

# --- one reminder missed, on one day: the summary names that day.
cat >"$T/one.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $T/one.db
feeds = $T/one-feeds
notify = alice
CONF
$DAEMON --config "$T/one.conf" --once --now 2027-01-04T12:00 >"$T/once.out" 2>"$T/once.err"
check_eq "one missed reminder: exit 0" 0 $?
check_new "one missed reminder: 'The call block on DATE'" \
"1|Missed 1 call-block reminder|The call block on 2027-01-04 ended while prospectd was not running or the computer was asleep."

# --- the feed server's port in use: one line and exit 1, no CRITICAL.
port=$(free_port)
/usr/bin/python3 -c 'import socket, sys, time; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); print("ready", flush=True); time.sleep(30)' \
  "$port" >"$T/holder.out" 2>&1 &
holder_pid=$!
wait_for "$T/holder.out" ready
printf '[feeds]\nlisten = 127.0.0.1:%s\n' "$port" | cat "$T/one.conf" - >"$T/busy.conf"
$DAEMON --config "$T/busy.conf" --now 2027-01-04T12:00 >"$T/busy.out" 2>"$T/busy.err"
check_eq "port in use: exit 1" 1 $?
check_eq "port in use: one error line, no GLib CRITICAL" \
  "prospectd: Cannot listen on '127.0.0.1:$port': Error binding to address 127.0.0.1:$port: Address already in use" \
  "$(grep -v -- '-Message: ' "$T/busy.err")"
kill "$holder_pid" 2>/dev/null && wait "$holder_pid" 2>/dev/null

# --- usage and configuration errors exit 2 with one line.
$DAEMON --config "$T/prospectd.conf" --once --now tomorrow >/dev/null 2>"$T/err"
check_eq "bad --now exits 2" "2" "$?"
check_eq "bad --now message" "prospectd: --now tomorrow: expected an ISO 8601 date and time, e.g. 2027-01-04T08:50 or 2027-01-04T08:50:00+01:00" \
  "$(grep '^prospectd:' "$T/err")"
$DAEMON --config "$T/missing.conf" --once >/dev/null 2>"$T/err"
check_eq "missing --config exits 2" "2 prospectd: $T/missing.conf: No such file or directory" "$? $(cat "$T/err")"
$DAEMON --bogus >/dev/null 2>"$T/err"
check_eq "unknown option exits 2" "2 prospectd: Unknown option --bogus" "$? $(cat "$T/err")"
check_eq "--help ends with the man page" "See prospectd(8)." "$($DAEMON --help | tail -n 1)"
check_eq "--version" "prospectd 0.1.0" "$($DAEMON --version)"
done_testing
