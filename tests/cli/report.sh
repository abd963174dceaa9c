# SPDX-License-Identifier: MIT
# prospectctl report: the HTML page of the example campaign after status.sh's
# scripted first week, read back with python3-lxml (structure, every figure,
# escaping, no reference to elsewhere) and rendered by headless Chromium at
# 1280 and 390 px.
# backends: sqlite pg
. tests/cli/lib.sh
CHECK="/usr/bin/python3 $TOP/tests/report-check.py"
mkdir -p "$T/campaigns"
cp "$TOP/config/campaigns/example.conf" "$T/campaigns/"
# The same campaign under a name that is markup.
sed 's/^name = .*/name = Q1 <script>alert("x")<\/script> \& Co/' "$TOP/config/campaigns/example.conf" \
  >"$T/campaigns/hostile.conf"
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $T/campaigns
CONF
C="$CTL --config $T/prospectd.conf --now 2027-01-29T20:00"

# status.sh's first week: alice 64 of 80 planned, bob 42 of 40.
for d in 04 05 06 07; do
  $C log example --rep alice --contacts 16 --prospects 5 --active 1 --latent 1 --arid 3 --date 2027-01-$d >/dev/null
  $C log example --rep bob --contacts 8 --date 2027-01-$d >/dev/null
done
$C log example --rep bob --contacts 10 --active 2 --latent 3 --proposals 2 --deals 1 --revenue 20000 --date 2027-01-08 >/dev/null
$C log example --rep alice --contacts 99 --date 2027-01-11 >/dev/null

$C report example --as-of 2027-01-08 -o "$T/report.html" >"$T/out" 2>&1
check_eq "report exits 0, says nothing" "0:" "$?:$(cat "$T/out")"

# Every figure is status's for the same day (tests/cli/status.sh derives
# them): alice 64 of 80 (-20.0 %), bob 42 of 40, team 106 of 120; 6 active
# of 25 prospects qualified (24.0 %), 74 contacts over those 25 prospects
# (2.96), 2 proposals for 1 deal, 6 active for 2 proposals (3.00); at
# those rates 199 contacts, 93 left x 2 min = 3 h 06 min; at the plan's
# (1868 - 106) x 2 = 3524 min = 58 h 44 min. The curves: 88 points, one a
# day from 2027-01-04 to 2027-03-31 (87 days), done to 2027-01-08 (5 days
# after the origin). The intervals are checked below against Wilson's
# formula computed here.
cat >"$T/expected" <<'TXT'
lang en
title New customers Q1 2027: report as of 2027-01-08
h1 New customers Q1 2027
scripts 0
summary Campaign example, 2027-01-04 to 2027-03-31; as of 2027-01-08. Revenue won: 20 000 € of 60 000 €. Team: behind.
print style sheet True
narrow screens True
viewport width=device-width, initial-scale=1
chart burnup-team: box 640x260, plan 88 points, done 6 points, all inside True, rising True
  labels 0 | 934 | 1 868 | 2027-01-04 | 2027-03-31 | 2027-01-29 | 2027-02-26 | as of 2027-01-08
  plan ends at 1868, done ends at 106 (of 1868, within 0.9)
  checkpoint upcoming checkpoint 2027-01-29: target 468, done 106, upcoming
  checkpoint upcoming checkpoint 2027-02-26: target 1 121, done 106, upcoming
  checkpoint upcoming checkpoint 2027-03-31: target 1 868, done 106, upcoming
chart burnup-rep-alice: box 640x260, plan 88 points, done 6 points, all inside True, rising True
  labels 0 | 622 | 1 245 | 2027-01-04 | 2027-03-31 | 2027-01-29 | 2027-02-26 | as of 2027-01-08
  plan ends at 1245, done ends at 64 (of 1245, within 0.6)
  checkpoint upcoming checkpoint 2027-01-29: target 312, done 64, upcoming
  checkpoint upcoming checkpoint 2027-02-26: target 747, done 64, upcoming
  checkpoint upcoming checkpoint 2027-03-31: target 1 245, done 64, upcoming
