# SPDX-License-Identifier: MIT
# backends: sqlite pg
# prospectctl calibrate on a scripted history: two campaigns (q1 ended,
# q2 running) logged with --now and --date; the pooled rates, their 90 %
# Wilson intervals checked against bounds computed here independently
# (Python: the roots of the score equation by bisection, z from
# statistics.NormalDist), n < 30 keeping the method's default, the effort
# at the interval's ends, the [plan] section pasted into a campaign file
# that `plan` accepts with the same figures, and bad input.
. tests/cli/lib.sh
mkdir -p "$T/campaigns"
campaign () { # ID NAME START END
  cat >"$T/campaigns/$1.conf" <<CONF
[campaign]
name = $2
start = $3
end = $4
timezone = Europe/Paris
currency = EUR

[plan]
objective = 60000
average_deal = 20000
proposals_per_deal = 3
compensation_factor = 4
spontaneous_prospects = 8
accessibility_rate = 6%
contacts_per_prospect = 4
minutes_per_contact = 2

[calendar]
workdays = mon-fri
call_windows = 09:00-12:00, 14:00-17:00
max_daily_calls = 6h

[reps]
alice = 1
bob = 1
CONF
}
campaign pilot "Pilot" 2026-10-05 2026-12-18
campaign q1 "New customers Q1 2027" 2027-01-04 2027-03-31
campaign q2 "New customers Q2 2027" 2027-04-05 2027-06-30
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $T/campaigns
CONF
C="$CTL --config $T/prospectd.conf --now 2027-05-14T18:00"
rows () { if db_written; then db_sql 'SELECT count(*) FROM activity'; else echo none; fi; }

# --- nothing logged yet: the method's defaults, nothing written.
$C calibrate q1 --json >"$T/empty.json"
check_eq "no database: exit 0" 0 $?
check_eq "no database: none created" none "$(rows)"
check_eq "no database: every rate the default, n 0" \
  "none 0 0.06|none 0 4.0|none 0 3.0|none 0 4.0|none 0 20000.0|none 0 8|467 1868 3736" \
  "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["rates"]
print("|".join("%s %d %r" % (r[k]["source"], r[k]["n"], r[k]["proposed"]) for k in
  ("accessibility_rate", "contacts_per_prospect", "proposals_per_deal", "compensation_factor", "average_deal", "spontaneous_prospects")),
  end="|")
e = d["effort"]["proposed"]
print(e["prospects_to_contact"], e["contacts"], e["call_minutes"])' "$T/empty.json")"

# --- the history.
log () { $C log "$@" >/dev/null || fail "log $*"; }
log pilot --rep alice --date 2026-11-02 --contacts 50 --prospects 12 --active 2 --latent 3 --arid 7
log q1 --rep alice --date 2027-01-11 --contacts 120 --prospects 30 --active 2 --latent 6 --arid 22 --proposals 1
log q1 --rep alice --date 2027-02-15 --contacts 100 --prospects 25 --active 1 --latent 4 --arid 20 --proposals 1
log q1 --rep bob --date 2027-01-12 --contacts 90 --prospects 24 --active 2 --latent 2 --arid 20 --proposals 1
log q1 --rep bob --date 2027-03-01 --contacts 0 --deals 1 --revenue 18000
log q1 --rep alice --date 2027-03-10 --contacts 0 --deals 1 --revenue 25000
log q2 --rep alice --date 2027-04-12 --contacts 150 --prospects 40 --active 3 --latent 7 --arid 30 --proposals 2
log q2 --rep bob --date 2027-04-13 --contacts 80 --prospects 20 --active 1 --latent 3 --arid 16
log q2 --rep alice --date 2027-05-10 --contacts 0 --deals 1 --revenue 30000
before=$(rows)

