# SPDX-License-Identifier: MIT
# prospectctl status on the example campaign after a scripted first week,
# then the database under concurrent processes and a killed writer.
. tests/cli/lib.sh
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $T/prospectd.db
feeds = $T/feeds
campaigns = $TOP/config/campaigns
CONF
# Logging a day after today is refused: the clock is set to the end of
# the campaign's first month.
C="$CTL --config $T/prospectd.conf --now 2027-01-29T20:00"

# Baseline, first segment (312 and 156 contacts over 20 days): alice 16 a
# day from 2027-01-04 to 01-19 then 15; bob 8 a day to 01-25 then 7.
for d in 04 05 06 07; do
  $C log example --rep alice --contacts 16 --prospects 5 --active 1 --latent 1 --arid 3 --date 2027-01-$d >/dev/null
  $C log example --rep bob --contacts 8 --date 2027-01-$d >/dev/null
done
$C log example --rep bob --contacts 10 --active 2 --latent 3 --proposals 2 --deals 1 --revenue 20000 --date 2027-01-08 >/dev/null
# Logged after the as-of day: must not count.
$C log example --rep alice --contacts 99 --date 2027-01-11 >/dev/null

# alice 64 of 80: -20 %, behind (64 < 72); bob 42 of 40: ahead; team 106
# of 120: -11.67 %, shown -11.7 %, behind (106 < 108).
# Observed, each rate over the rep-days that carry its counts (bob's days
# of calls alone count for none): 6 active of 25 prospects qualified = 24
# %; (64 + 10) contacts / 25 prospects = 2.96 per prospect (all contacts,
# 106 / 25 = 4.24, counted bob's calls-only days); 2 proposals per deal, 1
# deal; 20 000 € per deal. At those rates: 3 deals, 6 proposals, 24
# active, 16 after spontaneous, 16 / 24 % = 66.67 -> 67 prospects, x 2.96
# = 198.32 -> 199 contacts, 199 - 106 = 93 left = 186 min; at the plan's
# rates (1868 - 106) x 2 = 3524 min.
# Projection along the plan's curve, each rep keeping their share of it:
# alice 64 of 80, 1181 left x 80 / 64 = 1476.25 -> 1477 of the curve, 80 +
# 1477 = 1557, 312 past her 1245, at 1245 over her 62 days: 312 x 62 /
# 1245 = 15.5 -> 16 days after 03-31 = 2027-04-22; bob, ahead, 581 x 40 /
# 42 = 553.3 -> 554, 40 + 554 = 594, on his curve on 2027-03-26 (at the
# linear pace he was projected 2027-04-26, after the end); the team's is
# alice's, the last to finish.
LC_ALL=C $C status example --as-of 2027-01-08 >"$T/status.txt"
check_eq "status exits 0" 0 $?
cat >"$T/expected.txt" <<'TXT'
New customers Q1 2027 (example), as of 2027-01-08

rep           planned     done gap              status    next checkpoint: target, needed
alice              80       64 -16 (-20.0%)     behind    2027-01-29: 312, 17/day over 15 days
bob                40       42 +2 (+5.0%)       ahead     2027-01-29: 156, 8/day over 15 days
team              120      106 -14 (-11.7%)     behind    2027-01-29: 468, 25/day over 15 days

checkpoints (team)
  2027-01-29   25%  target    468  done    106  upcoming
  2027-02-26   60%  target   1121  done    106  upcoming
  2027-03-31  100%  target   1868  done    106  upcoming

rates                         assumed     observed  observed over
  accessibility rate               6%        24.0%  25 prospects qualified
  contacts per prospect             4         2.96  25 prospects reached
  proposals per deal                3         2.00  1 deal
  average deal               20 000 €     20 000 €  1 deal with revenue
  revenue won: 20 000 € of 60 000 €

projected completion, each rep keeping their share of the plan's curve:
  team         2027-04-22 (alice, the last to finish)
call time still needed: 3 524 min at the plan's rates, 186 min at the observed rates

