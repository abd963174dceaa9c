# SPDX-License-Identifier: MIT
# A running prospectd and the files under it: a feed changed by someone
# else (replaced, edited in place, removed, its directory replaced) is
# written again at the next wake-up; a database replaced at its
# path is reopened (and another process's commits to it seen); a database
# removed stops the daemon with exit 1 and one clear line, leaving the new
# database that a `prospectctl log` then creates alone; a database open to
# others is made 0600, saying so. Notifications are off (no session bus
# needed). Every wait is bounded.
. tests/cli/lib.sh

mkdir -p "$T/campaigns" "$T/db"
cp config/campaigns/example.conf "$T/campaigns/"
DB="$T/db/prospectd.db"
cat >"$T/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $DB
feeds = $T/feeds
notifications = off
CONF
C="$CTL --config $T/prospectd.conf"
FEED="$T/feeds/example/alice.ics"

# wait_for FILE PATTERN: up to 30 s (a loaded machine, ASan)
wait_for () {
  i=0
  while ! grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -ge 300 ] && return 1; sleep 0.1
  done
}
# wait_until COMMAND...: up to 30 s
wait_until () {
  i=0
  until "$@"; do
    i=$((i + 1)); [ $i -ge 300 ] && return 1; sleep 0.1
  done
}
same_as () { cmp -s "$1" "$2"; }
start () {
  # Emptied here, not by the background job's redirection: wait_for must
  # not find the previous daemon's lines before the new one truncates it.
  : >"$T/daemon.log"
  $DAEMON --config "$T/prospectd.conf" --now 2027-01-08T18:00 >"$T/daemon.log" 2>&1 &
  daemon_pid=$!
  wait_for "$T/daemon.log" "next wake-up at"
}
# poke: a commit by another process that changes no schedule.
poke () {
  sqlite3 "$DB" ".timeout 5000" "INSERT INTO notifications (campaign, key, sent_at) VALUES ('test', 'poke-$1', 0)"
}

start
check_eq "daemon started, feed written" "yes" "$([ -s "$FEED" ] && echo yes)"
cp "$FEED" "$T/alice.good"

# A feed replaced by someone else (here: an empty calendar) is the
# schedule in force again after the next wake-up, though its blocks did
# not change.
printf 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' >"$T/other.ics"
mv "$T/other.ics" "$FEED"
poke 1
wait_until same_as "$T/alice.good" "$FEED"
check_file "a feed replaced by someone else is written again" "$T/alice.good" "$FEED"
# Rewritten in place, same size: noticed too (its time changed).
sed 's/^SUMMARY:/SUMMARX:/' "$T/alice.good" >"$T/edited.ics"
cat "$T/edited.ics" >"$FEED"
poke 2
wait_until same_as "$T/alice.good" "$FEED"
check_file "a feed edited in place is written again" "$T/alice.good" "$FEED"
# Removed: written again.
rm -f "$FEED"
poke 3
wait_until same_as "$T/alice.good" "$FEED"
check_file "a feed removed is written again" "$T/alice.good" "$FEED"
# The whole feeds directory moved away (its parent renamed: nothing
# happens in the campaign's directory itself) and a copy put in its place,
# the feed edited there: the feed at the path is the schedule in force
# again, the one moved away left alone.
# (A wake-up first, the daemon's own writes of the feed behind it.)
wakeups=$(grep -c "next wake-up at" "$T/daemon.log")
poke 4
wait_until sh -c "[ \$(grep -c 'next wake-up at' '$T/daemon.log') -gt $wakeups ]"
mv "$T/feeds" "$T/feeds.old"
cp -a "$T/feeds.old" "$T/feeds"
cp "$T/edited.ics" "$FEED"
poke 5
wait_until same_as "$T/alice.good" "$FEED"
check_file "a feeds directory replaced: the feed at the path is written again" "$T/alice.good" "$FEED"
check_file "... the one moved away is left alone" "$T/alice.good" "$T/feeds.old/example/alice.ics"
rm -rf "$T/feeds.old"
# Then edited in place in the new directory: noticed there.
cat "$T/edited.ics" >"$FEED"
poke 6
wait_until same_as "$T/alice.good" "$FEED"
check_file "... then a feed edited in place there is written again" "$T/alice.good" "$FEED"

