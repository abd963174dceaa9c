# SPDX-License-Identifier: MIT
# Helpers for the end-to-end scripts: each check prints "PASS: name" or
# "FAIL: name" (with the difference), and the script exits non-zero if any
# check failed. Scripts run the real binaries from $BUILD on a temporary
# directory that is removed at exit.
set -u
BUILD=${BUILD:-build}
TOP=$(pwd)
CTL="$TOP/$BUILD/prospectctl"
DAEMON="$TOP/$BUILD/prospectd"
DATA="$TOP/tests/data"
T=$(mktemp -d)
export XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data" XDG_STATE_HOME="$T/state"
export LC_ALL=C.UTF-8 TZ=UTC
_failed=0

# A script that starts a daemon keeps its pid in daemon_pid: at exit it is
# stopped (TERM, then KILL after 10 s at most) before $T is removed.
daemon_pid=""
stop_daemon () {
  if [ -n "$daemon_pid" ]; then
    kill "$daemon_pid" 2>/dev/null
    i=0
    while kill -0 "$daemon_pid" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
}
trap 'stop_daemon; rm -rf "$T"' EXIT

# free_port: prints a TCP port free on 127.0.0.1 now.
free_port () {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

pass () { echo "PASS: $1"; }
fail () { echo "FAIL: $1"; _failed=1; }

# check_eq NAME EXPECTED ACTUAL
check_eq () {
  if [ "$2" = "$3" ]; then pass "$1"; else
    fail "$1"; printf 'expected: %s\nactual:   %s\n' "$2" "$3"; fi
}

# check_file NAME EXPECTED_FILE ACTUAL_FILE
check_file () {
  if diff -u "$2" "$3" >"$T/diff" 2>&1; then pass "$1"; else
    fail "$1"; cat "$T/diff"; fi
}

done_testing () { exit $_failed; }

# pg_cluster: makes sure a PostgreSQL test cluster is there: the one
# tests/run-all started (its variables exported), else one of this
# script's own, stopped once the script has exited (tests/pg-cluster.sh).
pg_cluster () {
  [ -n "${PD_TEST_PG_DIR:-}" ] && return 0
  _pg_env=$("$TOP/tests/pg-cluster.sh" start $$) || {
    fail "the PostgreSQL test cluster did not start"; exit 1; }
  eval "$_pg_env"
}

# pg_newdb NAME: a new, empty database NAME in the test cluster (an older
# one of that name dropped first); prints its URI. Call pg_cluster first,
# outside $(...), so that its variables stay in the script.
pg_newdb () {
  [ -n "${PD_TEST_PG_DIR:-}" ] || { echo "pg_newdb: call pg_cluster first" >&2; return 1; }
  "$TOP/tests/pg-cluster.sh" createdb "$1"
}

# One suite, two backends. A script that says "# backends: sqlite pg" runs
# twice (tests/run-all): as it is, then with PD_TEST_DB=pg. Its database
# is then $DB: the file $T/prospectd.db, or on PostgreSQL a new database
# of the test cluster (its URI), and it looks behind the store's back
# only through these:
#   db_sql SQL    prints SQL's rows, columns joined by '|' (the sqlite3
#                 shell's form; on PostgreSQL in the schema prospectd)
#   db_written    whether anything was ever written: the file exists
#                 (SQLite), a campaign is recorded (PostgreSQL, where a
#                 reading command may create the empty schema)
#   db_new NAME   prints the name of another new, empty database
#   db_reset      empties $DB: as if it had never been written
if [ "${PD_TEST_DB:-}" = pg ]; then
  pg_cluster
  db_new () { pg_newdb "pd_cli_$$_$1"; }
  DB=$(db_new main) || { fail "cannot create the test database"; exit 1; }
  db_sql () {
    PGOPTIONS="-c search_path=prospectd -c client_min_messages=warning" \
      "$PD_TEST_PG_BIN/psql" -X -A -t -q -v ON_ERROR_STOP=1 -d "${2:-$DB}" -c "$1"
  }
  db_reset () { db_sql "DROP SCHEMA IF EXISTS prospectd CASCADE"; }
  db_written () {
    [ "$(db_sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'prospectd' AND tablename = 'campaigns'")" = 1 ] &&
      [ "$(db_sql 'SELECT count(*) > 0 FROM campaigns')" = t ]
  }
else
  DB="$T/prospectd.db"
  db_new () { echo "$T/$1.db"; }
  db_sql () { sqlite3 "${2:-$DB}" "$1"; }
  db_reset () { rm -f "$DB"; }
  db_written () { [ -e "$DB" ]; }
fi
