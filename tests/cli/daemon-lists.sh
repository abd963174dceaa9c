# SPDX-License-Identifier: MIT
# backends: sqlite pg
# A running daemon with a prospect file keeps each rep's call lists
# between wake-ups: another process's change of one rep's prospects or
# calls (a call, a prospect added, a reassignment, an erasure, a call
# removed behind the store's back) makes again the lists of that rep
# alone (of both reps of a reassignment), rewrites that rep's feed with
# its new list, and leaves every other feed file as it was (inode, size,
# modification time, bytes). The daemon says at debug level how many
# reps' lists each wake-up made. Every wait is for the event itself, and
# bounded.
. tests/cli/lib.sh

mkdir -p "$T/campaigns"
cp "$DATA/four-reps.conf" "$T/campaigns/team.conf"
cat >"$T/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $DB
feeds = $T/feeds
notify =
notifications = off
[feeds]
listen =
CONF
NOW=2027-02-10T18:00
C="$CTL --db $DB --now $NOW"
LOG="$T/daemon.log"

# Two prospects a rep, before the daemon starts.
r=0
for rep in alice bob dave zoë; do
  r=$((r + 1))
  for n in 1 2; do
    $C prospects add "$T/campaigns/team.conf" --rep "$rep" --company "$rep $n" --phone "+331400000$r$n" >/dev/null ||
      fail "prospects add $rep $n"
  done
done
id_of () { db_sql "SELECT id FROM prospects WHERE company = '$1'"; }
# behind SQL: SQL written behind the store's back, as another program
# would; on PostgreSQL it moves the change counter too, as every writer
# does (the daemon reads it to tell another process's commit).
behind () {
  if [ "${PD_TEST_DB:-}" = pg ]; then db_sql "UPDATE changes SET counter = counter + 1; $1"; else db_sql "$1"; fi
}

# feeds: each rep's feed's inode, size, modification time (ns) and
# SHA-256, a line each (zoë's file name is percent-encoded).
feeds () {
  for rep in alice bob dave zo%C3%AB; do
    f="$T/feeds/team/$rep.ics"
    echo "$rep $(stat -c '%i %s %.9Y' "$f") $(sha256sum <"$f" | cut -c1-64)"
  done | sed 's/^zo%C3%AB /zoë /'
}
# unfolded REP: REP's feed, its lines unfolded.
unfolded () { tr -d '\r' <"$T/feeds/team/$1.ics" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g'; }

# wait_reaction: waits (30 s at most) until the log, past line $seen, says
# a wake-up made some rep's lists and, after the last such line, that the
# evaluation ended; writes the lines past $seen that made some to
# $T/made, and moves $seen to the end.
seen=0
wait_reaction () {
  i=0
  while [ $i -lt 300 ]; do
    tail -n +$((seen + 1)) "$LOG" >"$T/new"
    if grep -q 'call lists made for [1-9]' "$T/new" &&
       sed -n '/call lists made for/h; /call lists made for/!H; ${x;p}' "$T/new" |
         grep -q 'next wake-up at\|sleeping until a change'; then
      break
    fi
    i=$((i + 1)); sleep 0.1
  done
  seen=$((seen + $(wc -l <"$T/new")))
  grep -o 'call lists made for [1-9][0-9]* of [0-9]* reps of [a-z]*' "$T/new" >"$T/made"
}
# changed BEFORE AFTER: the reps whose feed line differs, by name.
changed () { diff "$1" "$2" | sed -n 's/^> \([^ ]*\) .*/\1/p' | tr '\n' ' '; }

: >"$LOG"
"$DAEMON" --config "$T/prospectd.conf" --verbose --now "$NOW" >"$LOG" 2>&1 &
daemon_pid=$!
wait_reaction
check_eq "first evaluation: every rep's lists" "call lists made for 4 of 4 reps of team" "$(cat "$T/made")"
feeds >"$T/f0"
check_eq "bob's feed lists his two prospects" "yes" \
  "$(unfolded bob | grep -q 'bob 1 — tel:+33140000021' && unfolded bob | grep -q 'bob 2 — tel:+33140000022' && echo yes)"

# A call to one of bob's prospects (bob re-spread too).
$C call "$T/campaigns/team.conf" "$(id_of 'bob 1')" --outcome no-answer --date 2027-02-10 >/dev/null || fail "call"
wait_reaction
check_eq "a call: bob's lists alone" "call lists made for 1 of 4 reps of team" "$(cat "$T/made")"
feeds >"$T/f1"
check_eq "... bob's feed rewritten, the others untouched" "bob " "$(changed "$T/f0" "$T/f1")"

# A prospect added for bob (no activity: nobody re-spread).
$C prospects add "$T/campaigns/team.conf" --rep bob --company "bob 3" --phone "+33140000023" >/dev/null ||
  fail "prospects add bob 3"
wait_reaction
check_eq "a prospect added: bob's lists alone" "call lists made for 1 of 4 reps of team" "$(cat "$T/made")"
feeds >"$T/f2"
check_eq "... bob's feed rewritten, the others untouched" "bob " "$(changed "$T/f1" "$T/f2")"
check_eq "... it lists the new prospect" "yes" "$(unfolded bob | grep -q 'bob 3 — tel:+33140000023' && echo yes)"

# bob 2 given to dave behind the store's back: both.
behind "UPDATE prospects SET rep = 'dave' WHERE company = 'bob 2'"
wait_reaction
check_eq "a reassignment: bob's and dave's lists" "call lists made for 2 of 4 reps of team" "$(cat "$T/made")"
feeds >"$T/f3"
check_eq "... their feeds rewritten, the others untouched" "bob dave " "$(changed "$T/f2" "$T/f3")"
check_eq "... dave's lists it, bob's no longer" "yes no" \
  "$(unfolded dave | grep -q 'bob 2 — ' && echo yes) $(unfolded bob | grep -q 'bob 2 — ' && echo yes || echo no)"

# One of zoë's erased.
$C prospects erase "$T/campaigns/team.conf" "$(id_of 'zoë 2')" >/dev/null || fail "prospects erase"
wait_reaction
check_eq "an erasure: zoë's lists alone" "call lists made for 1 of 4 reps of team" "$(cat "$T/made")"
feeds >"$T/f4"
check_eq "... zoë's feed rewritten, the others untouched" "zoë " "$(changed "$T/f3" "$T/f4")"

# The call to bob 1 removed behind the store's back.
behind "DELETE FROM calls"
wait_reaction
check_eq "a call removed: bob's lists alone" "call lists made for 1 of 4 reps of team" "$(cat "$T/made")"
feeds >"$T/f5"
check_eq "... bob's feed rewritten, the others untouched" "bob " "$(changed "$T/f4" "$T/f5")"
check_eq "no warning" "" "$(grep -i 'warning\|critical' "$LOG")"
done_testing
