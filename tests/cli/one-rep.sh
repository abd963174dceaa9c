# SPDX-License-Identifier: MIT
# backends: sqlite pg
# The commands that ask for one rep build that rep alone, and the team's
# schedule is written a rep at a time: every output must be what the
# whole team's schedule gives, byte for byte. tests/data/four-reps-*.txt
# and .json were written by prospectctl when it built the whole team's
# schedule and printed its JSON as one tree.
. tests/cli/lib.sh
F=$T/campaigns/four-reps.conf
mkdir -p "$T/campaigns"
cp "$DATA/four-reps.conf" "$F"
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $T/campaigns
CONF
C="$CTL --config $T/prospectd.conf"

$C schedule four-reps >"$T/team.txt"
check_file "schedule, the team a rep at a time, as before" "$DATA/four-reps-schedule.txt" "$T/team.txt"
$C schedule four-reps --from 2027-02-20 --to 2027-03-02 --json >"$T/team-days.json"
check_file "schedule --json streamed, as the one JSON tree before" "$DATA/four-reps-schedule.json" "$T/team-days.json"
$C schedule four-reps --from 2027-04-01 --json >"$T/none.json"
check_eq "schedule --json with no day shown" '{
  "campaign" : "four-reps",
  "timezone" : "Europe/Paris",
  "days" : []
}' "$(cat "$T/none.json")"

# slices FILE.json REP: the rep's days of a team's schedule, as JSON text.
slice () {
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["days"]=[x for x in d["days"] if x["rep"]==sys.argv[2]]; print(json.dumps(d, sort_keys=True))' "$1" "$2"
}
same_json () {
  /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$1"
}

# one_rep_checks LABEL: each rep's schedule is its slice of the team's.
one_rep_checks () {
  $C schedule four-reps --json >"$T/team.json"
  $C schedule four-reps >"$T/team.txt"
  for rep in alice bob zoë dave; do
    $C schedule four-reps --rep $rep --json >"$T/$rep.json"
    check_eq "$1: schedule --rep $rep --json is its slice of the team's" "$(slice "$T/team.json" $rep)" "$(same_json "$T/$rep.json")"
    check_eq "$1: $rep has days" 1 "$(grep -c -m1 "\"rep\" : \"$rep\"" "$T/$rep.json")"
    $C schedule four-reps --rep $rep >"$T/$rep.txt"
    awk -v rep=$rep 'NR == 1 || $2 == rep' "$T/team.txt" >"$T/$rep.slice"
    check_file "$1: schedule --rep $rep (text) is its lines of the team's" "$T/$rep.slice" "$T/$rep.txt"
  done
}
one_rep_checks "baseline"

# status --rep: the rep's figures are its line of the team's status, the
# team's figures the same.
$C --now 2027-02-16T20:00 log four-reps --rep zoë --contacts 30 --prospects 5 --active 1 --latent 1 --date 2027-02-15 >/dev/null
$C --now 2027-02-09T20:00 log four-reps --rep dave --contacts 80 --prospects 9 --active 2 --arid 3 --date 2027-02-08 >/dev/null
$C status four-reps --as-of 2027-02-26 --json >"$T/status.json"
for rep in alice bob zoë dave; do
  $C status four-reps --as-of 2027-02-26 --rep $rep --json >"$T/status-$rep.json"
  check_eq "status --rep $rep: its line and the team's, as in the team's status" \
    "$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["reps"]=[r for r in d["reps"] if r["rep"]==sys.argv[2]]; print(json.dumps(d, sort_keys=True))' "$T/status.json" $rep)" \
    "$(same_json "$T/status-$rep.json")"
done
check_eq "status: dave's line" '      "rep" : "dave",
      "total_contacts" : 675,
      "planned_contacts" : 473,
      "actual_contacts" : 80,
      "gap" : -393,' "$(grep -A4 '"rep" : "dave"' "$T/status-dave.json")"

# After a catch-up (a revision in force): the same.
$C --now 2027-02-09T20:00 log four-reps --rep alice --contacts 10 --date 2027-02-08 >/dev/null
$C --now 2027-02-10T20:00 reschedule four-reps >/dev/null
check_eq "the catch-up moved alice's days" "2027-02-11  alice              73          83  156 by 2027-02-12   09:00-10:14 (37), 14:00-15:12 (36)" \
  "$($C schedule four-reps --rep alice --from 2027-02-11 --to 2027-02-11 | tail -n 1)"
one_rep_checks "catch-up"

# today --rep: the rep's paragraph of the team's day, built from that rep
# alone (with the catch-up in force).
$C --now 2027-02-11T10:00 today four-reps >"$T/today.txt"
for rep in alice bob zoë dave; do
  $C --now 2027-02-11T10:00 today four-reps --rep $rep >"$T/today-$rep.txt"
  awk -v rep=$rep 'NR <= 2 { print; next } /^[^ ]/ { on = index($0, rep ":") == 1 } on' "$T/today.txt" \
    | sed -e '$ { /^$/d }' >"$T/today-$rep.slice"
  check_file "today --rep $rep: its paragraph of the team's day" "$T/today-$rep.slice" "$T/today-$rep.txt"
