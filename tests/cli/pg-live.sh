# SPDX-License-Identifier: MIT
# Team mode on a real PostgreSQL server (a private throwaway cluster,
# since this script stops and restarts it): 8 processes x 250
# `prospectctl log` at once lose nothing and show no error; a server
# restarted during such a run loses no acknowledged log (every log that
# exited 0 is stored, every other exited 1 saying why); a daemon hears
# another process's log and prospect through LISTEN/NOTIFY within a
# second, makes no system call while idle, logs a lost server once,
# reconnects with backoff without spinning, and evaluates what it missed
# once back.
. tests/cli/lib.sh

# A cluster of this script's own (stopped at exit by its watchdog).
unset PD_TEST_PG_DIR
pg_env=$("$TOP/tests/pg-cluster.sh" start $$) || { fail "the PostgreSQL test cluster did not start"; exit 1; }
eval "$pg_env"
DB=$(pg_newdb pd_live) || { fail "cannot create the test database"; exit 1; }
owner=$(stat -c %U "$PD_TEST_PG_DIR/data")
# server ACTION [OPTION]...: pg_ctl as the cluster's user.
server () {
  if [ "$owner" = "$(id -un)" ]; then
    "$PD_TEST_PG_BIN/pg_ctl" -D "$PD_TEST_PG_DIR/data" -l "$PD_TEST_PG_DIR/server.log" -w "$@" >/dev/null
  else
    runuser -u "$owner" -- "$PD_TEST_PG_BIN/pg_ctl" -D "$PD_TEST_PG_DIR/data" -l "$PD_TEST_PG_DIR/server.log" \
      -w "$@" >/dev/null
  fi
}
sql () {
  PGOPTIONS="-c search_path=prospectd -c client_min_messages=warning" \
    "$PD_TEST_PG_BIN/psql" -X -A -t -q -v ON_ERROR_STOP=1 -d "$DB" -c "$1"
}

daemon_pid=""
trap '[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; rm -rf "$T"' EXIT

mkdir -p "$T/campaigns"
cp "$DATA/four-reps.conf" "$T/campaigns/team.conf"
CAMPAIGN="$T/campaigns/team.conf"
# Its reps, and its first day.
REP1=alice REP2=bob REP3=dave REP4=zoë
start=2027-02-01
$CTL --db "$DB" --now "${start}T18:00" log "$CAMPAIGN" --rep "$REP1" --contacts 0 --date "$start" >/dev/null 2>"$T/err" ||
  { fail "a first log creates the schema"; cat "$T/err"; }
sql "DELETE FROM activity"

# --- 8 writers x 250 logs, four reps: 2 000 rows, no error reaching a user.
writer () { # writer N COUNT: COUNT logs; one line per log: its number and exit status
  w=$1; n=0
  while [ $n -lt "$2" ]; do
    n=$((n + 1))
    eval "rep=\$REP$(( (w + n) % 4 + 1 ))"
    $CTL --db "$DB" --now "${start}T18:00" log "$CAMPAIGN" --rep "$rep" --contacts 0 --date "$start" --note "w$w-$n" \
      >/dev/null 2>>"$T/writer$w.err"
    echo "w$w-$n $?"
  done >"$T/writer$w.out"
}
for w in 1 2 3 4 5 6 7 8; do writer $w 250 & done
wait
check_eq "8 x 250 concurrent logs: every one exited 0" "2000" "$(cat "$T"/writer?.out | grep -c ' 0$')"
check_eq "8 x 250 concurrent logs: no error reached a user" "" "$(cat "$T"/writer?.err)"
check_eq "8 x 250 concurrent logs: 2000 rows, 500 a rep" "500|500|500|500|2000" \
  "$(sql "SELECT string_agg (n::text, '|' ORDER BY rep) || '|' || sum (n) FROM (SELECT rep, count(*) AS n FROM activity GROUP BY rep) c")"
check_eq "8 x 250 concurrent logs: every note once" "2000" "$(sql "SELECT count(DISTINCT note) FROM activity")"
check_eq "8 x 250 concurrent logs: the day sums agree" "2000" \
  "$(sql "SELECT entries FROM activity_team_days")"

# --- the server restarted during a run: nothing acknowledged is lost.
sql "DELETE FROM activity"
rm -f "$T"/writer*
for w in 1 2 3 4; do writer $w 150 & done
sleep 1
server restart -m fast
wait
cat "$T"/writer?.out >"$T/all.out"
ok=$(grep -c ' 0$' "$T/all.out")
failed=$(grep -c ' 1$' "$T/all.out")
check_eq "restart: every log exited 0 or 1" "600" "$((ok + failed))"
check_eq "restart: some logs failed while the server was down" "yes" "$([ "$failed" -gt 0 ] && echo yes)"
sed -n 's/ 0$//p' "$T/all.out" | sort >"$T/acknowledged"
sql "SELECT note FROM activity ORDER BY note" | sort >"$T/stored"
check_eq "restart: every log that exited 0 is stored" "" "$(comm -23 "$T/acknowledged" "$T/stored")"
cat "$T"/writer?.err >"$T/restart.err"
check_eq "restart: a failed log says why, one line each" "$failed" \
  "$(grep -c "^prospectctl: .*\(server\|connection\)" "$T/restart.err")"