# Pooled over q1 and q2 (counts, not rates, added):
#   accessibility  (5 + 4) active / (79 + 60) prospects = 9 / 139 = 6.4748 %
#                  -> 6.47 %, n 139: trusted
#   contacts per prospect  (310 + 230) / 139 = 3.8849 -> 3.88, n 540
#   proposals per deal  (3 + 2) / (2 + 1) deals = 1.67, n 5 proposals < 30:
#                  the method's 3 kept (bob logs no proposal in q2, but
#                  has no deal there either)
#   compensation factor  9 active / 5 proposals = 1.80, n 9 < 30: 4 kept
#   average deal   73 000 € / 3 = 24 333.33 €, n 3 < 30: q2's 20 000 €
#   spontaneous    not recorded by log: q2's 8
# The effort of q2's objective: 3 deals, 9 proposals, 36 active, 28
# after spontaneous; 28 / 6.47 % = 432.8 -> 433 prospects, x 3.88 =
# 1 680.04 -> 1 681 contacts, 3 362 min = 56 h 02 min. At the interval's
# ends (bisection below: 0.038055 and 0.108062), as 3.81 % and 10.81 %:
# 28 / 0.0381 = 734.9 -> 735, x 3.88 = 2 851.8 -> 2 852, 5 704 min =
# 95 h 04 min; 28 / 0.1081 = 259.02 -> 260, 1 008.8 -> 1 009, 2 018 min
# = 33 h 38 min.
LC_ALL=C $C calibrate q1 q2 >"$T/out.txt" 2>"$T/err"
check_eq "calibrate q1 q2: exit 0, nothing on stderr" "0 " "$? $(cat "$T/err")"
cat >"$T/expected.txt" <<'TXT'
calibration from 2 campaigns; the next plan from q2's
  q1 (New customers Q1 2027): 2027-01-04 – 2027-03-31, ended
  q2 (New customers Q2 2027): 2027-04-05 – 2027-06-30, running, as of 2027-05-14

                         observed   90 % interval          n   next plan
accessibility rate          6.47%   3.81% – 10.81%       139   6.47%
contacts per prospect        3.88   3.45 – 4.39          540   3.88
proposals per deal           1.67   1.17 – 3.67            5   3           too few to trust (n < 30): the method's default
compensation factor          1.80   1.28 – 3.30            9   4           too few to trust (n < 30): the method's default
average deal          24 333.33 €   -                      3   20 000 €    too few to trust (n < 30): q2's
spontaneous prospects           -   -                      0   8           not recorded by log: q2's
n: prospects reached, contacts, proposals, active prospects, deals, campaigns

effort for q2's objective (60 000 €) at the next plan's rates
                       accessibility   prospects  contacts       call time
next plan                      6.47%         433     1 681     56 h 02 min
interval, low end              3.81%         735     2 852     95 h 04 min
interval, high end            10.81%         260     1 009     33 h 38 min
TXT
check_file "calibrate q1 q2: the text" "$T/expected.txt" "$T/out.txt"
# The README pastes this output: it stays true.
readme_block () { # the fenced block whose first line is $1, without it
  awk -v first="$1" 'inside && /^```/ { exit } inside { print } /^```/ && !inside { getline; if ($0 == first) inside = 1 }' \
    "$TOP/README.md"
}
readme_block '$ prospectctl --now 2027-05-14T18:00 calibrate q1 q2' >"$T/readme.txt"
check_file "README: the calibration output is calibrate's" "$T/out.txt" "$T/readme.txt"
check_eq "calibrate reads only" "$before" "$(rows)"

# The history as `campaigns` lists it, pasted in the README too.
LC_ALL=C $C campaigns >"$T/out.txt"
cat >"$T/expected.txt" <<'TXT'
campaign  name                   start       end         objective       won  deals  status
pilot     Pilot                  2026-10-05  2026-12-18   60 000 €       0 €      0  ended
q1        New customers Q1 2027  2027-01-04  2027-03-31   60 000 €  43 000 €      2  ended
q2        New customers Q2 2027  2027-04-05  2027-06-30   60 000 €  30 000 €      1  running
TXT
check_file "campaigns: the history calibrate reads" "$T/expected.txt" "$T/out.txt"
readme_block '$ prospectctl --now 2027-05-14T18:00 campaigns' >"$T/readme.txt"
check_file "README: the campaigns output is campaigns'" "$T/out.txt" "$T/readme.txt"

# --- JSON: every rate a number with its bounds and n; the bounds against
# an independent computation, to 4 decimals.
cat >"$T/wilson.py" <<'PY'
import json, sys
from statistics import NormalDist
z = NormalDist().inv_cdf(0.95)

