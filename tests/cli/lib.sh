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
trap 'rm -rf "$T"' EXIT

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
