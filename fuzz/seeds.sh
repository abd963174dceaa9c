#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the seed corpora of the fuzz targets under $1 (a directory):
# $1/campaign: every campaign file of the repository (the example, the test
# fixtures, the bad ones, the fuzz regressions); $1/values: every value
# written in those files, once for each parser (the first byte picks it,
# as in fuzz-values.c); $1/http: requests of each form the feed server
# meets (fuzz-http.c serves /feeds/example/alice.ics with the token below)
# and the inputs that once found a bug (tests/data/fuzz-http); $1/csv: the
# prospect files of the tests (tests/data/prospects) behind an options byte
# (fuzz-csv.c).
set -eu
out=$1
mkdir -p "$out/campaign" "$out/values" "$out/http" "$out/csv"
# csv: every prospect file of the tests, behind each options byte that
# matters (detected delimiter, UTF-8 or guessed, --skip-bad or not).
n=0
for f in tests/data/prospects/*.csv; do
  [ -f "$f" ] || continue
  for options in 000 001 020; do
    n=$((n + 1))
    { printf "\\$options"; cat "$f"; } > "$out/csv/seed-$n"
  done
done
n=0
for f in config/campaigns/*.conf tests/data/*.conf tests/data/bad/*.conf tests/data/fuzz/*; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  cp "$f" "$out/campaign/seed-$n"
done
n=0
for f in config/campaigns/*.conf tests/data/*.conf tests/data/bad/*.conf; do
  [ -f "$f" ] || continue
  sed -n 's/^[^#[][^=]*= *//p' "$f"
done | sort -u | while IFS= read -r value; do
  for selector in 0 1 2 3 4 5 6 7; do
    n=$((n + 1))
    printf "\\$selector%s" "$value" > "$out/values/seed-$n"
  done
done
token=0123456789abcdef0123456789abcdef0123456789abcdef
n=0
while IFS= read -r request; do
  n=$((n + 1))
  printf "$request" > "$out/http/seed-$n"
done <<REQUESTS
for f in tests/data/fuzz-http/*; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  cp "$f" "$out/http/seed-$n"
done
GET /feeds/example/alice.ics?token=$token HTTP/1.1\r\nHost: x\r\n\r\n
HEAD /feeds/example/alice.ics?token=$token HTTP/1.1\r\nHost: x\r\n\r\n
GET /feeds/example/alice.ics?token=$token HTTP/1.0\r\n\r\n
GET http://x/feeds/example/alice.ics?token=$token HTTP/1.1\r\nHost: y\r\n\r\n
GET /feeds/example/alice.ics?token=$token HTTP/1.1\r\nHost: x\r\nRange: bytes=0-,0-,5-9\r\n\r\n
GET /feeds/example/alice.ics?token=$token HTTP/1.1\r\nHost: x\r\nIf-None-Match: "abc", *\r\n\r\n
GET /feeds/example/alice.ics?token=$token HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT\r\n\r\n
GET /feeds/example/bob.ics?token=$token HTTP/1.1\r\nHost: x\r\n\r\n
GET /feeds/ex%%2fample/al%%00ice.ics?token=$token%%00&token=x HTTP/1.1\r\nHost: x\r\n\r\n
POST /feeds/example/alice.ics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello
GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n
GET /feeds/example/alice.ics?token=$token HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n
CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n
REQUESTS
for f in tests/data/fuzz-http/*; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  cp "$f" "$out/http/seed-$n"
done
