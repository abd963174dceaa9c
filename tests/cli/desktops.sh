# SPDX-License-Identifier: MIT
# Several daemons on one database (a team): alice's two desktops
# (notify = alice), bob's (notify = bob) and a server (notify empty),
# each with its own XDG data directory (its desktop id). A notification
# shows once on each desktop that notifies its rep, never twice on one;
# the daily check's catch-up is stored once; a desktop id is made once,
# private, and a dry run makes none; on a team's database only the
# daemons with feeds set write feeds.
# backends: sqlite pg
. tests/cli/lib.sh

mkdir -p "$T/campaigns"
cp config/campaigns/example.conf "$T/campaigns/"

# desktop NAME NOTIFY: a daemon configuration and state directory of its own.
desktop () {
  mkdir -p "$T/$1"
  cat >"$T/$1/prospectd.conf" <<CONF
[daemon]
campaigns = $T/campaigns
database = $DB
feeds = $T/feeds
notify = $2
notifications = off
CONF
}
desktop alice1 alice
desktop alice2 alice
desktop bob bob
desktop server ""

# run NAME DATETIME: one evaluation of desktop NAME at that instant; prints
# the notifications it recorded (key only), in order.
run () {
  XDG_DATA_HOME="$T/$1/data" "$DAEMON" --config "$T/$1/prospectd.conf" --once --now "$2" \
    >"$T/$1/out" 2>"$T/$1/err"
  rc=$?
  [ $rc -eq 0 ] || { fail "$1 at $2 exits 0 (got $rc)"; cat "$T/$1/err"; }
  sed -n 's/^prospectd-daemon-INFO: [0-9:.]*: recorded, not shown (notifications off) \([^:]*:[^:]*:[^:]*\(:[0-9]*\)\{0,1\}\): .*/\1/p' \
    "$T/$1/err"
}

# A dry run makes no desktop id (it writes nothing).
XDG_DATA_HOME="$T/alice1/data" "$DAEMON" --config "$T/alice1/prospectd.conf" --once --dry-run \
  --now 2027-01-04T08:50 >/dev/null 2>&1
check_eq "a dry run makes no desktop id" "no" "$([ -e "$T/alice1/data" ] && echo yes || echo no)"

check_eq "alice's first desktop: alice's reminder" "reminder:alice:2027-01-04:1" "$(run alice1 2027-01-04T08:50)"
check_eq "alice's second desktop: alice's reminder too" "reminder:alice:2027-01-04:1" "$(run alice2 2027-01-04T08:51)"
check_eq "bob's desktop: bob's only" "reminder:bob:2027-01-04:1" "$(run bob 2027-01-04T08:52)"
check_eq "the server: none" "" "$(run server 2027-01-04T08:53)"
check_eq "alice's first desktop again: nothing twice" "" "$(run alice1 2027-01-04T08:54)"
check_eq "alice's second desktop again: nothing twice" "" "$(run alice2 2027-01-04T08:55)"

id=$(cat "$T/alice1/data/prospectd/desktop-id")
check_eq "a desktop id: 32 hexadecimal digits" "yes" \
  "$(printf '%s' "$id" | grep -Eqx '[0-9a-f]{32}' && echo yes || echo no)"
check_eq "the desktop id is private" "600" "$(stat -c %a "$T/alice1/data/prospectd/desktop-id")"
check_eq "the desktop id is kept" "$id" "$(cat "$T/alice1/data/prospectd/desktop-id")"
check_eq "each desktop has its own id" "4" \
  "$(cat "$T"/*/data/prospectd/desktop-id | sort -u | wc -l)"
check_eq "claims per desktop: alice's twice, bob's once" "$(printf '2|reminder:alice:2027-01-04:1\n1|reminder:bob:2027-01-04:1')" \
  "$(db_sql "SELECT count(*), key FROM notifications WHERE key LIKE 'reminder:%' GROUP BY key ORDER BY key")"

# The daily check of 2027-01-04 (nobody logged: both behind), by every
# daemon: each desktop is told about its rep, the catch-up stored once.
check_eq "alice's first desktop: alice is behind" "behind:alice:2027-01-04" \
  "$(run alice1 2027-01-05T07:50 | grep '^behind')"
check_eq "bob's desktop: bob is behind" "behind:bob:2027-01-04" "$(run bob 2027-01-05T07:50 | grep '^behind')"
check_eq "alice's second desktop: alice is behind" "behind:alice:2027-01-04" \
  "$(run alice2 2027-01-05T07:51 | grep '^behind')"
run server 2027-01-05T07:51 >/dev/null
check_eq "one baseline and one catch-up stored" "baseline|2027-01-04
catchup|2027-01-05" "$(db_sql "SELECT kind, as_of FROM revisions ORDER BY id")"
check_eq "the daily check done once per daemon" "4" \
  "$(db_sql "SELECT count(*) FROM notifications WHERE key = 'check:2027-01-04'")"

# A desktop whose configuration names no feeds directory: on a team's
# database it writes no feed (the server's job); alone on its SQLite
# file, the default directory as always.
mkdir -p "$T/carol"
sed '/^feeds = /d' "$T/bob/prospectd.conf" >"$T/carol/prospectd.conf"
run carol 2027-01-05T08:00 >/dev/null
if [ "${PD_TEST_DB:-}" = pg ]; then expected=no; else expected=yes; fi
check_eq "no feeds set: feeds written only on SQLite" "$expected" \
  "$([ -e "$T/carol/data/prospectd/feeds/example/bob.ics" ] && echo yes || echo no)"
check_eq "feeds set: written" "yes" "$([ -e "$T/feeds/example/bob.ics" ] && echo yes || echo no)"

done_testing
