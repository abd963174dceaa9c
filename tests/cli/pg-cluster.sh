#!/bin/sh
# SPDX-License-Identifier: MIT
# The tests' throwaway PostgreSQL cluster (tests/pg-cluster.sh): the one
# tests/run-all started answers on a Unix socket in its own temporary
# directory, with no TCP, run by an unprivileged user when the tests run
# as root; `run` stops it and removes its directory whatever the command's
# outcome; the watchdog does when the process that started one dies; a
# cluster that cannot start fails, saying why, and leaves nothing behind.
. tests/cli/lib.sh

pg_cluster
PSQL="$PD_TEST_PG_BIN/psql -X -A -t"

if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then expected_owner=postgres; else expected_owner=nobody; fi
else
  expected_owner=$(id -un)
fi
check_eq "the cluster's files belong to an unprivileged user" "$expected_owner $expected_owner" \
  "$(stat -c %U "$PD_TEST_PG_DIR") $(stat -c %U "$PD_TEST_PG_DIR/data/postmaster.pid")"
check_eq "the server runs as that user" "$expected_owner" \
  "$(ps -o user= -p "$(head -n 1 "$PD_TEST_PG_DIR/data/postmaster.pid")")"
check_eq "its socket is in its directory, named by its port" "socket" \
  "$(stat -c %F "$PGHOST/.s.PGSQL.$PGPORT" | sed 's/^.* //')"
check_eq "no TCP, the socket directory, the port, no fsync" "||$PD_TEST_PG_DIR|$PGPORT|off" \
  "$($PSQL -d "$PD_TEST_PG_URI" -c "SELECT '|' || current_setting('listen_addresses') || '|' ||
       current_setting('unix_socket_directories') || '|' || current_setting('port') || '|' ||
       current_setting('fsync')")"
check_eq "the tests connect as a superuser named after them" "$(id -un) t" \
  "$($PSQL -F ' ' -d "$PD_TEST_PG_URI" -c "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")"
uri=$(pg_newdb harness_check)
check_eq "createdb: the new database's URI" "postgresql:///harness_check?host=$PGHOST&port=$PGPORT" "$uri"
$PSQL -d "$uri" -c "CREATE TABLE t (x int); INSERT INTO t VALUES (1)" >/dev/null
uri=$(pg_newdb harness_check)
check_eq "createdb again: a new, empty database" "0" \
  "$($PSQL -d "$uri" -c "SELECT count(*) FROM pg_tables WHERE tablename = 't'")"

# run: a cluster for one command, stopped after it, whatever it returned.
"$TOP/tests/pg-cluster.sh" run sh -c 'echo "$PD_TEST_PG_DIR" >"$1"; '"$PSQL"' -c "SELECT 42"; exit 3' \
  sh "$T/run-dir" >"$T/out" 2>"$T/err"
check_eq "run: the command ran against its cluster, its status kept" "3:42:" "$?:$(cat "$T/out"):$(cat "$T/err")"
run_dir=$(cat "$T/run-dir")
check_eq "run: its directory is removed and its server stopped" "gone:" \
  "$([ -e "$run_dir" ] || echo gone):$(pgrep -f -- "-D $run_dir/data" || true)"

# The watchdog: the owner dies without stopping the cluster.
sleep 2 &
owner=$!
env_text=$("$TOP/tests/pg-cluster.sh" start "$owner")
check_eq "start: exit 0" "0" "$?"
dog_dir=$(echo "$env_text" | sed -n "s/^PD_TEST_PG_DIR='\(.*\)'; export PD_TEST_PG_DIR$/\1/p")
check_eq "start: a cluster while its owner lives" "1" \
  "$(PGHOST=$dog_dir PGPORT=$(echo "$env_text" | sed -n "s/^PGPORT='\(.*\)'.*/\1/p") $PSQL -d postgres -c 'SELECT 1')"
wait "$owner"
i=0
while [ -e "$dog_dir" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "the watchdog stops the cluster and removes it once its owner is gone" "gone:" \
  "$([ -e "$dog_dir" ] || echo gone):$(pgrep -f -- "-D $dog_dir/data" || true)"

# A cluster that cannot start fails the run, saying why.
mkdir -p "$T/nobin"
env -u PD_TEST_PG_DIR PG_BINDIR="$T/nobin" sh tests/run-all >"$T/out" 2>&1
check_eq "no PostgreSQL: tests/run-all fails at once, saying why" \
  "1:tests/pg-cluster.sh: PostgreSQL's initdb is not in $T/nobin: run 'make deps' (postgresql-15), or set PG_BINDIR
FAIL: the PostgreSQL test cluster did not start (see above); the tests need it
0 passed, 1 failed" "$?:$(cat "$T/out")"

# A server that does not start: pg_ctl fails; nothing is left behind.
chmod 0711 "$T"
mkdir -m 1777 "$T/pgtmp" "$T/fakebin"
for p in initdb postgres psql; do ln -s "$PD_TEST_PG_BIN/$p" "$T/fakebin/$p"; done
printf '#!/bin/sh\necho "pg_ctl: could not start server" >&2\nexit 1\n' >"$T/fakebin/pg_ctl"
chmod +x "$T/fakebin/pg_ctl"
TMPDIR="$T/pgtmp" PG_BINDIR="$T/fakebin" "$TOP/tests/pg-cluster.sh" start >"$T/out" 2>"$T/err"
check_eq "a server that does not start: exit 1, nothing printed to eval" "1:" "$?:$(cat "$T/out")"
check_eq "... saying so, with the user, socket directory and port" \
  "tests/pg-cluster.sh: the PostgreSQL test cluster did not start (as $expected_owner, socket in $T/pgtmp/prospectd-pg.X, port N)" \
  "$(tail -n 1 "$T/err" | sed 's/prospectd-pg\.[A-Za-z0-9]*/prospectd-pg.X/; s/port [0-9]*)/port N)/')"
check_eq "... and its directory is removed" "" "$(ls "$T/pgtmp")"

if [ "$(id -u)" -eq 0 ]; then
  # As root, the directory must be open to the cluster's user.
  mkdir -m 0700 "$T/closed" && mkdir -m 1777 "$T/closed/tmp"
  TMPDIR="$T/closed/tmp" "$TOP/tests/pg-cluster.sh" start >"$T/out" 2>"$T/err"
  check_eq "a temporary directory the cluster's user cannot reach: exit 1, saying so" \
    "1:tests/pg-cluster.sh: $expected_owner cannot write in $T/closed/tmp/prospectd-pg.X (a parent directory closed to it? set TMPDIR)" \
    "$?:$(sed 's/prospectd-pg\.[A-Za-z0-9]*/prospectd-pg.X/' "$T/err")"
  check_eq "... and nothing is left" "" "$(ls "$T/closed/tmp")"
fi

done_testing
