# SPDX-License-Identifier: MIT
# backends: sqlite pg
# prospectctl's output polish, exact text: gaps
# rounded, "on track" in words, per-rep call times adding up to the plan's,
# sensitivity columns apart, activity tables no note or amount can break,
# the burn-up chart's date axis, day mark and first contact.
. tests/cli/lib.sh
E=config/campaigns/example.conf
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $TOP/config/campaigns
CONF
C="$CTL --config $T/prospectd.conf"

# ---------------------------------------------------------------- plan
# 1.5 min a contact: alice 1 245 x 1.5 = 1 867.5, bob 623 x 1.5 = 934.5;
# the plan's 1 868 x 1.5 = 2 802 min. Each rounded up made 1 868 + 935 =
# 2 803; the largest remainder gives the one minute left to the first of
# two equal halves: 1 868 + 934.
sed -e 's/^minutes_per_contact = 2$/minutes_per_contact = 1.5/' $E >"$T/m15.conf"
$CTL plan "$T/m15.conf" | sed -n '/^rep (weight)/,/^$/p' >"$T/out"
cat >"$T/expected" <<'TXT'
rep (weight)               contacts   call time
alice (1)                     1 245   1 868 min
bob (0.5)                       623     934 min

TXT
check_file "plan: per-rep call times add up to 2 802 min" "$T/expected" "$T/out"
check_eq "plan --json: reps' call_minutes add up to call_minutes" "2802 2802 [1868, 934]" \
  "$($CTL plan "$T/m15.conf" --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); r=[x["call_minutes"] for x in d["reps"]]; print(d["call_minutes"], sum(r), r)')"

# Ten times the objective: cells of 14 characters, which ran into each
# other ("1 564 h 32 min 5 084 h 44 min").
sed -e 's/^objective = 60000$/objective = 600000/' $E >"$T/big.conf"
$CTL plan "$T/big.conf" | sed -n '/^sensitivity/,$p' >"$T/out"
cat >"$T/expected" <<'TXT'
sensitivity: call time by accessibility rate (rows) and contacts per prospect (columns)
                       |              1 |              4 |             13
3%                     |   391 h 08 min | 1 564 h 32 min | 5 084 h 44 min
6%                     |   195 h 34 min |   782 h 16 min | 2 542 h 22 min
17%                    |    69 h 02 min |   276 h 08 min |   897 h 26 min
TXT
check_file "plan: sensitivity columns separated" "$T/expected" "$T/out"

# ---------------------------------------------------------------- activity
$C --now 2027-01-08T18:00 log example --rep alice --contacts 16 --prospects 5 --active 1 --proposals 2 --date 2027-01-04 \
  --note "$(printf 'called back\nsecond line\twith a tab')" >/dev/null
$C --now 2027-01-08T18:00 log example --rep bob --contacts 10 --proposals 1 --deals 1 --revenue 123456789.5 --date 2027-01-05 >/dev/null
$C --now 2027-01-08T18:00 log example --rep bob --contacts 8 --date 2027-01-06 --note 'C:\dir' >/dev/null
$C activity example >"$T/out"
cat >"$T/expected" <<'TXT'
id  date        rep    contacts  prospects  active  latent  arid  proposals  deals           revenue  note
 1  2027-01-04  alice        16          5       1       0     0          2      0                 -  called back\nsecond line\twith a tab
 2  2027-01-05  bob          10          0       0       0     0          1      1  123 456 789.50 €
 3  2027-01-06  bob           8          0       0       0     0          0      0                 -  C:\\dir
TXT
check_file "activity: proposals shown, one line per entry, columns fit the amount" "$T/expected" "$T/out"
check_eq "activity --json keeps the note as typed" "$(printf 'called back\nsecond line\twith a tab')" \
  "$($C activity example --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["note"])')"