# The database replaced at its path (a restore: a backup, with an entry
# added since, renamed over the old file) is reopened; a log into it is
# then seen by the daemon.
sqlite3 "$DB" ".timeout 5000" ".backup '$T/restored.db'"
$CTL --config "$T/prospectd.conf" --now 2027-01-08T18:00 --db "$T/restored.db" log example --rep bob --contacts 3 --date 2027-01-08 >/dev/null 2>&1
mv "$T/restored.db" "$DB"
wait_for "$T/daemon.log" "database replaced, reopened: '$DB'"
check_eq "a database replaced at its path is reopened" 0 $?
before=$(cksum <"$T/feeds/example/bob.ics")
$C --now 2027-01-08T18:00 log example --rep bob --contacts 5 --date 2027-01-08 >/dev/null
wait_until sh -c "[ \"\$(cksum <'$T/feeds/example/bob.ics')\" != '$before' ]"
check_eq "the reopened database: another process's log changes the feed" "changed" \
  "$([ "$(cksum <"$T/feeds/example/bob.ics")" != "$before" ] && echo changed)"
check_eq "the reopened database is intact, with both entries" "ok 8" \
  "$(sqlite3 "$DB" 'PRAGMA integrity_check') $(sqlite3 "$DB" 'SELECT sum(contacts) FROM activity')"

# The database removed (with its -wal and -shm): the daemon stops, exit 1,
# one line naming the file; a new database created next by a log is
# left whole.
rm -f "$DB" "$DB-wal" "$DB-shm"
wait_until sh -c "! kill -0 $daemon_pid 2>/dev/null" || kill -KILL "$daemon_pid"
wait "$daemon_pid"
check_eq "a database removed: the daemon exits 1" 1 $?
daemon_pid=""
$C --now 2027-01-08T18:00 log example --rep alice --contacts 7 --date 2027-01-08 >/dev/null
check_eq "a database removed: one line says so" \
  "prospectd: the database was removed: '$DB'; stopping (restore it, or restart prospectd to begin a new one)" \
  "$(grep '^prospectd: ' "$T/daemon.log")"
check_eq "a database removed: the new one, created by the log, is whole" "ok 7" \
  "$(sqlite3 "$DB" 'PRAGMA integrity_check') $(sqlite3 "$DB" 'SELECT sum(contacts) FROM activity')"

# A database open to others is made 0600, with a line saying so; the CLI
# says it too.
chmod 644 "$DB"
rm -rf "$T/feeds" # the old database's: the new one may not take them over
start
check_eq "daemon: a 0644 database is made 0600" "600" "$(stat -c %a "$DB")"
check_eq "daemon: and says so" 1 "$(grep -c "database open to others (mode 0644), now 0600: '$DB'" "$T/daemon.log")"
check_eq "daemon: and runs" yes "$(kill -0 "$daemon_pid" 2>/dev/null && echo yes)"
kill -TERM "$daemon_pid"
wait_until sh -c "! kill -0 $daemon_pid 2>/dev/null" || kill -KILL "$daemon_pid"
wait "$daemon_pid"; daemon_pid=""
chmod 640 "$DB"
$C activity example >/dev/null 2>"$T/err"
check_eq "prospectctl: a 0640 database is made 0600, and says so" "0 600 prospectctl: the database '$DB' was open to others (mode 0640): now 0600" \
  "$? $(stat -c %a "$DB") $(cat "$T/err")"

# Not a regular file: refused, nothing created.
mkfifo "$T/fifo.db"
timeout 10 $CTL --config "$T/prospectd.conf" --db "$T/fifo.db" log example --rep alice --contacts 1 --date 2027-01-08 >/dev/null 2>"$T/err"
check_eq "prospectctl: a FIFO as database is refused" "1 prospectctl: Cannot open the database '$T/fifo.db': not a regular file" "$? $(cat "$T/err")"
timeout 10 $DAEMON --config "$T/prospectd.conf" --db "$T/fifo.db" --once --now 2027-01-08T18:00 >/dev/null 2>"$T/err"
check_eq "prospectd: a FIFO as database is refused" "1 prospectd: Cannot open the database '$T/fifo.db': not a regular file" "$? $(grep '^prospectd: ' "$T/err")"
check_eq "a FIFO as database: nothing created beside it" "fifo.db" "$(ls "$T" | grep '^fifo')"

done_testing
