# SPDX-License-Identifier: MIT
# backends: sqlite pg
# prospectctl log against reality: the global --now,
# days after today refused, impossible counts refused, counts beyond the
# call windows kept with a warning, adding to a day and --replace, the
# running-total rules, activity edit and rm, ids never reused.
. tests/cli/lib.sh
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $TOP/config/campaigns
CONF
C="$CTL --config $T/prospectd.conf"
rows () { if db_written; then db_sql 'SELECT count(*) FROM activity'; else echo none; fi; }

# --- --now: a global option, before or after the verb; checked.
$C --now 2027-01-04 log example --rep alice --contacts 1 --date 2027-01-04 >/dev/null 2>"$T/err"
check_eq "--now without a time: exit 2, one line" \
  "2 prospectctl: --now 2027-01-04: expected an ISO 8601 date and time, e.g. 2027-01-04T08:50 or 2027-01-04T08:50:00+01:00" \
  "$? $(cat "$T/err")"
check_eq "bad --now: no database created" none "$(rows)"

# --- a day after today is refused; today is the real clock's without --now.
$C log example --rep alice --contacts 16 --date 2027-01-04 >"$T/out" 2>"$T/err"
check_eq "a 2027 day is after the real today: exit 2" \
  "2 prospectctl: --date 2027-01-04: after today ($(TZ=Europe/Paris date +%F)): log what was done (--now sets the clock)" \
  "$? $(cat "$T/err")"
check_eq "refused: no database created" none "$(rows)"
$C --now 2027-01-04T17:00 log example --rep alice --contacts 16 --date 2027-01-05 >/dev/null 2>"$T/err"
check_eq "tomorrow by --now is refused" \
  "2 prospectctl: --date 2027-01-05: after today (2027-01-04): log what was done (--now sets the clock)" \
  "$? $(cat "$T/err")"
# Without an offset --now is read in the campaign's zone (Europe/Paris):
# 2027-01-04T23:30Z is already the 5th there.
out=$($C log example --rep alice --contacts 16 --now 2027-01-04T23:30Z --date 2027-01-05)
check_eq "--now after the verb, with an offset: the campaign's day" "logged #1: alice, 2027-01-05, 16 contacts" "$out"
out=$($C --now 2027-01-04T17:00 log example --rep alice --contacts 16)
check_eq "--date defaults to --now's day" "logged #2: alice, 2027-01-04, 16 contacts" "$out"
N="--now 2027-01-29T18:00"

# --- a count that cannot be true is refused; one beyond the windows is kept.
before=$(rows)
$C $N log example --rep bob --contacts 721 --date 2027-01-06 >"$T/out" 2>"$T/err"
check_eq "721 calls at 2 min: more than 24 hours, exit 2" \
  "2 prospectctl: --contacts 721: bob's 2027-01-06 would hold 721 calls, 1 442 min at 2 min a call (minutes_per_contact): more than 24 hours hold" \
  "$? $(cat "$T/err")"
check_eq "impossible count: nothing written" "$before" "$(rows)"
out=$($C $N log example --rep bob --contacts 100 --date 2027-01-06 2>"$T/err")
check_eq "100 calls of bob (180 min of windows) kept" "0 logged #3: bob, 2027-01-06, 100 contacts" "$? $out"
check_eq "... with a warning" \
  "prospectctl: warning: bob, 2027-01-06: 100 calls take 200 min, more than the day's call windows (180 min); kept" \
  "$(cat "$T/err")"
$C $N log example --rep bob --contacts 621 --date 2027-01-06 >/dev/null 2>"$T/err"
check_eq "the day's sum counts: 100 + 621 > 720, exit 2" \
  "2 prospectctl: --contacts 621: bob's 2027-01-06 would hold 721 calls, 1 442 min at 2 min a call (minutes_per_contact): more than 24 hours hold" \
  "$? $(cat "$T/err")"
out=$($C $N log example --rep alice --contacts 5 --date 2027-01-09 2>"$T/err")
check_eq "a Saturday: kept, warned" "logged #4: alice, 2027-01-09, 5 contacts
prospectctl: warning: alice, 2027-01-09: 5 calls take 10 min, more than the day's call windows (0 min: not a working day); kept" \
  "$out
$(cat "$T/err")"

# --- adding to a day says so; --replace replaces the rep's day.
$C $N log example --rep alice --contacts 15 --date 2027-01-06 >/dev/null
out=$($C $N log example --rep alice --contacts 10 --date 2027-01-06)
check_eq "adding to a day says so" "logged #6: alice, 2027-01-06: +10 contacts, 25 that day in 2 entries" "$out"
out=$($C $N log example --rep alice --contacts 16 --date 2027-01-06 --replace)
check_eq "--replace replaces the rep's day" "logged #7: alice, 2027-01-06, 16 contacts, replacing #5, #6 (25 contacts)" "$out"
check_eq "--replace left bob's day alone" "bob|100
alice|16" "$(db_sql "SELECT rep, sum(contacts) FROM activity WHERE date = '2027-01-06' GROUP BY rep ORDER BY rep DESC")"
out=$($C $N log example --rep alice --contacts 16 --date 2027-01-07 --replace)
check_eq "--replace on an empty day is a plain entry" "logged #8: alice, 2027-01-07, 16 contacts" "$out"

