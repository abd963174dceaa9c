#!/bin/sh
# SPDX-License-Identifier: MIT
# prospectctl db copy: a solo rep's SQLite history into an empty team
# database on PostgreSQL and back, exactly: every table row for row (ids,
# notes with tabs, backslashes and new lines, tokens, the database's id,
# the highest id ever issued), the same outputs on both; a target that
# holds data is refused and left as it was; a copy that does not verify
# is rolled back.
. tests/cli/lib.sh

pg_cluster
PSQL="$PD_TEST_PG_BIN/psql -X -A -t -q"
su_sql () { PGOPTIONS="-c client_min_messages=warning" $PSQL -v ON_ERROR_STOP=1 -d "$PD_TEST_PG_URI" -c "$1"; }
for role in copy_owner copy_rep; do
  su_sql "DO \$\$ BEGIN CREATE ROLE $role LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" || fail "role $role"
done
newdb () { su_sql "DROP DATABASE IF EXISTS $1" && su_sql "CREATE DATABASE $1 OWNER copy_owner" || fail "database $1"; }
url () { echo "postgresql://copy_owner@/$1?host=$PGHOST&port=$PGPORT"; }
C="$CTL --now 2027-01-05T18:00"

mkdir -p "$XDG_CONFIG_HOME/prospectd/campaigns"
cp config/campaigns/example.conf "$XDG_CONFIG_HOME/prospectd/campaigns/"
SOLO="$T/solo.db"
# A solo history: entries (one note with a tab, a backslash, quotes, an
# accent and a new line), one removed (its id must not come back), a
# feed token, a catch-up, a notification sent, the baseline and the reps'
# first days.
$C --db "$SOLO" log example --rep alice --contacts 5 --date 2027-01-04 \
  --note "$(printf 'tab\there back\\slash "q" \303\251\nline2')" >/dev/null
$C --db "$SOLO" log example --rep bob --contacts 7 --active 2 --proposals 1 --date 2027-01-04 >/dev/null
$C --db "$SOLO" log example --rep alice --contacts 3 --date 2027-01-05 >/dev/null
$C --db "$SOLO" activity rm 3 >/dev/null
$C --db "$SOLO" feed-url example --rep alice --base-url http://cal.example >"$T/solo.url"
$C --db "$SOLO" reschedule example >/dev/null
sqlite3 "$SOLO" "INSERT INTO notifications (campaign, key, sent_at) VALUES ('example', 'checkpoint:2027-01-29', 1800000000)"

# Every table of an SQLite file, row by row.
dump () {
  for t in meta campaigns rep_starts activity revisions revision_days catchup_days activity_changes prospect_changes \
           notifications feed_tokens activity_days activity_team_days sqlite_sequence; do
    echo "== $t"; sqlite3 "$1" "SELECT * FROM $t" | LC_ALL=C sort
  done
}

# ------------------------------------------------- SQLite to PostgreSQL
newdb copy_team
TEAM=$(url copy_team)
"$CTL" db copy "$SOLO" "$TEAM" >"$T/out" 2>&1
check_eq "db copy SQLite -> PostgreSQL" \
  "0:copied $SOLO to $TEAM: campaigns 1, entries 2, revisions 2 (planned days 119, catch-up days 27), notifications sent 1, feed tokens 1, rep start days 2; counts and sums verified" \
  "$?:$(cat "$T/out")"
for cmd in "activity example" "activity example --json" "status example" "status example --json" \
           "feed-url example --rep alice --base-url http://cal.example"; do
  $C --db "$SOLO" $cmd >"$T/a" 2>&1
  $C --db "$TEAM" $cmd >"$T/b" 2>&1
  check_file "after the copy, '$cmd' prints the same on both" "$T/a" "$T/b"
done
check_eq "the database's id is the solo file's" "$(sqlite3 "$SOLO" "SELECT value FROM meta WHERE key = 'database_id'")" \
  "$($PSQL -d "postgresql:///copy_team?host=$PGHOST&port=$PGPORT" -c "SELECT value FROM prospectd.meta WHERE key = 'database_id'")"

# ------------------------------------------------- and back to SQLite
"$CTL" db copy "$TEAM" "$T/back.db" >"$T/out" 2>&1
check_eq "db copy PostgreSQL -> SQLite" \
  "0:copied $TEAM to $T/back.db: campaigns 1, entries 2, revisions 2 (planned days 119, catch-up days 27), notifications sent 1, feed tokens 1, rep start days 2; counts and sums verified" \
  "$?:$(cat "$T/out")"
dump "$SOLO" >"$T/solo.dump"
dump "$T/back.db" >"$T/back.dump"
check_file "there and back: every row of every table as it was (ids, notes, tokens, id, sequence)" \
  "$T/solo.dump" "$T/back.dump"
