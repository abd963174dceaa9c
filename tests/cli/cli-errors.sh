# SPDX-License-Identifier: MIT
# prospectctl's errors for what users type wrong: each
# is one line on stderr naming the option and its value, exit 2, nothing on
# stdout and nothing written; and --help's columns line up.
. tests/cli/lib.sh
E=config/campaigns/example.conf
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $T/prospectd.db
feeds = $T/feeds
campaigns = $TOP/config/campaigns
CONF
C="$CTL --config $T/prospectd.conf"

# expect_usage NAME LINE ARGS...: exit 2, nothing on stdout, stderr == LINE.
expect_usage () {
  _n=$1; _line=$2; shift 2
  $C "$@" >"$T/out" 2>"$T/err"
  check_eq "$_n: exit status" 2 "$?"
  check_eq "$_n: stdout" "" "$(cat "$T/out")"
  check_eq "$_n: stderr" "$_line" "$(cat "$T/err")"
}

# ---------------------------------------------------------------- --db
# A --db naming no file is an error for the commands that read it, and
# is not created; without --db, a configured database not there yet reads
# as nothing logged.
for verb in "status --as-of 2027-01-08" "status --json --as-of 2027-01-08" "schedule" "activity" \
            "export --rep bob -o -"; do
  # shellcheck disable=SC2086
  expect_usage "$verb --db missing" "prospectctl: --db $T/typo.db: no such database (only log creates one)" \
    --db "$T/typo.db" $verb example
done
check_eq "--db missing: not created" "no" "$([ -e "$T/typo.db" ] && echo yes || echo no)"
$C status example --as-of 2027-01-08 >/dev/null 2>"$T/err"
check_eq "status without any database yet: exit 0" "0 " "$? $(cat "$T/err")"
$C activity example >"$T/out" 2>"$T/err"
check_eq "activity without any database yet: exit 0, the header only" \
  "0 1 " "$? $(wc -l <"$T/out") $(cat "$T/err")"
check_eq "reading created no database" "no" "$([ -e "$T/prospectd.db" ] && echo yes || echo no)"

# ---------------------------------------------------------------- schedule --from/--to
expect_usage "schedule --from after --to" \
  "prospectctl: --from 2027-02-01 is after --to 2027-01-10: no day to show" \
  schedule example --from 2027-02-01 --to 2027-01-10
$C schedule example --from 2027-01-11 --to 2027-01-11 >"$T/out"
check_eq "schedule --from = --to shows that day" "0 3" "$? $(wc -l <"$T/out" | tr -d ' ')"

# ---------------------------------------------------------------- export -o
expect_usage "export -o into a missing directory" \
  "prospectctl: -o $T/nowhere/bob.ics: no directory $T/nowhere to write it in" \
  export example --rep bob -o "$T/nowhere/bob.ics"
check_eq "export -o: no directory made" "no" "$([ -e "$T/nowhere" ] && echo yes || echo no)"

# ---------------------------------------------------------------- several campaigns
mkdir -p "$T/campaigns"
cp $E "$T/campaigns/q2.conf"; cp $E "$T/campaigns/q1.conf"; cp $E "$T/campaigns/b.conf"
sed "s|^campaigns = .*|campaigns = $T/campaigns|" "$T/prospectd.conf" >"$T/several.conf"
$CTL --config "$T/several.conf" status >"$T/out" 2>"$T/err"
check_eq "several campaigns are listed, sorted" \
  "2 prospectctl: several campaigns in $T/campaigns (b, q1, q2); name one" "$? $(cat "$T/err")"

# ---------------------------------------------------------------- unknown rep
for verb in "status" "schedule" "activity" "export" "log --contacts 1 --date 2027-01-04"; do
  # shellcheck disable=SC2086
  expect_usage "$verb --rep Bob suggests bob" \
    "prospectctl: --rep Bob: no such rep in config/campaigns/example.conf; did you mean bob?" \
    $verb $E --rep Bob
