# SPDX-License-Identifier: MIT
# export has the feeds' VTIMEZONE made by the `prospectd --vtimezone`
# beside prospectctl (building it in-process leaves ICU resident), and
# makes it itself, the same text, when there is none: the feeds are the
# same byte for byte either way.
. tests/cli/lib.sh

mkdir -p "$T/with" "$T/without"
cp "$CTL" "$T/with/prospectctl"
cp "$CTL" "$T/without/prospectctl"
# A prospectd that says it ran, then is the real one.
cat >"$T/with/prospectd" <<SH
#!/bin/sh
echo "\$*" >>"$T/ran"
exec "$DAEMON" "\$@"
SH
chmod +x "$T/with/prospectd"

N="--now 2027-02-02T18:00"
"$CTL" --db "$T/db" $N log "$DATA/four-reps.conf" --rep alice --contacts 3 >/dev/null 2>&1
"$T/with/prospectctl" --db "$T/db" $N export "$DATA/four-reps.conf" --dir "$T/ics-with" >/dev/null 2>"$T/err"
check_eq "export with a prospectd beside: exit 0" "0" "$?"
check_eq "... nothing on stderr" "" "$(cat "$T/err")"
check_eq "... the zone made by prospectd --vtimezone, once" "--vtimezone Europe/Paris:2027:2027" "$(cat "$T/ran")"
"$T/without/prospectctl" --db "$T/db" $N export "$DATA/four-reps.conf" --dir "$T/ics-without" >/dev/null 2>"$T/err"
check_eq "export without one: exit 0" "0" "$?"
check_eq "... nothing on stderr" "" "$(cat "$T/err")"
check_eq "... the same four feeds, byte for byte" "4 same" \
  "$(ls "$T/ics-with/four-reps"/*.ics | wc -l) $(diff -r "$T/ics-with" "$T/ics-without" >/dev/null && echo same)"
check_eq "... with the zone's VTIMEZONE" "1" "$(grep -c '^TZID:Europe/Paris' "$T/ics-with/four-reps/alice.ics")"
done_testing