burn-up, team contacts (# done, . planned), 2027-01-04 to 2027-03-31
  1 868 |                                                   .........
        |                                              ..............
        |                                       .....................
        |                                ............................
        |                         ...................................
        |                 ...........................................
        |        ....................................................
        |####........................................................
      0 +------------------------------------------------------------
         2027-01-04              2027-02-15                2027-03-31
            ^ as of 2027-01-08
TXT
check_file "status text as of 2027-01-08" "$T/expected.txt" "$T/status.txt"

$C status example --as-of 2027-01-08 --json >"$T/status.json"
/usr/bin/python3 - "$T/status.json" >"$T/json-checks" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
a, b = s["reps"]
def out(name, value): print(f"{name}={value}")
out("as_of", s["as_of"])
out("alice", (a["rep"], a["planned_contacts"], a["actual_contacts"], a["gap"], a["gap_percent"], a["status"], a["projected_completion"]))
out("bob", (b["rep"], b["planned_contacts"], b["actual_contacts"], b["gap"], b["status"], b["projected_completion"]))
t = s["team"]
out("team", (t["planned_contacts"], t["actual_contacts"], t["gap"], t["status"], t["next_checkpoint"]["needed_per_day"]))
out("checkpoints", [(c["date"], c["target_contacts"], c["actual_contacts"], c["state"]) for c in s["checkpoints"]])
out("projected", (s["projected_completion"], s["projected_completion_rep"]))
out("rates", (s["rates"]["assumed"], s["rates"]["observed"]))
out("observed_n", s["rates"]["observed_n"])
out("remaining", (s["remaining_call_minutes"], s["remaining_call_minutes_assumed"], s["reprojected_contacts"], s["remaining_at_least_gap"]))
PY
cat >"$T/json-expected" <<'TXT'
as_of=2027-01-08
alice=('alice', 80, 64, -16, '-20.0%', 'behind', '2027-04-22')
bob=('bob', 40, 42, 2, 'ahead', '2027-03-26')
team=(120, 106, -14, 'behind', 25)
checkpoints=[('2027-01-29', 468, 106, 'upcoming'), ('2027-02-26', 1121, 106, 'upcoming'), ('2027-03-31', 1868, 106, 'upcoming')]
projected=('2027-04-22', 'alice')
rates=({'accessibility_rate': '6%', 'contacts_per_prospect': '4', 'proposals_per_deal': '3', 'average_deal_cents': 2000000}, {'accessibility_rate': '24%', 'contacts_per_prospect': '2.96', 'proposals_per_deal': '2', 'average_deal_cents': 2000000})
observed_n={'accessibility_rate': {'prospects_qualified': 25}, 'contacts_per_prospect': {'prospects_reached': 25}, 'proposals_per_deal': {'deals': 1}, 'average_deal_cents': {'deals': 1}}
remaining=(186, 3524, 199, False)
TXT
check_file "status --json as of 2027-01-08" "$T/json-expected" "$T/json-checks"

# --rep: that rep's projection too.
check_eq "status --rep bob: bob's projection, then the team's" "projected completion, each rep keeping their share of the plan's curve:
  bob          2027-03-26
  team         2027-04-22 (alice, the last to finish)" \
  "$($C status example --as-of 2027-01-08 --rep bob | sed -n '/^projected/,/^  team/p')"

$C status example --as-of 2027-01-08 --check >/dev/null
check_eq "status --check exits 3 when a rep is behind" 3 $?
$C status example --as-of 2027-01-08 --check --rep bob >/dev/null
check_eq "status --check --rep bob exits 0 (bob is ahead)" 0 $?

# A checkpoint met and one missed: as of 2027-02-01 alice (312 due by
# 01-29) has 64 + 99 = 163: missed.
state=$($C status example --as-of 2027-02-01 --json | /usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["reps"][0]["checkpoints"][0]["state"], s["reps"][0]["checkpoints"][0]["actual_contacts"], s["checkpoints"][1]["state"])')
check_eq "checkpoint 2027-01-29 missed by alice" "missed 163 upcoming" "$state"

# A team behind is never told 0 min at the observed rates: alice's one
# deal of 60 000 € from 1 proposal, 5 active of 10 qualified, leaves the
# 8 spontaneous prospects enough (0 contacts at these rates), but the
# team did 40 of the 120 planned: (120 - 40) x 2 = 160 min. Bob, with
# nothing logged, has no projection, and so neither has the team.
$C --db "$T/behind.db" log example --rep alice --contacts 40 --active 5 --latent 5 --proposals 1 --deals 1 \
  --revenue 60000 --date 2027-01-08 >/dev/null
check_eq "status: the gap to the curve, not 0 min, while behind" "projected completion, each rep keeping their share of the plan's curve:
  team         not yet known (bob: nothing logged)
call time still needed: 3 656 min at the plan's rates, 160 min at the observed rates (the gap to the plan's curve: these rates need no more contacts than that)" \
  "$($C --db "$T/behind.db" status example --as-of 2027-01-08 | sed -n '/^projected/,/^call time/p')"
