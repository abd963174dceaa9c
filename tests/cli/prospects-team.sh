#!/bin/sh
# SPDX-License-Identifier: MIT
# The prospect file in a team's PostgreSQL database: a rep's login imports
# and adds prospects for its own rep only (another rep's, by --rep or by
# the file's owner column, is refused in one line, exit 1, nothing
# written), lists only its own, and cannot erase another rep's; a
# manager's login imports for everyone, by weight. The server enforces
# it: with psql, alice's login sees none of bob's prospects and cannot
# insert one for him.
. tests/cli/lib.sh

pg_cluster
PSQL="$PD_TEST_PG_BIN/psql -X -A -t -q"
su_sql () { PGOPTIONS="-c client_min_messages=warning" $PSQL -v ON_ERROR_STOP=1 -d "$PD_TEST_PG_URI" -c "$1"; }
for role in pf_owner pf_alice pf_boss; do
  su_sql "DO \$\$ BEGIN CREATE ROLE $role LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" || fail "role $role"
done
su_sql "DROP DATABASE IF EXISTS prospects_rls" && su_sql "CREATE DATABASE prospects_rls OWNER pf_owner" ||
  fail "database"
url () { echo "postgresql://$1@/prospects_rls?host=$PGHOST&port=$PGPORT"; }
as () { who=$1; shift; "$CTL" --db "$(url "$who")" "$@"; }
sql_as () { PGOPTIONS="-c search_path=prospectd" $PSQL -d "$(url "$1")" -c "$2" 2>&1; }
mkdir -p "$XDG_CONFIG_HOME/prospectd/campaigns"
cp config/campaigns/example.conf "$XDG_CONFIG_HOME/prospectd/campaigns/"
cd tests/data/prospects || exit 1

as pf_owner team grant pf_alice --rep alice >/dev/null 2>&1 || fail "grant alice"
as pf_owner team grant pf_boss --manager >/dev/null 2>&1 || fail "grant boss"
count () { sql_as pf_owner "SELECT count(*) FROM prospects"; }

# --- a manager imports for the team, by weight.
as pf_boss prospects import example annuaire.csv --source annuaire >"$T/out" 2>&1
check_eq "a manager's login imports for everyone" \
  "0 imported 5 new prospects (alice 3, bob 2); 6 source lines recorded" "$? $(tail -n 1 "$T/out")"

# --- a rep's login: its own rep only.
as pf_alice prospects import example achat.csv --source achat --rep bob >/dev/null 2>"$T/err"
check_eq "alice's login importing for bob: exit 1, one line" \
  "1 prospectctl: alice's login may import prospects only for alice, not for bob; nothing imported" "$? $(cat "$T/err")"
as pf_alice prospects import example salon.csv --source salon --skip-bad >/dev/null 2>"$T/err"
check_eq "alice's login importing a file whose owner column names bob: exit 1" \
  "1 prospectctl: alice's login may import prospects only for alice, not for bob; nothing imported" "$? $(cat "$T/err")"
check_eq "... nothing written" 5 "$(count)"
out=$(as pf_alice prospects add --company "Iris Conseil" --rep bob 2>&1)
check_eq "alice's login adding for bob: exit 1" \
  "1 prospectctl: alice's login may add prospects only for alice, not for bob; nothing added" "$? $out"
out=$(as pf_alice prospects add --company "Iris Conseil" 2>&1)
check_eq "alice's login adding: hers" "0 added #6: Iris Conseil, new, alice" "$? $out"
out=$(as pf_alice prospects list 2>&1)
check_eq "alice's login lists hers only" \
  "0 #1  Acme SARL, Dupont, +33123456789  new  alice  [annuaire]
#3  Cabinet Durand; Associés, Durand, +33472112233  new  alice  [annuaire]
#5  Échos Conseil, Leroy  new  alice  [annuaire]
#6  Iris Conseil  new  alice  [added]" "$? $out"
out=$(as pf_alice prospects erase 2 2>&1)
check_eq "alice's login erasing bob's prospect: not there for her, exit 2" \
  "2 prospectctl: prospects erase 2: no such prospect in example" "$? $out"
out=$(as pf_alice prospects assign 2>&1)
check_eq "alice's login rebalancing: exit 1" \
  "1 prospectctl: alice's login may not rebalance the team's prospects: a manager's may" "$? $out"
check_eq "... 6 prospects, bob's #2 still there" "6|bob" \
  "$(sql_as pf_owner "SELECT count(*), (SELECT rep FROM prospects WHERE id = 2) FROM prospects")"

# --- the server enforces it, whatever the client.
check_eq "psql as alice: bob's prospects, sources and attributes are not there" "0|0|0" \
  "$(sql_as pf_alice "SELECT (SELECT count(*) FROM prospects WHERE rep = 'bob'),
                      (SELECT count(*) FROM prospect_sources WHERE prospect = 2),
                      (SELECT count(*) FROM prospect_attributes WHERE prospect = 2)")"
out=$(sql_as pf_alice "INSERT INTO prospects (campaign, rep, company, import_order, created)
                       VALUES ('example', 'bob', 'Zeta', 99, 0)" | head -n 1)
check_eq "psql as alice: a prospect for bob refused" \
  'ERROR:  new row violates row-level security policy for table "prospects"' "$out"
out=$(sql_as pf_alice "INSERT INTO calls (campaign, prospect, rep, date, outcome, state_before, state_after, created)
                       VALUES ('example', 2, 'bob', '2027-01-05', 'arid', 'new', 'arid', 0)" | head -n 1)
check_eq "psql as alice: a call of bob's refused" \
  'ERROR:  new row violates row-level security policy for table "calls"' "$out"

cd "$TOP" || exit 1
su_sql "DROP DATABASE prospects_rls"
done_testing
