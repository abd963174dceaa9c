#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# ics-check: reads a prospectd feed back with python3-icalendar, a parser
# that shares no code with libical, and checks it against what the test
# expected. Run with /usr/bin/python3 (docs/pitfalls.md 22: Debian's packages).
#
#   ics-check.py FEED EXPECTED.json
#
# EXPECTED.json: {"tzid": "Europe/Paris", "calname": "...", "count": N,
#                 "alarm_minutes": 10,
#                 "events": [{"uid": "...", "start": "2027-01-04T09:00:00",
#                             "end": "2027-01-04T09:41:00",
#                             "start_utc": "2027-01-04T08:00:00"}, ...]}
# "events" may list a subset; every key but "tzid" and "count" is optional.
# The feed's VTIMEZONE is also turned into a zone of its own with the
# reader's Timezone.to_tz() (python3-icalendar 4.0.3 refuses a rule with
# UNTIL there), and each "start_utc"/"end_utc" is checked against it too,
# so that a VTIMEZONE that disagrees with the zone database is caught.
# Exits 0 when everything matches, 1 with one line per mismatch otherwise,
# 2 on usage errors.

import datetime
import json
import sys

try:
    from icalendar import Calendar
except ImportError as exc:  # make deps installs python3-icalendar
    print(f"ics-check: cannot import icalendar: {exc}", file=sys.stderr)
    sys.exit(2)

problems = []


def problem(message):
    problems.append(message)


def zone_name(tzinfo):
    """The IANA name behind a tzinfo from pytz, zoneinfo or dateutil."""
    for attribute in ("zone", "key"):
        name = getattr(tzinfo, attribute, None)
        if name:
            return name
    return str(tzinfo)


def check_text(raw):
    if b"freeassociation" in raw:
        problem("vendor TZID prefix 'freeassociation' present")
    if b"X-LIC-LOCATION" in raw:
        problem("X-LIC-LOCATION present")
    if not raw.endswith(b"\r\n"):
        problem("the feed does not end with CRLF")
    for number, line in enumerate(raw.split(b"\r\n")[:-1], 1):
        if b"\n" in line or b"\r" in line:
            problem(f"line {number}: bare LF or CR")
        if len(line) > 75:
            problem(f"line {number}: {len(line)} octets (folding limit 75)")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problem(f"line {number}: not UTF-8 (folded inside a character?)")


def feed_instant(feed_zone, wall):
    """The instant (naive UTC) of a naive wall time in the zone built from
    the feed's VTIMEZONE: the first occurrence of a repeated time, as RFC
    5545 says."""
    if hasattr(feed_zone, "localize"):
        aware = feed_zone.localize(wall, is_dst=True)
    else:
        aware = wall.replace(tzinfo=feed_zone)
    return aware.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def check_event(event, expected, tzid, alarm_minutes, feed_zone):
    uid = str(event.get("UID"))
    for name in ("DTSTART", "DTEND"):
        prop = event.get(name)
        if prop is None:
            problem(f"{uid}: no {name}")
            continue
        if prop.params.get("TZID") != tzid:
            problem(f"{uid}: {name} TZID {prop.params.get('TZID')!r}, expected {tzid!r}")
        value = event.decoded(name)
        if not isinstance(value, datetime.datetime) or value.tzinfo is None:
            problem(f"{uid}: {name} is not a zoned date-time: {value!r}")
            continue
        if zone_name(value.tzinfo) != tzid:
            problem(f"{uid}: {name} zone {zone_name(value.tzinfo)!r}, expected {tzid!r}")
        key = "start" if name == "DTSTART" else "end"
        wall = value.replace(tzinfo=None).isoformat()
        if key in expected and wall != expected[key]:
            problem(f"{uid}: {name} local {wall}, expected {expected[key]}")
        utc_key = key + "_utc"
        if utc_key in expected:
            utc = value.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat()
            if utc != expected[utc_key]:
                problem(f"{uid}: {name} instant {utc}Z, expected {expected[utc_key]}Z")
            if feed_zone is not None:
                by_vtimezone = feed_instant(feed_zone, value.replace(tzinfo=None)).isoformat()
                if by_vtimezone != expected[utc_key]:
                    problem(f"{uid}: {name} instant by the feed's VTIMEZONE {by_vtimezone}Z, "
                            f"expected {expected[utc_key]}Z")
    for name in ("DTSTAMP", "SEQUENCE", "SUMMARY", "DESCRIPTION"):
        if event.get(name) is None:
            problem(f"{uid}: no {name}")
    if "RRULE" in event:
        problem(f"{uid}: RRULE present")
    alarms = [c for c in event.subcomponents if c.name == "VALARM"]
    if not alarms:
        problem(f"{uid}: no VALARM")
    for alarm in alarms:
        if str(alarm.get("ACTION")) != "DISPLAY":
            problem(f"{uid}: VALARM ACTION {alarm.get('ACTION')!r}")
        if alarm.get("DESCRIPTION") is None:
            problem(f"{uid}: VALARM without DESCRIPTION")
        if alarm_minutes is not None:
            trigger = alarm.decoded("TRIGGER")
            if trigger != -datetime.timedelta(minutes=alarm_minutes):
                problem(f"{uid}: TRIGGER {trigger}, expected -{alarm_minutes} min")