def root(k, n, lo, hi):
    # (k/n - p)^2 n = z^2 p (1 - p): the score test at 10 %, two-sided.
    f = lambda p: (k / n - p) ** 2 * n - z * z * p * (1 - p)
    for _ in range(200):
        m = (lo + hi) / 2
        if (f(lo) > 0) == (f(m) > 0):
            lo = m
        else:
            hi = m
    return (lo + hi) / 2

def wilson(k, n):
    p = k / n
    return (0.0 if k == 0 else root(k, n, 0.0, p), 1.0 if k == n else root(k, n, p, 1.0))

d = json.load(open(sys.argv[1]))
bad = []
def near(what, got, want):
    if got is None or abs(got - want) >= 0.5e-4:
        bad.append("%s: %r, expected %.6f" % (what, got, want))
for key, rate in d["rates"].items():
    if key in ("average_deal", "spontaneous_prospects") or rate["denominator"] == 0:
        continue
    num, den = rate["numerator"], rate["denominator"]
    if key == "accessibility_rate":
        lo, hi = wilson(num, den)
        near(key + " value", rate["value"], num / den)
    else:  # events per unit: 1 / the proportion units / events's bounds
        l, h = wilson(den, num)
        lo, hi = 1 / h, 1 / l
        near(key + " value", rate["value"], num / den)
    near(key + " lower", rate["lower"], lo)
    near(key + " upper", rate["upper"], hi)
print("\n".join(bad) if bad else "ok")
PY
$C calibrate q1 q2 --json >"$T/out.json"
check_eq "calibrate --json: exit 0" 0 $?
check_eq "--json: Wilson bounds to 4 decimals, computed apart" ok "$(python3 "$T/wilson.py" "$T/out.json")"
check_eq "--json: n, counts, source and proposal of each rate" \
  "accessibility_rate n=139 9/139 observed 0.0647 (default 0.06)
contacts_per_prospect n=540 540/139 observed 3.88 (default 4.0)
proposals_per_deal n=5 5/3 too_small 3.0 (default 3.0)
compensation_factor n=9 9/5 too_small 4.0 (default 4.0)
average_deal n=3 7300000/3 too_small 20000.0 (default 20000.0)
spontaneous_prospects n=0 none 8 (default 8)
effort: 433 1681 3362 | 0.0381 735 2852 5704 | 0.1081 260 1009 2018
contacts_distribution: None
campaigns: q1 2027-01-04 2027-03-31 ended | q2 2027-04-05 2027-06-30 running; base q2 EUR" \
  "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for k, r in d["rates"].items():
    counts = "" if k == "spontaneous_prospects" else " %d/%d" % (r["numerator"], r["denominator"])
    print("%s n=%d%s %s %s (default %s)" % (k, r["n"], counts, r["source"], round(r["proposed"], 6), round(r["default"], 6)))
e = d["effort"]
print("effort: %d %d %d | %s %d %d %d | %s %d %d %d" % (e["proposed"]["prospects_to_contact"], e["proposed"]["contacts"],
      e["proposed"]["call_minutes"], round(e["low"]["accessibility_rate"], 6), e["low"]["prospects_to_contact"],
      e["low"]["contacts"], e["low"]["call_minutes"], round(e["high"]["accessibility_rate"], 6),
      e["high"]["prospects_to_contact"], e["high"]["contacts"], e["high"]["call_minutes"]))
print("contacts_distribution: %s" % d["contacts_distribution"])
print("campaigns: " + " | ".join("%s %s %s %s" % (c["campaign"], c["start"], c["end"], "ended" if c["ended"] else "running")
      for c in d["campaigns"]) + "; base %s %s" % (d["base"], d["currency"]))' "$T/out.json")"

