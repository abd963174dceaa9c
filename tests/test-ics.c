/* SPDX-License-Identifier: MIT
 *
 * test-ics: the iCalendar feed, written and read back.
 *
 * Schedules come from the real pipeline (config -> plan -> schedule).
 * Every feed is read back three ways: pd_ics_parse_events(), libical's
 * icalparser on the whole text, and tests/ics-check.py (python3-icalendar,
 * which shares no code with libical). Zones and instants are named.
 */
#define G_LOG_DOMAIN "prospectd-test"

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libical/ical.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "prospectd/config.h"
#include "prospectd/ics.h"
#include "prospectd/ics-read.h"
#include "prospectd/ics-render.h"
#include "prospectd/ics-zone.h"
#include "prospectd/plan.h"
#include "prospectd/schedule.h"
#include "prospectd/workcal.h"

#define PYTHON "/usr/bin/python3"
#define T0 G_GINT64_CONSTANT (1798761600) /* 2027-01-01T00:00:00Z */

static const char campaign_template[] =
  "[campaign]\n"
  "name = %s\n"
  "start = %s\n"
  "end = %s\n"
  "timezone = %s\n"
  "currency = EUR\n"
  "[plan]\n"
  "objective = %s\n"
  "average_deal = 20000\n"
  "proposals_per_deal = 3\n"
  "compensation_factor = 4\n"
  "spontaneous_prospects = 8\n"
  "accessibility_rate = 6%%\n"
  "contacts_per_prospect = 4\n"
  "minutes_per_contact = 2\n"
  "[calendar]\n"
  "workdays = mon-fri\n"
  "call_windows = 09:00-12:00, 14:00-17:00\n"
  "max_daily_calls = 3h\n"
  "max_block = %s\n"
  "reminder = 10m\n"
  "[reps]\n"
  "alice = 1\n"
  "bob = 0.5\n";

typedef struct {
  PdCampaign *campaign;
  PdSchedule *schedule;
} Fixture;

static void
fixture_clear (Fixture *fixture)
{
  g_clear_pointer (&fixture->schedule, pd_schedule_free);
  g_clear_pointer (&fixture->campaign, pd_campaign_free);
}

static void
fixture_schedule (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  PdPlan plan;

  if (!pd_plan_compute (&fixture->campaign->plan, &plan, &error))
    fail_msg ("plan: %s", error->message);
  fixture->schedule = pd_schedule_build (fixture->campaign, &plan, &error);
  if (fixture->schedule == NULL)
    fail_msg ("schedule: %s", error->message);
}

static Fixture
fixture_make (const char *name, const char *start, const char *end,
              const char *timezone, const char *objective, const char *max_block)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf (campaign_template, name, start, end,
                                           timezone, objective, max_block);
  Fixture fixture = { 0 };

  fixture.campaign = pd_config_parse_campaign ("/virtual/example.conf", text, strlen (text), &error);
  if (fixture.campaign == NULL)
    fail_msg ("campaign: %s", error->message);
  fixture_schedule (&fixture);
  return fixture;
}

static Fixture
fixture_example (void)
{
  g_autoptr (GError) error = NULL;
  Fixture fixture = { 0 };

  fixture.campaign = pd_config_load_campaign ("config/campaigns/example.conf", &error);
  if (fixture.campaign == NULL)
    fail_msg ("example.conf (run from the top directory): %s", error->message);
  fixture_schedule (&fixture);
  return fixture;
}

static char *
render (const Fixture *fixture, guint rep, const char *previous, gint64 revision)
{
  g_autoptr (GError) error = NULL;
  char *text = pd_ics_render (fixture->campaign, fixture->schedule, rep, previous, revision, &error);

  if (text == NULL)
    fail_msg ("render: %s", error->message);
  return text;
}

static guint
rep_block_count (const Fixture *fixture, guint rep)
{
  guint count = 0;

  for (guint i = 0; i < fixture->schedule->blocks->len; i++)
    count += g_array_index (fixture->schedule->blocks, PdBlock, i).rep_index == rep;
  return count;
}

static const PdBlock *
find_block (const Fixture *fixture, guint rep, guint year, guint month, guint day, guint index)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  for (guint i = 0; i < fixture->schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (fixture->schedule->blocks, PdBlock, i);

      if (block->rep_index == rep && block->index == index && g_date_compare (&block->date, &date) == 0)
        return block;
    }
  return NULL;
}

static guint
count_occurrences (const char *haystack, const char *needle)
{
  guint count = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    count++;
  return count;
}

