# SPDX-License-Identifier: MIT
# backends: sqlite pg
# prospectctl prospects add, list, show, erase, assign, sources and
# prescribers on one small file: spontaneous prospects start active and
# count against the plan, a known prospect is not added twice, the list's
# filters and its JSON and CSV, everything held about one prospect, an
# erased person gone from rows and call notes while the calls stay,
# rebalancing when the weights change, the accessibility of each source
# once calls exist, what each prescriber brought.
. tests/cli/lib.sh
mkdir -p "$T/campaigns"
cp "$TOP/config/campaigns/example.conf" "$T/campaigns/"
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $T/campaigns
CONF
C="$CTL --config $T/prospectd.conf --now 2027-01-20T09:00"
cd "$DATA/prospects" || exit 1
$C prospects import annuaire.csv --source annuaire >/dev/null 2>&1
$C prospects import achat.csv --source achat >/dev/null 2>&1

# --- add: spontaneous starts active; counted against the plan's 8. Of
# the 8 prospects with it, alice's share is 5 (8 x 1/1.5 = 5.33) and she
# holds 4, bob's 3 (2.67, the larger remainder) and he holds 3: alice.
out=$($C prospects add --company "Hôtel Bellecour" --contact Roche --phone "04 78 42 00 00" --spontaneous \
        --prescriber "CCI Lyon" 2>&1)
check_eq "add --spontaneous: active, to the rep furthest below its share" \
  "0 added #8: Hôtel Bellecour, active, alice
spontaneous prospects: 1 of the plan's 8" "$? $out"
out=$($C prospects add --company "Iris Conseil" --email iris@conseil.fr --recommended-by "Acme SARL" --rep alice 2>&1)
check_eq "add --recommended-by --rep" "0 added #9: Iris Conseil, new, alice" "$? $out"
out=$($C prospects add --company "ACME" --phone "+33 1 23 45 67 89" 2>&1)
check_eq "add a prospect known by its phone: exit 2, which one" \
  "2 prospectctl: --company ACME: already prospect #1 (its phone is the same); nothing added" "$? $out"
out=$($C prospects add --company "Zeta" --phone "+33 1 23 45 67 89" 2>&1)
check_eq "add another company with a known phone: a conflict, exit 2" \
  "2 prospectctl: --company Zeta: its phone is prospect #1's, another company; nothing added" "$? $out"
out=$($C prospects add --company X --phone 12 2>&1)
check_eq "add with a bad phone: exit 2" \
  "2 prospectctl: --phone '12': a national number in FR begins with 0; write it so, or with +33" "$? $out"
out=$($C prospects add --contact Y 2>&1)
check_eq "add without --company: exit 2" "2 prospectctl: prospects add: --company NAME is required" "$? $out"
check_eq "... none of them written" 9 "$(db_sql 'SELECT count(*) FROM prospects')"

# --- calls, as prospectctl call records them: Acme reached and active,
# Martin latent to follow up on the 25th, Delta not reached, Foxtrot
# (bought list) arid; the won deal of Hôtel Bellecour.
db_sql "INSERT INTO calls (campaign, prospect, rep, date, outcome, follow_up, revenue_cents, note, state_before,
          state_after, created) VALUES
          ('example', 1, 'alice', '2027-01-18', 'active', NULL, 0, 'Jeanne Dupont: rappeler', 'new', 'active', 0),
          ('example', 2, 'bob', '2027-01-18', 'latent', '2027-01-25', 0, NULL, 'new', 'latent', 0),
          ('example', 4, 'bob', '2027-01-18', 'no-answer', NULL, 0, NULL, 'new', 'attempted', 0),
          ('example', 6, 'alice', '2027-01-19', 'arid', NULL, 0, NULL, 'new', 'arid', 0),
          ('example', 8, 'alice', '2027-01-19', 'proposal', NULL, 0, NULL, 'active', 'proposal', 0),
          ('example', 8, 'alice', '2027-01-20', 'won', NULL, 1250000, NULL, 'proposal', 'won', 0)"
db_sql "UPDATE prospects SET state = 'active', attempts = 1 WHERE id = 1;
        UPDATE prospects SET state = 'latent', attempts = 1, follow_up = '2027-01-25' WHERE id = 2;
        UPDATE prospects SET state = 'attempted', attempts = 1 WHERE id = 4;
        UPDATE prospects SET state = 'arid', attempts = 1 WHERE id = 6;
        UPDATE prospects SET state = 'won', attempts = 2 WHERE id = 8"

# --- list and its filters.
out=$($C prospects list 2>&1)
check_eq "list: every prospect in import order" \
  "0 #1  Acme SARL, Dupont, +33123456789  active, 1 call  alice  [achat, annuaire]
