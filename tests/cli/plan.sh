#!/bin/sh
# SPDX-License-Identifier: MIT
# prospectctl plan end to end: the worked example in text and JSON, byte for
# byte against tests/data/plan-*.{txt,json} (every number checked by hand
# against docs/method.md), rounding down, global options on either side of the
# command, help, usage errors, and campaigns found by id.
. tests/cli/lib.sh

EXAMPLE=config/campaigns/example.conf

# run NAME ARGS...: runs prospectctl, leaving $T/out, $T/err and $rc.
run () {
  _name=$1; shift
  "$CTL" "$@" >"$T/out" 2>"$T/err"
  rc=$?
}

# expect_ok NAME GOLDEN ARGS...: exit 0, nothing on stderr, stdout == GOLDEN.
expect_ok () {
  _n=$1; _golden=$2; shift 2
  run "$_n" "$@"
  check_eq "$_n: exit status" 0 "$rc"
  check_eq "$_n: stderr" "" "$(cat "$T/err")"
  check_file "$_n: output" "$_golden" "$T/out"
}

# expect_usage NAME LINE ARGS...: exit 2, nothing on stdout, stderr == LINE.
expect_usage () {
  _n=$1; _line=$2; shift 2
  run "$_n" "$@"
  check_eq "$_n: exit status" 2 "$rc"
  check_eq "$_n: stdout" "" "$(cat "$T/out")"
  printf '%s\n' "$_line" >"$T/expected-err"
  check_file "$_n: stderr" "$T/expected-err" "$T/err"
}

# ---------------------------------------------------------------- the example
expect_ok "example text" "$DATA/plan-example.txt" plan "$EXAMPLE"
expect_ok "example json" "$DATA/plan-example.json" plan "$EXAMPLE" --json
expect_ok "example json, option first" "$DATA/plan-example.json" plan --json "$EXAMPLE"

if command -v python3 >/dev/null 2>&1; then
  if python3 -c 'import json, sys; json.load(sys.stdin)' <"$DATA/plan-example.json"; then
    pass "example json: valid JSON"
  else
    fail "example json: valid JSON"
  fi
fi

# The default rounds up: 466.67 -> 467, 1 868 contacts, 3 736 minutes.
check_eq "example: prospects to contact" \
  "prospects to contact            467   28 ÷ 6% accessibility rate = 466.67, rounded up" \
  "$(grep '^prospects to contact' "$DATA/plan-example.txt")"

# ---------------------------------------------------------------- rounding down
# docs/method.md's table exactly: 466 prospects, 1 864 contacts, 3 728 minutes.
expect_ok "rounding down text" "$DATA/plan-down.txt" plan "$DATA/plan-down.conf"
expect_ok "rounding down json" "$DATA/plan-down.json" plan "$DATA/plan-down.conf" --json
check_eq "rounding down: prospects" \
  "prospects to contact            466   28 ÷ 6% accessibility rate = 466.67, rounded down" \
  "$(grep '^prospects to contact' "$DATA/plan-down.txt")"
check_eq "rounding down: contacts" \
  "contacts                      1 864   466 × 4 contacts per prospect" \
  "$(grep '^contacts' "$DATA/plan-down.txt")"
check_eq "rounding down: call time" \
  "call time                 3 728 min   1 864 × 2 min per contact ≈ 62 h 08 min" \
  "$(grep '^call time' "$DATA/plan-down.txt")"
check_eq "rounding down: json funnel" \
  '"prospects_to_contact" : 466, "contacts" : 1864, "call_minutes" : 3728,' \
  "$(sed '/"reps"/q' "$DATA/plan-down.json" | grep -E '"(prospects_to_contact|contacts|call_minutes)"' |
     tr -s ' ' | tr -d '\n' | sed 's/^ //')"

# ---------------------------------------------------------------- global options
mkdir -p "$T/campaigns" "$T/etc"
cp "$EXAMPLE" "$T/campaigns/q1.conf"
cat >"$T/etc/prospectd.conf" <<EOF
[daemon]
campaigns = $T/campaigns
database = $T/prospectd.db
feeds = $T/feeds
EOF

run "config before" --config "$T/etc/prospectd.conf" plan "$EXAMPLE"
cp "$T/out" "$T/before"
check_eq "config before: exit status" 0 "$rc"
run "config after" plan "$EXAMPLE" --config "$T/etc/prospectd.conf"
check_eq "config after: exit status" 0 "$rc"
check_file "--config before or after the command" "$T/before" "$T/out"
run "config between" plan --config "$T/etc/prospectd.conf" "$EXAMPLE"
check_file "--config between the command and its argument" "$T/before" "$T/out"
run "config with =" plan "$EXAMPLE" --config="$T/etc/prospectd.conf"
check_file "--config=FILE" "$T/before" "$T/out"
check_file "--config does not change a plan named by path" "$DATA/plan-example.txt" "$T/before"

