# SPDX-License-Identifier: MIT
# prospectctl team init on the test cluster: the schema prospectd created,
# then current, then upgraded from version 8; the password of a URI never
# shown; an SQLite file refused; a login that is not the owner refused,
# nothing created; an unreachable server, one line, exit 1.
. tests/cli/lib.sh
pg_cluster
URI=$(pg_newdb "pd_team_init_$$") || { fail "cannot create the test database"; exit 1; }
export PGOPTIONS="-c client_min_messages=warning"
PSQL="$PD_TEST_PG_BIN/psql -X -A -t -q -v ON_ERROR_STOP=1"
sql () { PGOPTIONS="$PGOPTIONS -c search_path=prospectd" $PSQL -d "$URI" -c "$1"; }
# The same database with a password in the URI (trust ignores it).
LOGIN=${PGUSER:-${PD_TEST_PG_SUPERUSER:-$(id -un)}}
SECRET=$(echo "$URI" | sed "s|^postgresql:///|postgresql://$LOGIN:s3cret@/|")
SHOWN=$(echo "$URI" | sed "s|^postgresql:///|postgresql://$LOGIN:***@/|")

out=$($CTL --db "$SECRET" team init 2>&1)
check_eq "team init on an empty database: created, password masked" \
  "0 $SHOWN: schema prospectd created (version 18)" "$? $out"
check_eq "... at version 18" 18 "$(sql "SELECT value FROM meta WHERE key = 'schema_version'")"
out=$($CTL --db "$URI" team init 2>&1)
check_eq "team init again: nothing to do" "0 $URI: schema prospectd already at version 18" "$? $out"

# Back to version 8 (no change marks, no catchup_days; no claims per
# desktop, no parent revision, no change announcements; no prospect
# file; no day parts, whose apply_day_change keeps its body of step 12:
# nothing writes before the upgrade; no feed token index; no baseline
# source; no running sums nor their last rows; no prospect change marks): upgraded.
sql "DROP FUNCTION activity_running_last_trigger () CASCADE; DROP FUNCTION running_last;
     DROP TABLE activity_running_last"
sql "DROP FUNCTION activity_running_trigger () CASCADE; DROP TABLE activity_running CASCADE"
sql "DROP FUNCTION prospect_changes_trigger () CASCADE; DROP TABLE prospect_changes"
sql "DROP TABLE calls, prospect_attributes, prospect_sources, prospects"
sql "DROP INDEX feed_tokens_by_selector"
sql "DROP TABLE log_days, call_days; DROP FUNCTION recompute_day, apply_call_day_change, apply_call, call_days_trigger"
sql "DROP TRIGGER notify_change ON activity; DROP TRIGGER notify_change ON revisions;
     DROP TRIGGER notify_change ON rep_starts; DROP FUNCTION notify_change () CASCADE;
     DROP INDEX revisions_catchup_once; ALTER TABLE revisions DROP COLUMN parent, DROP COLUMN source;
     ALTER TABLE notifications DROP CONSTRAINT notifications_pkey; ALTER TABLE notifications DROP COLUMN desktop;
     ALTER TABLE notifications ADD PRIMARY KEY (campaign, key)"
sql "DROP TABLE catchup_days; DROP TABLE activity_changes; DROP TRIGGER activity_changes ON activity;
     DROP FUNCTION activity_changes_trigger (); UPDATE meta SET value = '8' WHERE key = 'schema_version'"
out=$($CTL --db "$URI" team init 2>&1)
check_eq "team init on version 8: upgraded" "0 $URI: schema prospectd upgraded from version 8 to 18" "$? $out"
check_eq "... the change marks are back" 1 "$(sql "SELECT count(*) FROM pg_tables WHERE tablename = 'activity_changes'")"
check_eq "... and the prospect file" 4 \
  "$(sql "SELECT count(*) FROM pg_tables WHERE tablename IN ('prospects', 'prospect_attributes', 'prospect_sources', 'calls')")"
check_eq "... and the feed tokens' selector index" 1 \
  "$(sql "SELECT count(*) FROM pg_indexes WHERE tablename = 'feed_tokens' AND indexname = 'feed_tokens_by_selector'")"
check_eq "... and the prospect change marks, moved by 9 statement triggers" "1 9" \
  "$(sql "SELECT count(*) FROM pg_tables WHERE tablename = 'prospect_changes'") $(sql "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'prospect_changes_%'")"
check_eq "... and the baselines' source" 1 \
  "$(sql "SELECT count(*) FROM information_schema.columns WHERE table_name = 'revisions' AND column_name = 'source'")"

# An SQLite file: refused, not created.
out=$($CTL --db "$T/solo.db" team init 2>&1)
check_eq "team init on an SQLite file: exit 2" \
  "2 prospectctl: team init: the database '$T/solo.db' is an SQLite file; a team's database is a PostgreSQL URI (--db postgresql://… or [daemon] database)" \
  "$? $out"
check_eq "... no file created" no "$([ -e "$T/solo.db" ] && echo yes || echo no)"
out=$($CTL --db "$URI" team 2>&1)
check_eq "team without an action: exit 2" "2 prospectctl: team: say what to do: init, grant LOGIN, revoke LOGIN or list" "$? $out"

# A login that is not the database's owner: refused, nothing created.
OTHER=$(pg_newdb "pd_team_other_$$")
ROLE="pd_team_rep_$$"
$PSQL -d "$PD_TEST_PG_URI" -c "DROP ROLE IF EXISTS $ROLE" -c "CREATE ROLE $ROLE LOGIN"
out=$($CTL --db "$OTHER&user=$ROLE" team init 2>&1)
check_eq "team init by a login that is not the owner: exit 1, why" \
  "1 prospectctl: Cannot open the database '$OTHER&user=$ROLE': the schema prospectd is at version 0 and this prospectd needs 18; only the database's owner may create or upgrade it (prospectctl team init): Upgrade to schema version 8 failed: permission denied for database pd_team_other_$$" \
  "$? $out"
check_eq "... nothing created" 0 \
  "$($PSQL -d "$OTHER" -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'prospectd'")"
$PSQL -d "$PD_TEST_PG_URI" -c "DROP ROLE $ROLE"

# No server there: one line, exit 1, the password masked.
out=$($CTL --db "postgresql://alice:s3cret@/team?host=$T/none&port=5" team init 2>&1)
check_eq "team init with no server: exit 1, one line, password masked" \
  "1 prospectctl: Cannot open the database 'postgresql://alice:***@/team?host=$T/none&port=5': connection to server on socket \"$T/none/.s.PGSQL.5\" failed: No such file or directory Is the server running locally and accepting connections on that socket?" \
  "$? $out"
done_testing