#2  Boulangerie Martin, Martin, +33478000001  latent (follow up 2027-01-25), 1 call  bob  [annuaire]
#3  Cabinet Durand; Associés, Durand, +33472112233  new  alice  [annuaire]
#4  Delta Industrie SAS, Petit, +33472334455  attempted, 1 call  bob  [annuaire]
#5  Échos Conseil, Leroy  new  alice  [annuaire]
#6  Foxtrot Logistique, Garnier, +33472998877  arid, 1 call  alice  [achat]
#7  Golf Immobilier, Faure  new  bob  [achat]
#8  Hôtel Bellecour, Roche, +33478420000  won, 2 calls  alice  [added]
#9  Iris Conseil  new  alice  [added]" "$? $out"
out=$($C prospects list --due 2>&1)
check_eq "list --due: nothing due on the 20th" "0 no prospect" "$? $out"
out=$($C prospects list --due 2027-01-25 2>&1)
check_eq "list --due 2027-01-25: Martin" \
  "0 #2  Boulangerie Martin, Martin, +33478000001  latent (follow up 2027-01-25), 1 call  bob  [annuaire]" "$? $out"
out=$($C prospects list --state new --rep alice --source annuaire 2>&1)
check_eq "list --state --rep --source together" \
  "0 #3  Cabinet Durand; Associés, Durand, +33472112233  new  alice  [annuaire]
#5  Échos Conseil, Leroy  new  alice  [annuaire]" "$? $out"
out=$($C prospects list --state done 2>&1)
check_eq "list --state of no state: exit 2" \
  "2 prospectctl: --state done: expected new, attempted, arid, latent, active, proposal, won or lost" "$? $out"
out=$($C prospects list --csv --state latent 2>&1)
check_eq "list --csv" \
  "0 id,company,contact,phone,email,state,rep,attempts,follow_up,sources
2,Boulangerie Martin,Martin,+33478000001,,latent,bob,1,2027-01-25,annuaire" "$(echo "$? $out" | tr -d '\r')"
out=$($C prospects list --json --due 2027-01-31 2>&1)
check_eq "list --json: the documented keys" \
  '0 [
  {
    "id" : 2,
    "company" : "Boulangerie Martin",
    "contact" : "Martin",
    "first_name" : "Paul",
    "phone" : "+33478000001",
    "mobile" : null,
    "email" : null,
    "city" : "Lyon",
    "postcode" : "69003",
    "sector" : "commerce",
    "size" : "5",
    "sources" : [
      "annuaire"
    ],
    "state" : "latent",
    "rep" : "bob",
    "attempts" : 1,
    "follow_up" : "2027-01-25",
    "spontaneous" : false,
    "prescriber" : null,
    "recommended_by" : null,
    "attributes" : {
      "Région" : "Rhône"
    }
  }
]' "$? $out"

# --- show: everything held about one prospect, its calls included.
out=$($C prospects show 1 --json 2>&1 | grep -v '"created" :')
check_eq "show --json: details, attributes, source lines, calls" \
  '0 {
  "id" : 1,
  "company" : "Acme SARL",
  "contact" : "Dupont",
  "first_name" : "Jeanne",
  "phone" : "+33123456789",
  "mobile" : null,
  "email" : "jeanne.dupont@acme.fr",
  "city" : "Lyon",
  "postcode" : "69002",
  "sector" : "industrie",
  "size" : "50",
  "sources" : [
    "achat",
    "annuaire"
  ],
  "state" : "active",
  "rep" : "alice",
  "attempts" : 1,
  "follow_up" : null,
  "spontaneous" : false,
  "prescriber" : null,
  "recommended_by" : null,
  "attributes" : {
    "Région" : "Rhône"
  },
  "notes" : null,
  "import_order" : 1,
  "source_lines" : [
    {
      "source" : "achat",
      "line" : 2
    },
    {
      "source" : "annuaire",
      "line" : 2
    },
    {
      "source" : "annuaire",
      "line" : 8
    }
  ],
  "calls" : [
    {
      "id" : 1,
      "date" : "2027-01-18",
      "rep" : "alice",
      "outcome" : "active",
      "follow_up" : null,
      "revenue_cents" : 0,
      "note" : "Jeanne Dupont: rappeler",
      "state_before" : "new",
      "state_after" : "active"
    }
  ]
}' "$? $out"
out=$($C prospects show 99 --json 2>&1)
check_eq "show of no prospect: exit 2" "2 prospectctl: prospects show 99: no such prospect in example" "$? $out"
out=$($C prospects show acme 2>&1)
check_eq "show of a name: exit 2" "2 prospectctl: prospects show acme: expected a prospect's number, e.g. 12" "$? $out"

# --- sources: sizes, overlaps, accessibility (active / reached).
out=$($C prospects sources 2>&1)
check_eq "sources: the directory pays (1 active of 2 reached), the bought list not yet" \
  "0 achat: 3 prospects; also in annuaire 1; accessibility 50% (1 active of 2 reached)
