# SPDX-License-Identifier: MIT
# backends: sqlite pg
# prospectctl schedule, export, log, activity and reschedule end to end on
# the example campaign, with a real database and real feed files.
. tests/cli/lib.sh
E=config/campaigns/example.conf
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $TOP/config/campaigns
CONF
C="$CTL --config $T/prospectd.conf"

# Exact blocks on the first day and around the first checkpoint.
out=$($C schedule example --from 2027-01-28 --to 2027-02-01)
check_eq "schedule around the 2027-01-29 checkpoint" "date        rep          contacts  cumulative  checkpoint          blocks
2027-01-28  alice              15         297  312 by 2027-01-29   09:00-09:16 (8), 14:00-14:14 (7)
2027-01-29  alice              15         312  312 by 2027-01-29   09:00-09:16 (8), 14:00-14:14 (7)
2027-02-01  alice              22         334  747 by 2027-02-26   09:00-09:22 (11), 14:00-14:22 (11)
2027-01-28  bob                 7         149  156 by 2027-01-29   09:00-09:14 (7)
2027-01-29  bob                 7         156  156 by 2027-01-29   09:00-09:14 (7)
2027-02-01  bob                15         171  374 by 2027-02-26   09:00-09:30 (15)" "$out"

json=$($C schedule $E --rep alice --from 2027-03-29 --to 2027-03-31 --json | tr -d ' \n')
check_eq "schedule --json: Easter Monday has no day, last day exact" \
  '{"campaign":"example","timezone":"Europe/Paris","days":[{"rep":"alice","date":"2027-03-30","contacts":22,"minutes":44,"cumulative":1223,"next_checkpoint":{"date":"2027-03-31","target_contacts":1245},"blocks":[{"rep":"alice","date":"2027-03-30","index":1,"start":"2027-03-30T09:00:00+02:00","end":"2027-03-30T09:22:00+02:00","contacts":11,"uid":"20270330-1-alice@example.prospectd"},{"rep":"alice","date":"2027-03-30","index":2,"start":"2027-03-30T14:00:00+02:00","end":"2027-03-30T14:22:00+02:00","contacts":11,"uid":"20270330-2-alice@example.prospectd"}]},{"rep":"alice","date":"2027-03-31","contacts":22,"minutes":44,"cumulative":1245,"next_checkpoint":{"date":"2027-03-31","target_contacts":1245},"blocks":[{"rep":"alice","date":"2027-03-31","index":1,"start":"2027-03-31T09:00:00+02:00","end":"2027-03-31T09:22:00+02:00","contacts":11,"uid":"20270331-1-alice@example.prospectd"},{"rep":"alice","date":"2027-03-31","index":2,"start":"2027-03-31T14:00:00+02:00","end":"2027-03-31T14:22:00+02:00","contacts":11,"uid":"20270331-2-alice@example.prospectd"}]}]}' "$json"

# (segment 3: 1245 - 747 = 498 contacts over 22 March days without Easter
# Monday: 22 each, the 14 earliest days one more, so the last two get 22.)
# Every contact scheduled once.
total=$($C schedule example --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)["days"]; print(sum(b["contacts"] for x in d for b in x["blocks"]), sum(x["contacts"] for x in d))')
check_eq "blocks carry the plan's 1868 contacts" "1868 1868" "$total"

# Infeasible: 62 h in 5 days with a 1 h cap.
sed -e 's/^end = .*/end = 2027-01-08/' -e 's/^rounding = up/rounding = down/' \
    -e 's/^max_daily_calls = .*/max_daily_calls = 1h/' -e '/^2027-0[12]-/d' \
    -e '/^\[rep bob\]/,/^call_windows/d' -e '/^bob = /d' $E >"$T/tight.conf"
$C schedule "$T/tight.conf" >"$T/out" 2>"$T/err"
check_eq "infeasible campaign exits 2" 2 $?
check_eq "infeasible campaign message" "prospectctl: $T/tight.conf: 2027-01-04: rep alice needs 746 min of calls but the day holds 60 min (call windows 09:00-12:00, 14:00-17:00; max_daily_calls 1h). Lengthen the call windows, add reps, or raise max_daily_calls." "$(cat "$T/err")"

# Export: written once, then unchanged and byte-identical; -o - is the same feed.
out=$($C export example)
check_eq "export writes one feed per rep" "alice: $T/feeds/example/alice.ics written
bob: $T/feeds/example/bob.ics written" "$out"
cp "$T/feeds/example/alice.ics" "$T/alice.first"
out=$($C export example)
check_eq "export again changes nothing" "alice: $T/feeds/example/alice.ics unchanged
bob: $T/feeds/example/bob.ics unchanged" "$out"
check_file "regenerated feed is byte-identical" "$T/alice.first" "$T/feeds/example/alice.ics"
$C export example --rep alice -o - >"$T/stdout.ics"
check_file "export -o - prints the same feed" "$T/alice.first" "$T/stdout.ics"
check_eq "alice's feed has one event per block (two a day)" 124 "$(grep -c '^BEGIN:VEVENT' "$T/feeds/example/alice.ics")"
$C export example -o "$T/x.ics" 2>"$T/err"
check_eq "export -o with two reps needs --rep" "2 prospectctl: -o writes one feed: name the rep with --rep" "$? $(cat "$T/err")"