chart burnup-rep-bob: box 640x260, plan 88 points, done 6 points, all inside True, rising True
  labels 0 | 311 | 623 | 2027-01-04 | 2027-03-31 | 2027-01-29 | 2027-02-26 | as of 2027-01-08
  plan ends at 623, done ends at 42 (of 623, within 0.3)
  checkpoint upcoming checkpoint 2027-01-29: target 156, done 42, upcoming
  checkpoint upcoming checkpoint 2027-02-26: target 374, done 42, upcoming
  checkpoint upcoming checkpoint 2027-03-31: target 623, done 42, upcoming
table checkpoints-table
  date | share | target | done | state
  2027-01-29 | 25% | 468 | 106 | upcoming
  2027-02-26 | 60% | 1 121 | 106 | upcoming
  2027-03-31 | 100% | 1 868 | 106 | upcoming
table reps-table
  rep | contacts in all | planned | done | gap | status | catch-up in force
  alice | 1 245 | 80 | 64 | -16 (-20.0%) | behind | 17/day until 2027-01-29 (248 over 15 days)
  bob | 623 | 40 | 42 | +2 (+5.0%) | ahead | 8/day until 2027-01-29 (114 over 15 days)
  team | 1 868 | 120 | 106 | -14 (-11.7%) | behind | 25/day until 2027-01-29 (362 over 15 days)
table funnel-table
  step | planned | done to date | at the observed rates
  revenue | 60 000 € | 20 000 € | 60 000 €
  deals | 3 | 1 | 3
  proposals | 9 | 2 | 6
  active prospects | 36 | 6 | 24
  prospects reached | 467 | 25 | 67
  contacts | 1 868 | 106 | 199
  call time | 62 h 16 min | 3 h 32 min | 6 h 38 min
table rates-table
  rate | assumed | observed | 90% interval | n | 
  average deal | 20 000 € | 20 000 € | – | 1 | too few to trust
  proposals per deal | 3 | 2.00 | 1.14 – 8.27 | 1 | too few to trust
  active prospects per proposal | 4 | 3.00 | 1.53 – 8.53 | 2 | too few to trust
  accessibility rate | 6% | 24.0% | 13.0% – 40.1% | 25 | too few to trust
  contacts per prospect | 4 | 2.96 | 2.31 – 3.93 | 25 | too few to trust
still needed Call time still needed: 58 h 44 min at the plan's rates, 3 h 06 min at the observed rates.
TXT
$CHECK dump "$T/report.html" >"$T/dump" 2>&1
check_file "the page read back: charts, tables, figures" "$T/expected" "$T/dump"

# The intervals, computed here from Wilson's formula (z = 1.6448536...):
# 6 of 25 active; 25 prospects of 74 contacts (contacts per prospect is
# its inverse: 1 / upper .. 1 / lower); 1 deal of 2 proposals; 2 proposals
# of 6 active.
wilson () { $CHECK wilson "$1" "$2"; }
check_eq "Wilson 6/25 to 4 decimals" "12.9535 40.1245" "$(wilson 6 25)"
interval () { # K N -> the rate's cell, as the page rounds it
  /usr/bin/python3 -c "import sys; l, h = (float(v) for v in sys.argv[1].split()); print('%.1f%% – %.1f%%' % (l, h))" \
    "$(wilson "$1" "$2")"
}
inverse () { # K N -> the inverse ratio's interval
  /usr/bin/python3 -c "import sys; l, h = (float(v) / 100 for v in sys.argv[1].split()); print('%.2f – %.2f' % (1 / h, 1 / l))" \
    "$(wilson "$1" "$2")"
}
check_eq "accessibility 6/25: its interval" "$(interval 6 25)" \
  "$(sed -n 's/^  accessibility rate | [^|]* | [^|]* | \([^|]*\) |.*/\1/p' "$T/dump")"
check_eq "contacts per prospect 74/25: its interval" "$(inverse 25 74)" \
  "$(sed -n 's/^  contacts per prospect | [^|]* | [^|]* | \([^|]*\) |.*/\1/p' "$T/dump")"
check_eq "proposals per deal 2/1: its interval" "$(inverse 1 2)" \
  "$(sed -n 's/^  proposals per deal | [^|]* | [^|]* | \([^|]*\) |.*/\1/p' "$T/dump")"
check_eq "active per proposal 6/2: its interval" "$(inverse 2 6)" \
  "$(sed -n 's/^  active prospects per proposal | [^|]* | [^|]* | \([^|]*\) |.*/\1/p' "$T/dump")"

