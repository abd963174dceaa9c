# SPDX-License-Identifier: MIT
# backends: sqlite pg
# A campaign that changes mid-way: a rep added to the
# campaign file starts the day the database first sees them, or on their
# [rep NAME] start, and is never behind for the days before; past days keep
# the loads planned for them when the file is edited.
. tests/cli/lib.sh
mkdir -p "$T/campaigns"
cp config/campaigns/example.conf "$T/campaigns/example.conf"
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $T/campaigns
CONF
C="$CTL --config $T/prospectd.conf"

# The first week, alice and bob: the founding team, recorded with the
# campaign's start.
$C --now 2027-01-08T18:00 log example --rep alice --contacts 80 --date 2027-01-08 >/dev/null
$C --now 2027-01-08T18:00 status example >/dev/null
check_eq "the founding reps start with the campaign" "alice|2027-01-04
bob|2027-01-04" "$(db_sql 'SELECT rep, first_seen FROM rep_starts ORDER BY rep')"

check_eq "before the edit: planned to the 15th" "alice 160
bob 80
team 240" "$($C --now 2027-01-18T08:00 status example --as-of 2027-01-15 | awk '$1 == "alice" || $1 == "bob" { print $1, $2 } $1 == "team" { print $1, $2; exit }')"

# carol is added on Monday 18 January (weight 1: 747 of the 1 868
# contacts, alice's share falls to 747, bob's to 374). She starts that
# day: nothing planned for her before, so she is not behind. Reading
# commands write nothing; the first command that writes (a log) records
# her start and the new baseline.
sed -i 's/^bob = 0.5$/bob = 0.5\ncarol = 1/' "$T/campaigns/example.conf"
check_eq "carol, first seen on the 18th: nothing planned before, not behind" \
  "carol               0        0 +0 (0.0%)        on track  2027-01-29: 187, 19/day over 10 days" \
  "$($C --now 2027-01-18T09:00 status example --as-of 2027-01-17 | grep '^carol')"
check_eq "a reading command records nothing" "" \
  "$(db_sql "SELECT rep, first_seen FROM rep_starts WHERE rep = 'carol'")"
$C --now 2027-01-18T09:00 log example --rep alice --contacts 80 --date 2027-01-15 >/dev/null
check_eq "carol's start is recorded by the first write" "carol|2027-01-18" \
  "$(db_sql "SELECT rep, first_seen FROM rep_starts WHERE rep = 'carol'")"
check_eq "the new baseline is stored, from the 18th" "baseline|2027-01-04
baseline|2027-01-18" "$(db_sql "SELECT kind, as_of FROM revisions ORDER BY id")"

# Past days keep the schedule in force on them: alice's and bob's
# planned-to-date up to the 15th do not move (the new shares would make
# alice's 97); from the 18th their new shares' rest is spread: alice 187
# - 160 = 27 by the 29th over 10 days, 3 on the first 7.
check_eq "after the edit: the same planned to the 15th" "alice 160
bob 80
team 240" "$($C --now 2027-01-18T09:00 status example --as-of 2027-01-15 | awk '$1 == "alice" || $1 == "bob" { print $1, $2 } $1 == "team" { print $1, $2; exit }')"
check_eq "alice's first day under the new file" "2027-01-18 alice 3 163" \
  "$($C --now 2027-01-18T09:00 schedule example --rep alice --from 2027-01-18 --to 2027-01-18 | awk 'NR == 2 { print $1, $2, $3, $4 }')"
check_eq "alice's past day as it was" "2027-01-15 alice 16 160" \
  "$($C --now 2027-01-18T09:00 schedule example --rep alice --from 2027-01-15 --to 2027-01-15 | awk 'NR == 2 { print $1, $2, $3, $4 }')"
$C --now 2027-01-18T09:00 status example --rep carol --as-of 2027-01-15 --check >/dev/null
check_eq "status --rep carol --check on the week before: not behind (she was not there)" 0 $?
check_eq "no event of carol's before her start" "2027-01-18 carol 19 19" \
  "$($C --now 2027-01-18T09:00 schedule example --rep carol | awk 'NR == 2 { print $1, $2, $3, $4 }')"
# The 187 due by the 29th over her 10 days: 18 r 7, 19 on the first 7.
check_eq "two days in, nothing done: behind by her own days" \
  "carol              38        0 -38 (-100.0%)    behind    2027-01-29: 187, 24/day over 8 days" \
  "$($C --now 2027-01-19T18:00 status example --as-of 2027-01-19 | grep '^carol')"

# A start given in the file wins over the recorded day.
printf '\n[rep carol]\nstart = 2027-02-01\n' >>"$T/campaigns/example.conf"
check_eq "[rep carol] start: nothing due before it" "carol               0        0 +0 (0.0%)        on track  2027-02-26: 449, 23/day over 20 days" \
  "$($C --now 2027-01-19T18:00 status example --as-of 2027-01-29 | grep '^carol')"
done_testing
