# SPDX-License-Identifier: MIT
# backends: sqlite pg
# prospectctl call: every state and outcome through the command (the
# state after each legal move, exit 2 and nothing written for each
# illegal one), the usage errors (exit 2, nothing written), and the day
# counts derived from calls: a day recorded call by call gives exactly
# the status of the same day logged with `log` (text, JSON, CSV), and a
# day recorded both ways counts each figure once, the larger of the two,
# whatever the order (docs/method.md, "Calls and logged days").
. tests/cli/lib.sh

# conf FILE DATABASE: a configuration on the example campaign, its
# database made (a feed token issued: it records the campaign, no figure).
conf () {
  cat >"$1" <<CONF
[daemon]
database = $2
feeds = $T/feeds
campaigns = $TOP/config/campaigns
[feeds]
listen = 127.0.0.1:8765
CONF
  $CTL --config "$1" feed-url example --rep alice >/dev/null || fail "feed-url: the database of $1"
}
conf "$T/prospectd.conf" "$DB"
C="$CTL --config $T/prospectd.conf --now 2027-01-20T18:00"

# add_prospect DATABASE COMPANY REP: a new prospect of the example
# campaign, written behind the store's back (the file's import is
# prospects import's test).
add_prospect () {
  db_sql "INSERT INTO prospects (campaign, rep, company, import_order, created) VALUES ('example', '$3', '$2',
            (SELECT coalesce (max (import_order), 0) + 1 FROM prospects), 0)" "$1" >/dev/null ||
    fail "add_prospect $2"
}
calls () { db_sql 'SELECT count(*) FROM calls'; }
state () { db_sql "SELECT state || '|' || attempts || '|' || coalesce (CAST (follow_up AS text), '-') FROM prospects WHERE id = $1"; }

for i in 1 2 3 4 5 6 7 8; do add_prospect "$DB" "Company $i" alice; done
add_prospect "$DB" "Bobco" bob

# --- usage errors: exit 2, one line, nothing written.
refused () { # refused NAME EXPECTED-STDERR ARGS...: exit 2, that line, no call, prospect #1 untouched
  name=$1 expected=$2; shift 2
  $C call "$@" >"$T/out" 2>"$T/err"
  check_eq "$name: exit 2, one line, nothing written" "2 prospectctl: $expected|0|new|0|-" \
    "$? $(cat "$T/err")|$(calls)|$(state 1)"
}
refused "no prospect" "name the prospect called: prospectctl call [CAMPAIGN] PROSPECT" --outcome arid
refused "a prospect that is not an id" \
  "prospect 'Acme': write its id as prospectctl prospects list shows it (12 or #12)" Acme --outcome arid
refused "no outcome" "--outcome is required: no-answer, arid, latent, active, proposal, won or lost" 1
refused "an unknown outcome" \
  "--outcome maybe: expected no-answer, arid, latent, active, proposal, won or lost" 1 --outcome maybe
refused "latent without a follow-up" \
  "prospect #1: latent needs a follow-up date (--follow-up DATE)" 1 --outcome latent --date 2027-01-11
refused "a follow-up not after the call" \
  "--follow-up 2027-01-11: not after the call (2027-01-11): a follow-up is a later day" \
  1 --outcome latent --date 2027-01-11 --follow-up 2027-01-11
refused "a follow-up with active" \
  "prospect #1: a follow-up date goes with latent (or no-answer on a latent prospect), not with active" \
  1 --outcome active --date 2027-01-11 --follow-up 2027-02-01
refused "revenue without won" "--revenue 100: only a call whose outcome is won brings revenue" \
  1 --outcome active --revenue 100
refused "won without revenue" "--outcome won needs --revenue: the amount of the deal" 1 --outcome won
refused "a call before the campaign" "--date 2027-01-01: outside the campaign (2027-01-04 to 2027-03-31)" \
  1 --outcome arid --date 2027-01-01
refused "a call after today" \
  "--date 2027-01-21: after today (2027-01-20): record calls made (--now sets the clock)" \
  1 --outcome arid --date 2027-01-21