# The README pastes two rows of this table.
check_eq "README: its rates table is this page's" \
  "$(sed -n 's/^| \(accessibility rate\|contacts per prospect\) | \(.*\) |$/  \1 | \2 | too few to trust/p' "$TOP/README.md")" \
  "$(grep -E '^  (accessibility rate|contacts per prospect) \|' "$T/dump")"

check_eq "nothing fetched from elsewhere" "none" "$($CHECK external "$T/report.html" 2>&1)"

# The first checkpoint's day, alice's 99 of 2027-01-11 counted: the team
# 205 of 468, alice 163 of 312, bob 42 of 156: missed.
$C report example --as-of 2027-01-29 -o "$T/missed.html"
check_eq "report --as-of the checkpoint exits 0" 0 $?
check_eq "the checkpoint missed, in the table and on each chart" \
  "  2027-01-29 | 25% | 468 | 205 | missed
  checkpoint missed checkpoint 2027-01-29: target 156, done 42, missed
  checkpoint missed checkpoint 2027-01-29: target 312, done 163, missed
  checkpoint missed checkpoint 2027-01-29: target 468, done 205, missed" \
  "$($CHECK dump "$T/missed.html" | grep -E '^  (2027-01-29 \||checkpoint missed)' | sort -u)"

# --- escaping: the campaign named with markup shows as text.
$C report hostile --as-of 2027-01-08 -o "$T/hostile.html"
check_eq "report of the hostile campaign exits 0" 0 $?
check_eq "its name is text: title, heading, no script element" \
  'title Q1 <script>alert("x")</script> & Co: report as of 2027-01-08
h1 Q1 <script>alert("x")</script> & Co
scripts 0' \
  "$($CHECK dump "$T/hostile.html" | grep -E '^(title|h1|scripts) ')"
check_eq "its name escaped in the file" 1 \
  "$(grep -c '<h1>Q1 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</h1>' "$T/hostile.html")"
check_eq "the hostile page: nothing from elsewhere" "none" "$($CHECK external "$T/hostile.html" 2>&1)"

# --- [campaign] language = fr: the page in French, written from a process
# in the C locale (its words, numbers with U+202F, money, hours).
if [ -e "${PD_TEST_LOCPATH:-/nonexistent}/fr_FR.UTF-8/LC_CTYPE" ] && [ -n "${PROSPECTD_LOCALEDIR:-}" ]; then
  sed 's/^currency = EUR$/&\nlanguage = fr/' "$TOP/config/campaigns/example.conf" >"$T/campaigns/francais.conf"
  for d in 04 05; do
    LOCPATH=$PD_TEST_LOCPATH $C log francais --rep alice --contacts 16 --prospects 5 --active 1 --latent 1 --arid 3 --date 2027-01-$d >/dev/null
  done
  LOCPATH=$PD_TEST_LOCPATH LC_ALL=C $C report francais --as-of 2027-01-05 -o "$T/fr.html"
  check_eq "report in French exits 0" 0 $?
  # French numbers: U+202F between thousands and before %, U+00A0 before
  # € and around h; a decimal comma. alice 32 of 32, bob 0 of 16: the
  # team 32 of 48 (-33.3 %); alice's 280 left to 2027-01-29 over its 18
  # working days: 16 a day; 2 active of 10 prospects.
  N=$(printf '\342\200\257')
  B=$(printf '\302\240')
  check_eq "the French page: its language, words and numbers" \
