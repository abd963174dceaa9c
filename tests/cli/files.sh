# SPDX-License-Identifier: MIT
# Odd files at the edges of prospectctl: what export -o, the feed
# directory and the database refuse (anything but a regular file or a new
# path), what they keep (a file's mode), what they read with a limit (a
# previous feed), and what they clean (temporary files of killed runs).
# Every command that could hang on a FIFO or read a device without end
# runs under `timeout`, so that a regression fails instead of hanging.
. tests/cli/lib.sh
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $T/prospectd.db
feeds = $T/feeds
campaigns = $TOP/config/campaigns
CONF
C="timeout 20 $CTL --config $T/prospectd.conf"
FEEDS="$T/feeds/example"
$C export example --rep alice -o - >"$T/alice.ics"

# -o refuses anything but a regular file or a new path, exit 2, and
# leaves it as it was.
mkfifo "$T/fifo"
$C export example --rep alice -o "$T/fifo" >"$T/out" 2>"$T/err"
check_eq "export -o FIFO: exit 2, named" "2 prospectctl: -o $T/fifo: not a regular file but a FIFO; name a regular file, a new path, or - for stdout" "$? $(cat "$T/err")"
check_eq "export -o FIFO: still a FIFO, nothing printed" "fifo " "$(stat -c %F "$T/fifo" | tr -d ' ') $(cat "$T/out")"
ln -s /dev/zero "$T/zero"
# (A build that followed the link would read without end: bounded here.)
( [ "${SANITIZE:-0}" = 1 ] || ulimit -v 2000000; $C export example --rep alice -o "$T/zero" 2>"$T/err" )
check_eq "export -o link to /dev/zero: exit 2, not followed" "2 prospectctl: -o $T/zero: not a regular file but a symbolic link; name a regular file, a new path, or - for stdout" "$? $(cat "$T/err")"
check_eq "export -o link: the link is untouched" "/dev/zero" "$(readlink "$T/zero")"
# (/dev/stdout is such a link; tested on a copy, since a build that
# replaced the link would replace the system's.)
ln -s /proc/self/fd/1 "$T/stdout"
$C export example --rep alice -o "$T/stdout" >"$T/out" 2>"$T/err"
check_eq "export -o a link like /dev/stdout: exit 2, - is the way" "2 prospectctl: -o $T/stdout: not a regular file but a symbolic link; name a regular file, a new path, or - for stdout" "$? $(cat "$T/err")"
check_eq "export -o a link like /dev/stdout: untouched" "/proc/self/fd/1" "$(readlink "$T/stdout")"
mkdir "$T/dir"
$C export example --rep alice -o "$T/dir" 2>"$T/err"
check_eq "export -o directory: exit 2" "2 prospectctl: -o $T/dir: not a regular file but a directory; name a regular file, a new path, or - for stdout" "$? $(cat "$T/err")"
if mknod "$T/null" c 1 3 2>/dev/null; then
  $C export example --rep alice -o "$T/null" 2>"$T/err"
  check_eq "export -o device node: exit 2" "2 prospectctl: -o $T/null: not a regular file but a character device; name a regular file, a new path, or - for stdout" "$? $(cat "$T/err")"
  check_eq "export -o device node: still the device" "character special file" "$(stat -c %F "$T/null")"
fi

# An existing file keeps its mode; a new one is 0644.
printf 'old\n' >"$T/private.ics"
chmod 600 "$T/private.ics"
$C export example --rep alice -o "$T/private.ics"
check_eq "export -o over a 0600 file: exit 0, still 0600" "0 600" "$? $(stat -c %a "$T/private.ics")"
check_file "export -o over a 0600 file: the feed" "$T/alice.ics" "$T/private.ics"
$C export example --rep alice -o "$T/new.ics"
check_eq "export -o new path: 0644" "644" "$(stat -c %a "$T/new.ics")"

# A previous feed is read up to 256 MiB: a 300 MiB file (sparse: no disk)
# is replaced without being read, in little memory.
truncate -s 300M "$T/huge.ics"
/usr/bin/time -f %M -o "$T/rss" $C export example --rep alice -o "$T/huge.ics"
check_eq "export -o over a 300 MiB file: exit 0" 0 $?
check_file "export -o over a 300 MiB file: the feed" "$T/alice.ics" "$T/huge.ics"
rss=$(tail -n 1 "$T/rss")
if [ "$rss" -lt 100000 ]; then pass "export -o over a 300 MiB file: under 100 MB resident"; else
  fail "export -o over a 300 MiB file: under 100 MB resident (got $rss KB)"; fi

