# SPDX-License-Identifier: MIT
# backends: sqlite pg
# prospectctl campaigns: every campaign the database knows, as history
# (dates, objective, revenue won and deals so far, ended or not as of
# --now), on a scripted history of three campaigns; one whose file is
# gone; nothing written.
. tests/cli/lib.sh
mkdir -p "$T/campaigns"
campaign () { # ID NAME START END OBJECTIVE CURRENCY
  cat >"$T/campaigns/$1.conf" <<CONF
[campaign]
name = $2
start = $3
end = $4
timezone = Europe/Paris
currency = $6

[plan]
objective = $5
average_deal = 20000
proposals_per_deal = 3
compensation_factor = 4
spontaneous_prospects = 8
accessibility_rate = 6%
contacts_per_prospect = 4
minutes_per_contact = 2

[calendar]
workdays = mon-fri
call_windows = 09:00-12:00, 14:00-17:00
max_daily_calls = 6h

[reps]
alice = 1
bob = 1
CONF
}
campaign q1 "New customers Q1 2027" 2027-01-04 2027-03-31 60000 EUR
campaign q2 "New customers Q2 2027" 2027-04-05 2027-06-30 80000 EUR
campaign us "US pilot" 2027-06-01 2027-07-30 25000 USD
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $T/campaigns
CONF
C="$CTL --config $T/prospectd.conf"
rows () { if db_written; then db_sql 'SELECT count(*) FROM activity'; else echo none; fi; }

# --- no database yet.
out=$($C campaigns --now 2027-05-14T18:00)
check_eq "no database: says so, exit 0" "0 No campaign in the database yet (the daemon or log records one)." "$? $out"
check_eq "no database: --json is []" "[]" "$($C campaigns --json --now 2027-05-14T18:00)"
check_eq "no database: none created" none "$(rows)"

# --- the history: q1 logged in the first quarter, q2 in the second; us
# recorded on its first day with nothing done.
log () { $C log "$@" >/dev/null || fail "log $*"; }
log q1 --rep alice --date 2027-01-11 --contacts 120 --prospects 30 --active 2 --latent 6 --arid 22 --proposals 2 --now 2027-01-11T18:00
log q1 --rep bob --date 2027-03-01 --contacts 10 --deals 1 --revenue 18000 --now 2027-03-01T18:00
log q1 --rep alice --date 2027-03-10 --contacts 10 --deals 1 --revenue 25000.50 --now 2027-03-10T18:00
log q2 --rep alice --date 2027-04-12 --contacts 150 --prospects 40 --active 3 --latent 7 --arid 30 --proposals 2 --now 2027-04-12T18:00
log q2 --rep alice --date 2027-05-10 --contacts 5 --deals 1 --revenue 30000 --now 2027-05-10T18:00
# A deal logged after the day the list is asked for (--now) is not "so far".
log q2 --rep bob --date 2027-05-20 --contacts 5 --deals 1 --revenue 12000 --now 2027-05-20T18:00
log us --rep alice --date 2027-06-01 --contacts 0 --now 2027-06-01T18:00
before=$(rows)

# As of 2027-05-14: q1 ended (43 000.50 € from 2 deals), q2 running (30 000 €,
# 1 deal: bob's deal of 05-20 is after), us not started.
LC_ALL=C $C campaigns --now 2027-05-14T18:00 >"$T/out.txt" 2>"$T/err"
check_eq "campaigns: exit 0, nothing on stderr" "0 " "$? $(cat "$T/err")"
cat >"$T/expected.txt" <<'TXT'
campaign  name                   start       end          objective          won  deals  status
q1        New customers Q1 2027  2027-01-04  2027-03-31    60 000 €  43 000.50 €      2  ended
q2        New customers Q2 2027  2027-04-05  2027-06-30    80 000 €     30 000 €      1  running
us        US pilot               2027-06-01  2027-07-30  25 000 USD        0 USD      0  not started
TXT
check_file "campaigns: every campaign as of --now" "$T/expected.txt" "$T/out.txt"

# Later: q2 has ended, bob's deal counts; the us campaign runs.
LC_ALL=C $C campaigns --now 2027-07-01T09:00 | sed -n '3,4p' >"$T/out.txt"
cat >"$T/expected.txt" <<'TXT'
q2        New customers Q2 2027  2027-04-05  2027-06-30    80 000 €     42 000 €      2  ended
us        US pilot               2027-06-01  2027-07-30  25 000 USD        0 USD      0  running
TXT
check_file "campaigns: as of another day" "$T/expected.txt" "$T/out.txt"

$C campaigns --json --now 2027-05-14T18:00 >"$T/out.json"
check_eq "campaigns --json: exit 0" 0 $?
check_eq "campaigns --json: the same, as values" \
  "q1|New customers Q1 2027|$T/campaigns/q1.conf|2027-01-04|2027-03-31|EUR|6000000|4300050|2|2027-05-14|ended|True|int
q2|New customers Q2 2027|$T/campaigns/q2.conf|2027-04-05|2027-06-30|EUR|8000000|3000000|1|2027-05-14|running|False|int
us|US pilot|$T/campaigns/us.conf|2027-06-01|2027-07-30|USD|2500000|0|0|2027-05-14|not_started|False|int" \
  "$(python3 -c '
import json, sys
for c in json.load(open(sys.argv[1])):
    print("|".join(str(c[k]) for k in ("campaign", "name", "file", "start", "end", "currency", "objective_cents",
          "revenue_cents", "deals", "as_of", "status", "ended")) + "|" + type(c["first_seen"]).__name__)' "$T/out.json")"

# --- a campaign whose file is gone: still listed, with what the database
# holds (amounts without a currency: none is known).
mv "$T/campaigns/q1.conf" "$T/q1.conf"
LC_ALL=C $C campaigns --now 2027-05-14T18:00 | sed -n '1,2p' >"$T/out.txt"
cat >"$T/expected.txt" <<'TXT'
campaign  name                   start       end          objective         won  deals  status
q1        New customers Q1 2027  -           -                    -  43 000.50       2  no campaign file
TXT
check_file "a campaign without its file: what the database holds" "$T/expected.txt" "$T/out.txt"
check_eq "... in JSON: nulls" "None None None None 4300050 None None" \
  "$($C campaigns --json --now 2027-05-14T18:00 | python3 -c '
import json, sys
c = json.load(sys.stdin)[0]
print(c["file"], c["start"], c["end"], c["objective_cents"], c["revenue_cents"], c["status"], c["ended"])')"
mv "$T/q1.conf" "$T/campaigns/q1.conf"

# --- bad input: exit 2, one line; nothing written.
$C campaigns q1 --now 2027-05-14T18:00 >"$T/out" 2>"$T/err"
check_eq "an argument: exit 2, one line" \
  "2 prospectctl: campaigns takes no argument ('q1'): it lists every campaign the database knows" \
  "$? $(cat "$T/err" "$T/out")"
printf '[campaign]\nname = broken\n' >"$T/campaigns/q2.conf.new" && mv "$T/campaigns/q2.conf" "$T/q2.conf" &&
  mv "$T/campaigns/q2.conf.new" "$T/campaigns/q2.conf"
$C campaigns --now 2027-05-14T18:00 >"$T/out" 2>"$T/err"
check_eq "a broken campaign file: exit 2, naming it" "2 yes" \
  "$? $(grep -q "^prospectctl: $T/campaigns/q2.conf" "$T/err" && [ "$(wc -l <"$T/err")" -eq 1 ] && echo yes)"
mv "$T/q2.conf" "$T/campaigns/q2.conf"
check_eq "campaigns reads only" "$before" "$(rows)"

done_testing