static char *
wall_text (const GDate *date, guint minute)
{
  GDate day = *date;

  if (minute >= 24 * 60)
    {
      g_date_add_days (&day, minute / (24 * 60));
      minute %= 24 * 60;
    }
  return g_strdup_printf ("%04u-%02u-%02uT%02u:%02u:00",
                          (guint) g_date_get_year (&day), (guint) g_date_get_month (&day),
                          (guint) g_date_get_day (&day), minute / 60, minute % 60);
}

/* Everything pd_ics_parse_events() reads must be the schedule's blocks of
 * `rep`, in order, at their local wall times in the campaign zone. */
static GArray *
assert_round_trip (const Fixture *fixture, guint rep, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) uids = g_hash_table_new (g_str_hash, g_str_equal);
  GArray *events = pd_ics_parse_events (text, &error);
  guint e = 0;

  if (events == NULL)
    fail_msg ("parse: %s", error->message);
  assert_int_equal (events->len, rep_block_count (fixture, rep));
  for (guint i = 0; i < fixture->schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (fixture->schedule->blocks, PdBlock, i);
      const PdIcsEvent *event;
      g_autofree char *uid = NULL;
      GDate end_date = block->date;

      if (block->rep_index != rep)
        continue;
      event = &g_array_index (events, PdIcsEvent, e++);
      uid = pd_ics_block_uid (fixture->campaign, block);
      assert_string_equal (event->uid, uid);
      assert_true (g_hash_table_add (uids, event->uid)); /* unique */
      assert_string_equal (event->tzid, fixture->campaign->timezone);
      assert_false (event->utc);
      assert_int_equal (g_date_compare (&event->start_date, &block->date), 0);
      assert_int_equal (event->start_minute, block->start_minute);
      g_date_add_days (&end_date, block->end_minute / (24 * 60));
      assert_int_equal (g_date_compare (&event->end_date, &end_date), 0);
      assert_int_equal (event->end_minute, block->end_minute % (24 * 60));
      assert_true (event->has_alarm);
      assert_int_equal (event->alarm_minutes, fixture->campaign->reminder_minutes);
      assert_non_null (event->summary);
      assert_non_null (strstr (event->summary, "contact"));
      assert_non_null (event->description);
    }
  return events;
}

/* The whole feed through libical's own parser: one VCALENDAR, one
 * VTIMEZONE named plainly, N VEVENTs with unique UIDs, each with a VALARM
 * and no RRULE. */
static void
assert_libical_reads (const char *text, const char *tzid, guint expected_events)
{
  g_autoptr (GHashTable) uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  icalcomponent *calendar = icalparser_parse_string (text);
  icalcomponent *timezone;
  guint events = 0;

  assert_non_null (calendar);
  assert_int_equal (icalcomponent_isa (calendar), ICAL_VCALENDAR_COMPONENT);
  assert_int_equal (icalcomponent_count_errors (calendar), 0);
  assert_int_equal (icalcomponent_count_components (calendar, ICAL_VTIMEZONE_COMPONENT), 1);
  timezone = icalcomponent_get_first_component (calendar, ICAL_VTIMEZONE_COMPONENT);
  assert_string_equal (icalproperty_get_tzid (icalcomponent_get_first_property (timezone, ICAL_TZID_PROPERTY)),
                       tzid);
  for (icalcomponent *event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
       event != NULL;
       event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    {
      events++;
      assert_true (g_hash_table_add (uids, g_strdup (icalcomponent_get_uid (event))));
      assert_int_equal (icalcomponent_count_components (event, ICAL_VALARM_COMPONENT), 1);
      assert_null (icalcomponent_get_first_property (event, ICAL_RRULE_PROPERTY));
      assert_non_null (icalcomponent_get_first_property (event, ICAL_DTSTAMP_PROPERTY));
      assert_non_null (icalcomponent_get_first_property (event, ICAL_SEQUENCE_PROPERTY));
    }
  assert_int_equal (events, expected_events);
  icalcomponent_free (calendar);
}

/* Lines: CRLF everywhere, at most 75 octets, no vendor prefix. */
static void
assert_clean_text (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
  guint count = g_strv_length (lines);

  assert_true (g_str_has_suffix (text, "END:VCALENDAR\r\n"));
  assert_string_equal (lines[count - 1], "");
  for (guint i = 0; i + 1 < count; i++)
    {
      if (strlen (lines[i]) > 75 || strchr (lines[i], '\n') != NULL)
        fail_msg ("line %u is not a clean content line: '%s'", i + 1, lines[i]);
      assert_true (g_utf8_validate (lines[i], -1, NULL));
    }
  assert_null (strstr (text, "freeassociation"));
  assert_null (strstr (text, "X-LIC-LOCATION"));
  assert_null (strstr (text, "RRULE:FREQ=DAILY"));
}

/* The VTIMEZONE block's line count. */
static guint
vtimezone_lines (const char *text)
{
  const char *begin = strstr (text, "BEGIN:VTIMEZONE\r\n");
  const char *end = strstr (text, "END:VTIMEZONE\r\n");
  guint lines = 1;

  assert_non_null (begin);
  assert_non_null (end);
  for (const char *p = begin; p < end; p++)
    lines += *p == '\n';
  return lines;
}

/* ------------------------------------------------- python3-icalendar */

static char *
checker_path (void)
{
  g_autofree char *directory = g_path_get_dirname (__FILE__);

  return g_build_filename (directory, "ics-check.py", NULL);
}

static void
add_instant (JsonBuilder *builder, const char *member, GTimeZone *tz, const GDate *date, guint minute)
{
  g_autoptr (GDateTime) instant = pd_workcal_local_instant (tz, date, minute);
  g_autoptr (GDateTime) utc = g_date_time_to_utc (instant);
  g_autofree char *text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, text);
}

