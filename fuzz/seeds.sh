#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the seed corpora of the fuzz targets under $1 (a directory):
# $1/campaign: every campaign file of the repository (the example, the test
# fixtures, the bad ones, the fuzz regressions); $1/values: every value
# written in those files, once for each parser (the first byte picks it,
# as in fuzz-values.c).
set -eu
out=$1
mkdir -p "$out/campaign" "$out/values"
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
