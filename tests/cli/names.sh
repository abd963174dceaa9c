#!/bin/sh
# SPDX-License-Identifier: MIT
# Rep names as people write them (hélène, zoë, josé) end to end: the
# campaign file, the schedule, the feed file's name, the events' UIDs, the
# secret feed URL and the served feed, a log typed with a decomposed
# accent (NFD), and names refused. The one encoding of a name in file
# names, URLs and UIDs: its NFC UTF-8 bytes outside A-Z a-z 0-9 - . _ ~
# percent-encoded, uppercase (ASCII names unchanged).
. tests/cli/lib.sh

PORT=$(free_port)
mkdir -p "$T/campaigns"
# zoë's group header is written decomposed (o, then U+0308): the same rep.
ZOE_NFD=$(printf 'zoe\314\210')
sed -e 's/^alice = 1$/hélène = 1/' -e 's/^bob = 0.5$/zoë = 0.5\njosé = 1/' \
    -e "s/^\\[rep bob\\]\$/[rep $ZOE_NFD]/" config/campaigns/example.conf >"$T/campaigns/accents.conf"
cat >"$T/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $T/prospectd.db
feeds = $T/feeds
notifications = off
notify = hélène

[feeds]
listen = 127.0.0.1:$PORT
CONF
C="$CTL --config $T/prospectd.conf"

$C schedule accents --to 2027-01-04 >"$T/out" 2>"$T/err"
check_eq "names with accents: schedule exits 0" "0:" "$?:$(cat "$T/err")"
check_file "names with accents: the schedule, columns aligned" - "$T/out" <<'OUT'
date        rep          contacts  cumulative  checkpoint          blocks
2027-01-04  hélène             10          10  187 by 2027-01-29   09:00-09:10 (5), 14:00-14:10 (5)
2027-01-04  zoë                 5           5  94 by 2027-01-29    09:00-09:10 (5)
2027-01-04  josé               10          10  187 by 2027-01-29   09:00-09:10 (5), 14:00-14:10 (5)
OUT
# [rep zoë], written decomposed, applies: one window (one block a day,
# above) and her days off.
check_eq "zoë has no day during her days off" "2027-02-12 2027-02-22" \
  "$($C schedule accents --rep zoë --from 2027-02-12 --to 2027-02-22 | tail -n +2 | cut -c1-10 | tr '\n' ' ' | sed 's/ $//')"

$C export accents >"$T/out" 2>"$T/err"
check_eq "export exits 0" "0:" "$?:$(cat "$T/err")"
check_eq "feed files: the names percent-encoded (NFC UTF-8)" \
  "h%C3%A9l%C3%A8ne.ics jos%C3%A9.ics zo%C3%AB.ics" "$(ls "$T/feeds/accents" | tr '\n' ' ' | sed 's/ $//')"
check_eq "UIDs carry the same encoding" "UID:20270104-1-h%C3%A9l%C3%A8ne@accents.prospectd" \
  "$(grep -m 1 '^UID:' "$T/feeds/accents/h%C3%A9l%C3%A8ne.ics" | tr -d '\r')"
check_eq "the calendar's name is written as is" "X-WR-CALNAME:New customers Q1 2027 — hélène" \
  "$(grep -m 1 '^X-WR-CALNAME:' "$T/feeds/accents/h%C3%A9l%C3%A8ne.ics" | tr -d '\r')"

URL=$($C feed-url accents --rep hélène | head -n 1)
check_eq "feed-url: the name percent-encoded in the path" "yes" \
  "$(echo "$URL" | grep -qxE "http://127.0.0.1:$PORT/feeds/accents/h%C3%A9l%C3%A8ne\\.ics\\?token=[0-9a-f]{48}" && echo yes)"
check_eq "feed-url typed decomposed: the same rep, the same URL" "$URL" \
  "$($C feed-url accents --rep "$(printf 'he\314\201le\314\200ne')" | head -n 1)"

$C --now 2027-01-05T18:00 log accents --rep "$ZOE_NFD" --contacts 5 --date 2027-01-04 >"$T/out" 2>"$T/err"
check_eq "log --rep typed decomposed: accepted" "0:" "$?:$(cat "$T/err")"
check_eq "the activity is stored under the NFC name" "1" \
  "$(sqlite3 "$T/prospectd.db" "SELECT count(*) FROM activity WHERE rep = 'zoë'")"

$DAEMON --config "$T/prospectd.conf" --now 2027-01-05T10:00 >"$T/daemon.log" 2>&1 &
daemon_pid=$!
i=0
# The server answers as soon as it listens; the feed is the one the first
# evaluation writes once it has planned.
while ! grep -q "next wake-up at" "$T/daemon.log" 2>/dev/null && [ $i -lt 300 ]; do i=$((i + 1)); sleep 0.1; done
status=$(curl -s --noproxy '*' --max-time 10 -o "$T/body" -w '%{http_code}' "$URL")
check_eq "the served URL: 200" 200 "$status"
check_file "the served feed is hélène's file" "$T/feeds/accents/h%C3%A9l%C3%A8ne.ics" "$T/body"

# Names refused, with what is allowed.
for bad in 'a/b' 'hé llo' '.zoë' 'zo..ë' '☎phone'; do
  sed -e "s|^alice = 1\$|$bad = 1|" config/campaigns/example.conf >"$T/bad.conf"
  "$CTL" plan "$T/bad.conf" >/dev/null 2>"$T/err"
  check_eq "rep name '$bad' refused" \
    "2:prospectctl: $T/bad.conf: [reps] $bad = 1: a rep's name is at most 64 letters (any alphabet), digits, '_', '-' and '.' (not first, not two in a row)" \
    "$?:$(cat "$T/err")"
done
sed -e "s|^alice = 1\$|zoë = 1\n$ZOE_NFD = 2|" config/campaigns/example.conf >"$T/twice.conf"
"$CTL" plan "$T/twice.conf" >/dev/null 2>"$T/err"
check_eq "the same name in NFC and NFD: refused" \
  "2:prospectctl: $T/twice.conf: [reps] $ZOE_NFD = 2: the same name as an earlier rep, written with other character codes; list each rep once" \
  "$?:$(cat "$T/err")"
done_testing
