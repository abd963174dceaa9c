# SPDX-License-Identifier: MIT
# Same results on both backends: one history (logs of three reps, a note
# with quotes and accents, a replaced day, an edit, a removal, a catch-up
# stored by reschedule, a feed token) written once to an SQLite file and
# once to a PostgreSQL database of the test cluster, in the same run; then
# every reading command, text, JSON and CSV, prints the same bytes from
# both, the feeds export writes the same files, and the daemon's dry run
# reports the same.
. tests/cli/lib.sh
pg_cluster
SQLITE="$T/solo.db"
PG=$(pg_newdb "pd_backends_$$") || { fail "cannot create the test database"; exit 1; }
# Each backend its own feeds directory (a directory belongs to one
# database), named FEEDS in the outputs compared.
for b in sqlite pg; do
  cat >"$T/$b.conf" <<CONF
[daemon]
database = $SQLITE
feeds = $T/feeds-$b
campaigns = $TOP/config/campaigns
CONF
done

# run NAME COMMAND...: the command on each backend, its output and status
# kept as $T/NAME.sqlite and $T/NAME.pg.
run () {
  name=$1; shift
  $CTL --config "$T/sqlite.conf" --db "$SQLITE" "$@" 2>&1 | sed "s|$T/feeds-sqlite|FEEDS|g" >"$T/$name.sqlite"
  $CTL --config "$T/pg.conf" --db "$PG" "$@" 2>&1 | sed "s|$T/feeds-pg|FEEDS|g" >"$T/$name.pg"
}
same () { check_file "same on both backends: $1" "$T/$1.sqlite" "$T/$1.pg"; }

N="--now 2027-01-20T18:00"
i=0
for d in 04 05 06 07 08 11 12 13 14 15 18 19; do
  i=$((i + 1))
  run log-alice-$d $N log example --rep alice --contacts $((10 + i)) --prospects $((i % 5)) --active $((i % 2)) \
    --latent 1 --arid 1 --date 2027-01-$d
  run log-bob-$d $N log example --rep bob --contacts $((5 + i % 4)) --prospects 2 --active 1 --date 2027-01-$d
done
run log-deal $N log example --rep bob --contacts 3 --proposals 2 --deals 1 --revenue 18500 --date 2027-01-19 \
  --note "Café \"Grand\" signed; 'weekly' call"
run log-replace $N log example --rep alice --contacts 9 --prospects 2 --date 2027-01-12 --replace
run edit $N activity edit 3 --contacts 14 --note "edited"
run rm $N activity rm 5
run over $N log example --rep bob --contacts 800 --date 2027-01-20
for c in log-alice-04 log-bob-19 log-deal log-replace edit rm over; do same $c; done

run reschedule $N reschedule example --as-of 2027-01-20
same reschedule
run status $N status example --as-of 2027-01-20
run status-json $N status example --as-of 2027-01-20 --json
run status-csv $N status example --as-of 2027-01-20 --csv
run status-week $N status example --as-of 2027-01-20 --week
run status-rep $N status example --rep alice --as-of 2027-01-20
run status-check $N status example --as-of 2027-01-20 --check
run activity $N activity example
run activity-json $N activity example --json
run activity-csv $N activity example --rep bob --csv
run today --now 2027-01-21T10:00 today example
run today-json --now 2027-01-21T10:00 today example --json
run schedule $N schedule example --from 2027-01-18 --to 2027-02-05
run schedule-json $N schedule example --json
run plan plan example --json
for c in status status-json status-csv status-week status-rep status-check activity activity-json activity-csv \
         today today-json schedule schedule-json plan; do
  same $c
done
check_eq "the history is not empty (a status that says nothing would match too)" "yes" \
  "$(grep -q '"actual_contacts" : [1-9]' "$T/status-json.pg" && grep -q 'Café' "$T/activity.pg" && echo yes)"

$CTL --config "$T/sqlite.conf" --db "$SQLITE" $N export example --dir "$T/ics-sqlite" >/dev/null 2>&1
$CTL --config "$T/pg.conf" --db "$PG" $N export example --dir "$T/ics-pg" >/dev/null 2>&1
check_eq "export wrote the same feeds from both" "" \
  "$(diff -r -x .prospectd-database "$T/ics-sqlite" "$T/ics-pg" 2>&1 | grep -v '^[<>] DTSTAMP' |
     grep -v '^---' | grep -v '^[0-9,c]*$')"
check_eq "... two of them" "alice.ics bob.ics" "$(ls "$T/ics-pg/example" | tr '\n' ' ' | sed 's/ $//')"
# The daemon's dry run on each (the pg URI with a password, which is
# never shown): the same report, the database named apart, nothing
# written to either.
LOGIN=${PGUSER:-${PD_TEST_PG_SUPERUSER:-$(id -un)}}
SECRET=$(echo "$PG" | sed "s|^postgresql:///|postgresql://$LOGIN:s3cret@/|")
pg_sql () { PGOPTIONS="-c search_path=prospectd" "$PD_TEST_PG_BIN/psql" -X -A -t -q -d "$PG" -c "$1"; }
revisions=$(pg_sql 'SELECT count(*) FROM revisions')
$DAEMON --config "$T/sqlite.conf" --db "$SQLITE" --once --dry-run --now 2027-01-21T10:00 >"$T/dry-raw.sqlite" 2>/dev/null
$DAEMON --config "$T/pg.conf" --db "$SECRET" --once --dry-run --now 2027-01-21T10:00 >"$T/dry-raw.pg" 2>"$T/dry.err"
for b in sqlite pg; do
  sed -e "s|$T/feeds-$b|FEEDS|g" -e "s|on database '[^']*'|on database DB|" "$T/dry-raw.$b" >"$T/dry.$b"
done
check_file "same on both backends: prospectd --once --dry-run" "$T/dry.sqlite" "$T/dry.pg"
check_eq "... it reports something" yes "$(grep -q '^would write feed\|^feed unchanged' "$T/dry.pg" && echo yes)"
check_eq "... naming the database with its password masked" \
  "on database '$(echo "$PG" | sed "s|^postgresql:///|postgresql://$LOGIN:***@/|")':" \
  "$(head -n 1 "$T/dry-raw.pg" | grep -o "on database '[^']*':")"
check_eq "... the password is never shown or logged" "" "$(grep -h s3cret "$T/dry-raw.pg" "$T/dry.err")"
check_eq "... nothing written on PostgreSQL" "$revisions" "$(pg_sql 'SELECT count(*) FROM revisions')"
done_testing