# ---------------------------------------------------------------- campaigns by id
# The id is the file name without .conf: the same funnel, under its own id.
sed 's/^New customers Q1 2027 (example):/New customers Q1 2027 (q1):/' \
  "$DATA/plan-example.txt" >"$T/q1.txt"
sed 's/^  "campaign" : "example",$/  "campaign" : "q1",/' \
  "$DATA/plan-example.json" >"$T/q1.json"
expect_ok "by id" "$T/q1.txt" --config "$T/etc/prospectd.conf" plan q1
expect_ok "by id, json" "$T/q1.json" plan q1 --json --config "$T/etc/prospectd.conf"
# The only campaign configured needs no name.
expect_ok "only campaign" "$T/q1.txt" --config "$T/etc/prospectd.conf" plan
# Not there: say where it looked.
expect_usage "unknown id" \
  "prospectctl: no campaign 'q2' (looked for $T/campaigns/q2.conf)" \
  --config "$T/etc/prospectd.conf" plan q2
# Two campaigns: a name is needed.
cp "$DATA/plan-down.conf" "$T/campaigns/q2.conf"
expect_usage "several campaigns" \
  "prospectctl: several campaigns in $T/campaigns (q1, q2); name one" \
  --config "$T/etc/prospectd.conf" plan
sed 's/^New customers Q1 2027 (plan-down):/New customers Q1 2027 (q2):/' \
  "$DATA/plan-down.txt" >"$T/q2.txt"
expect_ok "by id among several" "$T/q2.txt" --config "$T/etc/prospectd.conf" plan q2
# Without --config, $XDG_CONFIG_HOME/prospectd/prospectd.conf is read.
mkdir -p "$XDG_CONFIG_HOME/prospectd"
cp "$T/etc/prospectd.conf" "$XDG_CONFIG_HOME/prospectd/prospectd.conf"
expect_ok "by id, default configuration" "$T/q1.txt" plan q1
rm "$XDG_CONFIG_HOME/prospectd/prospectd.conf"

# ---------------------------------------------------------------- help
run "help" --help
check_eq "--help: exit status" 0 "$rc"
check_eq "--help: stderr" "" "$(cat "$T/err")"
check_eq "--help: last line" "See prospectctl(1)." "$(tail -n 1 "$T/out")"
check_eq "--help: names plan" "1" "$(grep -c '^  plan \[CAMPAIGN\]' "$T/out")"
run "help -h" -h
check_eq "-h: exit status" 0 "$rc"
check_eq "-h: last line" "See prospectctl(1)." "$(tail -n 1 "$T/out")"
run "plan help" plan --help
check_eq "plan --help: exit status" 0 "$rc"
check_eq "plan --help: stderr" "" "$(cat "$T/err")"
check_eq "plan --help: last line" "See prospectctl(1)." "$(tail -n 1 "$T/out")"
check_eq "plan --help: names --json" "1" "$(grep -c -- '--json' "$T/out")"

# ---------------------------------------------------------------- usage errors
expect_usage "unknown command" \
  "prospectctl: unknown command 'frobnicate' (see prospectctl --help)" frobnicate
expect_usage "unknown command after an option" \
  "prospectctl: unknown command 'frobnicate' (see prospectctl --help)" \
  --config "$T/etc/prospectd.conf" frobnicate
expect_usage "no command" "prospectctl: no command given (see prospectctl --help)"
expect_usage "missing campaign file" \
  "prospectctl: tests/data/missing.conf: no such campaign file" plan tests/data/missing.conf
expect_usage "missing campaign file (relative, .conf)" \
  "prospectctl: missing.conf: no such campaign file, here or in $XDG_CONFIG_HOME/prospectd/campaigns" plan missing.conf
expect_usage "two campaigns" "prospectctl: unexpected argument 'other'" plan "$EXAMPLE" other
expect_usage "unknown option" "prospectctl: Unknown option --frob" plan "$EXAMPLE" --frob
expect_usage "missing daemon configuration" \
  "prospectctl: $T/none.conf: No such file or directory" --config "$T/none.conf" plan "$EXAMPLE"
# The largest figures config accepts: the funnel overflows 64 bits at the
# active prospects (10^14 deals × 10^4 × 10^4), and says so, never wraps.
sed -e 's/^objective = 60000$/objective = 1000000000000/' \
    -e 's/^average_deal = 20000$/average_deal = 0.01/' \
    -e 's/^proposals_per_deal = 3$/proposals_per_deal = 10000/' \
    -e 's/^compensation_factor = 4$/compensation_factor = 10000/' "$EXAMPLE" >"$T/huge.conf"
expect_usage "overflow" \
  "prospectctl: $T/huge.conf: [plan]: the plan's active prospects are too many to count; lower the objective or raise the average deal" \
  plan "$T/huge.conf"
expect_usage "a bad campaign" \
  "prospectctl: tests/data/bad/rate-without-percent.conf: [plan] accessibility_rate = 6: write a percentage, e.g. 6%" \
  plan tests/data/bad/rate-without-percent.conf

done_testing