"lang fr
title New customers Q1 2027 : rapport au 2027-01-05
summary Campagne francais, du 2027-01-04 au 2027-03-31 ; au 2027-01-05. Chiffre d'affaires signé : 0${B}€ sur 60${N}000${B}€. Équipe : en retard.
  alice | 1${N}245 | 32 | 32 | 0 (0,0${N}%) | dans les temps | 16/jour jusqu'au 2027-01-29 (280 en 18 jours)
  équipe | 1${N}868 | 48 | 32 | -16 (-33,3${N}%) | en retard | 25/jour jusqu'au 2027-01-29 (436 en 18 jours)
  temps d'appel | 62${B}h${B}16${B}min | 1${B}h${B}04${B}min | 14${B}h${B}56${B}min
  taux d'accessibilité | 6${N}% | 20,0${N}% | 6,9${N}% – 45,9${N}% | 10 | trop peu pour s'y fier" \
    "$($CHECK dump "$T/fr.html" | grep -E "^(lang|title|summary) |^  (alice|équipe|temps d'appel|taux d'accessibilité) \\|")"
  check_eq "the French page's charts: coordinates with a decimal point" "3:0" \
    "$($CHECK dump "$T/fr.html" | grep -c 'all inside True, rising True'):$(grep -c 'points="[^"]*[0-9],[0-9]*,' "$T/fr.html")"
else
  fail "fr_FR.UTF-8 in \$PD_TEST_LOCPATH and the catalogue in \$PROSPECTD_LOCALEDIR (run through make check)"
fi

# --- errors: one line, exit 2, nothing written.
$C report example --as-of 2027-01-08 >"$T/out" 2>&1
check_eq "without -o: exit 2, one line" "2:prospectctl: name the file to write with -o FILE (- for stdout)" "$?:$(cat "$T/out")"
$C report example --as-of 2027-13-01 -o "$T/bad.html" >"$T/out" 2>&1
check_eq "a bad --as-of: exit 2, nothing written" "2:1:no" "$?:$(wc -l <"$T/out"):$(test -e "$T/bad.html" && echo yes || echo no)"
$C report example -o "$T/none/r.html" >"$T/out" 2>&1
check_eq "-o in no directory: exit 2" "2:prospectctl: -o $T/none/r.html: no directory $T/none to write it in" "$?:$(cat "$T/out")"
$C report example --as-of 2027-01-08 -o - >"$T/stdout.html"
check_eq "-o -: the same page on stdout" "0:same" "$?:$(cmp -s "$T/stdout.html" "$T/report.html" && echo same)"

# --- headless Chromium (once: the page does not depend on the backend).
# Its own HOME and profile in $T; its own process group, killed whole
# once it is done or after 60 s, so that nothing of it outlives the test.
chromium_run () { # OUTPUT ARGS...
  out=$1
  shift
  rm -f "$T/chromium.pid"
  HOME="$T/home" timeout -k 5 60 sh -c 'echo $$ >"$0"; exec setsid chromium "$@"' "$T/chromium.pid" \
    --headless --no-sandbox --disable-gpu --disable-breakpad --disable-crash-reporter --hide-scrollbars \
    --no-first-run --user-data-dir="$T/chromium" "$@" >"$out" 2>"$T/chromium.err" </dev/null
  rc=$?
  [ -s "$T/chromium.pid" ] && kill -KILL -- "-$(cat "$T/chromium.pid")" 2>/dev/null
  return $rc
}
if [ "${PD_TEST_DB:-}" != pg ]; then
  mkdir -p "$T/home"
  for width in 1280 390; do
    chromium_run "$T/shot.out" --screenshot="$T/shot-$width.png" --window-size=$width,2000 "file://$T/report.html"
    check_eq "Chromium renders the page at $width px" 0 $?
    # Mostly white paper, but text, tables and charts on it.
    shot=$($CHECK png "$T/shot-$width.png" $width 2>&1)
    percent=$(echo "$shot" | sed -n 's/^[0-9]*x2000, \([0-9]*\)% not white$/\1/p')
    check_eq "the $width px screenshot is $width x 2000 and not blank ($shot)" yes \
      "$([ -n "$percent" ] && [ "$percent" -ge 2 ] && [ "$percent" -le 60 ] && echo yes)"
  done
  # What the browser built: the same three charts, each with both curves.
  chromium_run "$T/dom.html" --dump-dom "file://$T/report.html"
  check_eq "Chromium's DOM: three charts, each 640x260 with both curves and three checkpoints" \
    "burnup-team: box 640x260, plan 88 points, done 6 points
burnup-rep-alice: box 640x260, plan 88 points, done 6 points
burnup-rep-bob: box 640x260, plan 88 points, done 6 points" \
    "$($CHECK dump "$T/dom.html" | sed -n 's/^chart \([^,]*, [^,]*, [^,]*\), all.*/\1/p')"
  check_eq "Chromium's DOM: three checkpoints per chart" 9 "$($CHECK dump "$T/dom.html" | grep -c '^  checkpoint ')"
fi

done_testing
