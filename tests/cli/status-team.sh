# SPDX-License-Identifier: MIT
# backends: sqlite pg
# status: the team's checkpoints to date, with a rep in the store who is
# no longer in the campaign (carol, whose contacts never count) and a rep
# who logged nothing (dave); with --rep (the team's from its days less
# carol's, the rep's own read alone), and for the whole team (text: no
# rep's checkpoints shown; JSON: every rep's), in text, JSON and CSV.
. tests/cli/lib.sh
mkdir -p "$T/with" "$T/without"
# The campaign as logged (carol in it), and as it is now (carol gone).
sed 's/^bob = 0.5/bob = 0.5\ncarol = 0.5\ndave = 0.5/' "$TOP/config/campaigns/example.conf" >"$T/with/example.conf"
sed 's/^bob = 0.5/bob = 0.5\ndave = 0.5/' "$TOP/config/campaigns/example.conf" >"$T/without/example.conf"
printf '[daemon]\ncampaigns = %s\n' "$T/with" >"$T/log.conf"
printf '[daemon]\ncampaigns = %s\n' "$T/without" >"$T/status.conf"
L="$CTL --config $T/log.conf --db $DB --now 2027-03-01T20:00"
S="$CTL --config $T/status.conf --db $DB --now 2027-03-01T20:00"
# alice: 100 on 01-05, 50 on 01-29, 70 on 02-10, 30 on 03-01: 150 by the
# first checkpoint (01-29), 220 by the second (02-26), 250 by 03-01.
# bob: 40 on 02-01, 25 on 02-26: 0, then 65. carol: 33 on 01-11 and 44 on
# 02-15, in the team's days but not the campaign's: the team's are 150,
# 285 and 315 (with carol's they would read 183, 362 and 392).
for entry in "alice 100 2027-01-05" "alice 50 2027-01-29" "alice 70 2027-02-10" "alice 30 2027-03-01" \
    "bob 40 2027-02-01" "bob 25 2027-02-26" "carol 33 2027-01-11" "carol 44 2027-02-15"; do
  set -- $entry
  $L log example --rep "$1" --contacts "$2" --date "$3" >/dev/null || fail "log $entry"
done

team_checkpoints="checkpoints (team)
  2027-01-29   25%  target    375  done    150  missed
  2027-02-26   60%  target    898  done    285  missed
  2027-03-31  100%  target   1868  done    315  upcoming"
checkpoints () { sed -n '/^checkpoints/,/^$/p' | sed '/^$/d'; }

check_eq "status --rep alice: alice's checkpoints, then the team's without carol's" "checkpoints (alice)
  2027-01-29   25%  target    187  done    150  missed
  2027-02-26   60%  target    449  done    220  missed
  2027-03-31  100%  target    934  done    250  upcoming
$team_checkpoints" "$($S status example --as-of 2027-03-01 --rep alice | checkpoints)"
check_eq "status --rep bob: 0 by the first checkpoint, 65 by the second" "checkpoints (bob)
  2027-01-29   25%  target     94  done      0  missed
  2027-02-26   60%  target    225  done     65  missed
  2027-03-31  100%  target    467  done     65  upcoming
$team_checkpoints" "$($S status example --as-of 2027-03-01 --rep bob | checkpoints)"
check_eq "status --rep dave: nothing logged, the team's as for the others" "checkpoints (dave)
  2027-01-29   25%  target     94  done      0  missed
  2027-02-26   60%  target    224  done      0  missed
  2027-03-31  100%  target    467  done      0  upcoming
$team_checkpoints" "$($S status example --as-of 2027-03-01 --rep dave | checkpoints)"
check_eq "status, whole team: the team's checkpoints" "$team_checkpoints" \
  "$($S status example --as-of 2027-03-01 | checkpoints)"
check_eq "status --csv --rep bob: the rep's line and the team's" "rep,planned,done,gap,gap_percent,status,next_checkpoint,checkpoint_target,needed,days_left,needed_per_day
bob,236,65,-171,-72.5,behind,2027-03-31,467,402,21,20
team,944,315,-629,-66.6,behind,2027-03-31,1868,1553,21,74" \
  "$($S status example --as-of 2027-03-01 --rep bob --csv | tr -d '\r')"

# JSON: the rep's checkpoints and the team's, with --rep and without.
cps='import json, sys
s = json.load(sys.stdin)
for r in s["reps"] + [s["team"]]:
    print(r["rep"], [(c["date"], c["actual_contacts"], c["state"]) for c in r["checkpoints"]])
print("checkpoints", [(c["date"], c["actual_contacts"]) for c in s["checkpoints"]])'
check_eq "status --json --rep bob: bob's checkpoints and the team's" "bob [('2027-01-29', 0, 'missed'), ('2027-02-26', 65, 'missed'), ('2027-03-31', 65, 'upcoming')]
team [('2027-01-29', 150, 'missed'), ('2027-02-26', 285, 'missed'), ('2027-03-31', 315, 'upcoming')]
checkpoints [('2027-01-29', 150), ('2027-02-26', 285), ('2027-03-31', 315)]" \
  "$($S status example --as-of 2027-03-01 --rep bob --json | /usr/bin/python3 -c "$cps")"
check_eq "status --json: every rep's checkpoints and the team's" "alice [('2027-01-29', 150, 'missed'), ('2027-02-26', 220, 'missed'), ('2027-03-31', 250, 'upcoming')]
bob [('2027-01-29', 0, 'missed'), ('2027-02-26', 65, 'missed'), ('2027-03-31', 65, 'upcoming')]
dave [('2027-01-29', 0, 'missed'), ('2027-02-26', 0, 'missed'), ('2027-03-31', 0, 'upcoming')]
team [('2027-01-29', 150, 'missed'), ('2027-02-26', 285, 'missed'), ('2027-03-31', 315, 'upcoming')]
checkpoints [('2027-01-29', 150), ('2027-02-26', 285), ('2027-03-31', 315)]" \
  "$($S status example --as-of 2027-03-01 --json | /usr/bin/python3 -c "$cps")"

# On a checkpoint's day its day counts (bob's 25 of 02-26); the day
# before, it is upcoming and reads the team's contacts to date (alice's
# 220 and bob's 40).
check_eq "status --rep bob as of a checkpoint's day" "checkpoints (bob)
  2027-01-29   25%  target     94  done      0  missed
  2027-02-26   60%  target    225  done     65  missed
  2027-03-31  100%  target    467  done     65  upcoming
checkpoints (team)
  2027-01-29   25%  target    375  done    150  missed
  2027-02-26   60%  target    898  done    285  missed
  2027-03-31  100%  target   1868  done    285  upcoming" "$($S status example --as-of 2027-02-26 --rep bob | checkpoints)"
check_eq "status --rep bob the day before" "checkpoints (bob)
  2027-01-29   25%  target     94  done      0  missed
  2027-02-26   60%  target    225  done     40  upcoming
  2027-03-31  100%  target    467  done     40  upcoming
checkpoints (team)
  2027-01-29   25%  target    375  done    150  missed
  2027-02-26   60%  target    898  done    260  upcoming
  2027-03-31  100%  target   1868  done    260  upcoming" "$($S status example --as-of 2027-02-25 --rep bob | checkpoints)"
done_testing
