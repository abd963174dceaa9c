/* SPDX-License-Identifier: MIT
 *
 * test-publish: a campaign's feeds on disk. The feeds of many reps written
 * by worker threads must be those written one by one, byte for byte, and
 * a failure must stop at the same feed, with the same error, the same
 * files on disk and no temporary file.
 */
#define G_LOG_DOMAIN "prospectd-test"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "prospectd/config.h"
#include "prospectd/feed.h"

#include "dir-fixture.h"
#include "prospectd/ics.h"
#include "prospectd/ics-zone.h"
#include "prospectd/plan.h"
#include "prospectd/publish.h"
#include "prospectd/schedule.h"

#define N_REPS 40 /* above the number of feeds at which workers are used */
#define T0 G_GINT64_CONSTANT (1798761600) /* 2027-01-01T00:00:00Z */

typedef struct {
  PdCampaign *campaign;
  PdSchedule *schedule;
} Team;

/* 40 reps of weights 0.80 to 1.19 over three weeks of January 2027. */
static Team
team_new (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  Team team = { 0 };
  PdPlan plan;

  g_string_append_printf (text,
                          "[campaign]\nname = Team\nstart = 2027-01-04\nend = 2027-01-22\n"
                          "timezone = Europe/Paris\ncurrency = EUR\n"
                          "[plan]\nobjective = %u\naverage_deal = 20000\nproposals_per_deal = 3\n"
                          "compensation_factor = 4\nspontaneous_prospects = 8\naccessibility_rate = 6%%\n"
                          "contacts_per_prospect = 4\nminutes_per_contact = 2\n"
                          "[calendar]\nworkdays = mon-fri\ncall_windows = 09:00-12:00, 14:00-17:00\n"
                          "max_daily_calls = 3h\nmax_block = 45m\nreminder = 10m\n[reps]\n",
                          N_REPS * 15000);
  for (guint i = 0; i < N_REPS; i++)
    g_string_append_printf (text, "rep%02u = 0.%02u\n", i, 80 + i);
  team.campaign = pd_config_parse_campaign ("/virtual/team.conf", text->str, text->len, &error);
  if (team.campaign == NULL)
    fail_msg ("campaign: %s", error->message);
  if (!pd_plan_compute (&team.campaign->plan, &plan, &error))
    fail_msg ("plan: %s", error->message);
  team.schedule = pd_schedule_build (team.campaign, &plan, &error);
  if (team.schedule == NULL)
    fail_msg ("schedule: %s", error->message);
  return team;
}

static void
team_clear (Team *team)
{
  g_clear_pointer (&team->schedule, pd_schedule_free);
  g_clear_pointer (&team->campaign, pd_campaign_free);
}

/* The first block of rep `rep`. */
static PdBlock *
first_block (Team *team, guint rep)
{
  for (guint i = 0; i < team->schedule->blocks->len; i++)
    if (g_array_index (team->schedule->blocks, PdBlock, i).rep_index == rep)
      return &g_array_index (team->schedule->blocks, PdBlock, i);
  fail_msg ("rep %u has no block", rep);
  return NULL;
}

static guint
thread_count (void)
{
  g_autofree char *listing = list_directory ("/proc/self/task");
  g_auto (GStrv) tasks = g_strsplit (listing, " ", -1);

  return g_strv_length (tasks);
}

/* Publishes with `threads` (as pd_publish_feeds_threaded()) and checks
 * what it says it did: every rep, in order, at its path, changed as
 * `expect_changed` says (a rep whose bit is set changed). */
static void
publish_ok (Team *team, const char *feeds, guint threads, gint64 revision, guint64 expect_changed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) published = NULL;
  guint threads_before = thread_count ();

  published = pd_publish_feeds_threaded (team->campaign, team->schedule, feeds, NULL, revision, NULL, threads, &error);
  if (published == NULL)
    fail_msg ("publish with %u threads: %s", threads, error->message);
  assert_int_equal (thread_count (), threads_before); /* workers joined */
  assert_int_equal (published->len, N_REPS);
  for (guint i = 0; i < N_REPS; i++)
    {
      const PdPublished *entry = &g_array_index (published, PdPublished, i);
      g_autofree char *rep = g_strdup_printf ("rep%02u", i);
      g_autofree char *path = g_strdup_printf ("%s/team/rep%02u.ics", feeds, i);

      assert_string_equal (entry->rep, rep);
      assert_string_equal (entry->path, path);
      assert_int_equal (entry->changed, (expect_changed >> i) & 1);
    }
}