check_eq "the removed entry's id stays used: the next is #4" "logged #4: bob, 2027-01-05, 1 contact" \
  "$($C --db "$TEAM" log example --rep bob --contacts 1 --date 2027-01-05 2>&1)"
check_eq "... in the copy back too" "logged #4: alice, 2027-01-05, 2 contacts" \
  "$($C --db "$T/back.db" log example --rep alice --contacts 2 --date 2027-01-05 2>&1)"

# ------------------------------------------------- refusals
snap () { "$PD_TEST_PG_BIN/pg_dump" -d "postgresql:///$1?host=$PGHOST&port=$PGPORT" --data-only --schema=prospectd |
  grep -v -e '^--' -e '^.restrict' -e '^.unrestrict'; }
snap copy_team >"$T/before"
"$CTL" db copy "$SOLO" "$TEAM" >"$T/out" 2>&1
check_eq "a target that holds data: refused, exit 2" \
  "2:prospectctl: Cannot copy $SOLO to $TEAM: the target already holds data (171 rows): db copy writes only into an empty database" \
  "$?:$(cat "$T/out")"
snap copy_team >"$T/after"
check_file "... and left as it was" "$T/before" "$T/after"
cp "$T/back.db" "$T/back-copy.db"
"$CTL" db copy "$TEAM" "$T/back.db" >"$T/out" 2>&1
check_eq "an SQLite target that holds data: refused, exit 2" "2" "$?"
check_eq "... and left as it was" "" "$(cmp "$T/back.db" "$T/back-copy.db")"
"$CTL" db copy "$T/nothere.db" "$T/new.db" >"$T/out" 2>&1
check_eq "a source that does not exist: exit 2, nothing created" \
  "2:prospectctl: $T/nothere.db: no prospectd database there:0" "$?:$(cat "$T/out"):$(ls "$T" | grep -c -e nothere -e new.db)"
"$CTL" db copy "$SOLO" "$SOLO" >"$T/out" 2>&1
check_eq "the same database twice: exit 2" "2:prospectctl: $SOLO: the source and the target are the same" \
  "$?:$(cat "$T/out")"
"$CTL" db copy "$SOLO" >"$T/out" 2>&1
check_eq "one database only: exit 2" \
  "2:prospectctl: db copy: expected two databases, FROM and TO (a file or a postgresql:// URI each)" "$?:$(cat "$T/out")"
"$CTL" --db "$TEAM" team grant copy_rep --rep alice >/dev/null 2>&1
"$CTL" db copy "postgresql://copy_rep@/copy_team?host=$PGHOST&port=$PGPORT" "$T/partial.db" >"$T/out" 2>&1
check_eq "a rep's login as the source (it sees only its rep's rows): exit 1, nothing created" \
  "1:prospectctl: postgresql://copy_rep@/copy_team?host=$PGHOST&port=$PGPORT: this login sees only alice's entries and token: copy as the database's owner or a manager:0" \
  "$?:$(cat "$T/out"):$(ls "$T" | grep -c partial)"

# A copy that does not verify (a trigger on the target changes what goes
# in) is rolled back whole.
newdb copy_bad
"$CTL" --db "$(url copy_bad)" team list >/dev/null 2>&1
su_sql "\\c copy_bad" >/dev/null 2>&1
$PSQL -v ON_ERROR_STOP=1 -d "postgresql:///copy_bad?host=$PGHOST&port=$PGPORT" -c "
  CREATE FUNCTION public.skew () RETURNS trigger LANGUAGE plpgsql AS \$\$
    BEGIN NEW.contacts := NEW.contacts + 1; RETURN NEW; END \$\$;
  CREATE TRIGGER skew BEFORE INSERT ON prospectd.activity FOR EACH ROW EXECUTE FUNCTION public.skew ()" ||
  fail "the skewing trigger"
"$CTL" db copy "$SOLO" "$(url copy_bad)" >"$T/out" 2>&1
check_eq "a copy that does not verify: exit 1, saying where" \
  "1:prospectctl: Cannot copy $SOLO to $(url copy_bad): the copy does not verify: in activity, the sum of contacts is 12 in the source and 14 in the copy" \
  "$?:$(cat "$T/out")"
check_eq "... and nothing of it is kept" "0|0|0" \
  "$($PSQL -d "postgresql:///copy_bad?host=$PGHOST&port=$PGPORT" -c \
     "SELECT (SELECT count(*) FROM prospectd.campaigns), (SELECT count(*) FROM prospectd.activity),
             (SELECT count(*) FROM prospectd.feed_tokens)")"

done_testing
