# SPDX-License-Identifier: MIT
# The feed server end to end: a running daemon (notifications off, no bus
# needed) listening on a random free loopback port, fetched with curl and
# with a bounded python3 load loop. Covers the secret URLs (prospectctl
# feed-url, rotation), caching (ETag, Last-Modified, 304), HEAD, every
# refusal (404 with one body, 405, 414, 400, 413, 431, 500), request forms
# (HTTP/1.0 without Host, absolute URI, encoded query, pipelining, ranges)
# and what the log shows of them, the connection limits (200
# concurrent requests, memory back to idle, slow clients cut off), a
# catch-up changing the served feed, SIGHUP moving the server, bad
# [feeds] values. Every wait is bounded; every process started is killed.
. tests/cli/lib.sh

free_port () {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
mkdir -p "$T/campaigns"
cp config/campaigns/example.conf "$T/campaigns/"
write_conf () { # write_conf PORT [MAX_CONNECTIONS]
  cat >"$T/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $T/prospectd.db
feeds = $T/feeds
notifications = off

[feeds]
listen = 127.0.0.1:$1
max_connections = ${2:-8}
CONF
}
write_conf "$PORT"
C="$CTL --config $T/prospectd.conf"
FEED="$T/feeds/example/alice.ics"

# curl, never through a proxy, never waiting long.
get () { curl -s --noproxy '*' --max-time 10 "$@"; }
code () { get -o /dev/null -w '%{http_code}' "$@"; }
wait_for () { # wait_for FILE PATTERN: up to 10 s
  i=0
  while ! grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -ge 100 ] && return 1; sleep 0.1
  done
}
rss_kib () { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$daemon_pid/status"; }

# --- feed-url before the daemon runs: a token is issued once, kept after.
$C feed-url example >/dev/null 2>"$T/err"
check_eq "feed-url without --rep exits 2" "2 prospectctl: name the rep with --rep" "$? $(cat "$T/err")"
$C feed-url example --rep carol >/dev/null 2>"$T/err"
check_eq "feed-url with an unknown rep exits 2" "2" "$?"
$C feed-url example --rep alice >"$T/alice.url"
check_eq "feed-url exits 0" 0 $?
URL_A=$(sed -n 1p "$T/alice.url")
TOKEN_A=${URL_A#*token=}
check_eq "feed-url prints the http URL" "yes" \
  "$(echo "$URL_A" | grep -qxE "$BASE/feeds/example/alice\\.ics\\?token=[0-9a-f]{48}" && echo yes)"
check_eq "feed-url prints the webcal form" "webcal://127.0.0.1:$PORT/feeds/example/alice.ics?token=$TOKEN_A" \
  "$(sed -n 2p "$T/alice.url")"
check_eq "feed-url again: the same token" "$URL_A" "$($C feed-url example --rep alice | head -n 1)"
check_eq "feed-url --json" "$URL_A" \
  "$($C feed-url example --rep alice --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')"
check_eq "feed-url --base-url for a reverse proxy" \
  "https://cal.example.com/feeds/example/alice.ics?token=$TOKEN_A" \
  "$($C feed-url example --rep alice --base-url https://cal.example.com/ | head -n 1)"
URL_B=$($C feed-url example --rep bob | head -n 1)
TOKEN_B=${URL_B#*token=}
check_eq "each rep has their own token" "yes" "$([ "$TOKEN_A" != "$TOKEN_B" ] && echo yes)"
check_eq "the token is in the database" 1 \
  "$(sqlite3 "$T/prospectd.db" "SELECT count(*) FROM feed_tokens WHERE rep = 'alice' AND token = '$TOKEN_A'")"

# Everyone on plan through Thursday: no catch-up yet.
$C --now 2027-01-07T18:00 log example --rep alice --contacts 64 --date 2027-01-07 >/dev/null
$C --now 2027-01-07T18:00 log example --rep bob --contacts 32 --date 2027-01-07 >/dev/null

# --- the daemon, running (not --once), Friday morning.
$DAEMON --config "$T/prospectd.conf" --now 2027-01-08T10:00 >"$T/daemon.log" 2>&1 &
daemon_pid=$!
wait_for "$T/daemon.log" "next wake-up at"
check_eq "daemon: starts and plans" 0 $?
check_eq "daemon: the feed server listens" 1 \
  "$(grep -c "feed server listening: 'http://127.0.0.1:$PORT/feeds/' (at most 8 connections)" "$T/daemon.log")"

# --- GET: 200, the file byte for byte, the caching headers.
status=$(get -o "$T/body" -D "$T/headers" -w '%{http_code}' "$URL_A")
check_eq "GET: 200" 200 "$status"
check_file "GET: the body is the feed file, byte for byte" "$FEED" "$T/body"
header () { sed -n "s/^$1: \\(.*\\)\\r\$/\\1/Ip" "$2"; }
check_eq "GET: Content-Type" "text/calendar; charset=utf-8" "$(header Content-Type "$T/headers")"
check_eq "GET: Cache-Control" "private, max-age=300" "$(header Cache-Control "$T/headers")"
ETAG=$(header ETag "$T/headers")
LAST_MODIFIED=$(header Last-Modified "$T/headers")
check_eq "GET: an ETag" "yes" "$(echo "$ETAG" | grep -qxE '"[0-9a-f]{32}"' && echo yes)"
check_eq "GET: Last-Modified is the file's mtime" \
  "$(TZ=GMT LC_ALL=C date -r "$FEED" '+%a, %d %b %Y %H:%M:%S GMT')" "$LAST_MODIFIED"
check_eq "GET: python3-icalendar reads the body, every event" "$(grep -c '^BEGIN:VEVENT' "$T/body")" \
  "$(/usr/bin/python3 -c 'import sys; from icalendar import Calendar; print(len(Calendar.from_ical(open(sys.argv[1], "rb").read()).walk("VEVENT")))' "$T/body" 2>&1)"
check_eq "GET: no catch-up yet" 0 "$(grep -c '^SEQUENCE:1' "$T/body")"
check_eq "GET: bob's URL serves bob's feed" "" "$(get "$URL_B" | cmp - "$T/feeds/example/bob.ics" 2>&1)"

# --- conditional requests and HEAD.
check_eq "If-None-Match with the ETag: 304" 304 "$(code -H "If-None-Match: $ETAG" "$URL_A")"
check_eq "304: no body" 0 "$(get -H "If-None-Match: $ETAG" "$URL_A" | wc -c)"
check_eq "304: the ETag again" "$ETAG" \
  "$(get -o /dev/null -D - -H "If-None-Match: $ETAG" "$URL_A" | header ETag /dev/stdin)"
check_eq "If-None-Match among others, weak: 304" 304 \
  "$(code -H "If-None-Match: \"nope\", W/$ETAG" "$URL_A")"
check_eq "If-None-Match with another ETag: 200" 200 "$(code -H 'If-None-Match: "0123"' "$URL_A")"
check_eq "If-Modified-Since the Last-Modified: 304" 304 "$(code -H "If-Modified-Since: $LAST_MODIFIED" "$URL_A")"
check_eq "If-Modified-Since long ago: 200" 200 \
  "$(code -H 'If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT' "$URL_A")"
# A 304 is answered before libsoup sees the request: the whole answer, its
# Date aside (real time), and no Content-Length (RFC 9110 8.6: it would
# have to be the feed's size).
dates='s/^Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] 20[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] GMT\r$/Date: (now)\r/'
printf 'HTTP/1.1 304 Not Modified\r\nConnection: close\r\nDate: (now)\r\nETag: %s\r\nLast-Modified: %s\r\nCache-Control: private, max-age=300\r\nAccept-Ranges: none\r\n\r\n' \
  "$ETAG" "$LAST_MODIFIED" >"$T/304.expected"
get -o /dev/null -D - -H "If-None-Match: $ETAG" "$URL_A" | sed "$dates" >"$T/304.actual"
check_file "304: the whole answer" "$T/304.expected" "$T/304.actual"
get -o /dev/null -D - -H "If-Modified-Since: $LAST_MODIFIED" "$URL_A" | sed "$dates" >"$T/304.actual"
check_file "304 for If-Modified-Since: the same answer" "$T/304.expected" "$T/304.actual"
sed 's|^HTTP/1.1 |HTTP/1.0 |' "$T/304.expected" >"$T/304.expected-1.0"
get --http1.0 -I -o /dev/null -D - -H "If-None-Match: W/$ETAG" "$URL_A" | sed "$dates" >"$T/304.actual"
check_file "304 to an HTTP/1.0 HEAD: the same answer, HTTP/1.0" "$T/304.expected-1.0" "$T/304.actual"
check_eq "304s logged as every request is (method, path, status)" 8 \
  "$(grep -c '127.0.0.1 \(GET\|HEAD\) /feeds/example/alice.ics: 304$' "$T/daemon.log")"
check_eq "HEAD: 200, no body" "200 0" "$(get -I -o /dev/null -w '%{http_code} %{size_download}' "$URL_A")"
check_eq "HEAD: Content-Length is the file's size" "$(wc -c <"$FEED")" \
  "$(get -I "$URL_A" | header Content-Length /dev/stdin)"

# --- refusals: one 404 for every miss, whatever was wrong.
get -o "$T/404.wrong" "$BASE/feeds/example/alice.ics?token=${TOKEN_B}"
check_eq "another rep's token: 404" 404 "$(code "$BASE/feeds/example/alice.ics?token=$TOKEN_B")"
check_eq "a wrong token: 404" 404 "$(code "$BASE/feeds/example/alice.ics?token=0$TOKEN_A")"
check_eq "a token one digit short: 404" 404 "$(code "${URL_A%?}")"
check_eq "no token: 404" 404 "$(code "$BASE/feeds/example/alice.ics")"
check_eq "an empty token: 404" 404 "$(code "$BASE/feeds/example/alice.ics?token=")"
check_eq "an unknown rep: 404" 404 "$(code "$BASE/feeds/example/carol.ics?token=$TOKEN_A")"
check_eq "an unknown campaign: 404" 404 "$(code "$BASE/feeds/other/alice.ics?token=$TOKEN_A")"
check_eq "another path: 404" 404 "$(code "$BASE/?token=$TOKEN_A")"
check_eq "'..' out of the feeds: 404" 404 \
  "$(code --path-as-is "$BASE/feeds/../../../../etc/passwd?token=$TOKEN_A")"
check_eq "'..' inside the name: 404" 404 "$(code --path-as-is "$BASE/feeds/example/..%2falice.ics?token=$TOKEN_A")"
check_eq "encoded '%2e%2e': 404" 404 \
  "$(code --path-as-is "$BASE/feeds/%2e%2e/%2e%2e/etc/passwd.ics?token=$TOKEN_A")"
check_eq "encoded '/' in a name: 404" 404 "$(code "$BASE/feeds/example%2falice.ics/x.ics?token=$TOKEN_A")"
check_eq "an encoded NUL: 404" 404 "$(code "$BASE/feeds/example/alice%00.ics?token=$TOKEN_A")"
same=yes
for url in "$BASE/feeds/example/alice.ics" "$BASE/feeds/other/alice.ics?token=$TOKEN_A" "$BASE/x"; do
  get "$url" | cmp -s - "$T/404.wrong" || same=no
done
check_eq "every 404 has the same body, no hint" "yes Not Found" "$same $(cat "$T/404.wrong")"
long=$(head -c 3000 /dev/zero | tr '\0' a)
check_eq "a 3000-byte URL: 414" 414 "$(code "$URL_A&pad=$long")"
huge=$(head -c 70000 /dev/zero | tr '\0' a)
check_eq "a 70 KiB request line: not served" "no" "$([ "$(code "$URL_A&pad=$huge")" = 200 ] && echo yes || echo no)"
check_eq "POST: 405" 405 "$(code -X POST -d x "$URL_A")"
check_eq "405 says what is allowed" "GET, HEAD" "$(get -o /dev/null -D - -X DELETE "$URL_A" | header Allow /dev/stdin)"
check_eq "PUT: 405" 405 "$(code -X PUT -d x "$URL_A")"

# --- what the server takes from a request, and what it says back.
# raw REQUEST: the bytes sent on one connection, the answer's status line
# and what follows (headers and body) in $T/raw.out.
raw () {
  /usr/bin/python3 - "$PORT" "$1" "$T/raw.out" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
answer = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
except OSError as e:
    answer += b"<" + e.__class__.__name__.encode() + b">"
open(sys.argv[3], "wb").write(answer)
print(answer.split(b"\r\n")[0].decode("latin-1"))
PY
}
FEED_SIZE=$(wc -c <"$FEED")
Q="/feeds/example/alice.ics?token=$TOKEN_A"
check_eq "a NUL after the token: 404" 404 "$(code "$URL_A%00")"
check_eq "a NUL and more after the token: 404" 404 "$(code "$URL_A%00junk")"
check_eq "the token twice: 404" 404 "$(code "$URL_A&token=$TOKEN_A")"
check_eq "an upper-case token: 404" 404 "$(code "$BASE/feeds/example/alice.ics?token=$(echo "$TOKEN_A" | tr a-f A-F)")"
check_eq "the token among other parameters: 200" 200 "$(code "$BASE/feeds/example/alice.ics?x=1&token=$TOKEN_A&y=%00")"
check_eq "HTTP/1.0 without Host: 200" "HTTP/1.0 200 OK" "$(raw "GET $Q HTTP/1.0\r\n\r\n")"
check_eq "HTTP/1.0 without Host: the whole feed" "$FEED_SIZE" "$(header Content-Length "$T/raw.out")"
check_eq "an absolute URI: 200" "HTTP/1.1 200 OK" "$(raw "GET http://elsewhere$Q HTTP/1.1\r\nHost: x\r\n\r\n")"
check_eq "a fragment after the token: 200" "HTTP/1.0 200 OK" "$(raw "GET $Q#f HTTP/1.0\r\n\r\n")"
check_eq "the query encoded into the path: 404" "HTTP/1.1 404 Not Found" \
  "$(raw "GET /feeds/example/alice.ics%3Ftoken%3D$TOKEN_A HTTP/1.1\r\nHost: x\r\n\r\n")"
check_eq "the token after ';': 404" "HTTP/1.1 404 Not Found" \
  "$(raw "GET /feeds/example/alice.ics;token=$TOKEN_A HTTP/1.1\r\nHost: x\r\n\r\n")"
check_eq "no path: 400" "HTTP/1.1 400 Bad Request" "$(raw "GET ?token=$TOKEN_A HTTP/1.1\r\nHost: x\r\n\r\n")"
check_eq "HTTP/1.1 without Host: 400" "HTTP/1.1 400 Bad Request" "$(raw "GET $Q HTTP/1.1\r\n\r\n")"
check_eq "a lower-case method: 405" "HTTP/1.1 405 Method Not Allowed" "$(raw "get $Q HTTP/1.1\r\nHost: x\r\n\r\n")"
check_eq "a control character in the method: 405" "HTTP/1.1 405 Method Not Allowed" \
  "$(raw "G\x1bT $Q HTTP/1.1\r\nHost: x\r\n\r\n")"
check_eq "Transfer-Encoding: 400 before libsoup" "HTTP/1.1 400 Bad Request" \
  "$(raw "GET $Q HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n")"
check_eq "two Content-Length: 400" "HTTP/1.1 400 Bad Request" \
  "$(raw "GET $Q HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")"
check_eq "a folded header line: 400" "HTTP/1.1 400 Bad Request" \
  "$(raw "GET $Q HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n junk\r\n\r\n")"
check_eq "a form feed after Content-Length: 400" "HTTP/1.1 400 Bad Request" \
  "$(raw "POST $Q HTTP/1.1\r\nHost: x\r\nContent-Length: 0\x0c\r\n\r\n")"
check_eq "a body within 64 KiB: read, dropped, 405" "HTTP/1.1 405 Method Not Allowed" \
  "$(raw "POST $Q HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")"
check_eq "a body over 64 KiB announced: 413" "HTTP/1.1 413 Request Entity Too Large" \
  "$(raw "POST $Q HTTP/1.1\r\nHost: x\r\nContent-Length: 65537\r\n\r\n")"
check_eq "a request head over 16 KiB: 431" "HTTP/1.1 431 Request Header Fields Too Large" \
  "$(raw "GET $Q HTTP/1.1\r\nHost: x\r\nX-Pad: $(head -c 17000 /dev/zero | tr '\0' a)\r\n\r\n")"
# Ranges: ignored, the whole feed in a 200 (a feed is small).
check_eq "one range: 200, the whole feed" "200 $FEED_SIZE" "$(get -o /dev/null -w '%{http_code} %{size_download}' -r 0-9 "$URL_A")"
check_eq "5000 ranges: 200, the whole feed" "200 $FEED_SIZE" \
  "$(get -o /dev/null -w '%{http_code} %{size_download}' -H "Range: bytes=$(yes 0- | head -n 5000 | paste -sd,)" "$URL_A")"
check_eq "answers say Accept-Ranges: none" "none" "$(get -o /dev/null -D - "$URL_A" | header Accept-Ranges /dev/stdin)"
# One request per connection, and every answer says so.
check_eq "answers say Connection: close" "close" "$(get -o /dev/null -D - "$URL_A" | header Connection /dev/stdin)"
check_eq "a 404 says Connection: close" "close" "$(get -o /dev/null -D - "$BASE/x" | header Connection /dev/stdin)"
raw "GET $Q HTTP/1.1\r\nHost: x\r\n\r\nGET $Q HTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n" >/dev/null
check_eq "three pipelined requests: the first answered, then the connection closed" "1 1" \
  "$(grep -c '^HTTP/1.1 200 OK' "$T/raw.out") $(grep -ac 'HTTP/1' "$T/raw.out")"
check_eq "curl reuses no connection: two URLs, two connections" "2" \
  "$(get -o /dev/null -o /dev/null -w '%{num_connects}\n' "$URL_A" "$URL_B" | awk '{ n += $1 } END { print n }')"
# A feed the server will not serve: logged by name, 500.
cp "$FEED" "$T/feed.saved"
truncate -s 17M "$FEED"
check_eq "a feed over 16 MiB: 500" 500 "$(code "$URL_A")"
check_eq "a feed over 16 MiB: logged with its size and the limit" 1 \
  "$(grep -c "feed not served: '$FEED' is 17825792 bytes, over the serving limit of 16 MiB" "$T/daemon.log")"
rm -f "$FEED"
mkfifo "$FEED"
check_eq "a FIFO in place of the feed: 500 at once" 500 "$(code "$URL_A")"
check_eq "a FIFO in place of the feed: logged" 1 "$(grep -c "feed not served: '$FEED' is not a regular file" "$T/daemon.log")"
rm -f "$FEED"
check_eq "a feed not written yet: 404" 404 "$(code "$URL_A")"
cp "$T/feed.saved" "$FEED"
check_eq "the feed back: 200" 200 "$(code "$URL_A")"

# --- the log: method, path and status of each request, never a token.
check_eq "log: a request with its status" "yes" \
  "$(grep -q 'GET /feeds/example/alice.ics: 200$' "$T/daemon.log" && echo yes)"
check_eq "log: a refusal with its status" "yes" \
  "$(grep -q 'POST /feeds/example/alice.ics: 405$' "$T/daemon.log" && echo yes)"
check_eq "log: HTTP/1.0 without Host, the path only" "yes" \
  "$(grep -q 'GET /feeds/example/alice.ics: 200$' "$T/daemon.log" && echo yes)"
check_eq "log: the query encoded into the path is cut" "yes" \
  "$(grep -q 'GET /feeds/example/alice.ics… (83 bytes): 404$' "$T/daemon.log" && echo yes)"
check_eq "log: a control character in the method is escaped" "yes" \
  "$(grep -q 'G\\033T /feeds/example/alice.ics: 405$' "$T/daemon.log" && echo yes)"
check_eq "log: a refusal before libsoup" "yes" \
  "$(grep -q '127.0.0.1: 431 (a request head over 16 KiB)$' "$T/daemon.log" && echo yes)"
check_eq "log: no token, ever" 0 "$(grep -c -e "$TOKEN_A" -e "$TOKEN_B" "$T/daemon.log")"

# --- 200 concurrent requests from 100 client addresses (2 each: the most
# one address may hold with max_connections = 8; 8 answered at a time, the
# others wait, in the server or in the listen queue): all answered 200
# with the same body; memory back to its idle level afterwards.
for i in 1 2 3 4 5 6 7 8 9 10; do get -o /dev/null "$URL_A"; done
sleep 0.5
idle=$(rss_kib)
/usr/bin/python3 - "$URL_A" "$T/load.out" <<'PY'
import hashlib, socket, sys, threading, collections
url, out = sys.argv[1], sys.argv[2]
results = []
lock = threading.Lock()
start = threading.Barrier(200)
host, port = url.split("/")[2].split(":")
path = "/" + url.split("/", 3)[3]
def fetch(i):
    try:
        start.wait(timeout=30)
        s = socket.create_connection((host, int(port)), timeout=30,
                                     source_address=("127.0.2.%d" % (i % 100 + 1), 0))
        s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%s\r\n\r\n" % (path, host, port)).encode())
        answer = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
        s.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        r = "%s %s" % (head.split(b" ")[1].decode(), hashlib.sha256(body).hexdigest())
    except Exception as exc:
        r = "error %s" % exc.__class__.__name__
    with lock:
        results.append(r)
threads = [threading.Thread(target=fetch, args=(i,)) for i in range(200)]
for t in threads: t.start()
for t in threads: t.join(60)
with open(out, "w") as f:
    for r, n in sorted(collections.Counter(results).items()):
        f.write("%d %s\n" % (n, r))
PY
check_eq "200 concurrent requests: all 200, one body" \
  "200 200 $(sha256sum <"$FEED" | cut -d' ' -f1)" "$(cat "$T/load.out")"
sleep 1
after=$(rss_kib)
margin=4096
[ "${SANITIZE:-}" = 1 ] && margin=65536   # ASan keeps freed memory in quarantine
echo "VmRSS idle: $idle kB, after 200 requests: $after kB (margin $margin kB)"
check_eq "memory back to its idle level (idle $idle kB, after $after kB)" yes \
  "$([ -n "$idle" ] && [ -n "$after" ] && [ "$after" -le $((idle + margin)) ] && echo yes)"
check_eq "the daemon still serves after the load" 200 "$(code "$URL_A")"

# --- a client that has not sent its whole request 5 s after connecting
# is cut off.
slow=$(/usr/bin/python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(b"GET /feeds/example/alice.ics HTTP/1.1\r\nHost: x\r\n")
start = time.monotonic()
try:
    while s.recv(4096):
        pass
    print("closed after %d s" % round(time.monotonic() - start))
except socket.timeout:
    print("still open after 20 s")
PY
)
check_eq "a silent client is disconnected after 5 s (got: $slow)" yes \
  "$(case "$slow" in "closed after 5 s") echo yes ;; *) echo no ;; esac)"

# --- rotation: the old URL stops working at once, the new one works.
URL_A2=$($C feed-url example --rep alice --rotate | head -n 1)
check_eq "--rotate: a new token" "yes" "$([ -n "$URL_A2" ] && [ "$URL_A2" != "$URL_A" ] && echo yes)"
check_eq "--rotate: the old URL is 404" 404 "$(code "$URL_A")"
check_eq "--rotate: the new URL is 200" 200 "$(code "$URL_A2")"
check_eq "--rotate: bob's URL still works" 200 "$(code "$URL_B")"
check_eq "feed-url after --rotate prints the new URL" "$URL_A2" "$($C feed-url example --rep alice | head -n 1)"

# --- a shortfall and a catch-up change the feed: new ETag, SEQUENCE:1.
$C --now 2027-01-08T10:00 log example --rep alice --contacts 5 --date 2027-01-08 >/dev/null
$C reschedule example --as-of 2027-01-08 >"$T/reschedule.out"
check_eq "reschedule: alice is behind" 1 "$(grep -c '^alice: 11 contacts behind as of 2027-01-08' "$T/reschedule.out")"
i=0
while [ "$(code -H "If-None-Match: $ETAG" "$URL_A2")" = 304 ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
status=$(get -o "$T/body2" -D "$T/headers2" -w '%{http_code}' -H "If-None-Match: $ETAG" "$URL_A2")
check_eq "catch-up: the old ETag no longer matches" 200 "$status"
ETAG2=$(header ETag "$T/headers2")
check_eq "catch-up: a new ETag" "yes" "$([ -n "$ETAG2" ] && [ "$ETAG2" != "$ETAG" ] && echo yes)"
check_file "catch-up: the body is the new feed file" "$FEED" "$T/body2"
check_eq "catch-up: the served feed has SEQUENCE:1 events" yes \
  "$([ "$(grep -c '^SEQUENCE:1' "$T/body2")" -gt 0 ] && echo yes)"
check_eq "catch-up: the new ETag gives 304" 304 "$(code -H "If-None-Match: $ETAG2" "$URL_A2")"

# --- SIGHUP with another port: the server moves.
PORT2=$(free_port)
write_conf "$PORT2" 4
kill -HUP "$daemon_pid"
wait_for "$T/daemon.log" "feed server listening: 'http://127.0.0.1:$PORT2/feeds/' (at most 4 connections)"
check_eq "SIGHUP: the server listens on the new port" 0 $?
check_eq "SIGHUP: the new port serves" 200 "$(code "http://127.0.0.1:$PORT2/feeds/example/alice.ics?token=${URL_A2#*token=}")"
check_eq "SIGHUP: the old port is closed" 000 "$(code "$URL_A2")"
# A broken listen on reload: the running server stays.
sed -i 's/^listen = .*/listen = nonsense/' "$T/prospectd.conf"
kill -HUP "$daemon_pid"
wait_for "$T/daemon.log" "reload failed, keeping the running configuration: .*listen"
check_eq "SIGHUP with a bad listen: logged, configuration kept" 0 $?
check_eq "SIGHUP with a bad listen: still serving" 200 \
  "$(code "http://127.0.0.1:$PORT2/feeds/example/alice.ics?token=${URL_A2#*token=}")"

# --- SIGTERM: exit 0.
kill -TERM "$daemon_pid"
i=0
while kill -0 "$daemon_pid" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
kill -KILL "$daemon_pid" 2>/dev/null
wait "$daemon_pid"
check_eq "SIGTERM: exit 0" 0 $?
daemon_pid=""

# --- bad [feeds] values: exit 2, one line naming the key.
write_conf "$PORT"
sed -i 's/^listen = .*/listen = 127.0.0.1/' "$T/prospectd.conf"
$DAEMON --config "$T/prospectd.conf" --once >/dev/null 2>"$T/err"
check_eq "listen without a port: exit 2" "2 prospectd: $T/prospectd.conf: [feeds] listen: '127.0.0.1': expected HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:8765 or [::1]:8765" \
  "$? $(cat "$T/err")"
write_conf "$PORT" 0
$DAEMON --config "$T/prospectd.conf" --once >/dev/null 2>"$T/err"
check_eq "max_connections = 0: exit 2" "2" "$?"
check_eq "max_connections = 0: the message names the key" 1 "$(grep -c 'max_connections' "$T/err")"
printf '[daemon]\ncampaigns = %s\ndatabase = %s\n' "$T/campaigns" "$T/prospectd.db" >"$T/off.conf"
$CTL --config "$T/off.conf" feed-url example --rep alice >/dev/null 2>"$T/err"
check_eq "feed-url with the server off: exit 2" "2" "$?"
done_testing