# --- n < 30: the pilot reached 12 prospects (2 active: 16.67 %), too few:
# the method's 6 % stays, the interval (bisection: 0.056781, 0.399207) is
# shown. 50 contacts over 12 prospects (4.1667 -> 4.17) are 50 trials:
# trusted, its interval 1 / the bounds of 12 / 50 (bisection: 2.848790,
# 6.423968). 2 active prospects and no proposal: no compensation factor.
# The effort: 28 / 6 % = 466.7 -> 467 prospects, x 4.17 = 1 947.39 ->
# 1 948 contacts, 3 896 min = 64 h 56 min; at 5.68 %: 492.96 -> 493,
# 2 055.81 -> 2 056, 4 112 min = 68 h 32 min; at 39.92 %: 70.14 -> 71,
# 296.07 -> 297, 594 min = 9 h 54 min.
LC_ALL=C $C calibrate pilot >"$T/out.txt"
cat >"$T/expected.txt" <<'TXT'
calibration from 1 campaign; the next plan from pilot's
  pilot (Pilot): 2026-10-05 – 2026-12-18, ended

                         observed   90 % interval          n   next plan
accessibility rate         16.67%   5.68% – 39.92%        12   6%          too few to trust (n < 30): the method's default
contacts per prospect        4.17   2.85 – 6.42           50   4.17
proposals per deal              -   -                      0   3           not observed: the method's default
compensation factor             -   -                      2   4           not observed: the method's default
average deal                    -   -                      0   20 000 €    not observed: pilot's
spontaneous prospects           -   -                      0   8           not recorded by log: pilot's
n: prospects reached, contacts, proposals, active prospects, deals, campaigns

effort for pilot's objective (60 000 €) at the next plan's rates
                       accessibility   prospects  contacts       call time
next plan                         6%         467     1 948     64 h 56 min
interval, low end              5.68%         493     2 056     68 h 32 min
interval, high end            39.92%          71       297      9 h 54 min
TXT
check_file "n < 30: the default kept, the interval and its effort shown" "$T/expected.txt" "$T/out.txt"
$C calibrate pilot --json >"$T/pilot.json"
check_eq "n < 30: JSON source too_small, bounds computed apart" "too_small 0.06 ok" \
  "$(python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["rates"]["accessibility_rate"]; print(r["source"], r["proposed"], end=" ")' "$T/pilot.json")$(python3 "$T/wilson.py" "$T/pilot.json")"

# --- --campaign-file: a [plan] section that, pasted into the next
# campaign file, gives `plan` the very figures calibrate printed.
$C calibrate q1 q2 --campaign-file >"$T/plan.txt"
check_eq "--campaign-file: exit 0" 0 $?
cat >"$T/expected.txt" <<'TXT'
# calibrated by prospectctl calibrate q1 q2
[plan]
objective = 60000
average_deal = 20000
proposals_per_deal = 3
compensation_factor = 4
spontaneous_prospects = 8
# 90 % interval 3.81% – 10.81%, n = 139
accessibility_rate = 6.47%
contacts_per_prospect = 3.88
minutes_per_contact = 2
max_attempts = 13
rounding = up
TXT
check_file "--campaign-file: the [plan] section" "$T/expected.txt" "$T/plan.txt"
readme_block '$ prospectctl --now 2027-05-14T18:00 calibrate q1 q2 --campaign-file' >"$T/readme.txt"
check_file "README: the [plan] section is calibrate's" "$T/plan.txt" "$T/readme.txt"
{
  sed -n '1,/^\[plan\]/p' "$T/campaigns/q2.conf" | sed '$d' | sed 's/^name = .*/name = New customers Q3 2027/;
    s/^start = .*/start = 2027-07-05/; s/^end = .*/end = 2027-09-30/'
  cat "$T/plan.txt"
  echo
  sed -n '/^\[calendar\]/,$p' "$T/campaigns/q2.conf"
} >"$T/campaigns/q3.conf"
$C plan q3 --json >"$T/q3.json" 2>"$T/err"
check_eq "the pasted campaign file: plan accepts it" "0 " "$? $(cat "$T/err")"
check_eq "the pasted campaign file: plan gives calibrate's figures" \
  "$(python3 -c 'import json,sys; e = json.load(open(sys.argv[1]))["effort"]["proposed"]; print(e["deals"], e["proposals"], e["active_prospects"], e["prospects_to_contact"], e["contacts"], e["call_minutes"])' "$T/out.json")" \
  "$(python3 -c 'import json,sys; p = json.load(open(sys.argv[1])); print(p["deals"], p["proposals"], p["active_prospects"], p["prospects_to_contact"], p["contacts"], p["call_minutes"])' "$T/q3.json")"