# In the feed directory: a FIFO standing for a feed is refused (exit 1,
# no hang), the feeds before it written, it and those after untouched.
mkdir -p "$FEEDS"
mkfifo "$FEEDS/alice.ics"
$C export example >"$T/out" 2>"$T/err"
check_eq "export onto a FIFO feed: exit 1, named" "1 prospectctl: Refusing feed '$FEEDS/alice.ics': not a regular file but a FIFO" "$? $(cat "$T/err")"
check_eq "export onto a FIFO feed: nothing else written" "alice.ics" "$(ls -A "$FEEDS")"
rm "$FEEDS/alice.ics"

# Temporary files of killed runs (at least a minute old) are removed at
# the next write of the same feed; a young one (a run in progress) and
# other files stay.
$C export example >/dev/null
for name in .alice.ics.AbC123 .bob.ics.x9Y8z7 .alice.ics.Young1 .notes.txt.AbC123; do
  echo partial >"$FEEDS/$name"
done
touch -d '2 minutes ago' "$FEEDS/.alice.ics.AbC123" "$FEEDS/.bob.ics.x9Y8z7" "$FEEDS/.notes.txt.AbC123"
$C export example >"$T/out"
check_eq "export removes the stale temporary files of its feeds" ".alice.ics.Young1 .notes.txt.AbC123 alice.ics bob.ics" \
  "$(ls -A "$FEEDS" | tr '\n' ' ' | sed 's/ $//')"
echo partial >"$T/.private.ics.Q1w2E3"
touch -d '2 minutes ago' "$T/.private.ics.Q1w2E3"
$C export example --rep alice -o "$T/private.ics"
check_eq "export -o removes the stale temporary files of that file" "" "$(ls -A "$T" | grep '^\.private')"

# Publishing completes what failed: a reschedule that stored its revision
# but could not write the feeds (exit 1) writes them at the next run,
# though that run stores nothing new; then the feeds are the schedule in
# force, as export prints it.
cat >"$T/retry.conf" <<CONF
[daemon]
database = $T/retry.db
feeds = $T/retry-feeds
campaigns = $TOP/config/campaigns
CONF
R="timeout 20 $CTL --config $T/retry.conf"
$R --now 2027-01-04T18:00 log example --rep alice --contacts 10 --date 2027-01-04 >/dev/null
mkdir "$T/retry-feeds"
echo blocker >"$T/retry-feeds/example"
$R reschedule example --as-of 2027-01-04 >"$T/out" 2>"$T/err"
check_eq "reschedule with the feeds unwritable: exit 1, revision stored" "1 catchup" \
  "$? $(sqlite3 "$T/retry.db" "SELECT group_concat(kind) FROM revisions WHERE kind = 'catchup'")"
rm "$T/retry-feeds/example"
$R reschedule example --as-of 2027-01-04 >"$T/out" 2>"$T/err"
check_eq "reschedule again: exit 0, nothing new stored, the feeds written" "0 1
alice: 6 contacts behind as of 2027-01-04, back on target by 2027-01-29 (312 contacts): 302 contacts over 19 working days, at most 16 a day.
bob: 8 contacts behind as of 2027-01-04, back on target by 2027-01-29 (156 contacts): 156 contacts over 19 working days, at most 9 a day.
alice: $T/retry-feeds/example/alice.ics written
bob: $T/retry-feeds/example/bob.ics written" \
  "$? $(sqlite3 "$T/retry.db" "SELECT count(*) FROM revisions WHERE kind = 'catchup'")
$(cat "$T/out" "$T/err")"
$R export example --rep alice -o - >"$T/in-force.ics"
check_file "reschedule again: the feed is the schedule in force" "$T/in-force.ics" "$T/retry-feeds/example/alice.ics"
$R reschedule example --as-of 2027-01-04 >"$T/out"
check_eq "reschedule a third time: the feeds unchanged" "alice: $T/retry-feeds/example/alice.ics unchanged
bob: $T/retry-feeds/example/bob.ics unchanged" "$(tail -n 2 "$T/out")"

