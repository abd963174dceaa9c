#!/bin/sh
# SPDX-License-Identifier: MIT
# A team's PostgreSQL database: the owner grants logins (team grant,
# revoke, list); a rep's login adds, lists and removes only its rep's
# entries, reads the team's daily sums and only its own feed token; a
# manager's reads and writes everything. The server enforces it: alice's
# login with psql can neither read bob's token nor insert a row for bob,
# nor write the sums; prospectctl says so in plain words, exits 1 and
# writes nothing.
. tests/cli/lib.sh

pg_cluster
PSQL="$PD_TEST_PG_BIN/psql -X -A -t -q"
su_sql () { PGOPTIONS="-c client_min_messages=warning" $PSQL -v ON_ERROR_STOP=1 -d "$PD_TEST_PG_URI" -c "$1"; }
# Logins are the server's roles, made by whoever runs it: here the
# superuser. The database belongs to an ordinary login, its owner.
for role in team_owner alice bob boss mallory; do
  su_sql "DO \$\$ BEGIN CREATE ROLE $role LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" || fail "role $role"
done
su_sql "DROP DATABASE IF EXISTS team_rls" && su_sql "CREATE DATABASE team_rls OWNER team_owner" || fail "database"
url () { echo "postgresql://$1@/team_rls?host=$PGHOST&port=$PGPORT"; }
OWNER=$(url team_owner)
as () { who=$1; shift; "$CTL" --now 2027-01-05T18:00 --db "$(url "$who")" "$@"; }
sql_as () { $PSQL -d "$(url "$1")" -c "$2" 2>&1; }
# The error's first line.
sql_err () { $PSQL -d "$(url "$1")" -c "$2" 2>&1 | head -n 1; }
# Everything the database holds, as the superuser sees it: to show that
# a refused command wrote nothing.
snapshot () { "$PD_TEST_PG_BIN/pg_dump" -d "postgresql:///team_rls?host=$PGHOST&port=$PGPORT" --data-only \
  --schema=prospectd | grep -v -e '^--' -e '^.restrict' -e '^.unrestrict' >"$1"; }

mkdir -p "$XDG_CONFIG_HOME/prospectd/campaigns"
cp config/campaigns/example.conf "$XDG_CONFIG_HOME/prospectd/campaigns/"

# --------------------------------------------------------------- grant
as team_owner team list >"$T/out" 2>&1
check_eq "team list before any grant (the owner's first open creates the schema)" \
  "0:no login on the team yet (prospectctl team grant LOGIN --rep REP)" "$?:$(cat "$T/out")"
as team_owner team grant alice --rep alice >"$T/out" 2>&1
check_eq "team grant alice --rep alice" \
  "0:alice: a rep's login, acting as alice: only alice's entries and feed token, and the team's daily sums" \
  "$?:$(cat "$T/out")"
as team_owner team grant bob --rep bob >/dev/null 2>&1
check_eq "team grant bob --rep bob: exit 0" "0" "$?"
as team_owner team grant boss --manager >"$T/out" 2>&1
check_eq "team grant boss --manager" "0:boss: a manager's login: reads and writes everything" "$?:$(cat "$T/out")"
as team_owner team list >"$T/out" 2>&1
check_eq "team list" "0:LOGIN  ACTS AS
alice  rep alice
bob    rep bob
boss   manager" "$?:$(cat "$T/out")"

as team_owner team grant nosuchlogin --rep x >"$T/out" 2>&1
check_eq "team grant: a login the server does not have: exit 2" \
  "2:prospectctl: nosuchlogin: no such login on the server: create it first (CREATE ROLE nosuchlogin LOGIN PASSWORD '...', or createuser --pwprompt nosuchlogin)" \
  "$?:$(cat "$T/out")"
as team_owner team grant team_owner --manager >"$T/out" 2>&1
check_eq "team grant: the owner itself: exit 2" \
  "2:prospectctl: team_owner: the database's owner or a superuser, who may do everything already; grant another login" \
  "$?:$(cat "$T/out")"
as team_owner team grant mallory >"$T/out" 2>&1
check_eq "team grant without --rep or --manager: exit 2" \
  "2:prospectctl: team grant mallory: say what the login is: --rep REP or --manager" "$?:$(cat "$T/out")"
as team_owner team grant mallory --rep x --manager >"$T/out" 2>&1
check_eq "team grant with --rep and --manager: exit 2" \
  "2:prospectctl: team grant mallory: --rep and --manager exclude each other" "$?:$(cat "$T/out")"
as alice team grant mallory --manager >"$T/out" 2>&1
check_eq "team grant by a rep's login: exit 1" \
  "1:prospectctl: only the database's owner (team_owner) may grant or revoke logins; alice is not" "$?:$(cat "$T/out")"
as boss team revoke alice >"$T/out" 2>&1
check_eq "team revoke by a manager's login: exit 1" \
  "1:prospectctl: only the database's owner (team_owner) may grant or revoke logins; boss is not" "$?:$(cat "$T/out")"
as team_owner team frobnicate >"$T/out" 2>&1
check_eq "team: an unknown subcommand: exit 2" \
  "2:prospectctl: team: unknown action 'frobnicate' (expected init, grant, revoke or list)" "$?:$(cat "$T/out")"