check_eq "... 433 prospects, 1 681 contacts, 3 362 min" "6.47% 3.88 433 1681 3362" \
  "$(python3 -c 'import json,sys; p = json.load(open(sys.argv[1])); print(p["accessibility_rate"], p["contacts_per_prospect"], p["prospects_to_contact"], p["contacts"], p["call_minutes"])' "$T/q3.json")"

# A campaign file as CAMPAIGN; q3 has not started: it adds nothing but is
# the base.
LC_ALL=C $C calibrate "$T/campaigns/q1.conf" q3 | sed -n '1,4p' >"$T/out.txt"
cat >"$T/expected.txt" <<'TXT'
calibration from 2 campaigns; the next plan from q3's
  q1 (New customers Q1 2027): 2027-01-04 – 2027-03-31, ended
  q3 (New customers Q3 2027): 2027-07-05 – 2027-09-30, not started, as of 2027-05-14

TXT
check_file "CAMPAIGN: an id or a file, the last one the base" "$T/expected.txt" "$T/out.txt"

# --- French: the words and numbers of fr_FR, the [plan] values as the
# campaign file reads them.
if [ -e "${PD_TEST_LOCPATH:-/nonexistent}/fr_FR.UTF-8/LC_CTYPE" ] && [ -n "${PROSPECTD_LOCALEDIR:-}" ]; then
  FR="env LOCPATH=$PD_TEST_LOCPATH LC_ALL=fr_FR.UTF-8"
  N=$(printf '\342\200\257') # U+202F, before % in French
  check_eq "French: the accessibility rate's row" \
    "taux d'accessibilité         6,47$N%   3,81$N% – 10,81$N%     139   6,47$N%" \
    "$($FR $C calibrate q1 q2 | sed -n 6p)"
  check_eq "French: --campaign-file keeps plain numbers" \
    "# intervalle de confiance à 90 % : 3,81$N% – 10,81$N%, n = 139
accessibility_rate = 6.47%
contacts_per_prospect = 3.88" \
    "$($FR $C calibrate q1 q2 --campaign-file | sed -n 8,10p)"
else
  fail "fr_FR.UTF-8 in \$PD_TEST_LOCPATH and the catalogue in \$PROSPECTD_LOCALEDIR (run through make check)"
fi

