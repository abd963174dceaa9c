/* SPDX-License-Identifier: MIT
 *
 * ics-fixture: what the tests of the iCalendar modules (test-ics-zone.c,
 * test-ics-read.c, test-ics-render.c) share: campaigns and schedules from
 * the real pipeline (config -> plan -> schedule), and every feed read back
 * three ways: pd_ics_parse_events(), libical's icalparser on the whole
 * text, and tests/ics-check.py (python3-icalendar, which shares no code
 * with libical). Zones and instants are named. Each test file uses some
 * of these helpers (G_GNUC_UNUSED).
 */
#pragma once

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

G_GNUC_UNUSED static void
fixture_clear (Fixture *fixture)
{
  g_clear_pointer (&fixture->schedule, pd_schedule_free);
  g_clear_pointer (&fixture->campaign, pd_campaign_free);
}

G_GNUC_UNUSED static void
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
G_GNUC_UNUSED static Fixture
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
G_GNUC_UNUSED static Fixture
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
G_GNUC_UNUSED static char *
render (const Fixture *fixture, guint rep, const char *previous, gint64 revision)
{
  g_autoptr (GError) error = NULL;
  char *text = pd_ics_render (fixture->campaign, fixture->schedule, rep, previous, revision, &error);

  if (text == NULL)
    fail_msg ("render: %s", error->message);
  return text;
}
G_GNUC_UNUSED static guint
rep_block_count (const Fixture *fixture, guint rep)
{
  guint count = 0;

  for (guint i = 0; i < fixture->schedule->blocks->len; i++)
    count += g_array_index (fixture->schedule->blocks, PdBlock, i).rep_index == rep;
  return count;
}
G_GNUC_UNUSED static const PdBlock *
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
G_GNUC_UNUSED static guint
count_occurrences (const char *haystack, const char *needle)
{
  guint count = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    count++;
  return count;
}
G_GNUC_UNUSED static char *
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
G_GNUC_UNUSED static GArray *
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
G_GNUC_UNUSED static void
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
G_GNUC_UNUSED static void
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
G_GNUC_UNUSED static guint
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

G_GNUC_UNUSED static char *
checker_path (void)
{
  g_autofree char *directory = g_path_get_dirname (__FILE__);

  return g_build_filename (directory, "ics-check.py", NULL);
}
G_GNUC_UNUSED static void
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
G_GNUC_UNUSED static int
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
G_GNUC_UNUSED static void
assert_python_reads (const Fixture *fixture, guint rep, const char *text)
{
  g_autofree char *messages = NULL;
  int status = run_checker (fixture, rep, text, NULL, &messages);

  if (status != 0)
    fail_msg ("ics-check.py exited %d:\n%s", status, messages != NULL ? messages : "");
}

/* `text` with every `from` replaced by `to`. */
G_GNUC_UNUSED static char *
replace_all (const char *text, const char *from, const char *to)
{
  g_auto (GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}
/* Renders with `renderer` into a string. */
G_GNUC_UNUSED static gboolean
append_text (const char *data, gsize length, gpointer user_data, GError **error)
{
  (void) error;
  g_string_append_len (user_data, data, (gssize) length);
  return TRUE;
}
G_GNUC_UNUSED static char *
render_with (PdIcsRenderer *renderer, guint rep, const char *previous, gint64 revision)
{
  g_autoptr (GError) error = NULL;
  GString *text = g_string_new (NULL);

  if (!pd_ics_renderer_render_to (renderer, rep, previous, revision, append_text, text, &error))
    fail_msg ("renderer: %s", error->message);
  return g_string_free (text, FALSE);
}
