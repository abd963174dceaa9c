#!/bin/sh
# SPDX-License-Identifier: MIT
# Issue 15's three machines on one PostgreSQL server, each daemon with
# its own login and XDG home: alice's desktop (login alice, notify =
# alice), bob's (login bob, notify = bob) and the server (a manager's
# login, feeds set). Each desktop's daemon runs under its rep's login
# and is told about its rep only; alice logs from hers and the server
# rewrites her feed; the manager's status shows it; bob can touch
# none of alice's entries (tests/cli/team.sh checks the feed tokens).
. tests/cli/lib.sh

pg_cluster
PSQL="$PD_TEST_PG_BIN/psql -X -A -t -q"
su_sql () { PGOPTIONS="-c client_min_messages=warning" $PSQL -v ON_ERROR_STOP=1 -d "$PD_TEST_PG_URI" -c "$1"; }
for role in machines_owner alice bob boss; do
  su_sql "DO \$\$ BEGIN CREATE ROLE $role LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" || fail "role $role"
done
su_sql "DROP DATABASE IF EXISTS team_machines" && su_sql "CREATE DATABASE team_machines OWNER machines_owner" \
  || fail "database"
url () { echo "postgresql://$1@/team_machines?host=$PGHOST&port=$PGPORT"; }

"$CTL" --db "$(url machines_owner)" team init >/dev/null 2>&1 || fail "team init"
"$CTL" --db "$(url machines_owner)" team grant alice --rep alice >/dev/null 2>&1 || fail "grant alice"
"$CTL" --db "$(url machines_owner)" team grant bob --rep bob >/dev/null 2>&1 || fail "grant bob"
"$CTL" --db "$(url machines_owner)" team grant boss --manager >/dev/null 2>&1 || fail "grant boss"

mkdir -p "$T/campaigns"
cp config/campaigns/example.conf "$T/campaigns/"
# machine NAME LOGIN NOTIFY FEEDS: a configuration of its own.
machine () {
  mkdir -p "$T/$1"
  {
    echo "[daemon]"
    echo "campaigns = $T/campaigns"
    echo "database = $(url "$2")"
    echo "notify = $3"
    echo "notifications = off"
    [ -n "$4" ] && echo "feeds = $4"
  } >"$T/$1/prospectd.conf"
}
machine alice alice alice ""
machine bob bob bob ""
machine server boss "" "$T/feeds"

# run NAME DATETIME: one evaluation on machine NAME; prints the keys of
# the notifications it recorded, in order; "exit N" when it failed.
run () {
  XDG_DATA_HOME="$T/$1/data" "$DAEMON" --config "$T/$1/prospectd.conf" --once --now "$2" \
    >"$T/$1/out" 2>"$T/$1/err" || { echo "exit $?"; cat "$T/$1/err" >&2; }
  sed -n 's/^prospectd-daemon-INFO: [0-9:.]*: recorded, not shown (notifications off) \([^:]*:[^:]*:[^:]*\(:[0-9]*\)\{0,1\}\): .*/\1/p' \
    "$T/$1/err"
}
ctl_as () { who=$1; shift; "$CTL" --config "$T/$who/prospectd.conf" --now 2027-01-05T18:00 "$@"; }

check_eq "alice's desktop under alice's login: her reminder" "reminder:alice:2027-01-04:1" \
  "$(run alice 2027-01-04T08:50)"
check_eq "bob's desktop under bob's login: his reminder" "reminder:bob:2027-01-04:1" "$(run bob 2027-01-04T08:51)"
check_eq "the server under a manager's login: no notification" "" "$(run server 2027-01-04T08:52)"
check_eq "only the server writes feeds" "alice.ics bob.ics" "$(ls "$T/feeds/example" | tr '\n' ' ' | sed 's/ $//')"
check_eq "the desktops write no feed" "no" \
  "$([ -e "$T/alice/data/prospectd/feeds" ] || [ -e "$T/bob/data/prospectd/feeds" ] && echo yes || echo no)"
# The server's daemon keeps running, from the next day's check on (both
# behind: a catch-up); the feeds as they stand before alice logs.
"$DAEMON" --config "$T/server/prospectd.conf" --verbose --now 2027-01-05T18:00 >"$T/server.log" 2>&1 &
server_pid=$!
i=0
while ! grep -q "next wake-up at\|sleeping until a change" "$T/server.log" 2>/dev/null && [ $i -lt 300 ]; do
  i=$((i + 1)); sleep 0.1
done
check_eq "the server's daemon runs under a manager's login" "yes" "$([ $i -lt 300 ] && echo yes)"
before_alice=$(cksum <"$T/feeds/example/alice.ics")
before_bob=$(cksum <"$T/feeds/example/bob.ics")

ctl_as alice log example --rep alice --contacts 40 --date 2027-01-05 >"$T/out" 2>&1
check_eq "alice logs from her desktop" "0:logged #1: alice, 2027-01-05, 40 contacts" "$?:$(cat "$T/out")"
ctl_as bob log example --rep alice --contacts 1 --date 2027-01-05 >"$T/out" 2>&1
check_eq "bob cannot log as alice" "1:prospectctl: bob may log activity only as bob" "$?:$(cat "$T/out")"
ctl_as bob activity rm 1 >"$T/out" 2>&1
check_eq "bob cannot remove alice's entry: to him it does not exist" \
  "2:prospectctl: Cannot remove activity: No such entry: '1'" "$?:$(cat "$T/out")"
check_eq "alice's entry untouched" "1|alice|40" \
  "$($PSQL -d "$(url boss)" -c "SELECT id, rep, contacts FROM prospectd.activity ORDER BY id")"

i=0
while [ "$(cksum <"$T/feeds/example/alice.ics")" = "$before_alice" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "the server rewrote alice's feed, within a second" "changed yes" \
  "$([ "$(cksum <"$T/feeds/example/alice.ics")" != "$before_alice" ] && echo changed) $([ $i -le 10 ] && echo yes)"
check_eq "alice's log does not change bob's feed" "$before_bob" "$(cksum <"$T/feeds/example/bob.ics")"
kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null
ctl_as server status example >"$T/out" 2>&1
check_eq "the manager's status counts alice's 40 contacts" "0:alice 40" \
  "$?:$(awk '$1 == "alice" { print $1, $3 }' "$T/out")"
ctl_as bob status example >"$T/out" 2>&1
check_eq "bob's status shows the team's sums too" "0:alice 40" \
  "$?:$(awk '$1 == "alice" { print $1, $3 }' "$T/out")"

done_testing