"$CTL" --db "$T/solo.db" team list >"$T/out" 2>&1
check_eq "team on an SQLite file: exit 2" \
  "2:prospectctl: $T/solo.db is an SQLite file, used by one person: a team needs a PostgreSQL database (--db postgresql://..., see prospectctl(1))" \
  "$?:$(cat "$T/out")"

# ------------------------------------------------------------ entries
as alice log example --rep alice --contacts 5 --date 2027-01-04 >"$T/out" 2>&1
check_eq "alice logs as alice" "0:logged #1: alice, 2027-01-04, 5 contacts" "$?:$(cat "$T/out")"
as bob log example --rep bob --contacts 7 --date 2027-01-04 >"$T/out" 2>&1
check_eq "bob logs as bob" "0:logged #2: bob, 2027-01-04, 7 contacts" "$?:$(cat "$T/out")"
as bob feed-url example --rep bob --base-url http://cal.example >/dev/null 2>&1
check_eq "bob issues his feed token" "0" "$?"
as alice feed-url example --rep alice --base-url http://cal.example >/dev/null 2>&1
check_eq "alice issues her feed token" "0" "$?"

snapshot "$T/before"
as alice log example --rep bob --contacts 9 --date 2027-01-04 >"$T/out" 2>"$T/err"
check_eq "alice logging as bob: exit 1, saying why" "1::prospectctl: alice may log activity only as alice" \
  "$?:$(cat "$T/out"):$(cat "$T/err")"
as alice feed-url example --rep bob --base-url http://cal.example >"$T/out" 2>"$T/err"
check_eq "alice asking for bob's feed URL: exit 1, saying why" \
  "1::prospectctl: alice may read and rotate only alice's feed token" "$?:$(cat "$T/out"):$(cat "$T/err")"
as alice feed-url example --rep bob --rotate --base-url http://cal.example >"$T/out" 2>"$T/err"
check_eq "alice rotating bob's feed token: exit 1" \
  "1::prospectctl: alice may read and rotate only alice's feed token" "$?:$(cat "$T/out"):$(cat "$T/err")"
as alice activity rm 2 >"$T/out" 2>&1
check_eq "alice removing bob's entry: to her there is no such entry (exit 2)" \
  "2:prospectctl: Cannot remove activity: No such entry: '2'" "$?:$(cat "$T/out")"
as alice activity edit 1 --rep bob >"$T/out" 2>&1
check_eq "alice moving her entry to bob: exit 1, saying why" \
  "1:prospectctl: alice may log activity only as alice" "$?:$(cat "$T/out")"
snapshot "$T/after"
check_file "the refused commands wrote nothing" "$T/before" "$T/after"

as alice activity example >"$T/out" 2>&1
check_eq "alice lists only her own entries" "0:id  date        rep    contacts  prospects  active  latent  arid  proposals  deals  revenue  note
 1  2027-01-04  alice         5          0       0       0     0          0      0        -" "$?:$(cat "$T/out")"
as alice status example >"$T/out" 2>&1
check_eq "alice's status reads the team's daily sums" "0:alice 5 bob 7 team 12" \
  "$?:$(awk '($1 == "alice" || $1 == "bob" || $1 == "team") && $3 ~ /^[0-9]+$/ && !seen[$1]++ {
          printf "%s%s %s", sep, $1, $3; sep = " " }' "$T/out")"
as boss activity example >"$T/out" 2>&1
check_eq "the manager lists everyone's entries" "0:1 alice 2 bob" \
  "$?:$(awk 'NR > 1 { printf "%s%s %s", sep, $1, $3; sep = " " }' "$T/out")"
as boss log example --rep bob --contacts 3 --date 2027-01-05 >"$T/out" 2>&1
check_eq "the manager logs for bob" "0:logged #3: bob, 2027-01-05, 3 contacts" "$?:$(cat "$T/out")"

# ------------------------------------------------- the server enforces it
check_eq "psql as alice: bob's token is not there to read" "alice" \
  "$(sql_as alice "SELECT rep FROM prospectd.feed_tokens ORDER BY rep")"
check_eq "psql as alice: a row for bob is refused" \
  'ERROR:  new row violates row-level security policy for table "activity"' \
  "$(sql_err alice "INSERT INTO prospectd.activity (campaign, rep, date, contacts, created)
                   VALUES ('example', 'bob', '2027-01-04', 100, 0)")"
check_eq "psql as alice: bob's token cannot be changed" "0" \
  "$(sql_as alice "WITH u AS (UPDATE prospectd.feed_tokens SET token = 'mine' WHERE rep = 'bob' RETURNING 1)
                   SELECT count(*) FROM u")"
check_eq "psql as alice: bob's entries cannot be removed" "0" \
  "$(sql_as alice "WITH d AS (DELETE FROM prospectd.activity WHERE rep = 'bob' RETURNING 1) SELECT count(*) FROM d")"
check_eq "psql as alice: an entry of hers cannot become bob's" \
  'ERROR:  new row violates row-level security policy for table "activity"' \
  "$(sql_err alice "UPDATE prospectd.activity SET rep = 'bob' WHERE rep = 'alice'")"
