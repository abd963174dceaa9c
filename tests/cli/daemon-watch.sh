# SPDX-License-Identifier: MIT
# What wakes a running prospectd: its own files only. Files created,
# written, renamed and removed beside its database wake none of its
# threads, the feed server's included (their context switches are
# counted: an idle daemon makes none) and log nothing; another process's
# log into the database still wakes it exactly once and rewrites the
# rep's feed, which the server then serves. Every wait is bounded.
. tests/cli/lib.sh

mkdir -p "$T/campaigns" "$T/db"
cp config/campaigns/example.conf "$T/campaigns/"
DB="$T/db/prospectd.db"
PORT=$(free_port)
cat >"$T/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $DB
feeds = $T/feeds
notifications = off
[feeds]
listen = 127.0.0.1:$PORT
CONF
C="$CTL --config $T/prospectd.conf"
FEED="$T/feeds/example/bob.ics"

# wait_for FILE PATTERN: up to 30 s (a loaded machine, ASan)
wait_for () {
  i=0
  while ! grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -ge 300 ] && return 1; sleep 0.1
  done
}
# The context switches of every thread of the daemon so far.
switches () {
  cat /proc/"$daemon_pid"/task/*/status 2>/dev/null | awk '/ctxt_switches:/ { n += $2 } END { print n + 0 }'
}
# wakes_after SECONDS COMMAND...: the daemon's context switches while
# COMMAND runs and for SECONDS after.
wakes_after () {
  seconds=$1; shift
  b=$(switches)
  "$@"
  sleep "$seconds"
  echo $(($(switches) - b))
}

$DAEMON --config "$T/prospectd.conf" --now 2027-01-08T18:00 >"$T/daemon.log" 2>&1 &
daemon_pid=$!
wait_for "$T/daemon.log" "next wake-up at"
check_eq "daemon started" 0 $?
check_eq "with its feed server on a thread of its own" 1 \
  "$(grep -l '^prospectd-feeds$' /proc/"$daemon_pid"/task/*/comm | wc -l)"
# Settled: the recheck after its own commits (10 ms) is long done.
sleep 1
check_eq "idle: no wake-up" 0 "$(wakes_after 1 true)"

lines=$(wc -l <"$T/daemon.log")
neighbours () {
  for i in 1 2 3 4 5 6 7 8 9 10; do
    printf 'other %s\n' "$i" >"$T/db/notes-$i.txt"
  done
  printf 'x' >>"$T/db/notes-1.txt"
  cp "$DB" "$T/db/prospectd.db.bak"
  mv "$T/db/notes-2.txt" "$T/db/notes-2.old"
  rm -f "$T/db/notes-3.txt" "$T/db/prospectd.db.bak"
  mkdir "$T/db/sub" && touch "$T/db/sub/file" && rmdir "$T/db/sub" 2>/dev/null
  rm -rf "$T/db/sub"
}
check_eq "files created, written, renamed and removed beside the database: no wake-up" 0 \
  "$(wakes_after 1 neighbours)"
check_eq "and nothing logged" "$lines" "$(wc -l <"$T/daemon.log")"

# Another process's log still wakes it, once, and rewrites bob's feed.
before=$(cksum <"$FEED")
$C --now 2027-01-08T18:00 log example --rep bob --contacts 5 --date 2027-01-08 >/dev/null
i=0
while [ "$(cksum <"$FEED")" = "$before" ] && [ $i -lt 300 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "a log by another process: the rep's feed rewritten" "changed" \
  "$([ "$(cksum <"$FEED")" != "$before" ] && echo changed)"
sleep 0.5
check_eq "a log by another process: woke once for it" 1 \
  "$(grep -c 'woke for a change in the database by another process' "$T/daemon.log")"
URL=$($C feed-url example --rep bob | head -n 1)
curl -s --noproxy '*' --max-time 10 -o "$T/body" "$URL"
check_file "the server serves the new feed" "$FEED" "$T/body"

done_testing
