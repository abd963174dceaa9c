# SPDX-License-Identifier: MIT
# backends: sqlite pg
# Call lists: prospectctl calls (text, --json, --csv) on chosen days —
# follow-ups due before retries before new prospects, never past
# [plan] max_attempts, new ones by [prospects] priority then import
# order, a prospect called today left for tomorrow, the days after today
# projected, a short file said block by block — its errors, and the
# feeds that carry the lists (tel: URIs, read back by python3-icalendar).
. tests/cli/lib.sh
# The example campaign: alice's 16 contacts a day make two blocks of 8
# (09:00-09:16, 14:00-14:16); bob's 8, one block. max_attempts 3, new
# prospects of the sector industrie first, then services.
mkdir -p "$T/campaigns"
sed -e 's/^rounding = up$/rounding = up\nmax_attempts = 3/' "$TOP/config/campaigns/example.conf" \
  >"$T/campaigns/example.conf"
printf '\n[prospects]\npriority = sector = industrie, services\n' >>"$T/campaigns/example.conf"
cat >"$T/prospectd.conf" <<CONF
[daemon]
database = $DB
feeds = $T/feeds
campaigns = $T/campaigns
CONF
C="$CTL --config $T/prospectd.conf"
NOW="--now 2027-01-11T08:00"

# No database yet: every call without a prospect.
out=$($C calls --rep bob $NOW)
check_eq "calls before any prospect: the block says so" "bob, 2027-01-11 (example)

Block 1, 09:00-09:16 — 8 calls: 0 listed, 8 without a prospect — import more" "$out"
check_eq "calls creates no database" no "$(db_written && echo yes || echo no)"

out=$($C status $NOW | grep -c 'prospect file')
check_eq "status without a prospect file says nothing of it" 0 "$out"

# The campaign recorded by a first log, then the prospect file, in import
# order (the store's own columns; prospects import fills the same).
$C $NOW log --rep bob --contacts 1 --date 2027-01-04 >/dev/null
i=0
prospect () { # company rep state attempts follow_up sector contact first_name phone
  i=$((i + 1))
  db_sql "INSERT INTO prospects (campaign, rep, company, contact, first_name, phone, email, state, attempts,
            follow_up, sector, import_order, created)
          VALUES ('example', '$2', '$1', $7, $8, $9, NULL, '$3', $4, $5, $6, $i, 1800000000)" >/dev/null
  db_sql "INSERT INTO prospect_sources (prospect, source, line)
          SELECT id, 'salon', $((i + 1)) FROM prospects WHERE company = '$1'" >/dev/null
}
prospect "Alpha SA" alice new 0 NULL "'services'" "'Martin'" "'Hélène'" "'+33123456789'"
prospect "Bravo" alice new 0 NULL "'industrie'" NULL NULL "'+33498765432'"
prospect "Charlie" alice attempted 2 NULL NULL "'Roux'" NULL "'+33140000000'"
prospect "Delta" alice attempted 2 NULL NULL NULL NULL NULL
prospect "Echo" alice attempted 3 NULL NULL NULL NULL "'+33140000001'"
prospect "Foxtrot" alice latent 1 "'2027-01-11'" NULL "'Petit'" "'Zoë'" "'+33612345678'"
prospect "Golf" alice latent 2 "'2027-01-08'" NULL NULL NULL "'+33140000002'"
prospect "Hotel" alice latent 1 "'2027-01-13'" NULL NULL NULL "'+33140000003'"
prospect "India" alice arid 1 NULL NULL NULL NULL "'+33140000004'"
prospect "Juliet" alice new 0 NULL "'Industrie'" NULL NULL "'+33140000005'"
prospect "Lima" bob new 0 NULL "'industrie'" NULL NULL "'+33140000006'"
db_sql "INSERT INTO prospect_sources (prospect, source, line) SELECT id, 'annuaire', 9 FROM prospects
        WHERE company = 'Alpha SA'" >/dev/null