added: 2 prospects; in no other source; accessibility 100% (1 active of 1 reached)
annuaire: 5 prospects; also in achat 1; accessibility 50% (1 active of 2 reached)" "$? $out"

# --- prescribers.
out=$($C prescribers 2>&1)
check_eq "prescribers: who brought what, and what became of it" \
  "0 CCI Lyon (prescriber): 1 prospect, 1 active, 1 proposals, 1 won, 12 500 €
Acme SARL (recommendation): 1 prospect, 0 active, 0 proposals, 0 won, 0 €" "$? $out"

# --- erase: the person goes, the calls stay without note.
out=$($C prospects erase 1 2>&1)
check_eq "erase #1" \
  "0 erased #1 Acme SARL: its details, attributes and sources, and the notes of its 1 call (the call stays counted)" \
  "$? $out"
check_eq "... no row, attribute or source of it left" "0|0|0" \
  "$(db_sql "SELECT (SELECT count(*) FROM prospects WHERE id = 1), (SELECT count(*) FROM prospect_attributes
             WHERE prospect = 1), (SELECT count(*) FROM prospect_sources WHERE prospect = 1)")"
check_eq "... its call kept, without prospect nor note" "|active||alice" \
  "$(db_sql "SELECT prospect, outcome, note, rep FROM calls WHERE id = 1")"
check_eq "... no text of it anywhere in the prospect tables" 0 \
  "$(db_sql "SELECT count(*) FROM prospects WHERE company LIKE '%Acme%' OR contact = 'Dupont'")"
out=$($C prospects erase 1 2>&1)
check_eq "erase again: exit 2" "2 prospectctl: prospects erase 1: no such prospect in example" "$? $out"
if [ -e "${PD_TEST_LOCPATH:-/nonexistent}/fr_FR.UTF-8/LC_CTYPE" ] && [ -n "${PROSPECTD_LOCALEDIR:-}" ]; then
  out=$(env LOCPATH="$PD_TEST_LOCPATH" LC_ALL=fr_FR.UTF-8 $C prospects erase 1 2>&1)
  check_eq "... in French" "2 prospectctl : prospects erase 1 : pas de tel prospect dans example" "$? $out"
else
  fail "fr_FR.UTF-8 in \$PD_TEST_LOCPATH and the catalogue in \$PROSPECTD_LOCALEDIR (run through make check)"
fi
out=$($C prospects erase 0 2>&1)
check_eq "erase of no number: exit 2" "2 prospectctl: prospects erase 0: expected a prospect's number, e.g. 12" "$? $out"

# --- assign: bob's weight 2 against alice's 1; only the prospects never
# called move (#3, #5 and #9 of alice's, #7 of bob's): of 4, alice's share
# is 1 (1.33), bob's 3 (2.67, the larger remainder). alice keeps #3, her
# first; #5 and #9 go to bob.
sed -i 's/^bob = 0.5$/bob = 2/' "$T/campaigns/example.conf"
out=$($C prospects assign 2>&1)
check_eq "assign: the uncalled four rebalanced 1 : 2" \
  "0 4 prospects never called; 2 moved: alice 1 (-2), bob 3 (+2)" "$? $out"
check_eq "... #3 stays alice's, #5 and #9 are bob's" "3|alice
5|bob
7|bob
9|bob" "$(db_sql "SELECT id, rep FROM prospects WHERE attempts = 0 AND NOT spontaneous ORDER BY id")"
check_eq "... the called ones kept their rep" "2|bob
4|bob
6|alice
8|alice" "$(db_sql "SELECT id, rep FROM prospects WHERE attempts > 0 ORDER BY id")"
out=$($C prospects assign 2>&1)
check_eq "assign again: nothing moves" "0 4 prospects never called; 0 moved: alice 1 (+0), bob 3 (+0)" "$? $out"

# --- db copy takes the prospect file along: the erased person stays gone.
COPY=$(db_new copy)
out=$($CTL db copy "$DB" "$COPY" 2>&1)
check_eq "db copy: the prospects and calls copied, counted, verified" \
  "0 copied $DB to $COPY: campaigns 1, entries 0, revisions 0 (planned days 0, catch-up days 0), notifications sent 0, feed tokens 0, rep start days 0; counts and sums verified
and the prospect file: prospects 8 (with their attributes and sources), calls 6" "$? $out"
check_eq "... the same prospects and calls there" \
  "$(db_sql "SELECT p.id, p.company, p.rep, p.state, s.source, s.line FROM prospects p JOIN prospect_sources s
             ON s.prospect = p.id ORDER BY 1, 5, 6"; db_sql "SELECT * FROM calls ORDER BY id")" \
  "$(db_sql "SELECT p.id, p.company, p.rep, p.state, s.source, s.line FROM prospects p JOIN prospect_sources s
             ON s.prospect = p.id ORDER BY 1, 5, 6" "$COPY"; db_sql "SELECT * FROM calls ORDER BY id" "$COPY")"

done_testing