refused "an unknown prospect" "prospect #99: no such prospect in example" '#99' --outcome arid --date 2027-01-11
refused "another rep's prospect" "--rep bob: prospect #1 is alice's: a call counts for the prospect's rep" \
  1 --outcome arid --date 2027-01-11 --rep bob
refused "an unknown rep" "--rep carol: no such rep in $TOP/config/campaigns/example.conf (reps: alice, bob)" \
  1 --outcome arid --date 2027-01-11 --rep carol
refused "a proposal to a new prospect" \
  "prospect #1: proposal may not follow new: a proposal follows an active prospect" \
  1 --outcome proposal --date 2027-01-11

# --- a legal call: the move, the attempts, the output.
out=$($C call 1 --outcome no-answer --date 2027-01-11 2>&1)
check_eq "no-answer: new -> attempted" "0 call #1: #1 Company 1, alice, 2027-01-11: no-answer, new -> attempted" \
  "$? $out"
check_eq "no-answer: one call, attempts 1" "1|attempted|1|-" "$(calls)|$(state 1)"
out=$($C call example '#1' --outcome latent --follow-up 2027-02-01 --date 2027-01-12 --note "rappeler" 2>&1)
check_eq "latent: attempted -> latent, with its follow-up" \
  "0 call #2: #1 Company 1, alice, 2027-01-12: latent, attempted -> latent, follow-up 2027-02-01" "$? $out"
check_eq "latent: two calls, attempts 2, follow-up kept" "2|latent|2|2027-02-01" "$(calls)|$(state 1)"
refused_later () { # after prospect #1 moved: exit 2, nothing written
  name=$1 expected=$2; shift 2
  $C call "$@" >"$T/out" 2>"$T/err"
  check_eq "$name: exit 2, one line, nothing written" "2 prospectctl: $expected|2|latent|2|2027-02-01" \
    "$? $(cat "$T/err")|$(calls)|$(state 1)"
}
refused_later "a call before the prospect's last" \
  "--date 2027-01-11: before prospect #1's last call (2027-01-12): record calls in the order they were made" \
  1 --outcome active --date 2027-01-11

# --- every state and outcome: the state after, or exit 2 and nothing
# written. Prospect #2 is put in each state behind the store's back,
# then called once with each outcome.
expected_move () { # STATE OUTCOME: the state after, or "refused"
  case "$1:$2" in
    won:*) echo refused ;;
    *:no-answer) case $1 in new) echo attempted ;; *) echo "$1" ;; esac ;;
    proposal:arid | proposal:active) echo refused ;;
    *:arid | *:latent | *:active) echo "$2" ;;
    active:proposal | proposal:proposal) echo proposal ;;
    proposal:won) echo won ;;
    active:lost | proposal:lost) echo lost ;;
    *) echo refused ;;
  esac
}
moves=""
for from in new attempted arid latent active proposal won lost; do
  for outcome in no-answer arid latent active proposal won lost; do
    db_sql "UPDATE prospects SET state = '$from', attempts = 3, follow_up = NULL WHERE id = 2" >/dev/null
    [ "$from" = latent ] && db_sql "UPDATE prospects SET follow_up = '2027-01-15' WHERE id = 2" >/dev/null
    before=$(calls)
    extra=""
    case $outcome in latent) extra="--follow-up 2027-02-15" ;; won) extra="--revenue 20000" ;; esac
    $C call 2 --outcome "$outcome" --date 2027-01-14 $extra >"$T/out" 2>"$T/err"
    rc=$?
    after=$(db_sql "SELECT state FROM prospects WHERE id = 2")
    attempts=$(db_sql "SELECT attempts FROM prospects WHERE id = 2")
    want=$(expected_move "$from" "$outcome")
    if [ "$want" = refused ]; then
      got="$rc|$after|$attempts|$(($(calls) - before))"
      [ "$got" = "2|$from|3|0" ] || moves="$moves $from:$outcome($got $(cat "$T/err"))"
      grep -q "^prospectctl: prospect #2: $outcome may not follow $from\|^prospectctl: prospect #2: the prospect is won" "$T/err" ||
        moves="$moves $from:$outcome(message: $(cat "$T/err"))"
    else
      got="$rc|$after|$attempts|$(($(calls) - before))"
      [ "$got" = "0|$want|4|1" ] || moves="$moves $from:$outcome($got, expected $want)"
    fi
    # Remove the call again, so that the next one may be dated the same day.
    db_sql "DELETE FROM calls WHERE id = (SELECT max (id) FROM calls) AND prospect = 2" >/dev/null
  done