/* The listing of a campaign directory holding the feeds of reps [0, n). */
static char *
feeds_listing (guint n)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (names, g_strdup_printf ("rep%02u.ics", i));
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* Each feed of `feeds` and `other`, byte for byte, and nothing else. */
static void
assert_same_feeds (const char *feeds, const char *other)
{
  g_autofree char *directory = g_build_filename (feeds, "team", NULL);
  g_autofree char *other_directory = g_build_filename (other, "team", NULL);
  g_autofree char *listing = list_directory (directory);
  g_autofree char *other_listing = list_directory (other_directory);
  g_autofree char *expected = feeds_listing (N_REPS);

  assert_string_equal (listing, expected); /* no temporary file */
  assert_string_equal (other_listing, expected);
  for (guint i = 0; i < N_REPS; i++)
    {
      g_autofree char *name = g_strdup_printf ("rep%02u.ics", i);
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autofree char *other_path = g_build_filename (other_directory, name, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *other_contents = NULL;
      gsize length = 0, other_length = 0;

      assert_true (g_file_get_contents (path, &contents, &length, NULL));
      assert_true (g_file_get_contents (other_path, &other_contents, &other_length, NULL));
      assert_int_equal (length, other_length);
      assert_memory_equal (contents, other_contents, length);
      assert_true (g_str_has_prefix (contents, "BEGIN:VCALENDAR\r\n"));
    }
}

/* Worker threads write what one thread writes, new, unchanged and changed. */
static void
test_publish_parallel_is_serial (void **state)
{
  const char *top = *state;
  static const guint threads[] = { 1, 2, 4, 0 };
  const guint64 all = (G_GUINT64_CONSTANT (1) << N_REPS) - 1;
  Team team = team_new ();
  g_autofree char *serial = g_build_filename (top, "t1", NULL);
  g_autofree char *watched = g_build_filename (serial, "team", "rep07.ics", NULL);
  struct timeval old_times[2] = { { 946684800, 0 }, { 946684800, 0 } }; /* 2000-01-01 */
  struct stat before, after;
  PdBlock *moved;

  (void) state;
  for (gsize t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", threads[t]);
      g_autofree char *feeds = g_build_filename (top, name, NULL);

      publish_ok (&team, feeds, threads[t], T0, all);
      assert_same_feeds (feeds, serial);
    }

  /* The next day, nothing changed: no file touched. */
  assert_int_equal (utimes (watched, old_times), 0);
  assert_int_equal (g_stat (watched, &before), 0);
  for (gsize t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", threads[t]);
      g_autofree char *feeds = g_build_filename (top, name, NULL);

      publish_ok (&team, feeds, threads[t], T0 + 86400, 0);
      assert_same_feeds (feeds, serial);
    }
  assert_int_equal (g_stat (watched, &after), 0);
  assert_int_equal (after.st_ino, before.st_ino);
  assert_int_equal (after.st_mtim.tv_sec, 946684800);

  /* Two reps' first blocks move: only their feeds are rewritten. */
  moved = first_block (&team, 5);
  moved->start_minute += 15;
  moved->end_minute += 15;
  first_block (&team, 33)->contacts += 1;
  for (gsize t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", threads[t]);
      g_autofree char *feeds = g_build_filename (top, name, NULL);

      publish_ok (&team, feeds, threads[t], T0 + 2 * 86400,
                  (G_GUINT64_CONSTANT (1) << 5) | (G_GUINT64_CONSTANT (1) << 33));
      assert_same_feeds (feeds, serial);
    }
  {
    g_autofree char *path = g_build_filename (serial, "team", "rep05.ics", NULL);
    g_autofree char *contents = NULL;

    assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    assert_non_null (strstr (contents, "\r\nDTSTART;TZID=Europe/Paris:20270104T091500\r\n"));
    assert_non_null (strstr (contents, "\r\nSEQUENCE:1\r\n"));
    assert_non_null (strstr (contents, "\r\nDTSTAMP:20270103T000000Z\r\n"));
  }
  assert_int_equal (g_stat (watched, &after), 0);
  assert_int_equal (after.st_ino, before.st_ino);
  team_clear (&team);
}

/* Publishes expecting a failure at rep `failing`; returns its message.
 * The campaign directory must then list the feeds before it (and the
 * failing one when `blocker`, a directory in its place), or every feed
 * when `old` is given; no temporary file. With `old`, a directory of the
 * feeds as they were, the feeds from `failing` on must be those bytes. */
static char *
publish_fails (Team *team, const char *feeds, guint threads, gint64 revision, guint failing,
               gboolean blocker, const char *old, GQuark domain, gint code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) published = NULL;
  g_autofree char *directory = g_build_filename (feeds, "team", NULL);
  g_autofree char *listing = NULL;
  g_autofree char *expected_listing = NULL;
  guint threads_before = thread_count ();

  published = pd_publish_feeds_threaded (team->campaign, team->schedule, feeds, NULL, revision, NULL, threads, &error);
  assert_null (published);
  assert_non_null (error);
  assert_int_equal (thread_count (), threads_before); /* workers joined */
  if (!g_error_matches (error, domain, code))
    fail_msg ("unexpected error: %s", error->message);

  listing = list_directory (directory);
  expected_listing = feeds_listing (old != NULL ? N_REPS : blocker ? failing + 1 : failing);
  assert_string_equal (listing, expected_listing);

  for (guint i = failing; old != NULL && i < N_REPS; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/rep%02u.ics", directory, i);
      g_autofree char *old_path = g_strdup_printf ("%s/rep%02u.ics", old, i);
      g_autofree char *contents = NULL;
      g_autofree char *old_contents = NULL;

      assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      assert_true (g_file_get_contents (old_path, &old_contents, NULL, NULL));
      assert_string_equal (contents, old_contents);
    }
  return g_strdup (error->message);
}

