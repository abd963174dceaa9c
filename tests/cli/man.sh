# SPDX-License-Identifier: MIT
# Every man page, English and French (man/fr/, UTF-8: groff -k reads its
# coding line as man-db does), formats without a groff warning, and each
# English page has its French translation with the same sections' count.
. tests/cli/lib.sh
for page in man/*.[0-9] man/fr/*.[0-9]; do
  out=$(groff -k -man -ww -z "$page" 2>&1)
  check_eq "man page $page formats cleanly" "" "$out"
done
for page in man/*.[0-9]; do
  french="man/fr/${page#man/}"
  check_eq "$page has its French translation $french" "yes" "$([ -f "$french" ] && echo yes)"
  check_eq "$french: as many sections as $page (or more)" "yes" \
    "$([ "$(grep -c '^\.SH' "$french")" -ge "$(grep -c '^\.SH' "$page")" ] && echo yes)"
  check_eq "$french: UTF-8 coding line" '.\" -*- coding: UTF-8 -*-' "$(head -n 1 "$french")"
done
check_eq "man/fr/prospectctl.1 renders in French" "yes" \
  "$(groff -k -man -Tutf8 man/fr/prospectctl.1 2>/dev/null | grep -q 'planifier, organiser et suivre' && echo yes)"
done_testing