# log: bad values exit 2 and write nothing.
$C --now 2027-01-11T20:00 log example --rep alice --contacts 60 --date 2027-01-08 >/dev/null
check_eq "log records an entry" 0 $?
rows () { $C activity example --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
for bad in "--rep alice --contacts=-3" "--rep alice --contacts 10 --prospects 5 --active 6" \
           "--rep alice --contacts 10 --deals 2 --proposals 1" "--rep alice --contacts 10 --revenue 5000" \
           "--rep alice --contacts 10 --date 2027-04-01" "--rep carol --contacts 10" \
           "--rep alice --contacts ten" "--rep alice" "--contacts 5" "--rep alice --contacts 5 --date 2027-02-30"; do
  $C --now 2027-01-11T20:00 log example $bad >/dev/null 2>&1
  check_eq "log $bad exits 2" 2 $?
done
check_eq "rejected entries wrote nothing" 1 "$(rows)"
$C --now 2027-01-11T20:00 log example --rep alice --contacts 5 --active 7 >/dev/null 2>"$T/err"
check_eq "prospects default to the qualified ones, the day is --now's" "prospectctl: --prospects 7: alice's 2027-01-11 would have 7 prospects reached for 5 calls: each prospect reached takes a call, unless --reason says why (e.g. prospects who called back)" "$(cat "$T/err")"

# Catch-up: alice did 60 of 80 by 2027-01-08, bob all 40. alice is back
# on the curve by the 2027-01-29 checkpoint: 312 - 60 = 252 contacts over
# its 15 days, 17 on the first 12 and 16 on the last 3; the baseline's
# loads after it. The cumulative figures run from the 60 done.
$C --now 2027-01-11T20:00 log example --rep bob --contacts 40 --date 2027-01-08 >/dev/null
out=$($C reschedule example --as-of 2027-01-08)
check_eq "reschedule reports each rep" "alice: 20 contacts behind as of 2027-01-08, back on target by 2027-01-29 (312 contacts): 252 contacts over 15 working days, at most 17 a day.
bob: on plan as of 2027-01-08, nothing to catch up
alice: $T/feeds/example/alice.ics written
bob: $T/feeds/example/bob.ics unchanged" "$out"
check_eq "past events and those after the checkpoint keep SEQUENCE 0 (two blocks a day)" 94 "$(grep -c '^SEQUENCE:0' "$T/feeds/example/alice.ics")"
check_eq "the 15 days to the checkpoint get SEQUENCE 1" 30 "$(grep -c '^SEQUENCE:1' "$T/feeds/example/alice.ics")"
sum=$($C schedule example --rep alice --from 2027-01-11 --json | /usr/bin/python3 -c 'import json,sys; print(sum(x["contacts"] for x in json.load(sys.stdin)["days"]))')
check_eq "future days carry alice's 1245 less the 60 done" 1185 "$sum"
check_eq "first re-spread day: 60 done + 17" "2027-01-11 alice 17 77" \
  "$($C schedule example --rep alice --from 2027-01-11 --to 2027-01-11 | awk 'NR == 2 { print $1, $2, $3, $4 }')"
check_eq "the schedule ends at alice's total" "2027-03-31 alice 22 1245" \
  "$($C schedule example --rep alice --from 2027-03-31 | awk 'NR == 2 { print $1, $2, $3, $4 }')"

# The feed and status tell the same story: the event at the checkpoint
# says 312 cumulative, the first day's target is status's per-day figure.
day_text () { # day_text YYYYMMDD: the DESCRIPTION of alice's events that day
  /usr/bin/python3 -c '
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for e in cal.walk("VEVENT"):
    if e.decoded("DTSTART").strftime("%Y%m%d") == sys.argv[2]:
        print(str(e["DESCRIPTION"]).replace("\n", " | "))' "$T/feeds/example/alice.ics" "$1"
}
check_eq "feed: 17 on the first day, 77 cumulative" \
  "This block: 9 contacts | Today: 17 contacts | Cumulative target by the end of the day: 77 contacts | Next checkpoint: 2027-01-29, 312 contacts cumulative
This block: 8 contacts | Today: 17 contacts | Cumulative target by the end of the day: 77 contacts | Next checkpoint: 2027-01-29, 312 contacts cumulative" \
  "$(day_text 20270111)"
check_eq "feed: the checkpoint day's cumulative target is the checkpoint's" \
  "This block: 8 contacts | Today: 16 contacts | Cumulative target by the end of the day: 312 contacts | Next checkpoint: 2027-01-29, 312 contacts cumulative
This block: 8 contacts | Today: 16 contacts | Cumulative target by the end of the day: 312 contacts | Next checkpoint: 2027-01-29, 312 contacts cumulative" \
  "$(day_text 20270129)"
check_eq "status: the same figures" "alice              80       60 -20 (-25.0%)     behind    2027-01-29: 312, 17/day over 15 days" \
  "$($C status example --as-of 2027-01-08 | grep '^alice')"
check_eq "UIDs stay stable across the catch-up" \
  "$(grep '^UID' "$T/alice.first")" "$(grep '^UID' "$T/feeds/example/alice.ics")"

# The caught-up feed read back by python3-icalendar: every event at the
# times the new schedule says (the week after the 2027-03-28 DST change
# included), each instant also through the zone to_tz() builds from the
# feed's VTIMEZONE, TZID plain, alarms present.
$C schedule example --rep alice --json | /usr/bin/python3 -c '
import json, sys
days = json.load(sys.stdin)["days"]
from datetime import datetime, timezone
def utc(text):
    return datetime.fromisoformat(text).astimezone(timezone.utc).replace(tzinfo=None).isoformat()
events = [{"uid": b["uid"], "start": b["start"][:19], "end": b["end"][:19],
           "start_utc": utc(b["start"]), "end_utc": utc(b["end"])} for d in days for b in d["blocks"]]
json.dump({"tzid": "Europe/Paris", "count": len(events), "alarm_minutes": 10, "events": events}, sys.stdout)' >"$T/expected-feed.json"
/usr/bin/python3 tests/ics-check.py "$T/feeds/example/alice.ics" "$T/expected-feed.json" >"$T/ics-check.out" 2>&1
check_eq "python3-icalendar reads the caught-up feed as scheduled" "0:" "$?:$(cat "$T/ics-check.out")"

# alice makes up for it: 60 + 52 = 112 done by 2027-01-11 against 96
# planned. A new catch-up takes her back to the baseline's load (16 on
# 2027-01-12 instead of the caught-up 17), counted from the 112 done; bob
# is 8 short: 156 - 40 = 116 by the checkpoint, over 14 days.
$C --now 2027-01-11T20:00 log example --rep alice --contacts 52 --date 2027-01-11 >/dev/null
out=$($C reschedule example --as-of 2027-01-11 | head -n 2)
check_eq "a rep who made up the shortfall is on plan" "alice: on plan as of 2027-01-11, nothing to catch up
bob: 8 contacts behind as of 2027-01-11, back on target by 2027-01-29 (156 contacts): 116 contacts over 14 working days, at most 9 a day." "$out"
check_eq "alice goes back to the baseline's load" "2027-01-12 alice 16 128" \
  "$($C schedule example --rep alice --from 2027-01-12 --to 2027-01-12 | awk 'NR == 2 { print $1, $2, $3, $4 }')"

# A catch-up the calendar cannot hold: nothing logged by 2027-03-26 leaves
# alice 1 201 contacts short with two days left (Easter Monday is off),
# 60 contacts each (2 h at 2 min): 120 planned, 1 125 uncovered; bob the
# same on his side. Each rep gets what fits; exit 0. (Another database:
# its own feeds directory, the first belongs to prospectd.db.)
LATE=$(db_new late)
cat >"$T/late.conf" <<CONF
[daemon]
database = $LATE
feeds = $T/late-feeds
campaigns = $TOP/config/campaigns
CONF
$CTL --config "$T/late.conf" reschedule example --as-of 2027-03-26 >"$T/out" 2>"$T/err"
check_eq "a catch-up over capacity exits 0" 0 $?
check_eq "a catch-up over capacity reports what is uncovered" "alice: 1 201 contacts behind as of 2027-03-26, at full capacity to the end: 120 contacts over 2 working days, at most 60 a day; 1 125 contacts left uncovered.
bob: 601 contacts behind as of 2027-03-26, at full capacity to the end: 120 contacts over 2 working days, at most 60 a day; 503 contacts left uncovered." \
  "$(head -n 2 "$T/out")"
check_eq "a catch-up over capacity: nothing on stderr" "" "$(cat "$T/err")"
check_eq "a catch-up over capacity fills the days it can" "2027-03-30 alice 60 60" \
  "$($C --db "$LATE" schedule example --rep alice --from 2027-03-30 --to 2027-03-30 | awk 'NR == 2 { print $1, $2, $3, $4 }')"

# activity rm
id=$($C activity example --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
check_eq "activity rm removes the entry and says what it held" "removed #$id: alice, 2027-01-08: 60 contacts" "$($C activity rm "$id")"
$C activity rm "$id" 2>/dev/null
check_eq "activity rm of a missing id exits 2" 2 $?
done_testing