# --- running totals: a deal signed weeks after its proposal is logged alone.
out=$($C $N log example --rep alice --contacts 16 --prospects 3 --active 1 --proposals 1 --date 2027-01-08)
check_eq "a proposal" "logged #9: alice, 2027-01-08, 16 contacts" "$out"
out=$($C $N log example --rep alice --contacts 0 --deals 1 --revenue 20000 --date 2027-01-27)
check_eq "its deal, weeks later, alone" "logged #10: alice, 2027-01-27, 0 contacts" "$out"
before=$(rows)
$C $N log example --rep bob --contacts 2 --deals 1 --revenue 20000 --date 2027-01-28 >/dev/null 2>"$T/err"
check_eq "a second deal with one proposal to date: exit 2" \
  "2 prospectctl: bob, 2027-01-28: the campaign's deals won to date (2) would exceed its proposals sent to date (1) on 2027-01-28: log the proposals first" \
  "$? $(cat "$T/err")"
$C $N log example --rep bob --contacts 2 --deals 1 --date 2027-01-05 >/dev/null 2>"$T/err"
check_eq "a deal before any proposal: exit 2 (the day it would break)" \
  "2 prospectctl: bob, 2027-01-05: the campaign's deals won to date (1) would exceed its proposals sent to date (0) on 2027-01-05: log the proposals first" \
  "$? $(cat "$T/err")"
check_eq "running-total refusals wrote nothing" "$before" "$(rows)"

# --- prospects over calls: only with a reason.
$C $N log example --rep bob --contacts 2 --prospects 4 --date 2027-01-11 >/dev/null 2>"$T/err"
check_eq "more prospects than calls without a reason: exit 2" \
  "2 prospectctl: --prospects 4: bob's 2027-01-11 would have 4 prospects reached for 2 calls: each prospect reached takes a call, unless --reason says why (e.g. prospects who called back)" \
  "$? $(cat "$T/err")"
out=$($C $N log example --rep bob --contacts 2 --prospects 4 --date 2027-01-11 --reason "2 called back" --note Acme)
check_eq "with --reason: kept" "logged #11: bob, 2027-01-11, 2 contacts" "$out"
check_eq "the reason is in the note" "Acme; prospects over calls: 2 called back" \
  "$(db_sql 'SELECT note FROM activity WHERE id = 11')"
out=$($C $N log example --rep bob --contacts 3 --prospects 2 --date 2027-01-12)
check_eq "prospects within the day's calls need no reason" "logged #12: bob, 2027-01-12, 3 contacts" "$out"

# --- activity edit: in place, checked like a new entry.
out=$($C $N activity edit 12 --contacts 5)
check_eq "activity edit changes the entry in place" "changed #12: bob, 2027-01-12: 5 contacts, 2 prospects
     was: bob, 2027-01-12: 3 contacts, 2 prospects" "$out"
check_eq "same id, new values" "12|5|0" "$(db_sql 'SELECT id, contacts, proposals FROM activity WHERE id = 12')"
$C $N activity edit 12 --date 2027-02-01 >/dev/null 2>"$T/err"
check_eq "activity edit to a day after today: exit 2" \
  "2 prospectctl: --date 2027-02-01: after today (2027-01-29): log what was done (--now sets the clock)" "$? $(cat "$T/err")"
$C $N activity edit 9 --proposals 0 >/dev/null 2>"$T/err"
check_eq "taking away the proposal a deal needs: exit 2" \
  "2 prospectctl: alice, 2027-01-08: the campaign's deals won to date (1) would exceed its proposals sent to date (0) on 2027-01-27: log the proposals first" \
  "$? $(cat "$T/err")"
check_eq "refused edits changed nothing" "12|2027-01-12|5|0 9|1" \
  "$(db_sql 'SELECT id, date, contacts, proposals FROM activity WHERE id = 12') $(db_sql 'SELECT id, proposals FROM activity WHERE id = 9')"
$C $N activity edit 99 --contacts 1 >/dev/null 2>"$T/err"
check_eq "activity edit of a missing id: exit 2" "2 prospectctl: Cannot read activity: No such entry: '99'" "$? $(cat "$T/err")"

# --- activity rm says what it removed; ids are never reused.
out=$($C $N activity rm 12)
check_eq "activity rm shows what it removed" "removed #12: bob, 2027-01-12: 5 contacts, 2 prospects" "$out"
out=$($C $N activity rm 10)
check_eq "... revenue included" "removed #10: alice, 2027-01-27: 0 contacts, 1 deal, 20 000 €" "$out"
out=$($C $N log example --rep bob --contacts 3 --date 2027-01-12)
check_eq "the next entry after removing the last gets a new id" "logged #13: bob, 2027-01-12, 3 contacts" "$out"

# --- a database written before these checks (here by hand) may hold a day
# no day can: the check neither wraps nor crashes.
db_sql "INSERT INTO activity (campaign, rep, date, contacts, created) VALUES ('example', 'alice', '2027-01-13', 9223372036854775000, 0)"
before=$(rows)
$C $N log example --rep alice --contacts 999999999 --date 2027-01-13 >/dev/null 2>"$T/err"
check_eq "a stored day beyond 64 bits of minutes: refused, not wrapped" \
  "2 prospectctl: --contacts 999999999: alice's 2027-01-13 would hold 9223372036854775807 calls, 9 223 372 036 854 min at 2 min a call (minutes_per_contact): more than 24 hours hold" \
  "$? $(cat "$T/err")"
check_eq "... nothing written" "$before" "$(rows)"

# --- status takes its as-of day from --now.
check_eq "status: as of --now's day" "2027-01-29" \
  "$($C status example --json --now 2027-01-29T18:00 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["as_of"])')"
check_eq "reschedule: as of --now's day" 2 \
  "$($C reschedule example --now 2027-01-08T18:00 | grep -c ' as of 2027-01-08')"
check_eq "prospectctl --help lists --now" 1 "$($C --help | grep -c '^  --now DATETIME ')"
done_testing