# A write beyond the file-size limit is reported (exit 1, the file
# named), not a silent death by SIGXFSZ; the old file stays.
printf 'old\n' >"$T/limited.ics"
( ulimit -f 8; $C export example --rep alice -o "$T/limited.ics" ) 2>"$T/err"
check_eq "export over the file-size limit: exit 1, said" "1 prospectctl: Cannot write feed '$T/limited.ics': File too large" "$? $(cat "$T/err")"
check_eq "export over the file-size limit: the old file stays, no temporary file" "old
limited.ics" "$(cat "$T/limited.ics"; ls -A "$T" | grep limited)"

# A campaign file is read from the descriptor it was checked on, at most
# 1 MiB whatever its size says: /proc/kallsyms says 0 bytes and holds
# megabytes.
if [ -r /proc/kallsyms ] && [ "$(head -c 1100000 /proc/kallsyms | wc -c)" -gt 1048576 ]; then
  $C plan /proc/kallsyms >"$T/out" 2>"$T/err"
  check_eq "a file that claims 0 bytes and holds more than 1 MiB: refused" \
    "2 prospectctl: /proc/kallsyms: too large for a campaign file (at most 1 MiB)" "$? $(cat "$T/err")"
fi
# A FIFO as the daemon configuration: refused, not waited on.
timeout 10 $CTL --config "$T/fifo" plan example >"$T/out" 2>"$T/err"
check_eq "a FIFO as --config: refused at once" "2 prospectctl: $T/fifo: not a regular file; name a configuration file" \
  "$? $(cat "$T/err")"

# log accepts only a campaign that plan accepts: an infeasible one (62 h
# of calls in 5 days, 1 h a day) is refused with plan's message, and no
# database is created.
sed -e 's/^end = .*/end = 2027-01-08/' -e 's/^rounding = up/rounding = down/' \
    -e 's/^max_daily_calls = .*/max_daily_calls = 1h/' -e '/^2027-0[12]-/d' \
    -e '/^\[rep bob\]/,/^call_windows/d' -e '/^bob = /d' config/campaigns/example.conf >"$T/tight.conf"
$C --db "$T/tight.db" log "$T/tight.conf" --rep alice --contacts 5 --date 2027-01-04 >"$T/out" 2>"$T/err"
check_eq "log into a campaign plan refuses: exit 2, plan's message" "2 prospectctl: $T/tight.conf: 2027-01-04: rep alice needs 746 min of calls but the day holds 60 min (call windows 09:00-12:00, 14:00-17:00; max_daily_calls 1h). Lengthen the call windows, add reps, or raise max_daily_calls." \
  "$? $(cat "$T/err")"
check_eq "log into a campaign plan refuses: no database" "no" "$([ -e "$T/tight.db" ] && echo yes || echo no)"

# A --note that is not UTF-8: the option and the value are named.
$C --db "$T/note.db" log example --rep alice --contacts 5 --date 2027-01-04 --note "$(printf 'caf\351')" >"$T/out" 2>"$T/err"
check_eq "--note not UTF-8: exit 2, the option named" '2 prospectctl: --note caf\351: not valid UTF-8 text (byte 0xE9); write the value in UTF-8' \
  "$? $(cat "$T/err")"
$C --db "$T/note.db" log example --rep alice --contacts 5 --date 2027-01-04 "--note=$(printf 'caf\351')" >"$T/out" 2>"$T/err"
check_eq "--note=VALUE not UTF-8: exit 2, the option named" '2 prospectctl: --note caf\351: not valid UTF-8 text (byte 0xE9); write the value in UTF-8' \
  "$? $(cat "$T/err")"
check_eq "--note not UTF-8: no database" "no" "$([ -e "$T/note.db" ] && echo yes || echo no)"

# Control characters in a note reach no terminal raw: escaped where the
# note is shown (the table, and what activity rm says it removed).
$C --db "$T/note.db" --now 2027-01-04T18:00 log example --rep alice --contacts 5 --date 2027-01-04 \
  --note "$(printf 'red \033[31m\007bell\nnext line')" >/dev/null
out=$($C --db "$T/note.db" activity rm 1)
check_eq "activity rm: the note's control characters escaped" \
  'removed #1: alice, 2027-01-04: 5 contacts, note: red \u001B[31m\u0007bell\nnext line' "$out"

done_testing
