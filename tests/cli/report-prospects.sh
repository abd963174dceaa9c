# SPDX-License-Identifier: MIT
# The HTML report of a campaign whose prospects were imported from two
# CSV files (one company in both) and added by hand (a prescriber's, a
# spontaneous one), then called with `prospectctl call`: the exact
# figures of the page (the day counts derived from the calls in the
# funnel and the rates, and the prospect file's tables: sources, sectors,
# prescribers), read back with python3-lxml from `prospectctl report`,
# from the live /report route of a running daemon (the same page), and
# from headless Chromium's DOM. Every wait is bounded; the daemon and
# Chromium are killed at exit.
# backends: sqlite pg
. tests/cli/lib.sh
CHECK="/usr/bin/python3 $TOP/tests/report-check.py"

PORT=$(free_port)
mkdir -p "$T/campaigns"
cp "$TOP/config/campaigns/example.conf" "$T/campaigns/"
cat >"$T/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $DB
feeds = $T/feeds
notifications = off

[feeds]
listen = 127.0.0.1:$PORT
CONF
C="$CTL --config $T/prospectd.conf --now 2027-01-08T18:00"
get () { curl -s --noproxy '*' --max-time 10 "$@"; }

# Two files of the first week: the trade show's (alice's) and a
# directory's (bob's), which holds Acme again, written otherwise (found by
# its phone: one prospect, two sources).
printf '%s\r\n' "company,contact,phone,sector" \
  "Acme SA,Jean Dupont,01 23 45 67 89,industrie" \
  "Bolt,Marie Curie,01 40 00 00 00,services" \
  "Cyan & Co,Ana Lima,01 50 00 00 00,industrie" \
  "Delta,Paul Roux,01 60 00 00 00," >"$T/salon.csv"
printf '%s\n' "société;contact;téléphone;secteur" \
  "ACME;J. Dupont;+33 1 23 45 67 89;industrie" \
  "Echo;Léa Petit;01 70 00 00 00;commerce" \
  "Foxtrot;Zoé Blanc;01 80 00 00 00;services" >"$T/annuaire.csv"
$C prospects import example "$T/salon.csv" --source salon --rep alice >"$T/out" 2>&1
check_eq "import of the trade show's file exits 0" 0 $?
$C prospects import example "$T/annuaire.csv" --source annuaire --rep bob >"$T/out" 2>&1
check_eq "import of the directory exits 0" 0 $?
$C prospects add example --company "Golf" --contact "Hugo Faure" --phone "01 90 00 00 00" --rep bob \
  --spontaneous --prescriber "Cabinet Martin & Fils" >/dev/null
check_eq "a spontaneous prospect from a prescriber" 0 $?
$C prospects add example --company "Hotel" --phone "01 91 00 00 00" --rep alice \
  --prescriber "Cabinet Martin & Fils" >/dev/null
check_eq "a prescriber's prospect, to call" 0 $?
check_eq "the file: 8 prospects, Acme in both files" \
  "1 Acme SA alice annuaire,salon
