/* SPDX-License-Identifier: MIT
 *
 * test-ics-zone: the VTIMEZONE of the feeds (ics-zone): a 09:00 block stays 09:00
 * across DST changes as python3-icalendar and libical read the zone, a rule
 * that ended, UTC, and where the text comes from.
 */
#define G_LOG_DOMAIN "prospectd-test"

#include "ics-fixture.h"

/* A 09:00 block stays 09:00 on both sides of each DST change. */
static void
assert_nine_oclock (const Fixture *fixture, const char *text, const char *tzid,
                    guint year, guint month, guint day)
{
  const PdBlock *block = find_block (fixture, 0, year, month, day, 1);
  g_autofree char *line = g_strdup_printf ("\r\nDTSTART;TZID=%s:%04u%02u%02uT090000\r\n", tzid, year, month, day);

  if (block == NULL)
    fail_msg ("no block on %04u-%02u-%02u", year, month, day);
  assert_int_equal (block->start_minute, 9 * 60);
  if (strstr (text, line) == NULL)
    fail_msg ("missing%s", line);
}
static void
test_dst_paris (void **state)
{
  Fixture fixture = fixture_make ("Paris DST", "2027-03-22", "2027-11-05", "Europe/Paris", "60000", "90m");
  g_autofree char *text = render (&fixture, 0, NULL, T0);

  (void) state;
  assert_nine_oclock (&fixture, text, "Europe/Paris", 2027, 3, 26);  /* CET */
  assert_nine_oclock (&fixture, text, "Europe/Paris", 2027, 3, 29);  /* CEST */
  assert_nine_oclock (&fixture, text, "Europe/Paris", 2027, 10, 29); /* CEST */
  assert_nine_oclock (&fixture, text, "Europe/Paris", 2027, 11, 2);  /* CET */
  /* Both observances, their rules in force open-ended (docs/pitfalls.md 25:
   * python3-icalendar 4.0.3 cannot build a zone from a rule with UNTIL;
   * assert_python_reads() below builds it with to_tz()). */
  assert_non_null (strstr (text, "\r\nBEGIN:DAYLIGHT\r\nTZNAME:CEST\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
                                 "DTSTART:19810329T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
                                 "END:DAYLIGHT\r\n"));
  assert_non_null (strstr (text, "\r\nBEGIN:STANDARD\r\nTZNAME:CET\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
                                 "DTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
                                 "END:STANDARD\r\n"));
  assert_null (strstr (text, "UNTIL="));
  assert_in_range (vtimezone_lines (text), 10, 40);
  assert_clean_text (text);
  g_array_unref (assert_round_trip (&fixture, 0, text));
  assert_libical_reads (text, "Europe/Paris", rep_block_count (&fixture, 0));
  assert_python_reads (&fixture, 0, text);
  fixture_clear (&fixture);
}
static void
test_dst_new_york (void **state)
{
  Fixture fixture = fixture_make ("NY", "2027-03-08", "2027-03-19", "America/New_York", "20000", "90m");
  g_autofree char *text = render (&fixture, 0, NULL, T0);

  (void) state;
  assert_nine_oclock (&fixture, text, "America/New_York", 2027, 3, 12); /* EST */
  assert_nine_oclock (&fixture, text, "America/New_York", 2027, 3, 15); /* EDT */
  assert_non_null (strstr (text, "\r\nTZID:America/New_York\r\n"));
  assert_non_null (strstr (text, "\r\nX-WR-TIMEZONE:America/New_York\r\n"));
  assert_clean_text (text);
  g_array_unref (assert_round_trip (&fixture, 0, text));
  assert_libical_reads (text, "America/New_York", rep_block_count (&fixture, 0));
  assert_python_reads (&fixture, 0, text);
  fixture_clear (&fixture);
}
/* A rule that really ended inside the campaign: Sao Paulo's last summer
 * time ended on 2019-02-17. No UNTIL anywhere: the ended rule becomes its
 * onsets (DTSTART and RDATE, from the year before the campaign's), and the
 * observance in force on the first day (summer time since 2018-11-04) is
 * there. python3-icalendar builds the zone and finds every block's
 * instant, before and after the change. */