check_eq "restart: nothing but those lines" "$failed" "$(wc -l <"$T/restart.err")"
# (what else was said, if anything)
grep -v "^prospectctl: .*\(server\|connection\)" "$T/restart.err" | sed 's/^/  other line: /'
check_eq "restart: rows are the acknowledged ones (and none a failed one claims)" "$ok" \
  "$(comm -12 "$T/acknowledged" "$T/stored" | wc -l)"

# --- a daemon on the server.
sql "DELETE FROM activity"
cat >"$T/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $DB
feeds = $T/feeds
notify = *
notifications = off
CONF
FEED="$T/feeds/team/$REP1.ics"
# Mid-campaign, everyone behind (nothing logged): a log moves the catch-up
# and so the rep's feed.
now=2027-02-10T18:00
"$DAEMON" --config "$T/prospectd.conf" --verbose --now "$now" >"$T/daemon.log" 2>&1 &
daemon_pid=$!
wait_for () { # wait_for FILE PATTERN [TENTHS]: up to 30 s
  i=0
  while ! grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -ge "${3:-300}" ] && return 1; sleep 0.1
  done
}
wait_for "$T/daemon.log" "next wake-up at\|sleeping until a change"
check_eq "daemon on PostgreSQL: running" 0 $?
sleep 1

# Idle: no system call at all (strace counts every one of every thread).
strace -c -f -p "$daemon_pid" -o "$T/strace.out" 2>/dev/null &
strace_pid=$!
sleep 10
kill -INT "$strace_pid"; wait "$strace_pid" 2>/dev/null
calls=$(awk '$NF == "total" { print $(NF-1) }' "$T/strace.out")
check_eq "idle daemon on PostgreSQL: no system call in 10 s" "0" "${calls:-0}"

# Another process's log: heard at once (LISTEN/NOTIFY), the feed rewritten.
before=$(cksum <"$FEED")
$CTL --db "$DB" --now "$now" log "$CAMPAIGN" --rep "$REP1" --contacts 40 --date "$(echo "$now" | cut -c1-10)" >/dev/null
i=0
while [ "$(cksum <"$FEED")" = "$before" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "another process's log: feed rewritten" "changed" "$([ "$(cksum <"$FEED")" != "$before" ] && echo changed)"
check_eq "another process's log: within a second" "yes" "$([ $i -le 10 ] && echo yes)"
check_eq "another process's log: the daemon woke for it" 1 \
  "$(grep -c 'woke for a change in the database by another process' "$T/daemon.log")"
# Another process's prospect: heard too (schema 15), the feed lists it.
unfolded () { tr -d '\r' <"$FEED" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g'; }
before=$(cksum <"$FEED")
$CTL --db "$DB" --now "$now" prospects add "$CAMPAIGN" --rep "$REP1" --company "Zeta Conseil" \
  --phone "+33123456789" >/dev/null
i=0
while [ "$(cksum <"$FEED")" = "$before" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "another process's prospect: the feed lists it" "yes" \
  "$(unfolded | grep -q 'Zeta Conseil — .*tel:+33123456789' && echo yes)"
check_eq "another process's prospect: within a second" "yes" "$([ $i -le 10 ] && echo yes)"

# The server goes away: said once, no spinning, reconnect with backoff.
server stop -m fast
sleep 0.5
ctx () { sed -n 's/^\(voluntary\|nonvoluntary\)_ctxt_switches:[[:space:]]*//p' "/proc/$daemon_pid/status" | paste -sd+ | bc; }
c0=$(ctx)
sleep 5
c1=$(ctx)
check_eq "server gone: logged once" 1 "$(grep -c 'Lost the connection to the database' "$T/daemon.log")"
check_eq "server gone: the daemon still runs" "yes" "$(kill -0 "$daemon_pid" 2>/dev/null && echo yes)"
# Attempts after 1, 2 and 4 s: a few wake-ups, not a loop.
check_eq "server gone: at most 20 context switches in 5 s (no spinning)" "yes" \
  "$([ $((c1 - c0)) -le 20 ] && echo yes || echo "no: $((c1 - c0))")"
# What it missed while away: a log the daemon could not hear.
server start
$CTL --db "$DB" --now "$now" log "$CAMPAIGN" --rep "$REP1" --contacts 40 --date "$(echo "$now" | cut -c1-10)" >/dev/null
before=$(cksum <"$FEED")
wait_for "$T/daemon.log" "reconnected to the database" 200
check_eq "server back: reconnected (next attempt within 8 s)" 0 $?
i=0
while [ "$(cksum <"$FEED")" = "$before" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "server back: what it missed evaluated, feed rewritten" "changed" \
  "$([ "$(cksum <"$FEED")" != "$before" ] && echo changed)"
# And it listens again on the new connection.
before=$(cksum <"$FEED")
$CTL --db "$DB" --now "$now" log "$CAMPAIGN" --rep "$REP1" --contacts 40 --date "$(echo "$now" | cut -c1-10)" >/dev/null
i=0
while [ "$(cksum <"$FEED")" = "$before" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "server back: another log heard within a second" "yes" \
  "$([ "$(cksum <"$FEED")" != "$before" ] && [ $i -le 10 ] && echo yes)"
check_eq "no warning but the lost server" "1" "$(grep -c 'WARNING' "$T/daemon.log")"

kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null; daemon_pid=""
done_testing