check_eq "status --json: remaining_at_least_gap" "160 0 True" \
  "$($C --db "$T/behind.db" status example --as-of 2027-01-08 --json | /usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["remaining_call_minutes"], s["reprojected_contacts"], s["remaining_at_least_gap"])')"

# A --db naming no file is refused (a typo must not read as zeros), and
# nothing is created.
rm -f "$T/none.db"
$C --db "$T/none.db" status example --as-of 2027-01-04 --json >/dev/null 2>&1
check_eq "status --db naming no file exits 2" 2 $?
check_eq "status does not create a database" "no" "$([ -e "$T/none.db" ] && echo yes || echo no)"

# Concurrency: 4 processes log 500 entries each while status runs in a
# loop. Each writer goes round the 20 working days of 2027-01-04 to
# 01-29, 25 calls a day: a rep's day stays within what a day holds.
D="$T/busy.db"
$C --db "$D" log example --rep alice --contacts 0 --date 2027-01-04 >/dev/null   # creates the file
DAYS="04 05 06 07 08 11 12 13 14 15 18 19 20 21 22 25 26 27 28 29"
writer () {
  fails=0
  for round in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do
    for day in $DAYS; do
      $C --db "$D" log example --rep "$1" --contacts 1 --date "2027-01-$day" >/dev/null 2>>"$T/writer-$2.err" || fails=$((fails + 1))
    done
  done
  echo $fails >"$T/writer-$2.fails"
}
( while [ ! -e "$T/stop" ]; do
    $C --db "$D" status example --as-of 2027-01-29 --json >/dev/null 2>>"$T/status.err" || echo x >>"$T/status.fail"
  done ) &
reader=$!
writer alice 1 & w1=$!; writer bob 2 & w2=$!; writer alice 3 & w3=$!; writer bob 4 & w4=$!
wait $w1 $w2 $w3 $w4
touch "$T/stop"; wait $reader
check_eq "no writer failed" "0 0 0 0" "$(cat "$T/writer-1.fails" "$T/writer-2.fails" "$T/writer-3.fails" "$T/writer-4.fails" | tr '\n' ' ' | sed 's/ $//')"
check_eq "no error reached a user" "" "$(cat "$T"/writer-*.err "$T/status.err" 2>/dev/null)"
check_eq "status never failed" "no" "$([ -e "$T/status.fail" ] && echo yes || echo no)"
done_contacts=$($C --db "$D" status example --as-of 2027-01-29 --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["team"]["actual_contacts"])')
check_eq "all 2000 entries are there" 2000 "$done_contacts"

# Durability: a writer killed with SIGKILL mid-loop; every entry whose
# `log` returned 0 is in the database, which passes integrity_check.
K="$T/kill.db"
( i=0; while [ $i -lt 100000 ]; do
    out=$($C --db "$K" log example --rep bob --contacts 1 --date 2027-01-06) && echo "$out" | sed 's/^logged #\([0-9]*\):.*/\1/' >>"$T/acked"
    i=$((i + 1))
  done ) &
loop=$!
n=0
touch "$T/acked"
while [ "$(wc -l <"$T/acked")" -lt 40 ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
# The loop, then whatever prospectctl was writing at that moment.
kill -KILL $loop 2>/dev/null; pkill -KILL -f -- "--db $K log" 2>/dev/null; wait $loop 2>/dev/null
sleep 0.2
ids=$($C --db "$K" activity example --json | /usr/bin/python3 -c 'import json,sys; print("\n".join(str(e["id"]) for e in json.load(sys.stdin)))')
missing=0
for id in $(cat "$T/acked"); do echo "$ids" | grep -qx "$id" || missing=$((missing + 1)); done
check_eq "at least 40 acknowledged entries before the kill" yes "$([ "$(wc -l <"$T/acked")" -ge 40 ] && echo yes || echo no)"
check_eq "every acknowledged entry survived SIGKILL" 0 "$missing"
check_eq "database passes integrity_check" ok "$(sqlite3 "$K" 'PRAGMA integrity_check')"
done_testing