# Delta was called this morning (its second attempt): not on today's list.
db_sql "INSERT INTO calls (campaign, prospect, rep, date, outcome, revenue_cents, state_before, state_after, created)
        SELECT 'example', id, 'alice', '2027-01-11', 'no-answer', 0, 'attempted', 'attempted', 1800000000
        FROM prospects WHERE company = 'Delta'" >/dev/null

# --- today: follow-ups due (Golf 01-08, then Foxtrot 01-11; Hotel is
# for 01-13), Charlie's retry (Delta called today, Echo at max_attempts,
# India arid), new ones: industrie (Bravo, then Juliet), then services.
out=$($C calls --rep alice $NOW)
check_eq "calls today: follow-ups, retries, new by priority" "alice, 2027-01-11 (example)

Block 1, 09:00-09:16 — 8 calls: 6 listed, 2 without a prospect — import more
  1. #7 Golf — +33140000002 — follow-up
  2. #6 Foxtrot — Zoë Petit — +33612345678 — follow-up
  3. #3 Charlie — Roux — +33140000000 — retry
  4. #2 Bravo — +33498765432 — new prospect
  5. #10 Juliet — +33140000005 — new prospect
  6. #1 Alpha SA — Hélène Martin — +33123456789 — new prospect

Block 2, 14:00-14:16 — 8 calls: 0 listed, 8 without a prospect — import more" "$out"

# --- tomorrow, projected: each listed prospect called once, nobody
# reached; the new ones come back as retries (1 attempt), then Delta (2);
# Charlie has had its 3 (max_attempts).
out=$($C calls --rep alice $NOW --date 2027-01-12)
check_eq "calls tomorrow: the projection" "alice, 2027-01-12 (example): projected lists

Block 1, 09:00-09:16 — 8 calls: 4 listed, 4 without a prospect — import more
  1. #2 Bravo — +33498765432 — retry
  2. #10 Juliet — +33140000005 — retry
  3. #1 Alpha SA — Hélène Martin — +33123456789 — retry
  4. #4 Delta — no phone — retry

Block 2, 14:00-14:16 — 8 calls: 0 listed, 8 without a prospect — import more" "$out"

