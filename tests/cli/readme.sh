#!/bin/sh
# SPDX-License-Identifier: MIT
# The README as a user reads it: its annotated campaign file pasted as is
# gives the example's plan and schedule, its prospectd.conf snippet is
# read, and `prospectctl schedule example.conf ...` typed literally (after
# the install steps: the example copied into the campaigns directory, run
# from anywhere) prints the README's pasted output. Comments after a value
# and keys set twice are errors naming the line(s), in both kinds of file.
. tests/cli/lib.sh

README="$TOP/README.md"
EXAMPLE="$TOP/config/campaigns/example.conf"

# The fenced block after the line that matches $1 (a fixed string), up to
# its closing fence.
block_after () {
  awk -v marker="$1" '
    index($0, marker) { found = 1; next }
    found && !inside && /^```/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }' "$README"
}

mkdir -p "$T/pasted"
block_after 'with every key annotated' >"$T/pasted/example.conf"
check_eq "README: the campaign block is there" "[campaign]" "$(head -n 1 "$T/pasted/example.conf")"
"$CTL" plan "$T/pasted/example.conf" >"$T/pasted.plan" 2>"$T/err"
check_eq "README: the pasted campaign file is accepted" "0:" "$?:$(cat "$T/err")"
"$CTL" plan "$EXAMPLE" >"$T/example.plan"
check_file "README: the pasted campaign's plan is the example's" "$T/example.plan" "$T/pasted.plan"
"$CTL" schedule "$T/pasted/example.conf" >"$T/pasted.schedule" 2>&1
"$CTL" schedule "$EXAMPLE" >"$T/example.schedule" 2>&1
check_eq "README: the example has 119 days of blocks" 120 "$(wc -l <"$T/example.schedule")"
check_file "README: the pasted campaign's schedule is the example's" "$T/example.schedule" "$T/pasted.schedule"

block_after 'listen` set, the daemon serves' >"$T/daemon.conf"
check_eq "README: the prospectd.conf snippet is there" "listen = 127.0.0.1:8765" "$(tail -n 1 "$T/daemon.conf")"
"$CTL" --config "$T/daemon.conf" plan "$EXAMPLE" >/dev/null 2>"$T/err"
check_eq "README: the prospectd.conf snippet is read" "0:" "$?:$(cat "$T/err")"

# Typed literally after the install steps, from another directory.
mkdir -p "$XDG_CONFIG_HOME/prospectd/campaigns" "$T/elsewhere"
cp "$EXAMPLE" "$XDG_CONFIG_HOME/prospectd/campaigns/"
block_after '(`prospectctl schedule example.conf --from 2027-01-04 --to 2027-01-05`)' >"$T/readme.out"
(cd "$T/elsewhere" && "$CTL" schedule example.conf --from 2027-01-04 --to 2027-01-05) >"$T/typed.out" 2>&1
check_file "README: 'prospectctl schedule example.conf' typed literally prints the README's output" \
  "$T/readme.out" "$T/typed.out"
(cd "$T/elsewhere" && "$CTL" plan nothere.conf) >"$T/out" 2>"$T/err"
check_eq "a bare file name found neither here nor in the campaigns directory" \
  "2:prospectctl: nothere.conf: no such campaign file, here or in $XDG_CONFIG_HOME/prospectd/campaigns" \
  "$?:$(cat "$T/err")"

# prospectd.conf gets the same line checks as campaign files.
printf '[daemon]\nnotify = alice   # only me\n' >"$T/inline.conf"
"$CTL" --config "$T/inline.conf" plan "$EXAMPLE" >"$T/out" 2>"$T/err"
check_eq "prospectd.conf: a comment after a value" \
  "2:prospectctl: $T/inline.conf: line 2: [daemon] notify = alice   # only me: a comment goes on its own line, starting with #; move \"# only me\" to the line above" \
  "$?:$(cat "$T/err")"
printf '[daemon]\nnotify = alice\n\n[feeds]\nlisten = 127.0.0.1:8765\n[daemon]\nnotify = bob\n' >"$T/twice.conf"
"$CTL" --config "$T/twice.conf" plan "$EXAMPLE" >"$T/out" 2>"$T/err"
check_eq "prospectd.conf: a key set twice in a group, even split in two" \
  "2:prospectctl: $T/twice.conf: line 7: [daemon] notify = bob: notify is already set on line 2; keep one of the two lines" \
  "$?:$(cat "$T/err")"
done_testing
