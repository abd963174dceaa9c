# SPDX-License-Identifier: MIT
# backends: sqlite pg
# prospectctl prospects import against files as spreadsheets write them
# (tests/data/prospects/: LibreOffice's French export in UTF-8 with ';'
# and CRLF, Excel's Windows-1252 with ';', Excel's "CSV UTF-8" with a
# byte-order mark and ','), built to hold every kind of duplicate and
# conflict: the exact prospects and sources they make, --dry-run writing
# nothing, bad rows refusing the file unless --skip-bad, a missing closing
# quote at its FILE:LINE:COLUMN, the same file twice adding nothing.
. tests/cli/lib.sh
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $TOP/config/campaigns
CONF
C="$CTL --config $T/prospectd.conf"
P="$DATA/prospects"
cd "$P" || exit 1
count () { if db_written; then db_sql "SELECT count(*) FROM $1"; else echo none; fi; }
HOW="phone numbers read as FR (from the time zone Europe/Paris)"

# --- a dry run counts and writes nothing (not even the database).
out=$($C prospects import example annuaire.csv --source annuaire --dry-run 2>&1)
check_eq "dry run of the directory: rows, new, twice in the file" \
  "0 annuaire.csv: UTF-8, delimiter ';' (from the header), $HOW
source annuaire: rows 6, new 5, already known 0, twice in the file 1, conflicts 0, bad 0
dry run: nothing written" "$? $out"
check_eq "... nothing written" none "$(count prospects)"

# --- the directory (LibreOffice, UTF-8, ';', CRLF, a quoted ';' and line
# break): line 8's ACME is line 2's Acme (phone), one prospect.
out=$($C prospects import example annuaire.csv --source annuaire 2>&1)
check_eq "import of the directory: 5 new, by weight (alice 1, bob 0.5)" \
  "0 annuaire.csv: UTF-8, delimiter ';' (from the header), $HOW
source annuaire: rows 6, new 5, already known 0, twice in the file 1, conflicts 0, bad 0
imported 5 new prospects (alice 3, bob 2); 6 source lines recorded" "$? $out"

# --- the trade show (Excel, Windows-1252): one bad phone refuses the file.
$C prospects import example salon.csv --source salon >"$T/out" 2>"$T/err"
check_eq "a bad row refuses the whole file: exit 2, the row's FILE:LINE:COLUMN" \
  "2 prospectctl: salon.csv:8:21: Tél: '04 78 12': a number of +33 has 9 digits after the country code, not 5
prospectctl: salon.csv: 1 bad row; nothing imported (--skip-bad imports the others)" "$? $(cat "$T/err")"
check_eq "... nothing printed on stdout" "" "$(cat "$T/out")"
check_eq "... nothing imported" 5 "$(count prospects)"

# With --skip-bad: Acme known by its phone written +33 (0)1, Martin by
# its company without SARL and its CP, Échos by its e-mail in capitals;
# Zeta has Martin's phone (conflict), line 7 has Delta's phone and
# Échos' e-mail (two prospects: conflict); neither is merged.
out=$($C prospects import example salon.csv --source salon --skip-bad 2>&1)
check_eq "--skip-bad: the bad line listed, conflicts reported, the rest imported" \
  "0 salon.csv: WINDOWS-1252 (converted to UTF-8), delimiter ';' (from the header), $HOW
skipped salon.csv:8:21: Tél: '04 78 12': a number of +33 has 9 digits after the country code, not 5
salon.csv:5: conflict, not imported: its phone is that of #2 Boulangerie Martin (annuaire:3), and this row says Zeta Transports
salon.csv:7: conflict, not imported: it matches two prospects, #4 Delta Industrie SAS (annuaire:6) and, by its email, #5 Échos Conseil (annuaire:7)
source salon: rows 7, new 1, already known 3 (annuaire 3), twice in the file 0, conflicts 2, bad 1
imported 1 new prospect (bob 1); 4 source lines recorded" "$? $out"

# --- the bought list (Excel "CSV UTF-8": BOM, ','): Acme again (0033),
# Foxtrot twice (SA and dots).
out=$($C prospects import achat.csv --source achat 2>&1)
check_eq "the bought list: BOM, commas, the campaign found alone" \
  "0 achat.csv: UTF-8 with a byte-order mark, delimiter ',' (from the header), $HOW
source achat: rows 4, new 2, already known 1 (annuaire 1, salon 1), twice in the file 1, conflicts 0, bad 0
imported 2 new prospects (alice 1, bob 1); 4 source lines recorded" "$? $out"