/* A feed that cannot be replaced (its path is a directory) stops the
 * export there, whoever prepared the feeds: the same error, the feeds
 * before it written, it and those after it absent, no temporary file. */
static void
test_publish_stops_at_failed_feed (void **state)
{
  const char *top = *state;
  static const guint threads[] = { 1, 2, 4, 0 };
  Team team = team_new ();

  for (gsize t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", threads[t]);
      g_autofree char *feeds = g_build_filename (top, name, NULL);
      g_autofree char *blocker = g_strdup_printf ("%s/team/rep23.ics", feeds);
      g_autofree char *inside = g_build_filename (blocker, "keep", NULL);
      g_autofree char *message = NULL;
      g_autofree char *expected = g_strdup_printf ("Refusing feed '%s': not a regular file but a directory",
                                                   blocker);

      assert_int_equal (g_mkdir_with_parents (blocker, 0700), 0);
      assert_true (g_file_set_contents (inside, "kept", -1, NULL));
      message = publish_fails (&team, feeds, threads[t], T0, 23, TRUE, NULL, PD_FEED_ERROR,
                               PD_FEED_ERROR_NOT_REGULAR);
      assert_string_equal (message, expected);
      assert_file_is (inside, "kept");
      for (guint i = 0; i < 23; i++)
        {
          g_autofree char *path = g_strdup_printf ("%s/team/rep%02u.ics", feeds, i);
          g_autofree char *contents = NULL;
          g_autofree char *expected_text = pd_publish_render (team.campaign, team.schedule, NULL, i, NULL, T0, NULL, NULL);

          assert_true (g_file_get_contents (path, &contents, NULL, NULL));
          assert_string_equal (contents, expected_text);
        }
    }
  team_clear (&team);
}

/* A feed that cannot be rendered (a block ends before it starts) stops a
 * re-export there: the feeds before it replaced, it and those after it
 * untouched, byte for byte. The error comes from a worker thread when
 * there are workers, and reads the same. */
static void
test_publish_stops_at_failed_render (void **state)
{
  const char *top = *state;
  static const guint threads[] = { 1, 2, 4, 0 };
  Team team = team_new ();
  PdBlock *broken;
  guint broken_index;

  for (gsize t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", threads[t]);
      g_autofree char *feeds = g_build_filename (top, name, NULL);

      publish_ok (&team, feeds, threads[t], T0, (G_GUINT64_CONSTANT (1) << N_REPS) - 1);
    }
  {
    /* A copy of the first export, to compare the untouched feeds with. */
    g_autofree char *copy = g_build_filename (top, "old", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (GArray) published = pd_publish_feeds_threaded (team.campaign, team.schedule, copy, NULL,
                                                              T0, NULL, 1, &error);

    assert_non_null (published);
  }

  /* Every rep's first block moves, and rep 31's breaks. */
  for (guint i = 0; i < N_REPS; i++)
    {
      PdBlock *block = first_block (&team, i);

      block->start_minute += 5;
      block->end_minute += 5;
    }
  broken = first_block (&team, 31);
  broken->end_minute = broken->start_minute;
  broken_index = (guint) (broken - &g_array_index (team.schedule->blocks, PdBlock, 0));

  for (gsize t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", threads[t]);
      g_autofree char *feeds = g_build_filename (top, name, NULL);
      g_autofree char *old = g_build_filename (top, "old", "team", NULL);
      g_autofree char *message = NULL;
      g_autofree char *expected = g_strdup_printf ("Invalid call block number %u of rep 'rep31'", broken_index);

      message = publish_fails (&team, feeds, threads[t], T0 + 86400, 31, FALSE, old, PD_ICS_ERROR,
                               PD_ICS_ERROR_INVALID);
      assert_string_equal (message, expected);
      /* The feeds before it are the new ones. */
      for (guint i = 0; i < 31; i++)
        {
          g_autofree char *path = g_strdup_printf ("%s/team/rep%02u.ics", feeds, i);
          g_autofree char *old_path = g_strdup_printf ("%s/rep%02u.ics", old, i);
          g_autofree char *contents = NULL;
          g_autofree char *old_contents = NULL;
          g_autofree char *expected_text = pd_publish_render (team.campaign, team.schedule, NULL, i, old_path,
                                                               T0 + 86400, NULL, NULL);

          assert_true (g_file_get_contents (path, &contents, NULL, NULL));
          assert_string_equal (contents, expected_text);
          assert_true (g_file_get_contents (old_path, &old_contents, NULL, NULL));
          assert_string_not_equal (contents, old_contents);
        }
    }
  team_clear (&team);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_publish_parallel_is_serial, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_publish_stops_at_failed_feed, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_publish_stops_at_failed_render, setup_directory, teardown_directory),
  };
  int failed;

  g_setenv ("XDG_DATA_HOME", "/nonexistent/prospectd-test-data", TRUE);
  umask (022);
  failed = cmocka_run_group_tests_name ("publish", tests, NULL, NULL);
  pd_ics_zone_shutdown ();
  return failed;
}