/* Writes the feed and what python should find in it, runs ics-check.py and
 * returns its exit status; the instants expected are GLib's. */
static int
run_checker (const Fixture *fixture, guint rep, const char *text,
             const PdBlock *tamper, char **ret_stderr)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("test-ics-XXXXXX", &error);
  g_autofree char *feed_path = NULL;
  g_autofree char *expected_path = NULL;
  g_autofree char *checker = checker_path ();
  g_autofree char *json = NULL;
  g_autofree char *calname = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  const PdRep *rep_config = g_ptr_array_index (fixture->campaign->reps, rep);
  const char *argv[] = { PYTHON, NULL, NULL, NULL, NULL };
  int status = -1;

  assert_non_null (directory);
  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    fail_msg ("%s is missing: run 'make deps' (python3-icalendar)", PYTHON);
  if (!g_file_test (checker, G_FILE_TEST_EXISTS))
    fail_msg ("%s not found: run the tests from the top directory", checker);

  feed_path = g_build_filename (directory, "feed.ics", NULL);
  expected_path = g_build_filename (directory, "expected.json", NULL);
  if (!g_file_set_contents (feed_path, text, -1, &error))
    fail_msg ("%s", error->message);

  calname = g_strdup_printf ("%s — %s", fixture->campaign->name, rep_config->name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tzid");
  json_builder_add_string_value (builder, fixture->campaign->timezone);
  json_builder_set_member_name (builder, "calname");
  json_builder_add_string_value (builder, calname);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, rep_block_count (fixture, rep));
  json_builder_set_member_name (builder, "alarm_minutes");
  json_builder_add_int_value (builder, fixture->campaign->reminder_minutes);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < fixture->schedule->blocks->len; i++)
    {
      PdBlock block = g_array_index (fixture->schedule->blocks, PdBlock, i);
      g_autofree char *uid = NULL;
      g_autofree char *start = NULL;
      g_autofree char *end = NULL;

      if (block.rep_index != rep)
        continue;
      if (tamper != NULL && tamper->index == block.index && g_date_compare (&tamper->date, &block.date) == 0)
        block = *tamper; /* what the test pretends to expect */
      uid = pd_ics_block_uid (fixture->campaign, &block);
      start = wall_text (&block.date, block.start_minute);
      end = wall_text (&block.date, block.end_minute);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "uid");
      json_builder_add_string_value (builder, uid);
      json_builder_set_member_name (builder, "start");
      json_builder_add_string_value (builder, start);
      json_builder_set_member_name (builder, "end");
      json_builder_add_string_value (builder, end);
      add_instant (builder, "start_utc", fixture->campaign->tz, &block.date, block.start_minute);
      add_instant (builder, "end_utc", fixture->campaign->tz, &block.date, block.end_minute);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  if (!g_file_set_contents (expected_path, json, -1, &error))
    fail_msg ("%s", error->message);

  argv[1] = checker;
  argv[2] = feed_path;
  argv[3] = expected_path;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     NULL, ret_stderr, &status, &error))
    fail_msg ("cannot run %s: %s", checker, error->message);

  g_unlink (feed_path);
  g_unlink (expected_path);
  g_rmdir (directory);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
assert_python_reads (const Fixture *fixture, guint rep, const char *text)
{
  g_autofree char *messages = NULL;
  int status = run_checker (fixture, rep, text, NULL, &messages);

  if (status != 0)
    fail_msg ("ics-check.py exited %d:\n%s", status, messages != NULL ? messages : "");
}

/* ------------------------------------------------------------- tests */