# --- JSON: every field, in call order.
out=$($C calls --rep alice $NOW --json | /usr/bin/python3 -c '
import json, sys
t = json.load(sys.stdin)
print(t["campaign"], t["rep"], t["date"], t["projected"], len(t["blocks"]))
for b in t["blocks"]:
    print(b["block"], b["start"], b["end"], b["contacts"], b["listed"], b["without_prospect"])
    for c in b["calls"]:
        print(" ", c["id"], c["company"], c["contact"], c["phone"], c["email"], c["sources"], c["state"], c["rep"],
              c["attempts"], c["follow_up"], c["reason"])')
check_eq "calls --json" "example alice 2027-01-11 False 2
1 09:00 09:16 8 6 2
  7 Golf None +33140000002 None ['salon'] latent alice 2 2027-01-08 follow-up
  6 Foxtrot Zoë Petit +33612345678 None ['salon'] latent alice 1 2027-01-11 follow-up
  3 Charlie Roux +33140000000 None ['salon'] attempted alice 2 None retry
  2 Bravo None +33498765432 None ['salon'] new alice 0 None new
  10 Juliet None +33140000005 None ['salon'] new alice 0 None new
  1 Alpha SA Hélène Martin +33123456789 None ['annuaire', 'salon'] new alice 0 None new
2 14:00 14:16 8 0 8" "$out"

# --- CSV: one row per call, RFC 4180 (CRLF).
$C calls --rep alice $NOW --csv >"$T/calls.csv"
printf '%s\r\n' \
  "date,block,start,end,block_contacts,position,id,company,contact,phone,email,sources,state,rep,attempts,follow_up,reason" \
  "2027-01-11,1,09:00,09:16,8,1,7,Golf,,+33140000002,,salon,latent,alice,2,2027-01-08,follow-up" \
  "2027-01-11,1,09:00,09:16,8,2,6,Foxtrot,Zoë Petit,+33612345678,,salon,latent,alice,1,2027-01-11,follow-up" \
  "2027-01-11,1,09:00,09:16,8,3,3,Charlie,Roux,+33140000000,,salon,attempted,alice,2,,retry" \
  "2027-01-11,1,09:00,09:16,8,4,2,Bravo,,+33498765432,,salon,new,alice,0,,new" \
  "2027-01-11,1,09:00,09:16,8,5,10,Juliet,,+33140000005,,salon,new,alice,0,,new" \
  "2027-01-11,1,09:00,09:16,8,6,1,Alpha SA,Hélène Martin,+33123456789,,annuaire;salon,new,alice,0,,new" \
  >"$T/expected.csv"
check_file "calls --csv" "$T/expected.csv" "$T/calls.csv"

# --- bob: Lima only.
out=$($C calls --rep bob $NOW)
check_eq "calls --rep bob" "bob, 2027-01-11 (example)

Block 1, 09:00-09:16 — 8 calls: 1 listed, 7 without a prospect — import more
  1. #11 Lima — +33140000006 — new prospect" "$out"

# --- a day without a block (Saturday).
out=$($C calls --rep bob $NOW --date 2027-01-16)
check_eq "calls on a Saturday" "bob, 2027-01-16 (example): projected lists
No call block on 2027-01-16." "$out"

# --- status: the file's shortfall against the plan's prospects to contact
# (467: the example's funnel); said only once the file holds someone.
out=$($C status $NOW | grep 'prospect file')
check_eq "status: the prospect file's shortfall" \
  "  prospect file: 11 prospects of the plan's 467 to contact, 456 short — import more" "$out"
out=$($C status $NOW --json | /usr/bin/python3 -c '
import json, sys
print(json.load(sys.stdin)["prospect_file"])')
check_eq "status --json: prospect_file" "{'prospects': 11, 'prospects_to_contact': 467, 'short': 456}" "$out"

# --- the feeds: each block's DESCRIPTION ends with its list, read back
# by python3-icalendar (unfolded, unescaped: the tel: URIs whole); blocks
# after the seven days carry none.
$C export $NOW >/dev/null
feed_text () { # UID: the event's DESCRIPTION's lines from its blank line on, then its SEQUENCE
  /usr/bin/python3 -c '
import sys
from icalendar import Calendar
calendar = Calendar.from_ical(open(sys.argv[1], "rb").read())
for event in calendar.walk("VEVENT"):
    if str(event.get("UID")) == sys.argv[2]:
        text = str(event.get("DESCRIPTION"))
        print(text[text.index("\n\n") + 2:] if "\n\n" in text else "(no list)")
        print("SEQUENCE", event.get("SEQUENCE"))' "$T/feeds/example/$(echo "$1" | sed 's/^[0-9]*-[0-9]*-\(.*\)@.*/\1/').ics" "$1"
}
check_eq "feed: today's first block" "8 calls: 6 listed, 2 without a prospect — import more
Golf — tel:+33140000002 — follow-up
Foxtrot — Zoë Petit — tel:+33612345678 — follow-up
Charlie — Roux — tel:+33140000000 — retry
Bravo — tel:+33498765432 — new prospect
Juliet — tel:+33140000005 — new prospect
Alpha SA — Hélène Martin — tel:+33123456789 — new prospect
SEQUENCE 0" "$(feed_text 20270111-1-alice@example.prospectd)"
check_eq "feed: tomorrow's projection" "8 calls: 4 listed, 4 without a prospect — import more
Bravo — tel:+33498765432 — retry
Juliet — tel:+33140000005 — retry
Alpha SA — Hélène Martin — tel:+33123456789 — retry
Delta — no phone — retry
SEQUENCE 0" "$(feed_text 20270112-1-alice@example.prospectd)"
check_eq "feed: no list after the seven days" "(no list)
SEQUENCE 0" "$(feed_text 20270118-1-alice@example.prospectd)"
check_eq "feed: no list before today" "(no list)
SEQUENCE 0" "$(feed_text 20270108-1-alice@example.prospectd)"

# export -o FILE and -o - carry the same lists: byte for byte the feeds
# directory's file (a new FILE; stdout rendered against the directory's).
$C export --rep alice -o "$T/alice-o.ics" $NOW >"$T/out" 2>&1
check_eq "export -o FILE: exit 0, nothing said" "0:" "$?:$(cat "$T/out")"
check_file "export -o FILE: the feeds directory's file, lists included" "$T/feeds/example/alice.ics" "$T/alice-o.ics"
$C export --rep alice -o - $NOW >"$T/alice-stdout.ics"
check_file "export -o -: the feeds directory's file, lists included" "$T/feeds/example/alice.ics" "$T/alice-stdout.ics"

# The same lists: nothing rewritten. Golf reached (arid): today's first
# block changes (SEQUENCE 1), its second block and the other days' stay.
out=$($C export $NOW)
check_eq "export again: unchanged" "alice: $T/feeds/example/alice.ics unchanged
bob: $T/feeds/example/bob.ics unchanged" "$out"
db_sql "UPDATE prospects SET state = 'arid' WHERE company = 'Golf'" >/dev/null
$C export $NOW >/dev/null
check_eq "feed: a prospect reached leaves the list, SEQUENCE 1" "8 calls: 5 listed, 3 without a prospect — import more
Foxtrot — Zoë Petit — tel:+33612345678 — follow-up
Charlie — Roux — tel:+33140000000 — retry
Bravo — tel:+33498765432 — new prospect
Juliet — tel:+33140000005 — new prospect
Alpha SA — Hélène Martin — tel:+33123456789 — new prospect
SEQUENCE 1" "$(feed_text 20270111-1-alice@example.prospectd)"
check_eq "feed: the unchanged block keeps SEQUENCE 0" "8 calls: 0 listed, 8 without a prospect — import more
SEQUENCE 0" "$(feed_text 20270111-2-alice@example.prospectd)"
# -o FILE against its own previous (the lists before Golf's call), -o -
# against the directory's: the same SEQUENCE rule, the same bytes.
$C export --rep alice -o "$T/alice-o.ics" $NOW >/dev/null
check_file "export -o FILE after the change: the directory's file (SEQUENCE 1 on the same event)" \
  "$T/feeds/example/alice.ics" "$T/alice-o.ics"
$C export --rep alice -o - $NOW >"$T/alice-stdout.ics"
check_file "export -o - after the change: the directory's file" "$T/feeds/example/alice.ics" "$T/alice-stdout.ics"

# The daemon writes the same lists (its first evaluation, feeds gone).
rm -rf "$T/feeds"
$DAEMON --config "$T/prospectd.conf" --once --now 2027-01-11T08:00 >"$T/daemon.log" 2>&1
check_eq "daemon --once: exit 0" 0 $?
check_eq "daemon: the feed's first block lists Foxtrot first" \
  "Foxtrot — Zoë Petit — tel:+33612345678 — follow-up" "$(feed_text 20270111-1-alice@example.prospectd | sed -n 2p)"
check_eq "daemon: bob's block lists Lima" "Lima — tel:+33140000006 — new prospect" \
  "$(feed_text 20270111-1-bob@example.prospectd | sed -n 2p)"

# --- errors: exit 2, one line.
out=$($C calls $NOW 2>&1); st=$?
check_eq "calls without --rep: exit 2" "2 prospectctl: calls: --rep REP is required (whose lists to print)" "$st $out"
out=$($C calls --rep alice --date 2027-01-08 $NOW 2>&1); st=$?
check_eq "calls --date before today: exit 2" \
  "2 prospectctl: --date 2027-01-08: before today (2027-01-11); lists are made from today on" "$st $out"
out=$($C calls --rep alice --json --csv $NOW 2>&1); st=$?
check_eq "calls --json --csv: exit 2" "2 prospectctl: --json and --csv: choose one" "$st $out"

done_testing