done
expect_usage "--rep alcie suggests alice" \
  "prospectctl: --rep alcie: no such rep in config/campaigns/example.conf; did you mean alice?" \
  schedule $E --rep alcie
expect_usage "--rep nobody close lists the reps" \
  "prospectctl: --rep zacharias: no such rep in config/campaigns/example.conf (reps: alice, bob)" \
  schedule $E --rep zacharias
check_eq "log of an unknown rep wrote nothing" "no" "$([ -e "$T/prospectd.db" ] && echo yes || echo no)"

# ---------------------------------------------------------------- log without --date
# Today (the machine's clock) is not in the 2027 campaign: the error says
# so without quoting an option that was not typed. Today is the campaign's
# (Europe/Paris), not the machine's zone: they differ for an hour or more
# around midnight.
sed -e 's/^start = .*/start = 2001-01-01/' -e 's/^end = .*/end = 2001-03-30/' \
    -e '/^20[0-9][0-9]-0[12]-/d' -e 's/^days_off = .*/days_off = 2001-02-12/' \
    -e 's/^holidays = .*/holidays = fr/' $E >"$T/past.conf"
expect_usage "log without --date, today outside the campaign" \
  "prospectctl: today ($(TZ=Europe/Paris date +%Y-%m-%d)) is outside the campaign (2001-01-01 to 2001-03-30): name the day with --date" \
  log "$T/past.conf" --rep alice --contacts 3
expect_usage "log --date outside the campaign names it" \
  "prospectctl: --date 2001-04-02: outside the campaign (2001-01-01 to 2001-03-30)" \
  log "$T/past.conf" --rep alice --contacts 3 --date 2001-04-02

# ---------------------------------------------------------------- status --rep
$C --now 2027-01-04T18:00 log example --rep alice --contacts 16 --date 2027-01-04 >/dev/null
$C --now 2027-01-04T18:00 log example --rep bob --contacts 8 --date 2027-01-04 >/dev/null
$C status example --rep bob --as-of 2027-01-04 >"$T/out"
sed -n '/^checkpoints/,/^$/p' "$T/out" >"$T/checkpoints"
cat >"$T/expected" <<'TXT'
checkpoints (bob)
  2027-01-29   25%  target    156  done      8  upcoming
  2027-02-26   60%  target    374  done      8  upcoming
  2027-03-31  100%  target    623  done      8  upcoming

checkpoints (team)
  2027-01-29   25%  target    468  done     24  upcoming
  2027-02-26   60%  target   1121  done     24  upcoming
  2027-03-31  100%  target   1868  done     24  upcoming

TXT
check_file "status --rep bob shows bob's checkpoints, then the team's" "$T/expected" "$T/checkpoints"

# ---------------------------------------------------------------- --help
$CTL --help >"$T/help"
check_eq "--help: the feed-url line" \
  "  feed-url [CAMPAIGN] --rep REP     Print a rep's secret feed URL (--rotate: a new one)" \
  "$(grep '^  feed-url' "$T/help")"
check_eq "--help: the team line" \
  "  team init|grant|revoke|list       Manage a team's PostgreSQL database: its schema and logins" \
  "$(grep '^  team' "$T/help")"
# The text of every command and global option starts in one column.
columns=$(sed -n '/^Commands:/,/^Exit status/p' "$T/help" | grep '^  [^ ]' |
          awk '{ match($0, /^  ([^ ]+ )*[^ ]+  +/); print RLENGTH }' | sort -u | tr '\n' ' ')
check_eq "--help: one column for commands and options" "36 " "$columns"
check_eq "--help: the call line" \
  "  call [CAMPAIGN] PROSPECT          Record a call to a prospect and its outcome" \
  "$(grep '^  call ' "$T/help")"
check_eq "--help: rows checked" 24 \
  "$(sed -n '/^Commands:/,/^Exit status/p' "$T/help" | grep -c '^  [^ ]')"
done_testing