static void
test_example_feed (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *text = render (&fixture, 0, NULL, T0);
  g_autoptr (GArray) events = NULL;
  const PdBlock *first = find_block (&fixture, 0, 2027, 1, 4, 1);

  (void) state;
  assert_non_null (first);
  assert_int_equal (first->start_minute, 9 * 60);

  /* The calendar's own properties. */
  assert_true (g_str_has_prefix (text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//prospectd//prospectd "));
  assert_non_null (strstr (text, "\r\nCALSCALE:GREGORIAN\r\n"));
  assert_non_null (strstr (text, "\r\nX-WR-CALNAME:New customers Q1 2027 — alice\r\n"));
  assert_non_null (strstr (text, "\r\nX-WR-TIMEZONE:Europe/Paris\r\n"));
  assert_non_null (strstr (text, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
  assert_non_null (strstr (text, "\r\nX-PUBLISHED-TTL:PT1H\r\n"));

  /* PITFALLS 1: the plain IANA name, a small VTIMEZONE. */
  assert_non_null (strstr (text, "\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"));
  assert_int_equal (count_occurrences (text, "BEGIN:VTIMEZONE"), 1);
  assert_in_range (vtimezone_lines (text), 10, 40);
  assert_non_null (strstr (text, "\r\nDTSTART;TZID=Europe/Paris:20270104T090000\r\n"));
  assert_non_null (strstr (text, "\r\nUID:20270104-1-alice@example.prospectd\r\n"));
  assert_non_null (strstr (text, "\r\nCATEGORIES:Prospecting\r\n"));
  assert_non_null (strstr (text, "\r\nTRANSP:OPAQUE\r\n"));
  assert_non_null (strstr (text, "\r\nSEQUENCE:0\r\n"));
  assert_non_null (strstr (text, "\r\nDTSTAMP:20270101T000000Z\r\n"));
  assert_non_null (strstr (text, "\r\nACTION:DISPLAY\r\n"));
  assert_non_null (strstr (text, "\r\nTRIGGER:-PT10M\r\n"));
  assert_clean_text (text);

  events = assert_round_trip (&fixture, 0, text);
  {
    const PdIcsEvent *event = &g_array_index (events, PdIcsEvent, 0);
    g_autofree char *summary = g_strdup_printf ("Call block — %" G_GINT64_FORMAT " contacts", first->contacts);
    g_autofree char *block_line = g_strdup_printf ("This block: %" G_GINT64_FORMAT " contacts\n", first->contacts);
    g_autofree char *checkpoint = g_strdup_printf ("Next checkpoint: 2027-01-29, %" G_GINT64_FORMAT " contacts cumulative",
                                                   pd_schedule_checkpoint_target (fixture.campaign, 0,
                                                                                  g_array_index (fixture.schedule->rep_contacts, gint64, 0)));

    assert_string_equal (event->summary, summary);
    assert_true (g_str_has_prefix (event->description, block_line));
    assert_non_null (strstr (event->description, "Today: "));
    assert_non_null (strstr (event->description, "Cumulative target by the end of the day: "));
    assert_non_null (strstr (event->description, checkpoint));
    assert_int_equal (event->sequence, 0);
    assert_int_equal (event->dtstamp, T0);
  }
  assert_libical_reads (text, "Europe/Paris", rep_block_count (&fixture, 0));
  assert_python_reads (&fixture, 0, text);

  /* The second rep has a feed of their own. */
  {
    g_autofree char *bob = render (&fixture, 1, NULL, T0);

    assert_non_null (strstr (bob, "X-WR-CALNAME:New customers Q1 2027 — bob\r\n"));
    assert_null (strstr (bob, "-alice@"));
    g_array_unref (assert_round_trip (&fixture, 1, bob));
    assert_python_reads (&fixture, 1, bob);
  }
  fixture_clear (&fixture);
}

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
  /* Both observances, their rules in force open-ended (PITFALLS 25:
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

/* Several blocks a day: the block index keeps UIDs unique. */
static void
test_many_blocks_a_day (void **state)
{
  Fixture fixture = fixture_make ("Short blocks", "2027-01-04", "2027-01-29", "Europe/Paris", "40000", "20m");
  g_autofree char *text = render (&fixture, 0, NULL, T0);

  (void) state;
  assert_non_null (find_block (&fixture, 0, 2027, 1, 4, 3));
  assert_non_null (strstr (text, "\r\nUID:20270104-3-alice@example.prospectd\r\n"));
  g_array_unref (assert_round_trip (&fixture, 0, text));
  assert_libical_reads (text, "Europe/Paris", rep_block_count (&fixture, 0));
  assert_python_reads (&fixture, 0, text);
  fixture_clear (&fixture);
}

/* PITFALLS 6: commas and semicolons of the campaign's name are escaped in
 * X-WR-CALNAME (libical 3.0.16 leaves them raw in X- properties), and
 * the name reads back exactly. */
static void
test_calname_escaping (void **state)
{
  Fixture fixture = fixture_make ("North, East; and \\ more", "2027-01-04", "2027-01-29",
                                  "Europe/Paris", "40000", "90m");
  g_autofree char *text = render (&fixture, 0, NULL, T0);

  (void) state;
  assert_non_null (strstr (text, "\r\nX-WR-CALNAME:North\\, East\\; and \\\\ more — alice\r\n"));
  assert_python_reads (&fixture, 0, text);
  fixture_clear (&fixture);
}

static void
test_uid_format (void **state)
{
  Fixture fixture = fixture_example ();
  const PdBlock *block = find_block (&fixture, 1, 2027, 1, 4, 1);
  PdRep *bob = g_ptr_array_index (fixture.campaign->reps, 1);
  g_autofree char *uid = NULL;

  (void) state;
  assert_non_null (block);
  uid = pd_ics_block_uid (fixture.campaign, block);
  assert_string_equal (uid, "20270104-1-bob@example.prospectd");

  g_free (bob->name);
  bob->name = g_strdup ("Bob Müller/2@x");
  g_clear_pointer (&uid, g_free);
  uid = pd_ics_block_uid (fixture.campaign, block);
  assert_string_equal (uid, "20270104-1-Bob%20M%C3%BCller%2F2%40x@example.prospectd");
  fixture_clear (&fixture);
}

/* Same input, same bytes; the previous feed keeps SEQUENCE and DTSTAMP. */
static void
test_regeneration_is_stable (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *first = render (&fixture, 0, NULL, T0);
  g_autofree char *again = render (&fixture, 0, NULL, T0);
  g_autofree char *later = render (&fixture, 0, first, T0 + 86400);
  g_autofree char *later_still = render (&fixture, 0, later, T0 + 2 * 86400);

  (void) state;
  assert_string_equal (first, again);
  assert_string_equal (first, later);
  assert_string_equal (first, later_still);
  fixture_clear (&fixture);
}

/* The previous feed is compared event by event as text, and read with
 * libical only where the text differs: a previous feed written otherwise
 * (LF line ends, SEQUENCE with a leading zero, an event twice, folded
 * differently) must give what a full parse gives — here, nothing changed. */
static char *
replace_all (const char *text, const char *from, const char *to)
{
  g_auto (GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

static void
test_regeneration_reads_other_writers (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *first = render (&fixture, 0, NULL, T0);
  g_autofree char *lf_only = replace_all (first, "\r\n", "\n");
  g_autofree char *zero_padded = replace_all (first, "SEQUENCE:0\r\n", "SEQUENCE:00\r\n");
  g_autofree char *unfolded_description = replace_all (first, "\r\n ", "");
  g_autofree char *from_lf = render (&fixture, 0, lf_only, T0 + 86400);
  g_autofree char *from_padded = render (&fixture, 0, zero_padded, T0 + 86400);
  g_autofree char *from_unfolded = render (&fixture, 0, unfolded_description, T0 + 86400);
  g_autofree char *doubled = NULL;
  g_autofree char *from_doubled = NULL;
  const char *event = strstr (first, "BEGIN:VEVENT");
  const char *event_end = event != NULL ? strstr (event, "END:VEVENT\r\n") : NULL;

  (void) state;
  assert_non_null (event_end);
  doubled = g_strdup_printf ("%.*s%s", (int) (event_end + 12 - first), first, event);
  from_doubled = render (&fixture, 0, doubled, T0 + 86400);
  assert_string_equal (first, from_lf);
  assert_string_equal (first, from_padded);
  assert_string_equal (first, from_unfolded);
  assert_string_equal (first, from_doubled);
  fixture_clear (&fixture);
}

/* One block moves: only its event changes SEQUENCE (+1) and DTSTAMP. */
static void
test_changed_block_bumps_sequence (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *before = render (&fixture, 0, NULL, T0);
  g_autofree char *after = NULL;
  g_autofree char *after_again = NULL;
  g_autofree char *third = NULL;
  g_autofree char *changed_uid = NULL;
  g_autoptr (GArray) old_events = NULL;
  g_autoptr (GArray) new_events = NULL;
  g_autoptr (GArray) third_events = NULL;
  PdBlock *block = (PdBlock *) find_block (&fixture, 0, 2027, 2, 10, 1);
  gint64 revision = T0 + 3600;
  guint bumped = 0;

  (void) state;
  assert_non_null (block);
  changed_uid = pd_ics_block_uid (fixture.campaign, block);
  block->start_minute += 30;
  block->end_minute += 30;
  after = render (&fixture, 0, before, revision);
  assert_string_not_equal (before, after);

  old_events = pd_ics_parse_events (before, NULL);
  new_events = pd_ics_parse_events (after, NULL);
  assert_non_null (old_events);
  assert_non_null (new_events);
  assert_int_equal (old_events->len, new_events->len);
  for (guint i = 0; i < new_events->len; i++)
    {
      const PdIcsEvent *old_event = &g_array_index (old_events, PdIcsEvent, i);
      const PdIcsEvent *new_event = &g_array_index (new_events, PdIcsEvent, i);

      assert_string_equal (old_event->uid, new_event->uid);
      if (strcmp (new_event->uid, changed_uid) == 0)
        {
          bumped++;
          assert_int_equal (new_event->sequence, old_event->sequence + 1);
          assert_int_equal (new_event->dtstamp, revision);
          assert_int_equal (new_event->start_minute, 9 * 60 + 30);
        }
      else
        {
          assert_int_equal (new_event->sequence, old_event->sequence);
          assert_int_equal (new_event->dtstamp, old_event->dtstamp);
        }
    }
  assert_int_equal (bumped, 1);

  /* Stable again from there; a second change bumps once more. */
  after_again = render (&fixture, 0, after, revision + 3600);
  assert_string_equal (after, after_again);
  block->contacts += 1;
  third = render (&fixture, 0, after, revision + 7200);
  third_events = pd_ics_parse_events (third, NULL);
  assert_non_null (third_events);
  for (guint i = 0; i < third_events->len; i++)
    {
      const PdIcsEvent *event = &g_array_index (third_events, PdIcsEvent, i);

      if (strcmp (event->uid, changed_uid) == 0)
        {
          assert_int_equal (event->sequence, 2);
          assert_int_equal (event->dtstamp, revision + 7200);
        }
      else
        {
          assert_int_equal (event->sequence, 0);
          assert_int_equal (event->dtstamp, T0);
        }
    }

  /* A previous feed that is not a feed: everything counts as new. */
  {
    g_autofree char *fresh = render (&fixture, 0, "garbage\r\n", T0);
    g_autofree char *from_scratch = render (&fixture, 0, NULL, T0);

    assert_string_equal (fresh, from_scratch);
  }
  fixture_clear (&fixture);
}

/* ics-check.py must fail on a feed that does not match. */
static void
test_checker_detects_mismatch (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *text = render (&fixture, 0, NULL, T0);
  g_autofree char *messages = NULL;
  PdBlock moved = *find_block (&fixture, 0, 2027, 3, 30, 1);
  int status;

  (void) state;
  moved.start_minute += 60;
  status = run_checker (&fixture, 0, text, &moved, &messages);
  assert_int_equal (status, 1);
  assert_non_null (messages);
  assert_non_null (strstr (messages, "20270330-1-alice@example.prospectd: DTSTART local"));
  g_clear_pointer (&messages, g_free);

  /* A VTIMEZONE whose summer time starts a month late: the zone built
   * from it disagrees with the zone database on 2027-03-30. */
  g_autoptr (GString) late = g_string_new (text);
  assert_int_equal (g_string_replace (late, "BYDAY=-1SU;BYMONTH=3", "BYDAY=-1SU;BYMONTH=4", 0), 1);
  status = run_checker (&fixture, 0, late->str, NULL, &messages);
  assert_int_equal (status, 1);
  assert_non_null (strstr (messages, "20270330-1-alice@example.prospectd: DTSTART instant by the feed's "
                                     "VTIMEZONE 2027-03-30T08:00:00Z, expected 2027-03-30T07:00:00Z"));
  g_clear_pointer (&messages, g_free);

  /* A rule in force ended with UNTIL, as libical's truncation writes it:
   * python3-icalendar 4.0.3 cannot build the zone. */
  g_autoptr (GString) until = g_string_new (text);
  assert_int_equal (g_string_replace (until, "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
                                      "RRULE:FREQ=YEARLY;UNTIL=20270328T010000Z;BYDAY=-1SU;BYMONTH=3", 0), 1);
  status = run_checker (&fixture, 0, until->str, NULL, &messages);
  assert_int_equal (status, 1);
  assert_non_null (strstr (messages, "VTIMEZONE Europe/Paris: to_tz() fails: RRULE UNTIL values must be "
                                     "specified in UTC when DTSTART is timezone-aware"));
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

static void
test_errors (void **state)
{
  Fixture fixture = fixture_example ();
  g_autoptr (GError) error = NULL;
  char *text;

  (void) state;
  text = pd_ics_render (fixture.campaign, fixture.schedule, 2, NULL, T0, &error);
  assert_null (text);
  assert_true (g_error_matches (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID));
  g_clear_error (&error);

  g_free (fixture.campaign->timezone);
  fixture.campaign->timezone = g_strdup ("Mars/Olympus_Mons");
  text = pd_ics_render (fixture.campaign, fixture.schedule, 0, NULL, T0, &error);
  assert_null (text);
  assert_true (g_error_matches (error, PD_ICS_ERROR, PD_ICS_ERROR_ZONE));
  assert_non_null (strstr (error->message, "'Mars/Olympus_Mons'"));
  fixture_clear (&fixture);
}

/* ------------------------------------------------------------ renderer */

static gboolean
append_text (const char *data, gsize length, gpointer user_data, GError **error)
{
  (void) error;
  g_string_append_len (user_data, data, (gssize) length);
  return TRUE;
}

static char *
render_with (PdIcsRenderer *renderer, guint rep, const char *previous, gint64 revision)
{
  g_autoptr (GError) error = NULL;
  GString *text = g_string_new (NULL);

  if (!pd_ics_renderer_render_to (renderer, rep, previous, revision, append_text, text, &error))
    fail_msg ("renderer: %s", error->message);
  return g_string_free (text, FALSE);
}

/* One renderer for every feed of a campaign, again and again, gives what a
 * fresh render of each gives: the lines it keeps from feed to feed are
 * those of the feed at hand, and the events it re-reads from a previous
 * feed (here written with LF line ends) compare as they should. */
static void
test_renderer_reused (void **state)
{
  Fixture fixture = fixture_example ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PdIcsRenderer) renderer = pd_ics_renderer_new (fixture.campaign, fixture.schedule, NULL, &error);
  g_autofree char *alice = NULL;
  g_autofree char *bob = NULL;
  g_autofree char *alice_again = NULL;
  g_autofree char *lf_only = NULL;
  g_autofree char *from_lf = NULL;
  g_autofree char *expected_from_lf = NULL;
  g_autofree char *bob_next_day = NULL;
  g_autofree char *expected_bob_next_day = NULL;

  (void) state;
  assert_non_null (renderer);
  alice = render_with (renderer, 0, NULL, T0);
  bob = render_with (renderer, 1, NULL, T0);
  alice_again = render_with (renderer, 0, NULL, T0);
  {
    g_autofree char *fresh_alice = render (&fixture, 0, NULL, T0);
    g_autofree char *fresh_bob = render (&fixture, 1, NULL, T0);

    assert_string_equal (alice, fresh_alice);
    assert_string_equal (bob, fresh_bob);
    assert_string_equal (alice_again, fresh_alice);
  }

  /* Every event re-read with libical: the fingerprints see this event's
   * times, not the lines kept for others. Nothing changed. */
  lf_only = replace_all (alice, "\r\n", "\n");
  from_lf = render_with (renderer, 0, lf_only, T0 + 86400);
  expected_from_lf = render (&fixture, 0, lf_only, T0 + 86400);
  assert_string_equal (from_lf, alice);
  assert_string_equal (from_lf, expected_from_lf);

  /* Changed events: DTSTAMP and SEQUENCE lines of a new value. */
  {
    const PdBlock *block = find_block (&fixture, 1, 2027, 1, 4, 1);
    PdBlock *moved = (PdBlock *) block;

    assert_non_null (block);
    moved->start_minute += 15;
    moved->end_minute += 15;
  }
  bob_next_day = render_with (renderer, 1, bob, T0 + 86400);
  expected_bob_next_day = render (&fixture, 1, bob, T0 + 86400);
  assert_string_equal (bob_next_day, expected_bob_next_day);
  assert_string_not_equal (bob_next_day, bob);
  assert_int_equal (count_occurrences (bob_next_day, "\r\nSEQUENCE:1\r\n"), 1);
  assert_int_equal (count_occurrences (bob_next_day, "\r\nDTSTAMP:20270102T000000Z\r\n"), 1);
  assert_non_null (strstr (bob_next_day, "\r\nDTSTART;TZID=Europe/Paris:20270104T091500\r\n"));

  /* Its errors are those of pd_ics_render(). */
  {
    g_autoptr (GString) text = g_string_new (NULL);

    assert_false (pd_ics_renderer_render_to (renderer, 2, NULL, T0, append_text, text, &error));
    assert_true (g_error_matches (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID));
    assert_string_equal (error->message, "No rep number 2 in campaign 'example'");
    assert_int_equal (text->len, 0);
    g_clear_error (&error);
  }
  g_clear_pointer (&renderer, pd_ics_renderer_free);
  g_free (fixture.campaign->timezone);
  fixture.campaign->timezone = g_strdup ("Mars/Olympus_Mons");
  assert_null (pd_ics_renderer_new (fixture.campaign, fixture.schedule, NULL, &error));
  assert_true (g_error_matches (error, PD_ICS_ERROR, PD_ICS_ERROR_ZONE));
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

/* More distinct DTSTART values than a renderer keeps (16 384 lines): one
 * renderer for every rep starts its caches over on the way, and still
 * writes each feed as a renderer of its own, which never fills up. */
static void
test_renderer_cache_overflow (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (PdIcsRenderer) renderer = NULL;
  g_autoptr (GHashTable) starts = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *keys = NULL;
  Fixture fixture = { 0 };
  guint reps = 10;

  (void) state;
  g_string_printf (text, campaign_template, "Two years", "2027-01-04", "2028-12-29", "Europe/Paris",
                   "4000000", "20m");
  g_string_truncate (text, strlen (text->str) - strlen ("alice = 1\nbob = 0.5\n"));
  for (guint i = 0; i < reps; i++)
    g_string_append_printf (text, "rep%u = 0.%u\n", i, 99 - 3 * i);
  /* Windows a minute apart from rep to rep: every rep's blocks start at
   * times of its own. */
  for (guint i = 0; i < reps; i++)
    g_string_append_printf (text, "[rep rep%u]\ncall_windows = 09:%02u-12:00, 14:%02u-17:00\n", i, i, i);
  fixture.campaign = pd_config_parse_campaign ("/virtual/two-years.conf", text->str, text->len, &error);
  if (fixture.campaign == NULL)
    fail_msg ("campaign: %s", error->message);
  fixture_schedule (&fixture);

  keys = g_new (gint64, fixture.schedule->blocks->len);
  for (guint i = 0; i < fixture.schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (fixture.schedule->blocks, PdBlock, i);
      GDate date = block->date;

      keys[i] = (gint64) g_date_get_julian (&date) * 4096 + block->start_minute;
      g_hash_table_add (starts, &keys[i]);
    }
  assert_true (g_hash_table_size (starts) > 16384);

  renderer = pd_ics_renderer_new (fixture.campaign, fixture.schedule, NULL, &error);
  assert_non_null (renderer);
  for (guint rep = 0; rep < reps; rep++)
    {
      g_autofree char *shared = render_with (renderer, rep, NULL, T0);
      g_autofree char *own = render (&fixture, rep, NULL, T0);

      assert_string_equal (shared, own);
      if (rep == reps - 1)
        g_array_unref (assert_round_trip (&fixture, rep, shared));
    }
  fixture_clear (&fixture);
}

static void
assert_parse_fails (const char *text, const char *message)
{
  g_autoptr (GError) error = NULL;
  GArray *events = pd_ics_parse_events (text, &error);

  assert_null (events);
  assert_true (g_error_matches (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE));
  if (strstr (error->message, message) == NULL)
    fail_msg ("'%s' does not say '%s'", error->message, message);
}

static void
test_parse_errors (void **state)
{
  g_autoptr (GArray) empty = NULL;

  (void) state;
  assert_parse_fails ("", "BEGIN:VCALENDAR");
  assert_parse_fails ("hello\r\n", "BEGIN:VCALENDAR");
  assert_parse_fails ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "Unterminated event at line 2");
  assert_parse_fails ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20270101T090000Z\r\nEND:VEVENT\r\n"
                      "END:VCALENDAR\r\n", "no UID");
  assert_parse_fails ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                      "DTSTART");
  assert_parse_fails ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2027-13-45\r\nEND:VEVENT\r\n"
                      "END:VCALENDAR\r\n", "line 2");

  empty = pd_ics_parse_events ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", NULL);
  assert_non_null (empty);
  assert_int_equal (empty->len, 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_example_feed),
    cmocka_unit_test (test_regeneration_reads_other_writers),
    cmocka_unit_test (test_dst_paris),
    cmocka_unit_test (test_dst_new_york),
    cmocka_unit_test (test_vtimezone_ended_rule),
    cmocka_unit_test (test_vtimezone_source),
    cmocka_unit_test (test_many_blocks_a_day),
    cmocka_unit_test (test_calname_escaping),
    cmocka_unit_test (test_uid_format),
    cmocka_unit_test (test_regeneration_is_stable),
    cmocka_unit_test (test_changed_block_bumps_sequence),
    cmocka_unit_test (test_checker_detects_mismatch),
    cmocka_unit_test (test_utc_zone),
    cmocka_unit_test (test_renderer_reused),
    cmocka_unit_test (test_renderer_cache_overflow),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_parse_errors),
  };
  int failed;

  failed = cmocka_run_group_tests_name ("ics", tests, NULL, NULL);
  pd_ics_shutdown ();
  return failed;
}