# --- calls recorded per prospect (the prospect file, written here as the
# store keeps it): how many calls it took to reach each prospect. Prospect
# 1 reached at its 1st call, 2 at its 3rd, 3 at its 14th (beyond 13), 4
# called twice without an answer (its third call, on 05-20, is after
# today), 5 spontaneous (came on its own: one call, not prospecting), 6
# never called. Reached: 1, 3 and 14 calls: mean 6.00, median 3; one not
# reached yet; spontaneous prospects: 1 in the one campaign that records
# them, so the next plan says 1.
campaign direct "Direct calls" 2027-04-05 2027-06-30
log direct --rep alice --date 2027-04-06 --contacts 0
if [ "${PD_TEST_DB:-}" = pg ]; then yes=true no=false; else yes=1 no=0; fi
{
  echo "INSERT INTO prospects (id, campaign, rep, company, state, attempts, spontaneous, import_order, created) VALUES"
  echo " (1, 'direct', 'alice', 'One', 'active', 1, $no, 1, 0), (2, 'direct', 'alice', 'Two', 'arid', 3, $no, 2, 0),"
  echo " (3, 'direct', 'bob', 'Three', 'latent', 14, $no, 3, 0), (4, 'direct', 'bob', 'Four', 'attempted', 2, $no, 4, 0),"
  echo " (5, 'direct', 'bob', 'Five', 'proposal', 1, $yes, 5, 0), (6, 'direct', 'bob', 'Six', 'new', 0, $no, 6, 0);"
  echo "INSERT INTO calls (campaign, prospect, rep, date, outcome, state_before, state_after, created) VALUES"
  echo " ('direct', 1, 'alice', '2027-04-07', 'active', 'new', 'active', 0),"
  for d in 07 08; do echo " ('direct', 2, 'alice', '2027-04-$d', 'no-answer', 'new', 'attempted', 0),"; done
  echo " ('direct', 2, 'alice', '2027-04-09', 'arid', 'attempted', 'arid', 0),"
  for d in 12 13 14 15 16 19 20 21 22 23 26 27 28; do
    echo " ('direct', 3, 'bob', '2027-04-$d', 'no-answer', 'attempted', 'attempted', 0),"
  done
  echo " ('direct', 3, 'bob', '2027-04-29', 'latent', 'attempted', 'latent', 0),"
  echo " ('direct', 4, 'bob', '2027-05-03', 'no-answer', 'new', 'attempted', 0),"
  echo " ('direct', 4, 'bob', '2027-05-04', 'no-answer', 'attempted', 'attempted', 0),"
  echo " ('direct', 4, 'bob', '2027-05-20', 'active', 'attempted', 'active', 0),"
  echo " ('direct', 5, 'bob', '2027-05-05', 'proposal', 'active', 'proposal', 0);"
} >"$T/seed.sql"
db_sql "$(cat "$T/seed.sql")" >/dev/null || fail "seeding the prospect file"
before=$(rows)
LC_ALL=C $C calibrate direct >"$T/out.txt"
sed -n '/^calls to reach/,$p' "$T/out.txt" | sed -n '1,3p' >"$T/dist.txt"
cat >"$T/expected.txt" <<'TXT'
calls to reach a prospect (calls recorded per prospect): mean 6.00, median 3.0 over 3 reached; 1 not reached yet
  calls      1   2   3   4   5   6   7   8   9  10  11  12  13 >13
  reached    1   0   1   0   0   0   0   0   0   0   0   0   0   1
TXT
check_file "calls per prospect: the distribution, 1 to 13 and beyond" "$T/expected.txt" "$T/dist.txt"
check_eq "calls per prospect: spontaneous prospects from the prospect file" \
  "spontaneous prospects        1.00   -                      1   1" \
  "$(grep '^spontaneous prospects' "$T/out.txt")"
check_eq "calls per prospect: in JSON" \
  "3 1 6.0 3.0 [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] 1 | observed 1 1" \
  "$($C calibrate direct --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["contacts_distribution"]
s = d["rates"]["spontaneous_prospects"]
print(c["n"], c["unreached"], c["mean"], c["median"], c["by_calls"], c["beyond"], "|", s["source"], s["n"], s["proposed"])')"

# --- bad input: one line, exit 2, nothing written.
$C calibrate >"$T/out" 2>"$T/err"
check_eq "no campaign: exit 2, one line" \
  "2 prospectctl: calibrate: name one or more campaigns (ids or files) to learn from" "$? $(cat "$T/err" "$T/out")"
$C calibrate q1 nope >"$T/out" 2>"$T/err"
check_eq "an unknown campaign: exit 2, one line" \
  "2 prospectctl: no campaign 'nope' (looked for $T/campaigns/nope.conf)" "$? $(cat "$T/err" "$T/out")"
$C calibrate q1 "$T/campaigns/q1.conf" >"$T/out" 2>"$T/err"
check_eq "a campaign named twice: exit 2" \
  "2 prospectctl: calibrate: campaign 'q1' is named twice ($T/campaigns/q1.conf)" "$? $(cat "$T/err" "$T/out")"
$C calibrate q1 --json --campaign-file >"$T/out" 2>"$T/err"
check_eq "--json and --campaign-file: exit 2" \
  "2 prospectctl: --json and --campaign-file: choose one" "$? $(cat "$T/err" "$T/out")"
sed 's/^currency = EUR/currency = USD/' "$T/campaigns/q2.conf" >"$T/campaigns/us.conf"
$C calibrate q1 us >"$T/out" 2>"$T/err"
check_eq "two currencies: exit 2" \
  "2 prospectctl: calibrate: q1 is in EUR and us in USD; average deals cannot be pooled across currencies" \
  "$? $(cat "$T/err" "$T/out")"
check_eq "bad input wrote nothing" "$before" "$(rows)"

done_testing