done
check_eq "today --rep alice after the catch-up" "alice: 73 planned, 0 done, 73 left; next block 09:00-10:14, 37 contacts" \
  "$(sed -n 3p "$T/today-alice.txt")"

# export: the team's feeds a stretch of reps at a time; one rep's feed
# (--rep, -o) built from that rep alone is the same file.
rm -rf "$T/feeds/four-reps" # written by reschedule
$C --now 2027-02-11T08:00 export four-reps >"$T/export.out"
check_eq "export lists every feed in rep order" "alice: $T/feeds/four-reps/alice.ics written
bob: $T/feeds/four-reps/bob.ics written
zoë: $T/feeds/four-reps/zo%C3%AB.ics written
dave: $T/feeds/four-reps/dave.ics written" "$(cat "$T/export.out")"
for rep in alice bob zoë dave; do
  file=$(sed -n "s|^$rep: \(.*\) written|\1|p" "$T/export.out")
  $C --now 2027-02-11T08:00 export four-reps --rep $rep -o - >"$T/$rep.ics"
  check_file "export --rep $rep -o -: the team export's feed" "$file" "$T/$rep.ics"
done
check_eq "export --rep: that feed only, unchanged" "dave: $T/feeds/four-reps/dave.ics unchanged" \
  "$($C --now 2027-02-11T08:00 export four-reps --rep dave)"

# A rep whose days do not fit: the team's schedule prints nothing (every
# rep is checked before the first is printed); another rep still shows.
sed -e 's/^max_daily_calls = 2h30m/max_daily_calls = 20m/' "$DATA/four-reps.conf" >"$T/tight.conf"
$C schedule "$T/tight.conf" --json >"$T/out" 2>"$T/err.schedule"
check_eq "a rep that does not fit: exit 2" 2 $?
check_eq "a rep that does not fit: nothing on stdout" "" "$(cat "$T/out")"
check_eq "schedule, a rep that does not fit: the error" "prospectctl: $T/tight.conf: 2027-02-01: rep dave needs 42 min of calls but the day holds 20 min (call windows 08:30-12:00, 13:30-17:30; max_daily_calls 20m). Lengthen the call windows, add reps, or raise max_daily_calls." "$(cat "$T/err.schedule")"
$C export "$T/tight.conf" --dir "$T/tight-feeds" >"$T/out" 2>"$T/err"
check_eq "export, a rep that does not fit: exit 2, nothing written" "2 " "$? $(cat "$T/out")$(ls "$T/tight-feeds" 2>/dev/null)"
check_eq "a rep that does not fit: the error" "prospectctl: $T/tight.conf: 2027-02-01: rep dave needs 42 min of calls but the day holds 20 min (call windows 08:30-12:00, 13:30-17:30; max_daily_calls 20m). Lengthen the call windows, add reps, or raise max_daily_calls." "$(cat "$T/err")"
# The commands about one rep build that rep alone: alice's lists and day
# show although dave's days do not fit...
check_eq "calls --rep alice, dave not fitting" "alice, 2027-02-11 (tight)

Block 1, 09:00-09:16 — 8 calls: 0 listed, 8 without a prospect — import more" \
  "$($C --now 2027-02-11T10:00 calls "$T/tight.conf" --rep alice | sed -n 1,3p)"
check_eq "today --rep alice, dave not fitting" "alice: 15 planned, 0 done, 15 left; next block 14:00-14:14, 7 contacts" \
  "$($C --now 2027-02-11T10:00 today "$T/tight.conf" --rep alice | sed -n 3p)"
# ...but log and call write only into a campaign whose every rep fits
# (the daemon runs only those): dave's error, exit 2, nothing written.
before=$($C activity four-reps | wc -l)
$C --now 2027-02-11T20:00 log "$T/tight.conf" --rep alice --contacts 5 >"$T/out" 2>"$T/err"
check_eq "log into a campaign a rep does not fit: exit 2, nothing on stdout" "2 " "$? $(cat "$T/out")"
check_eq "log, a rep that does not fit: the error" "$(sed -n 1p "$T/err.schedule")" "$(cat "$T/err")"
check_eq "log, a rep that does not fit: nothing written" "$before" "$($C activity four-reps | wc -l)"
$C --now 2027-02-11T20:00 call "$T/tight.conf" 1 --outcome no-answer >"$T/out" 2>"$T/err"
check_eq "call into a campaign a rep does not fit: exit 2, the same error" "2 $(sed -n 1p "$T/err.schedule")" "$? $(cat "$T/err")"
done_testing