done
check_eq "56 moves (8 states x 7 outcomes): the table of legal moves through prospectctl call" "" "$moves"
# The follow-up of a latent prospect called with no answer: moved when
# given, kept otherwise; cleared when it leaves latent.
db_sql "UPDATE prospects SET state = 'latent', follow_up = '2027-01-15' WHERE id = 3" >/dev/null
$C call 3 --outcome no-answer --date 2027-01-15 >/dev/null
check_eq "no-answer on a latent prospect keeps its follow-up" "latent|1|2027-01-15" "$(state 3)"
$C call 3 --outcome no-answer --date 2027-01-15 --follow-up 2027-01-22 >/dev/null
check_eq "no-answer with --follow-up moves it" "latent|2|2027-01-22" "$(state 3)"
$C call 3 --outcome active --date 2027-01-16 >/dev/null
check_eq "active: the follow-up is cleared" "active|3|-" "$(state 3)"

# --- the day counts: calls give the figures log gives. Database A holds
# alice's days call by call, database B the same days logged as counts.
A=$(db_new calls_a) B=$(db_new calls_b)
conf "$T/a.conf" "$A"
conf "$T/b.conf" "$B"
CA="$CTL --config $T/a.conf --now 2027-01-20T18:00"
CB="$CTL --config $T/b.conf --now 2027-01-20T18:00"
# The same prospect file in both (status reports its size).
for db in "$A" "$B"; do
  for i in 1 2 3 4 5 6; do add_prospect "$db" "Company $i" alice; done
  add_prospect "$db" "Bobco" bob
done
# Monday: five calls, two unanswered, then one arid, one latent, one
# active first reach; bob one unanswered call.
$CA call 1 --outcome no-answer --date 2027-01-11 >/dev/null
$CA call 2 --outcome no-answer --date 2027-01-11 >/dev/null
$CA call 3 --outcome arid --date 2027-01-11 >/dev/null
$CA call 4 --outcome latent --follow-up 2027-01-25 --date 2027-01-11 >/dev/null
$CA call 5 --outcome active --date 2027-01-11 >/dev/null
$CA call 7 --outcome no-answer --date 2027-01-11 >/dev/null
$CB log --rep alice --date 2027-01-11 --contacts 5 --prospects 3 --arid 1 --latent 1 --active 1 >/dev/null
$CB log --rep bob --date 2027-01-11 --contacts 1 >/dev/null
# Tuesday: #1 reached at last (active), #4 followed up early and still
# latent (nothing new), #5 a proposal.
$CA call 1 --outcome active --date 2027-01-12 >/dev/null
$CA call 4 --outcome latent --follow-up 2027-02-01 --date 2027-01-12 >/dev/null
$CA call 5 --outcome proposal --date 2027-01-12 >/dev/null
$CB log --rep alice --date 2027-01-12 --contacts 3 --prospects 1 --active 1 --proposals 1 >/dev/null
# Wednesday: the deal.
$CA call 5 --outcome won --revenue 20000 --date 2027-01-13 >/dev/null
$CB log --rep alice --date 2027-01-13 --contacts 1 --deals 1 --revenue 20000 >/dev/null
for form in "" --json --csv; do
  $CA status --as-of 2027-01-13 $form >"$T/a.out" 2>&1
  $CB status --as-of 2027-01-13 $form >"$T/b.out" 2>&1
  check_eq "status ${form:-(text)}: the days called equal the days logged" "" "$(diff "$T/a.out" "$T/b.out")"
done
for form in "" --json; do
  $CA status --as-of 2027-01-13 --rep alice $form >"$T/a.out" 2>&1
  $CB status --as-of 2027-01-13 --rep alice $form >"$T/b.out" 2>&1
  check_eq "status --rep alice ${form:-(text)}: the same both ways" "" "$(diff "$T/a.out" "$T/b.out")"