# ---------------------------------------------------------------- status
# As of 2027-01-08: alice 60 of 80 (-25.0 %, behind), bob 40 of 40 (on
# track), the team 100 of 120: -20/120 = -16.67 %, shown -16.7 % (it was
# truncated to -16.6 %).
db_reset
$C --now 2027-01-08T18:00 log example --rep alice --contacts 60 --date 2027-01-08 >/dev/null
$C --now 2027-01-08T18:00 log example --rep bob --contacts 40 --date 2027-01-08 >/dev/null
$C status example --as-of 2027-01-08 | sed -n '3,6p' >"$T/out"
cat >"$T/expected" <<'TXT'
rep           planned     done gap              status    next checkpoint: target, needed
alice              80       60 -20 (-25.0%)     behind    2027-01-29: 312, 17/day over 15 days
bob                40       40 +0 (0.0%)        on track  2027-01-29: 156, 8/day over 15 days
team              120      100 -20 (-16.7%)     behind    2027-01-29: 468, 25/day over 15 days
TXT
check_file "status: gaps rounded, on track in words" "$T/expected" "$T/out"
check_eq "status --json: on_track and -16.7% (keys and names unchanged)" "on_track -16.7%" \
  "$($C status example --as-of 2027-01-08 --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["reps"][1]["status"], d["team"]["gap_percent"])')"

# The burn-up chart from the first day: 24 contacts on 2027-01-04 fill the
# bottom row of its column (the mark below), one of 1 868. UTF-8 blocks
# here (status.sh checks the ASCII chart).
db_reset
$C --now 2027-01-08T18:00 log example --rep alice --contacts 16 --date 2027-01-04 >/dev/null
$C --now 2027-01-08T18:00 log example --rep bob --contacts 8 --date 2027-01-04 >/dev/null
$C status example --as-of 2027-01-04 | sed -n '/^burn-up/,$p' >"$T/out"
cat >"$T/expected" <<'TXT'
burn-up, team contacts (█ done, ░ planned), 2027-01-04 to 2027-03-31
  1 868 |                                                   ░░░░░░░░░
        |                                              ░░░░░░░░░░░░░░
        |                                       ░░░░░░░░░░░░░░░░░░░░░
        |                                ░░░░░░░░░░░░░░░░░░░░░░░░░░░░
        |                         ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
        |                 ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
        |        ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
        |█░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
      0 +------------------------------------------------------------
         2027-01-04              2027-02-15                2027-03-31
         ^ as of 2027-01-04
TXT
check_file "status: burn-up with the first contact, date axis, as-of mark" "$T/expected" "$T/out"
# A total of 9 characters widens the scale's margin instead of pushing
# its row aside (1 000 times the objective, 0.005 min a contact).
sed -e 's/^objective = 60000$/objective = 60000000/' -e 's/^minutes_per_contact = 2$/minutes_per_contact = 0.005/' \
    -e 's/^max_daily_calls = .*/max_daily_calls = 6h/' $E >"$T/huge.conf"
HUGE=$(db_new huge)
$CTL --db "$HUGE" --now 2027-01-08T18:00 log "$T/huge.conf" --rep alice --contacts 20000 --date 2027-01-04 >/dev/null
$CTL --db "$HUGE" status "$T/huge.conf" --as-of 2027-01-04 | sed -n '/^burn-up/,$p' >"$T/out"
cat >"$T/expected" <<'TXT'
burn-up, team contacts (█ done, ░ planned), 2027-01-04 to 2027-03-31
2 399 468 |                                                     ░░░░░░░
          |                                              ░░░░░░░░░░░░░░
          |                                       ░░░░░░░░░░░░░░░░░░░░░
          |                                ░░░░░░░░░░░░░░░░░░░░░░░░░░░░
          |                         ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
          |                 ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
          |        ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
          |█░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
        0 +------------------------------------------------------------
           2027-01-04              2027-02-15                2027-03-31
           ^ as of 2027-01-04
TXT
check_file "status: a long total keeps the chart's columns" "$T/expected" "$T/out"

# Near the end the label goes on the left of the mark; after the end, none.
check_eq "status: the mark near the right edge" \
  "                                                   as of 2027-03-30 ^" \
  "$($C status example --as-of 2027-03-30 | tail -n 1)"
check_eq "status: no mark after the campaign" \
  "         2027-01-04              2027-02-15                2027-03-31" \
  "$($C status example --as-of 2027-04-02 | tail -n 1)"

# Today's status (no --as-of) marks "today": a campaign from today on.
today=$(TZ=Europe/Paris date +%Y-%m-%d)
end=$(TZ=Europe/Paris date -d '+59 days' +%Y-%m-%d)
sed -e "s/^start = .*/start = $today/" -e "s/^end = .*/end = $end/" -e '/^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] = /d' \
    -e '/^days_off = /d' $E >"$T/now.conf"
check_eq "status: today's mark" "         ^ today, $today" \
  "$($CTL --config "$T/prospectd.conf" status "$T/now.conf" | tail -n 1)"
done_testing