static void
test_vtimezone_ended_rule (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *vtimezone = pd_ics_vtimezone_text ("America/Sao_Paulo", 2019, 2019, &error);

  (void) state;
  assert_non_null (vtimezone);
  assert_string_equal (vtimezone,
                       "BEGIN:VTIMEZONE\r\n"
                       "TZID:America/Sao_Paulo\r\n"
                       "TZUNTIL:20200101T000000Z\r\n"
                       "BEGIN:STANDARD\r\n"
                       "TZNAME:-03\r\n"
                       "TZOFFSETFROM:-0200\r\n"
                       "TZOFFSETTO:-0300\r\n"
                       "DTSTART:20180218T000000\r\n"
                       "RDATE:20190217T000000\r\n"
                       "END:STANDARD\r\n"
                       "BEGIN:DAYLIGHT\r\n"
                       "TZNAME:-02\r\n"
                       "TZOFFSETFROM:-0300\r\n"
                       "TZOFFSETTO:-0200\r\n"
                       "DTSTART:20181104T000000\r\n"
                       "END:DAYLIGHT\r\n"
                       "END:VTIMEZONE\r\n");

  Fixture fixture = fixture_make ("SP", "2019-02-11", "2019-02-22", "America/Sao_Paulo", "20000", "90m");
  g_autofree char *text = render (&fixture, 0, NULL, T0);
  assert_nine_oclock (&fixture, text, "America/Sao_Paulo", 2019, 2, 15); /* -02 */
  assert_nine_oclock (&fixture, text, "America/Sao_Paulo", 2019, 2, 18); /* -03 */
  assert_null (strstr (text, "UNTIL="));
  assert_libical_reads (text, "America/Sao_Paulo", rep_block_count (&fixture, 0));
  assert_python_reads (&fixture, 0, text);
  fixture_clear (&fixture);
}
static void
test_utc_zone (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *text = NULL;

  (void) state;
  g_free (fixture.campaign->timezone);
  fixture.campaign->timezone = g_strdup ("UTC");
  g_time_zone_unref (fixture.campaign->tz);
  fixture.campaign->tz = g_time_zone_new_utc ();
  text = render (&fixture, 0, NULL, T0);
  assert_non_null (strstr (text, "\r\nTZID:UTC\r\n"));
  assert_non_null (strstr (text, "\r\nDTSTART;TZID=UTC:20270104T090000\r\n"));
  assert_clean_text (text);
  g_array_unref (assert_round_trip (&fixture, 0, text));
  assert_libical_reads (text, "UTC", rep_block_count (&fixture, 0));
  fixture_clear (&fixture);
}
/* The VTIMEZONE comes from the caller's source (prospectd's is a
 * short-lived `prospectd --vtimezone`) the first time the process needs
 * that zone and span of years: the feed carries the source's text as
 * given, and later renderers share the zone without asking again. A
 * source that returns NULL leaves the building to this process. */
static guint source_calls;
static char *source_asked;

static char *
marked_vtimezone (const char *name, int first_year, int last_year)
{
  g_autofree char *text = pd_ics_vtimezone_text (name, first_year, last_year, NULL);

  source_calls++;
  g_free (source_asked);
  source_asked = g_strdup_printf ("%s:%d:%d", name, first_year, last_year);
  return replace_all (text, "BEGIN:VTIMEZONE\r\n", "BEGIN:VTIMEZONE\r\nX-PD-SOURCE:the caller\r\n");
}
static char *
no_vtimezone (const char *name, int first_year, int last_year)
{
  (void) name;
  (void) first_year;
  (void) last_year;
  source_calls++;
  return NULL;
}
static void
test_vtimezone_source (void **state)
{
  Fixture tokyo = fixture_make ("Tokyo", "2031-03-03", "2031-03-14", "Asia/Tokyo", "20000", "90m");
  Fixture seoul = fixture_make ("Seoul", "2032-03-01", "2032-03-12", "Asia/Seoul", "20000", "90m");
  g_autoptr (GError) error = NULL;
  g_autoptr (PdIcsRenderer) first = NULL;
  g_autoptr (PdIcsRenderer) second = NULL;
  g_autoptr (PdIcsRenderer) fallback = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autofree char *built_here = NULL;
  g_autofree char *expected = NULL;

  (void) state;
  source_calls = 0;
  first = pd_ics_renderer_new (tokyo.campaign, tokyo.schedule, marked_vtimezone, &error);
  assert_non_null (first);
  assert_int_equal (source_calls, 1);
  assert_string_equal (source_asked, "Asia/Tokyo:2031:2031");
  text = render_with (first, 0, NULL, T0);
  assert_int_equal (count_occurrences (text, "\r\nBEGIN:VTIMEZONE\r\nX-PD-SOURCE:the caller\r\nTZID:Asia/Tokyo\r\n"), 1);
  assert_libical_reads (text, "Asia/Tokyo", rep_block_count (&tokyo, 0));

  /* The zone is the process's now: the source is not asked again. */
  second = pd_ics_renderer_new (tokyo.campaign, tokyo.schedule, no_vtimezone, &error);
  assert_non_null (second);
  assert_int_equal (source_calls, 1);
  again = render_with (second, 0, NULL, T0);
  assert_string_equal (again, text);

  /* No text from the source: built here, as pd_ics_vtimezone_text(). */
  fallback = pd_ics_renderer_new (seoul.campaign, seoul.schedule, no_vtimezone, &error);
  assert_non_null (fallback);
  assert_int_equal (source_calls, 2);
  built_here = render_with (fallback, 0, NULL, T0);
  expected = pd_ics_vtimezone_text ("Asia/Seoul", 2032, 2032, NULL);
  assert_non_null (strstr (built_here, expected));
  assert_null (strstr (built_here, "X-PD-SOURCE"));

  g_clear_pointer (&source_asked, g_free);
  fixture_clear (&tokyo);
  fixture_clear (&seoul);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_dst_paris),
    cmocka_unit_test (test_dst_new_york),
    cmocka_unit_test (test_vtimezone_ended_rule),
    cmocka_unit_test (test_utc_zone),
    cmocka_unit_test (test_vtimezone_source),
  };
  int failed;

  failed = cmocka_run_group_tests_name ("ics-zone", tests, NULL, NULL);
  pd_ics_zone_shutdown ();
  return failed;
}
