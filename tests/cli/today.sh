# SPDX-License-Identifier: MIT
# backends: sqlite pg
# A rep's day and the spreadsheets: prospectctl
# today, status --csv, activity --csv, status --week.
. tests/cli/lib.sh
# The example campaign, alone in its directory: alice's 16 contacts a day
# make two blocks, one per call window, 09:00-09:16 and 14:00-14:16 (8
# each); bob's 8, one block 09:00-09:16.
mkdir -p "$T/campaigns"
cp "$TOP/config/campaigns/example.conf" "$T/campaigns/example.conf"
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $T/campaigns
CONF
C="$CTL --config $T/prospectd.conf"
MONDAY="--now 2027-01-11T09:25"

# --- today, before anything is logged: no database is created.
out=$($C today --now 2027-01-11T08:00)
check_eq "today at 08:00: the day ahead" "New customers Q1 2027 (example), 2027-01-11 08:00 Europe/Paris

alice: 16 planned, 0 done, 16 left; next block 09:00-09:16, 8 contacts
  09:00-09:16    8 contacts  next
  14:00-14:16    8 contacts

bob: 8 planned, 0 done, 8 left; next block 09:00-09:16, 8 contacts
  09:00-09:16    8 contacts  next" "$out"
check_eq "today creates no database" no "$(db_written && echo yes || echo no)"

# --- the first week (as in status.sh): alice 16 a day with 5 prospects
# (1 active), bob 8 a day and on Friday 10 with 5 prospects (2 active),
# 2 proposals, 1 deal.
for d in 04 05 06 07; do
  $C $MONDAY log --rep alice --contacts 16 --prospects 5 --active 1 --latent 1 --arid 3 --date 2027-01-$d >/dev/null
  $C $MONDAY log --rep bob --contacts 8 --date 2027-01-$d >/dev/null
done
$C $MONDAY log --rep bob --contacts 10 --active 2 --latent 3 --proposals 2 --deals 1 --revenue 20000 \
  --date 2027-01-08 --note 'Acme, "call back" in March' >/dev/null
$C $MONDAY log --rep alice --contacts 10 --date 2027-01-11 >/dev/null

# --- today at 09:25: alice's first block is covered by her 10 calls, the
# second is next; bob's only block is over and not done.
out=$($C today $MONDAY)
check_eq "today at 09:25" "New customers Q1 2027 (example), 2027-01-11 09:25 Europe/Paris

alice: 16 planned, 10 done, 6 left; next block 14:00-14:16, 8 contacts
  09:00-09:16    8 contacts  done
  14:00-14:16    8 contacts  next

bob: 8 planned, 0 done, 8 left; no block left today
  09:00-09:16    8 contacts  missed" "$out"
