# SPDX-License-Identifier: MIT
# libpq is loaded only for a PostgreSQL database: neither program links
# it (it and the libraries it needs are some 5 MiB of every process), a
# command on an SQLite file never loads it, and one given a PostgreSQL URI
# loads it (the connection then fails: no server at that socket) and says
# why in one line (the port given: the test run's PGPORT would name the
# socket otherwise).
. tests/cli/lib.sh

check_eq "prospectctl does not link libpq" "" "$(readelf -d "$CTL" | grep -o 'libpq[^]]*')"
check_eq "prospectd does not link libpq" "" "$(readelf -d "$DAEMON" | grep -o 'libpq[^]]*')"

$CTL --db "$T/solo.db" --now 2027-02-02T18:00 log "$DATA/four-reps.conf" --rep alice --contacts 3 >/dev/null 2>&1
check_eq "a log into an SQLite file: exit 0" "0" "$?"
LD_DEBUG=files $CTL --db "$T/solo.db" --now 2027-02-02T18:00 status "$DATA/four-reps.conf" >"$T/out" 2>"$T/err"
check_eq "status of that file: exit 0" "0" "$?"
check_eq "... libpq never loaded" "" "$(grep -o 'file=libpq[^ ;]*' "$T/err" | sort -u)"

LD_DEBUG=files $CTL --db "postgresql:///pd?host=$T/none&port=5432" status "$DATA/four-reps.conf" >"$T/out" 2>"$T/err"
check_eq "status of a PostgreSQL URI without a server: exit 1" "1" "$?"
check_eq "... libpq loaded for it" "file=libpq.so.5" "$(grep -o 'file=libpq[^ ;]*' "$T/err" | sort -u)"
$CTL --db "postgresql:///pd?host=$T/none&port=5432" status "$DATA/four-reps.conf" >"$T/out" 2>"$T/err"
check_eq "... one line on stderr" "1" "$(wc -l <"$T/err")"
check_eq "... saying the server is not there" "yes" \
  "$(grep -q "^prospectctl: Cannot open the database 'postgresql:///pd?host=$T/none\&port=5432': connection to server on socket \"$T/none/.s.PGSQL.5432\" failed" "$T/err" && echo yes)"
done_testing