done
$CA status --as-of 2027-01-13 --week >"$T/a.out" 2>&1
$CB status --as-of 2027-01-13 --week >"$T/b.out" 2>&1
check_eq "status --week: the same both ways" "" "$(diff "$T/a.out" "$T/b.out")"
check_eq "the figures of the days called" \
"alice|2027-01-11|5|5|3|1|1|1|0|0|0
alice|2027-01-12|3|3|1|1|0|0|1|0|0
alice|2027-01-13|1|1|0|0|0|0|0|1|2000000
bob|2027-01-11|1|1|0|0|0|0|0|0|0" \
  "$(db_sql "SELECT rep, date, entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents
             FROM activity_days ORDER BY rep, date" "$A")"
check_eq "the team's days called" \
"2027-01-11|6|6|3|1|1|1|0|0|0
2027-01-12|3|3|1|1|0|0|1|0|0
2027-01-13|1|1|0|0|0|0|0|1|2000000" \
  "$(db_sql "SELECT date, entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents
             FROM activity_team_days ORDER BY date" "$A")"

# --- a day with both: each figure the larger of the log's and the calls'.
# Alice logs Monday as 8 contacts, 2 prospects, both arid: 8 contacts (the
# log's), 3 prospects, 1 active, 1 latent (the calls'), 2 arid (the log's).
out=$($CA log --rep alice --date 2027-01-11 --contacts 8 --prospects 2 --arid 2)
check_eq "log on a day of calls: says how the day counts" \
"logged #1: alice, 2027-01-11, 8 contacts
  the day also holds 5 calls recorded: each of its figures counts the larger of the log's and the calls' (8 contacts)" \
  "$out"
check_eq "a day with both: each figure the larger" "alice|2027-01-11|6|8|3|1|1|2|0|0|0" \
  "$(db_sql "SELECT rep, date, entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents
             FROM activity_days WHERE rep = 'alice' AND date = '2027-01-11'" "$A")"
check_eq "a day with both: the team's day" "2027-01-11|7|9|3|1|1|2|0|0|0" \
  "$(db_sql "SELECT date, entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents
             FROM activity_team_days WHERE date = '2027-01-11'" "$A")"
# The same in B, the other way round: the calls after the log. Its log
# of Monday is replaced by 8/2/2.
$CB log --rep alice --date 2027-01-11 --contacts 8 --prospects 2 --arid 2 --replace >/dev/null
for i in 1 2; do $CB call $i --outcome no-answer --date 2027-01-11 >/dev/null; done
$CB call 3 --outcome arid --date 2027-01-11 >/dev/null
$CB call 4 --outcome latent --follow-up 2027-01-25 --date 2027-01-11 >/dev/null
out=$($CB call 5 --outcome active --date 2027-01-11)
check_eq "calls after the log: the same day" "alice|2027-01-11|6|8|3|1|1|2|0|0|0" \
  "$(db_sql "SELECT rep, date, entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents
             FROM activity_days WHERE rep = 'alice' AND date = '2027-01-11'" "$B")"
$CA status --as-of 2027-01-11 >"$T/a.out" 2>&1
$CB status --as-of 2027-01-11 >"$T/b.out" 2>&1
check_eq "a day with both: the same status whatever the order" "" "$(diff "$T/a.out" "$T/b.out")"
grep 'team  ' "$T/a.out" | head -1 >"$T/team"
check_eq "a day with both: the team's done counts 9 (alice 8, bob 1), not 14" "team              144        9" \
  "$(cut -c1-30 "$T/team")"
# The log's entry removed: the calls' figures again.
$CA activity rm 1 >/dev/null
check_eq "the entry removed: the calls' figures again" "alice|2027-01-11|5|5|3|1|1|1|0|0|0" \
  "$(db_sql "SELECT rep, date, entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents
             FROM activity_days WHERE rep = 'alice' AND date = '2027-01-11'" "$A")"

done_testing
