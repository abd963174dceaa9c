#!/bin/sh
# SPDX-License-Identifier: MIT
# prospectctl call on a team's PostgreSQL database: a rep's login records
# calls to its own prospects, and the day's sums follow (the trigger runs
# as the schema's owner: a rep writes no sum); another rep's prospect is
# not there for it (exit 2), a call for another rep is refused (exit 1),
# and a refused call writes nothing; the team's status counts the calls.
. tests/cli/lib.sh

pg_cluster
PSQL="$PD_TEST_PG_BIN/psql -X -A -t -q"
su_sql () { PGOPTIONS="-c client_min_messages=warning" $PSQL -v ON_ERROR_STOP=1 -d "$PD_TEST_PG_URI" -c "$1"; }
for role in team_owner alice bob; do
  su_sql "DO \$\$ BEGIN CREATE ROLE $role LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" || fail "role $role"
done
su_sql "DROP DATABASE IF EXISTS team_calls" && su_sql "CREATE DATABASE team_calls OWNER team_owner" || fail "database"
url () { echo "postgresql://$1@/team_calls?host=$PGHOST&port=$PGPORT"; }
as () { who=$1; shift; "$CTL" --now 2027-01-11T18:00 --db "$(url "$who")" "$@"; }
# As the cluster's superuser, whom row-level security does not bind.
sql () { PGOPTIONS="-c search_path=prospectd" $PSQL -v ON_ERROR_STOP=1 \
  -d "postgresql:///team_calls?host=$PGHOST&port=$PGPORT" -c "$1"; }
snapshot () { "$PD_TEST_PG_BIN/pg_dump" -d "postgresql:///team_calls?host=$PGHOST&port=$PGPORT" --data-only \
  --schema=prospectd | grep -v -e '^--' -e '^.restrict' -e '^.unrestrict' >"$1"; }

mkdir -p "$XDG_CONFIG_HOME/prospectd/campaigns"
cp config/campaigns/example.conf "$XDG_CONFIG_HOME/prospectd/campaigns/"
as team_owner team grant alice --rep alice >/dev/null 2>&1 || fail "team grant alice"
as team_owner team grant bob --rep bob >/dev/null 2>&1 || fail "team grant bob"
# The campaign and the file, written behind the store's back.
sql "INSERT INTO campaigns (id, name, first_seen) VALUES ('example', 'New customers Q1 2027', 0);
     INSERT INTO prospects (campaign, rep, company, import_order, created) VALUES
       ('example', 'alice', 'Acme', 1, 0), ('example', 'alice', 'Zeta', 2, 0), ('example', 'bob', 'Bobco', 3, 0)" \
  >/dev/null || fail "the prospect file"

as alice call 1 --outcome no-answer --date 2027-01-11 >"$T/out" 2>&1
check_eq "alice's login calls her prospect" "0:call #1: #1 Acme, alice, 2027-01-11: no-answer, new -> attempted" \
  "$?:$(cat "$T/out")"
as alice call 2 --outcome active --date 2027-01-11 >"$T/out" 2>&1
check_eq "... and another" "0:call #2: #2 Zeta, alice, 2027-01-11: active, new -> active" "$?:$(cat "$T/out")"
check_eq "the day's sums follow her calls (written by the owner's trigger)" \
  "alice|2027-01-11|2|2|1|1|0|0|0|0|0" \
  "$(sql "SELECT rep, date, entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents
          FROM activity_days")"
check_eq "... and her change mark moved" "alice" "$(sql "SELECT rep FROM activity_changes")"

snapshot "$T/before"
as alice call 3 --outcome arid --date 2027-01-11 >"$T/out" 2>&1
check_eq "bob's prospect is not there for alice's login: exit 2" \
  "2:prospectctl: prospect #3: no such prospect in example" "$?:$(cat "$T/out")"
as alice call 1 --outcome arid --date 2027-01-11 --rep bob >"$T/out" 2>&1
check_eq "a call for bob by alice's login: exit 1, saying why" \
  "1:prospectctl: alice may record calls only as alice" "$?:$(cat "$T/out")"
snapshot "$T/after"
check_file "the refused calls wrote nothing" "$T/before" "$T/after"

as bob call 3 --outcome latent --follow-up 2027-02-01 --date 2027-01-11 >"$T/out" 2>&1
check_eq "bob's login calls his own" \
  "0:call #3: #3 Bobco, bob, 2027-01-11: latent, new -> latent, follow-up 2027-02-01" "$?:$(cat "$T/out")"
as bob status example --as-of 2027-01-11 --json >"$T/status.json" 2>&1
check_eq "bob's status counts the team's calls" "alice 2, bob 1, team 3" \
  "$(/usr/bin/python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))
print(", ".join("%s %d" % (r["rep"], r["actual_contacts"]) for r in s["reps"] + [s["team"]]))' "$T/status.json")"

done_testing