check_eq "psql as alice: the daily sums cannot be written" \
  "ERROR:  permission denied for table activity_team_days" \
  "$(sql_err alice "UPDATE prospectd.activity_team_days SET contacts = 0")"
check_eq "psql as alice: the function that keeps the sums cannot be called" \
  "ERROR:  permission denied for function apply_day_change" \
  "$(sql_err alice "SELECT prospectd.apply_day_change ('example', 'bob', '2027-01-04', 1, 1, 1, 1, 1, 1, 1, 1, 1)")"
check_eq "psql as alice: she cannot make herself a manager" "ERROR:  permission denied for table team" \
  "$(sql_err alice "UPDATE prospectd.team SET rep = NULL")"
check_eq "psql as mallory (no grant): nothing at all" "ERROR:  permission denied for schema prospectd" \
  "$(sql_err mallory "SELECT count(*) FROM prospectd.campaigns")"
check_eq "psql as bob: the sums hold every rep's day" "alice|5
bob|7
bob|3" "$(sql_as bob "SELECT rep, contacts FROM prospectd.activity_days ORDER BY date, rep")"
check_eq "psql as bob: the running sums too, as the status reads them (schema 16)" "alice|2027-01-04|5
bob|2027-01-04|7
bob|2027-01-05|10" "$(sql_as bob "SELECT rep, date, contacts FROM prospectd.activity_running ORDER BY rep, date")"
check_eq "psql as alice: the running sums cannot be written" \
  "ERROR:  permission denied for table activity_running" \
  "$(sql_err alice "UPDATE prospectd.activity_running SET contacts = 0")"
check_eq "psql as alice: the function that moves them cannot be called" \
  "ERROR:  permission denied for function running_shift" \
  "$(sql_err alice "SELECT prospectd.running_shift (r, 1) FROM prospectd.activity_running AS r")"
check_eq "psql as bob: each rep's last running row too (schema 18)" "alice|2027-01-04|5
bob|2027-01-05|10" "$(sql_as bob "SELECT rep, date, contacts FROM prospectd.activity_running_last ORDER BY rep")"
check_eq "psql as alice: the last running rows cannot be written" \
  "ERROR:  permission denied for table activity_running_last" \
  "$(sql_err alice "UPDATE prospectd.activity_running_last SET contacts = 0")"
check_eq "psql as alice: the function that copies them cannot be called" \
  "ERROR:  permission denied for function running_last" \
  "$(sql_err alice "SELECT prospectd.running_last ('example', 'bob')")"
check_eq "row-level security is on and forced on every table" "" \
  "$(su_sql "\\c team_rls" 2>/dev/null; $PSQL -d "postgresql:///team_rls?host=$PGHOST&port=$PGPORT" -c \
     "SELECT relname FROM pg_class WHERE relnamespace = 'prospectd'::regnamespace AND relkind = 'r'
        AND NOT (relrowsecurity AND relforcerowsecurity)")"
check_eq "SECURITY DEFINER: only the trigger functions (the sums of entries and calls, the running sums and their last rows, the change marks, the announcements)" \
  "activity_changes_trigger,activity_days_trigger,activity_running_last_trigger,activity_running_trigger,call_days_trigger,notify_change,prospect_changes_trigger|t" \
  "$($PSQL -d "postgresql:///team_rls?host=$PGHOST&port=$PGPORT" -c \
     "SELECT string_agg (proname, ',' ORDER BY proname), bool_and (prorettype = 'trigger'::regtype) FROM pg_proc
        WHERE pronamespace = 'prospectd'::regnamespace AND prosecdef")"
check_eq "every function of the schema pins search_path" "" \
  "$($PSQL -d "postgresql:///team_rls?host=$PGHOST&port=$PGPORT" -c \
     "SELECT proname FROM pg_proc WHERE pronamespace = 'prospectd'::regnamespace
        AND NOT coalesce ('search_path=pg_catalog, prospectd, pg_temp' = ANY (proconfig), false)")"

# --------------------------------------------------------------- revoke
as team_owner team revoke alice >"$T/out" 2>&1
check_eq "team revoke alice" "0:alice: no longer on the team" "$?:$(cat "$T/out")"
check_eq "a revoked login reads nothing" "ERROR:  permission denied for schema prospectd" \
  "$(sql_err alice "SELECT count(*) FROM prospectd.activity")"
as team_owner team revoke alice >"$T/out" 2>&1
check_eq "team revoke of a login not on the team: exit 2" \
  "2:prospectctl: team revoke alice: not on the team (prospectctl team list); nothing changed" "$?:$(cat "$T/out")"
as team_owner team grant bob --manager >/dev/null 2>&1 && as team_owner team list >"$T/out" 2>&1
check_eq "granting again changes the login's role" "LOGIN  ACTS AS
bob    manager
boss   manager" "$(cat "$T/out")"
check_eq "bob, a manager now, reads alice's token" "alice
bob" "$(sql_as bob "SELECT rep FROM prospectd.feed_tokens ORDER BY rep")"

done_testing
