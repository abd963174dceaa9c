#!/bin/sh
# SPDX-License-Identifier: MIT
# Every campaign file in tests/data/bad/ must be refused by
# `prospectctl plan FILE` with exit status 2, nothing on stdout, and exactly
# the one line of stderr stored next to it in NAME.err.
. tests/cli/lib.sh

count=0
for conf in tests/data/bad/*.conf; do
  name=${conf##*/}
  name=${name%.conf}
  expected="tests/data/bad/$name.err"
  count=$((count + 1))
  if [ ! -f "$expected" ]; then
    fail "bad/$name: no $expected"
    continue
  fi
  "$CTL" plan "$conf" >"$T/out" 2>"$T/err"
  rc=$?
  check_eq "bad/$name: exit status" 2 "$rc"
  if [ -s "$T/out" ]; then
    fail "bad/$name: nothing on stdout"; cat "$T/out"
  else
    pass "bad/$name: nothing on stdout"
  fi
  if cmp -s "$expected" "$T/err"; then
    pass "bad/$name: stderr"
  else
    fail "bad/$name: stderr"; diff -u "$expected" "$T/err"
  fi
done

# The brief asks for at least 35; fewer means files went missing.
if [ "$count" -ge 35 ]; then pass "bad campaigns: $count files"; else fail "bad campaigns: only $count files"; fi
done_testing
