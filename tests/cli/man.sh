# SPDX-License-Identifier: MIT
# Every man page formats without a groff warning.
. tests/cli/lib.sh
for page in man/*.[0-9]; do
  out=$(groff -man -ww -z "$page" 2>&1)
  check_eq "man page $page formats cleanly" "" "$out"
done
done_testing