2 Bolt alice salon
3 Cyan & Co alice salon
4 Delta alice salon
5 Echo bob annuaire
6 Foxtrot bob annuaire
7 Golf bob added
8 Hotel alice added" \
  "$($C prospects list example --json | /usr/bin/python3 -c '
import json, sys
for p in json.load(sys.stdin):
    print(p["id"], p["company"], p["rep"], ",".join(sorted(p["sources"])))')"

# The week's calls: Acme no answer, then active, then a proposal; Bolt
# arid; Cyan latent; Delta and Hotel no answer; Echo active, a proposal,
# won 12 000 EUR.
call () { $C call example "$@" >/dev/null || fail "call $*"; }
call 1 --outcome no-answer --date 2027-01-04
call 2 --outcome arid --date 2027-01-04
call 1 --outcome active --date 2027-01-05
call 3 --outcome latent --follow-up 2027-02-01 --date 2027-01-05
call 4 --outcome no-answer --date 2027-01-05
call 1 --outcome proposal --date 2027-01-06
call 5 --outcome active --date 2027-01-06
call 5 --outcome proposal --date 2027-01-07
call 8 --outcome no-answer --date 2027-01-07
call 5 --outcome won --revenue 12000 --date 2027-01-08

$C report example --as-of 2027-01-08 -o "$T/report.html" >"$T/out" 2>&1
check_eq "report exits 0, says nothing" "0:" "$?:$(cat "$T/out")"
$CHECK dump "$T/report.html" >"$T/dump"

# The day counts derived from the calls (docs/method.md): 10 contacts
# (alice 7, bob 3); 4 prospects reached (Acme on the 5th, Bolt, Cyan,
# Echo; Delta and Hotel never answered, Golf came by itself); 2 active
# (Acme, Echo); 2 proposals; 1 deal of 12 000 EUR. The observed rates:
# accessibility 2 active of 4 reached; contacts per prospect over the
# rep-days that reached someone (alice's 4th: 2 calls, 1 reached; her
# 5th: 3 calls, 2; bob's 6th: 1 call, 1): 6 for 4. The prospect file's
# tables count each prospect in each of its sources, by its state now:
# the trade show 4 (Acme proposal, Bolt arid, Cyan latent, Delta
# attempted: 3 reached, 1 active), the directory 3 (Acme, Echo won,
# Foxtrot new: 2 reached, 2 active, 1 won), added by hand 2 (Golf active,
# Hotel attempted); by sector, Delta, Golf and Hotel have none; the
# prescriber brought Golf and Hotel. The most prospects first, then by
# name.
cat >"$T/expected" <<'TXT'
summary Campaign example, 2027-01-04 to 2027-03-31; as of 2027-01-08. Revenue won: 12 000 € of 60 000 €. Team: behind.
  alice | 1 245 | 80 | 7 | -73 (-91.3%) | behind | 21/day until 2027-01-29 (305 over 15 days)
  bob | 623 | 40 | 3 | -37 (-92.5%) | behind | 11/day until 2027-01-29 (153 over 15 days)
  team | 1 868 | 120 | 10 | -110 (-91.7%) | behind | 31/day until 2027-01-29 (458 over 15 days)
  revenue | 60 000 € | 12 000 €
  deals | 3 | 1
  proposals | 9 | 2
  active prospects | 36 | 2
  prospects reached | 467 | 4
  contacts | 1 868 | 10
  average deal | 20 000 € | 12 000 € | – | 1 | too few to trust
  proposals per deal | 3 | 2.00 | 1.14 – 8.27 | 1 | too few to trust
  active prospects per proposal | 4 | 1.00 | 1.00 – 2.35 | 2 | too few to trust
  accessibility rate | 6% | 50.0% | 18.2% – 81.8% | 4 | too few to trust
  contacts per prospect | 4 | 1.50 | 1.13 – 2.88 | 4 | too few to trust
table sources-table
  source | prospects | reached | active | accessibility rate | 90% interval | won
  salon | 4 | 3 | 1 | 33.3% | 7.8% – 74.6% | 0
  annuaire | 3 | 2 | 2 | 100.0% | 42.5% – 100.0% | 1
  added | 2 | 1 | 1 | 100.0% | 27.0% – 100.0% | 0
table segments-table
  sector | prospects | reached | active | accessibility rate | 90% interval | won
  no sector | 3 | 1 | 1 | 100.0% | 27.0% – 100.0% | 0
  industrie | 2 | 2 | 1 | 50.0% | 12.1% – 87.9% | 0
  services | 2 | 1 | 0 | 0.0% | 0.0% – 73.0% | 0
  commerce | 1 | 1 | 1 | 100.0% | 27.0% – 100.0% | 1
table prescribers-table
  prescriber | prospects | reached | active | accessibility rate | 90% interval | won
  Cabinet Martin & Fils | 2 | 1 | 1 | 100.0% | 27.0% – 100.0% | 0
TXT
# The page's facts that these figures are: the summary, the reps, the
# funnel's plan and done columns (its projections are status's, see
# report.sh), the rates, the prospect tables.
facts () { # DUMP
  awk '
    /^table / { keep = ($2 == "sources-table" || $2 == "segments-table" || $2 == "prescribers-table") }
    /^[^ ]/ && !/^table / { keep = 0 }
    /^summary / { print; next }
    /^  (alice|bob|team) \|/ { print; next }
    /^  (average deal|proposals per deal|active prospects per proposal|accessibility rate|contacts per prospect) \|/ { print; next }
    /^  (revenue|deals|proposals|active prospects|prospects reached|contacts) \|/ && !keep {
      split($0, cells, " [|] "); print cells[1] " | " cells[2] " | " cells[3]; next }
    keep { print }
  ' "$1"
}
facts "$T/dump" >"$T/facts"
check_file "the page read back: the calls' figures and the prospect file's tables" "$T/expected" "$T/facts"

# The intervals, from Wilson's formula computed here (z = 1.6448536...).
interval () { # K N -> the rate's cell, as the page rounds it
  /usr/bin/python3 -c "import sys; l, h = (float(v) for v in sys.argv[1].split()); print('%.1f%% – %.1f%%' % (l, h))" \
    "$($CHECK wilson "$1" "$2")"
}
inverse () { # K N -> the inverse ratio's interval
  /usr/bin/python3 -c "import sys; l, h = (float(v) / 100 for v in sys.argv[1].split()); print('%.2f – %.2f' % (1 / h, 1 / l))" \
    "$($CHECK wilson "$1" "$2")"
}
cell () { # TABLE-ROW-PREFIX: the row's 90 % interval cell
  grep -F "$1 |" "$T/facts" | sed 's/.* | \([^|]*\) | [^|]* *$/\1/'
}
check_eq "the trade show's interval: 1 active of 3 reached" "$(interval 1 3)" "$(cell '  salon')"
check_eq "services' interval: 0 of 1" "$(interval 0 1)" "$(cell '  services')"
check_eq "accessibility's interval: 2 of 4" "$(interval 2 4)" \
  "$(sed -n 's/^  accessibility rate | [^|]* | [^|]* | \([^|]*\) |.*/\1/p' "$T/facts")"
check_eq "contacts per prospect's interval: 4 reached in 6 contacts" "$(inverse 4 6)" \
  "$(sed -n 's/^  contacts per prospect | [^|]* | [^|]* | \([^|]*\) |.*/\1/p' "$T/facts")"
check_eq "the prescriber's name escaped in the file" 1 "$(grep -c '<td>Cabinet Martin &amp; Fils</td>' "$T/report.html")"
check_eq "nothing fetched from elsewhere" "none" "$($CHECK external "$T/report.html" 2>&1)"

# --- the live report: a running daemon (its start awaited up to 30 s)
# serves the same page at /report/example.html (today is the 8th:
# prospectctl report's page).
URL=$($C report-url example)
$DAEMON --config "$T/prospectd.conf" --now 2027-01-08T18:00 >"$T/daemon.log" 2>&1 &
daemon_pid=$!
i=0
while ! grep -q "next wake-up at" "$T/daemon.log" 2>/dev/null && [ $i -lt 300 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "daemon: starts" yes "$(grep -q 'next wake-up at' "$T/daemon.log" && echo yes)"
$C report example -o "$T/today.html"
check_eq "GET /report/example.html: 200" 200 "$(get -o "$T/live.html" -w '%{http_code}' "$URL")"
check_file "the live page is prospectctl report's" "$T/today.html" "$T/live.html"
$CHECK dump "$T/live.html" >"$T/live.dump"
facts "$T/live.dump" >"$T/live.facts"
check_file "the live page's figures and tables" "$T/expected" "$T/live.facts"

# --- headless Chromium's DOM: the same tables (once: the page does not
# depend on the backend). Its own HOME and profile in $T; its own process
# group, killed whole once it is done or after 60 s.
if [ "${PD_TEST_DB:-}" != pg ]; then
  mkdir -p "$T/home"
  rm -f "$T/chromium.pid"
  HOME="$T/home" timeout -k 5 60 sh -c 'echo $$ >"$0"; exec setsid chromium "$@"' "$T/chromium.pid" \
    --headless --no-sandbox --disable-gpu --disable-breakpad --disable-crash-reporter --hide-scrollbars \
    --no-first-run --user-data-dir="$T/chromium" --dump-dom "file://$T/report.html" \
    >"$T/dom.html" 2>"$T/chromium.err" </dev/null
  check_eq "Chromium reads the page" 0 $?
  [ -s "$T/chromium.pid" ] && kill -KILL -- "-$(cat "$T/chromium.pid")" 2>/dev/null
  $CHECK dump "$T/dom.html" >"$T/dom.dump"
  facts "$T/dom.dump" >"$T/dom.facts"
  check_file "Chromium's DOM: the same figures and tables" "$T/expected" "$T/dom.facts"
fi

done_testing
