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