def main(argv):
    if len(argv) != 3:
        print("usage: ics-check.py FEED EXPECTED.json", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as feed:
        raw = feed.read()
    with open(argv[2], encoding="utf-8") as expected_file:
        expected = json.load(expected_file)

    check_text(raw)
    try:
        calendar = Calendar.from_ical(raw)
    except Exception as exc:  # any parser failure is a finding
        print(f"ics-check: {argv[1]}: unreadable: {exc}", file=sys.stderr)
        return 1

    tzid = expected["tzid"]
    if calendar.name != "VCALENDAR":
        problem(f"top component {calendar.name}")
    if str(calendar.get("VERSION")) != "2.0":
        problem(f"VERSION {calendar.get('VERSION')!r}")
    if calendar.get("PRODID") is None:
        problem("no PRODID")
    if "calname" in expected and str(calendar.get("X-WR-CALNAME")) != expected["calname"]:
        problem(f"X-WR-CALNAME {str(calendar.get('X-WR-CALNAME'))!r}, expected {expected['calname']!r}")

    timezones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    if len(timezones) != 1:
        problem(f"{len(timezones)} VTIMEZONE, expected 1")
    feed_zone = None
    for timezone in timezones:
        if str(timezone.get("TZID")) != tzid:
            problem(f"VTIMEZONE TZID {str(timezone.get('TZID'))!r}, expected {tzid!r}")
        try:
            feed_zone = timezone.to_tz()
        except Exception as exc:  # the reader cannot build the zone: a finding
            problem(f"VTIMEZONE {str(timezone.get('TZID'))}: to_tz() fails: {exc}")

    events = calendar.walk("VEVENT")
    if len(events) != expected["count"]:
        problem(f"{len(events)} events, expected {expected['count']}")
    by_uid = {}
    for event in events:
        uid = str(event.get("UID"))
        if uid in by_uid:
            problem(f"UID {uid} used twice")
        by_uid[uid] = event

    alarm_minutes = expected.get("alarm_minutes")
    listed = {item["uid"]: item for item in expected.get("events", [])}
    for uid, event in by_uid.items():
        check_event(event, listed.get(uid, {}), tzid, alarm_minutes, feed_zone)
    for uid in listed:
        if uid not in by_uid:
            problem(f"UID {uid} missing")

    for message in problems[:50]:
        print(f"ics-check: {argv[1]}: {message}", file=sys.stderr)
    if len(problems) > 50:
        print(f"ics-check: ... and {len(problems) - 50} more", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
