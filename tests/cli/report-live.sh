# SPDX-License-Identifier: MIT
# The live report: prospectctl report-url's secret URL, served by a running
# daemon's feed server at /report/CAMPAIGN.html — the same page as
# `prospectctl report -o -` for the same day, ETag and 304, a new page and
# ETag as soon as another process logs, rotation, and one 404, byte for
# byte the feed server's, for every miss. Every wait is bounded; the daemon
# is killed at exit.
# backends: sqlite pg
. tests/cli/lib.sh

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
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
C="$CTL --config $T/prospectd.conf --now 2027-01-08T10:00"

get () { curl -s --noproxy '*' --max-time 10 "$@"; }
code () { get -o /dev/null -w '%{http_code}' "$@"; }
header () { sed -n "s/^$1: \\(.*\\)\\r\$/\\1/Ip" "$2"; }
wait_for () { # wait_for FILE PATTERN: up to 10 s
  i=0
  while ! grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -ge 100 ] && return 1; sleep 0.1
  done
}

# --- report-url: one token per campaign, kept, rotated on demand.
$C report-url example >"$T/url"
check_eq "report-url exits 0" 0 $?
URL=$(cat "$T/url")
TOKEN=${URL#*token=}
check_eq "report-url prints the report's URL" yes \
  "$(echo "$URL" | grep -qxE "$BASE/report/example\\.html\\?token=[0-9a-f]{48}" && echo yes)"
check_eq "report-url again: the same URL" "$URL" "$($C report-url example)"
check_eq "report-url --base-url" "https://cal.example.com/report/example.html?token=$TOKEN" \
  "$($C report-url example --base-url https://cal.example.com/)"
check_eq "report-url --json" "example $URL False" \
  "$($C report-url example --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["campaign"], d["url"], d["rotated"])')"
$C report-url example --base-url ftp://x >/dev/null 2>"$T/err"
check_eq "report-url --base-url ftp://: exit 2" "2 prospectctl: --base-url ftp://x: expected an http:// or https:// URL" \
  "$? $(cat "$T/err")"
FEED_URL=$($C feed-url example --rep alice | head -n 1)
FEED_TOKEN=${FEED_URL#*token=}

for d in 04 05 06 07; do
  $C log example --rep alice --contacts 16 --prospects 5 --active 1 --latent 1 --arid 3 --date 2027-01-$d >/dev/null
  $C log example --rep bob --contacts 8 --date 2027-01-$d >/dev/null
done

# --- the daemon, running, Friday morning.
$DAEMON --config "$T/prospectd.conf" --now 2027-01-08T10:00 >"$T/daemon.log" 2>&1 &
daemon_pid=$!
wait_for "$T/daemon.log" "next wake-up at"
check_eq "daemon: starts" 0 $?

# --- GET: the page prospectctl report writes for the same day.
$C report example -o "$T/expected.html"
status=$(get -o "$T/page.html" -D "$T/headers" -w '%{http_code}' "$URL")
check_eq "GET: 200" 200 "$status"
check_file "GET: the page is prospectctl report's for today" "$T/expected.html" "$T/page.html"
check_eq "GET: Content-Type" "text/html; charset=utf-8" "$(header Content-Type "$T/headers")"
check_eq "GET: Cache-Control" "private, no-cache" "$(header Cache-Control "$T/headers")"
check_eq "GET: the page may load nothing" \
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'" \
  "$(header Content-Security-Policy "$T/headers")"
check_eq "GET: no Referer with the token" "no-referrer" "$(header Referrer-Policy "$T/headers")"
ETAG=$(header ETag "$T/headers")
check_eq "GET: an ETag" yes "$(echo "$ETAG" | grep -qxE '"[0-9a-f]{32}"' && echo yes)"
check_eq "GET again: the same ETag" "$ETAG" "$(get -o /dev/null -D - "$URL" | header ETag /dev/stdin)"
check_eq "If-None-Match with the ETag: 304" 304 "$(code -H "If-None-Match: $ETAG" "$URL")"
check_eq "304: no body" 0 "$(get -H "If-None-Match: $ETAG" "$URL" | wc -c)"
check_eq "304: the ETag again" "$ETAG" \
  "$(get -o /dev/null -D - -H "If-None-Match: $ETAG" "$URL" | header ETag /dev/stdin)"
check_eq "HEAD: 200, no body" "200 0" "$(get -I -o /dev/null -w '%{http_code} %{size_download}' "$URL")"

# --- another process logs: the next GET has the new figures, a new ETag.
$C log example --rep bob --contacts 10 --active 2 --latent 3 --proposals 2 --deals 1 --revenue 20000 --date 2027-01-08 >/dev/null
$C report example -o "$T/expected2.html"
status=$(get -o "$T/page2.html" -D "$T/headers2" -w '%{http_code}' -H "If-None-Match: $ETAG" "$URL")
check_eq "after a log, the old ETag: 200" 200 "$status"
check_file "after a log: the new page" "$T/expected2.html" "$T/page2.html"
check_eq "after a log: the page changed (106 contacts done)" 1 \
  "$(grep -c '<td>contacts</td><td>1 868</td><td>106</td>' "$T/page2.html")"
ETAG2=$(header ETag "$T/headers2")
check_eq "after a log: a new ETag" yes "$([ -n "$ETAG2" ] && [ "$ETAG2" != "$ETAG" ] && echo yes)"
check_eq "after a log: 304 for the new ETag" 304 "$(code -H "If-None-Match: $ETAG2" "$URL")"

# --- one 404 for every miss, byte for byte the feed server's (but the Date).
not_found () { # URL -> status line, headers but Date, body
  get -D - "$1" | tr -d '\r' | grep -v '^Date: '
}
not_found "$BASE/feeds/example/alice.ics?token=0$FEED_TOKEN" >"$T/404.feed"
check_eq "the feed server's 404" "HTTP/1.1 404 Not Found" "$(head -n 1 "$T/404.feed")"
miss () { # NAME URL
  not_found "$2" >"$T/404.report"
  check_file "404, the feed's byte for byte: $1" "$T/404.feed" "$T/404.report"
}
miss "a wrong token" "$BASE/report/example.html?token=0$TOKEN"
# (its last character changed: 0, or 1 where it already is 0)
last=${TOKEN#"${TOKEN%?}"}
miss "a token one digit off" "$BASE/report/example.html?token=${TOKEN%?}$([ "$last" = 0 ] && echo 1 || echo 0)"
miss "no token" "$BASE/report/example.html"
miss "a feed's token" "$BASE/report/example.html?token=$FEED_TOKEN"
miss "the report's token on a feed" "$BASE/feeds/example/alice.ics?token=$TOKEN"
miss "the report's token on a feed named like it" "$BASE/feeds/example/%2Freport.ics?token=$TOKEN"
miss "another campaign" "$BASE/report/other.html?token=$TOKEN"
miss "another suffix" "$BASE/report/example.htm?token=$TOKEN"
miss "a longer path" "$BASE/report/example.html/x?token=$TOKEN"
miss "the directory" "$BASE/report/?token=$TOKEN"

# --- rotation: the old URL is dead at once, the new one serves.
NEW_URL=$($C report-url example --rotate)
check_eq "report-url --rotate: a new token" yes "$([ "$NEW_URL" != "$URL" ] && echo yes)"
miss "the rotated-out token" "$URL"
check_eq "the new URL: 200" 200 "$(code "$NEW_URL")"
check_eq "the feed's token still serves the feed" 200 "$(code "$FEED_URL")"

# --- the log names requests, never a token.
check_eq "the log shows report requests" yes \
  "$(grep -q 'GET /report/example.html: 200' "$T/daemon.log" && echo yes)"
check_eq "no token in the log" 0 "$(grep -c -e "$TOKEN" -e "${NEW_URL#*token=}" "$T/daemon.log")"

done_testing