# --- the exact result: one prospect per company, every source line.
check_eq "the deduplicated file: prospects, reps, sources and lines" \
  "1|Acme SARL|alice|achat|2
1|Acme SARL|alice|annuaire|2
1|Acme SARL|alice|annuaire|8
1|Acme SARL|alice|salon|2
2|Boulangerie Martin|bob|annuaire|3
2|Boulangerie Martin|bob|salon|4
3|Cabinet Durand; Associés|alice|annuaire|4
4|Delta Industrie SAS|bob|annuaire|6
5|Échos Conseil|alice|annuaire|7
5|Échos Conseil|alice|salon|6
6|Société Générale d'Électricité|bob|salon|3
7|Foxtrot Logistique|alice|achat|3
7|Foxtrot Logistique|alice|achat|4
8|Golf Immobilier|bob|achat|5" \
  "$(db_sql "SELECT p.id, p.company, p.rep, s.source, s.line FROM prospects p
             JOIN prospect_sources s ON s.prospect = p.id ORDER BY p.id, s.source, s.line")"
check_eq "... phones in E.164, the other column as an attribute" \
  "+33472112233|contact@durand-associes.fr|Région|Rhône" \
  "$(db_sql "SELECT p.phone, p.email, a.name, a.value FROM prospects p
             JOIN prospect_attributes a ON a.prospect = p.id WHERE p.id = 3")"
check_eq "... the quoted note with its CRLF line break" "Rappeler|après 14 h" \
  "$(db_sql "SELECT notes FROM prospects WHERE id = 3" | tr -d '\r' | paste -s -d '|')"

# --- importing the same file again adds nothing.
before=$(db_sql "SELECT count(*) FROM prospect_sources")
out=$($C prospects import example annuaire.csv --source annuaire 2>&1)
check_eq "the directory again: every row known, nothing added" \
  "0 annuaire.csv: UTF-8, delimiter ';' (from the header), $HOW
source annuaire: rows 6, new 0, already known 6 (achat 2, annuaire 6, salon 4; 6 of these lines imported before), twice in the file 0, conflicts 0, bad 0
imported no new prospect; 0 source lines recorded" "$? $out"
check_eq "... 8 prospects still" 8 "$(count prospects)"
check_eq "... and the same source lines" "$before" "$(db_sql "SELECT count(*) FROM prospect_sources")"

# --- a missing closing quote: its line and column, nothing imported.
out=$($C prospects import example broken.csv --source broken 2>&1)
check_eq "a missing closing quote: exit 2, FILE:LINE:COLUMN of the opening quote" \
  "2 prospectctl: broken.csv:3:6: a quoted field never closed; expected a closing quote (\") before the end of the file" \
  "$? $out"
check_eq "... nothing imported" 8 "$(count prospects)"

# --- usage errors.
out=$($C prospects import example annuaire.csv 2>&1)
check_eq "no --source: exit 2" \
  "2 prospectctl: prospects import: --source NAME is required: where does the file come from (e.g. --source salon-2027)?" \
  "$? $out"
out=$($C prospects import example annuaire.csv --source x --delimiter ';;' 2>&1)
check_eq "a --delimiter of two characters: exit 2" \
  "2 prospectctl: --delimiter ';;': expected one character (, ; | or tab)" "$? $out"
out=$($C prospects import example nowhere.csv --source x 2>&1)
check_eq "a missing file: exit 2" \
  "2 prospectctl: nowhere.csv: cannot read: Failed to open file “nowhere.csv”: No such file or directory" "$? $out"
out=$($C prospects import example salon.csv --source salon --encoding UTF-8 2>&1)
check_eq "--encoding UTF-8 on Windows-1252 bytes: exit 2, where" \
  "2 prospectctl: salon.csv:1:25: not UTF-8 text; expected UTF-8 as --encoding says (or give the file's encoding, e.g. --encoding WINDOWS-1252)" \
  "$? $out"
out=$($C prospects import example annuaire.csv --source x --rep carol 2>&1)
check_eq "an unknown --rep: exit 2" \
  "2 prospectctl: --rep carol: no such rep in $TOP/config/campaigns/example.conf (reps: alice, bob)" "$? $out"
check_eq "... nothing imported by any of them" 8 "$(count prospects)"

# --- the sources compared.
out=$($C prospects sources 2>&1)
check_eq "prospects sources: sizes and overlaps" \
  "0 achat: 3 prospects; also in annuaire 1, salon 1; none reached yet
annuaire: 5 prospects; also in achat 1, salon 3; none reached yet
salon: 4 prospects; also in achat 1, annuaire 3; none reached yet" "$? $out"

done_testing