out=$($C today --rep alice --now 2027-01-11T14:05 --json | /usr/bin/python3 -c '
import json, sys
t = json.load(sys.stdin)
r = t["reps"][0]
print(t["date"], t["now"], len(t["reps"]), r["rep"], r["planned_contacts"], r["done_contacts"], r["left_contacts"], r["next_block"],
      [(b["start"], b["end"], b["contacts"], b["state"]) for b in r["blocks"]])')
check_eq "today --rep alice --json at 14:05: the block under way" \
  "2027-01-11 2027-01-11T14:05:00+01:00 1 alice 16 10 6 {'start': '14:00', 'end': '14:16', 'contacts': 8} [('09:00', '09:16', 8, 'done'), ('14:00', '14:16', 8, 'now')]" "$out"
out=$($C today --rep alice --now 2027-01-11T18:00 | tail -n 2)
check_eq "today at 18:00: the afternoon block missed" "  09:00-09:16    8 contacts  done
  14:00-14:16    8 contacts  missed" "$out"
out=$($C today --rep alice --now 2027-01-09T10:00)
check_eq "today on a Saturday" "New customers Q1 2027 (example), 2027-01-09 10:00 Europe/Paris

alice: 0 planned, 0 done, 0 left; no block today" "$out"

# --- status --csv: RFC 4180, CRLF, comma, decimal point, a header.
$C status --as-of 2027-01-08 --csv >"$T/status.csv"
printf '%s\r\n' "rep,planned,done,gap,gap_percent,status,next_checkpoint,checkpoint_target,needed,days_left,needed_per_day" \
  "alice,80,64,-16,-20.0,behind,2027-01-29,312,248,15,17" \
  "bob,40,42,2,+5.0,ahead,2027-01-29,156,114,15,8" \
  "team,120,106,-14,-11.7,behind,2027-01-29,468,362,15,25" >"$T/expected.csv"
check_file "status --csv as of 2027-01-08" "$T/expected.csv" "$T/status.csv"
$C status --as-of 2027-01-08 --csv --json >/dev/null 2>"$T/err"
check_eq "--csv with --json: exit 2" "2 prospectctl: --csv and --json: choose one" "$? $(cat "$T/err")"

# --- activity --csv: the note with a comma and quotes is quoted, its
# quotes doubled; Python's csv module (as spreadsheets) reads it back.
$C activity --rep bob --csv >"$T/activity.csv"
printf '%s\r\n' "id,date,rep,contacts,prospects,active,latent,arid,proposals,deals,revenue,currency,note" \
  "2,2027-01-04,bob,8,0,0,0,0,0,0,0.00,EUR," \
  "4,2027-01-05,bob,8,0,0,0,0,0,0,0.00,EUR," \
  "6,2027-01-06,bob,8,0,0,0,0,0,0,0.00,EUR," \
  "8,2027-01-07,bob,8,0,0,0,0,0,0,0.00,EUR," \
  '9,2027-01-08,bob,10,5,2,3,0,2,1,20000.00,EUR,"Acme, ""call back"" in March"' >"$T/expected.csv"
check_file "activity --rep bob --csv" "$T/expected.csv" "$T/activity.csv"
out=$(/usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
print(len(rows), rows[-1][10], rows[-1][12])' "$T/activity.csv")
check_eq "csv.reader reads the activity back" '6 20000.00 Acme, "call back" in March' "$out"

# --- a note a spreadsheet would run as a formula is written as text:
# quoted, behind an apostrophe; a negative number stays a number.
$C log --rep bob --contacts 0 --date 2027-01-09 --now 2027-01-09T18:00 \
  --note '=HYPERLINK("http://evil.example/","Open")' >/dev/null
$C activity --rep bob --csv | tail -n 1 | sed 's/^[0-9]*,//' >"$T/formula.csv"
printf '%s\r\n' '2027-01-09,bob,0,0,0,0,0,0,0,0.00,EUR,"'"'"'=HYPERLINK(""http://evil.example/"",""Open"")"' \
  >"$T/expected.csv"
check_file "activity --csv: a formula-like note is text" "$T/expected.csv" "$T/formula.csv"
$C activity rm "$($C activity --rep bob --csv | tail -n 1 | cut -d, -f1)" >/dev/null

# --- status --week on Monday: last week, Monday to Sunday. alice 64 of
# 80 (-20 %), 4 active of 20 prospects = 20 %, 64 / 20 = 3.2 calls per
# prospect; bob 42 of 40, 2 of 5 = 40 %, 10 / 5 = 2 calls per prospect
# (his days of calls alone carry no prospects: 42 / 5 = 8.4 diluted it),
# 2 proposals per deal; the team 106 of 120 (-11.7 %), 6 of 25 = 24 %,
# (64 + 10) / 25 = 2.96, 2; each rate beside its n (prospects qualified,
# prospects reached, deals). Monday's 10 calls are this week's.
$C status $MONDAY --week >"$T/week.txt"
cat >"$T/expected.txt" <<'TXT'
New customers Q1 2027 (example), last week: 2027-01-04 to 2027-01-10

rep           planned     done gap               accessibility (n)  contacts/prospect (n) proposals/deal (n)
alice              80       64 -16 (-20.0%)             20.0% (20)              3.20 (20)                  -
bob                40       42 +2 (+5.0%)                40.0% (5)               2.00 (5)           2.00 (1)
team              120      106 -14 (-11.7%)             24.0% (25)              2.96 (25)           2.00 (1)
TXT
check_file "status --week on Monday 2027-01-11" "$T/expected.txt" "$T/week.txt"
check_eq "status --week on the Sunday after: the week before" "last week: 2027-01-04 to 2027-01-10" \
  "$($C status --week --as-of 2027-01-17 | head -n 1 | sed 's/.*), //')"
$C status $MONDAY --week --csv --rep bob >"$T/week.csv"
printf '%s\r\n' "week_start,week_end,rep,planned,done,gap,prospects,active,proposals,deals,accessibility_rate_percent,contacts_per_prospect,proposals_per_deal,accessibility_n,contacts_per_prospect_n,proposals_per_deal_n" \
  "2027-01-04,2027-01-10,bob,40,42,2,5,2,2,1,40,2,2,5,5,1" \
  "2027-01-04,2027-01-10,team,120,106,-14,25,6,2,1,24,2.96,2,25,25,1" >"$T/expected.csv"
check_file "status --week --csv --rep bob" "$T/expected.csv" "$T/week.csv"
out=$($C status $MONDAY --week --json | /usr/bin/python3 -c '
import json, sys
w = json.load(sys.stdin)
keys = ("rep", "planned_contacts", "actual_contacts", "gap", "gap_percent", "accessibility_rate", "contacts_per_prospect", "proposals_per_deal")
print(w["campaign"], w["week_start"], w["week_end"])
for line in w["reps"] + [w["team"]]:
    print(*(line[k] for k in keys))')
check_eq "status --week --json" "example 2027-01-04 2027-01-10
alice 80 64 -16 -20.0% 20% 3.2 None
bob 40 42 2 +5.0% 40% 2 2
team 120 106 -14 -11.7% 24% 2.96 2" "$out"
# The n behind each week's rate, as in status --json: bob's week, 5
# prospects qualified and reached, 1 deal, with its revenue.
check_eq "status --week --json: observed_n" \
  "{'accessibility_rate': {'prospects_qualified': 5}, 'contacts_per_prospect': {'prospects_reached': 5}, 'proposals_per_deal': {'deals': 1}, 'average_deal_cents': {'deals': 1}}" \
  "$($C status $MONDAY --week --json --rep bob | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["reps"][0]["observed_n"])')"
$C status --week --check >/dev/null 2>"$T/err"
check_eq "--week with --check: exit 2" "2 prospectctl: --week and --check: --check judges the campaign to date, not a week" "$? $(cat "$T/err")"
done_testing
