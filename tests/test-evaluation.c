/* SPDX-License-Identifier: MIT
 *
 * Tests of evaluation.c: a daemon that reacts to a log by re-spreading
 * only the reps whose activity changed (its schedule in force kept and
 * patched between wake-ups) ends every step exactly where a daemon that
 * evaluates everything from the store ends: the same feed bytes, the
 * same stored revisions, the same notifications.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "prospectd/catchup.h"
#include "prospectd/config.h"
#include "prospectd/daemon.h"
#include "prospectd/plan.h"
#include "prospectd/publish.h"
#include "prospectd/schedule.h"
#include "prospectd/store.h"
#include "dir-fixture.h"

static const char campaign_text[] =
  "[campaign]\n"
  "name = Incremental\n"
  "start = 2027-01-04\n"
  "end = 2027-03-31\n"
  "timezone = Europe/Paris\n"
  "currency = EUR\n"
  "[plan]\n"
  "objective = 60000\n"
  "average_deal = 20000\n"
  "proposals_per_deal = 3\n"
  "compensation_factor = 4\n"
  "spontaneous_prospects = 8\n"
  "accessibility_rate = 6%\n"
  "contacts_per_prospect = 4\n"
  "minutes_per_contact = 2\n"
  "rounding = up\n"
  "[calendar]\n"
  "workdays = mon-fri\n"
  "call_windows = 09:00-12:00, 14:00-17:00\n"
  "holidays = fr\n"
  "max_daily_calls = 2h\n"
  "max_block = 90m\n"
  "reminder = 10m\n"
  "[checkpoints]\n"
  "2027-01-29 = 25%\n"
  "2027-02-26 = 60%\n"
  "[reps]\n"
  "alice = 1\n"
  "bob = 0.5\n"
  "carol = 1\n"
  "[rep bob]\n"
  "call_windows = 09:00-12:00\n"
  "[alerts]\n"
  "behind_threshold = 10%\n"
  "daily_check = 17:30\n";

/* The debug lines of the daemon that say what a reaction re-spread, and
 * with feeds_logged which feeds it rendered (written, or unchanged). */
static GString *respread_log;
static gboolean feeds_logged;

static GLogWriterOutput
writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *domain = NULL, *message = NULL;

  (void) user_data;
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if (respread_log != NULL && g_strcmp0 (domain, "prospectd-daemon") == 0 && message != NULL
      && (g_str_has_prefix (message, "re-spread ")
          || (feeds_logged && (g_str_has_prefix (message, "wrote feed: ")
                               || g_str_has_prefix (message, "feed unchanged: ")))))
    {
      /* A feed by its file name alone (the directory is a temporary one). */
      const char *slash = strrchr (message, '/');

      if (g_str_has_prefix (message, "re-spread ") || slash == NULL)
        g_string_append_printf (respread_log, "%s\n", message);
      else
        g_string_append_printf (respread_log, "%.*s%s\n", (int) (strchr (message, '\'') - message + 1), message,
                                slash + 1);
    }
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_standard_streams (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static gint64
paris (int year, int month, int day, int hour, int minute)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr (GDateTime) t = g_date_time_new (tz, year, month, day, hour, minute, 0);

  return g_date_time_to_unix (t);
}

typedef struct {
  char *dir;
  char *config;
  char *db;
  char *feeds;
  PdStore *store; /* another process's connection: the logs */
} Side;

static void
side_init (Side *side, const char *root, const char *name)
{
  g_autofree char *campaigns = NULL;
  g_autofree char *campaign = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  side->dir = g_build_filename (root, name, NULL);
  campaigns = g_build_filename (side->dir, "campaigns", NULL);
  campaign = g_build_filename (campaigns, "inc.conf", NULL);
  side->config = g_build_filename (side->dir, "prospectd.conf", NULL);
  side->db = g_build_filename (side->dir, "prospectd.db", NULL);
  side->feeds = g_build_filename (side->dir, "feeds", NULL);
  assert_int_equal (g_mkdir_with_parents (campaigns, 0700), 0);
  assert_true (g_file_set_contents (campaign, campaign_text, -1, NULL));
  text = g_strdup_printf ("[daemon]\ncampaigns = %s\ndatabase = %s\nfeeds = %s\nnotify = *\n"
                          "notifications = off\n[feeds]\nlisten =\n",
                          campaigns, side->db, side->feeds);
  assert_true (g_file_set_contents (side->config, text, -1, NULL));
  side->store = pd_store_open (side->db, &error);
  assert_non_null (side->store);
  assert_true (pd_store_ensure_campaign (side->store, "inc", "Incremental", &error));
  /* The baseline recorded as the daemon's first load records it, at a
   * fixed instant: a load records it at the daemon's clock, which runs
   * on from the instant set (a load taking over a second, under valgrind,
   * gave the two sides different creation times). */
  {
    g_autoptr (PdCampaign) loaded = pd_config_load_campaign (campaign, &error);
    GDate today;

    assert_non_null (loaded);
    g_date_clear (&today, 1);
    g_date_set_dmy (&today, 8, G_DATE_JANUARY, 2027);
    assert_true (pd_catchup_rep_starts (side->store, loaded, &today, TRUE, &error));
    assert_true (pd_catchup_freeze_past (side->store, loaded, &today, paris (2027, 1, 8, 18, 0), TRUE, &error));
  }
}

static void
side_clear (Side *side)
{
  pd_store_close (side->store);
  g_free (side->dir);
  g_free (side->config);
  g_free (side->db);
  g_free (side->feeds);
}


static PdDaemon *
daemon_at (const Side *side, gint64 now)
{
  g_autoptr (GError) error = NULL;
  PdDaemon *daemon = pd_daemon_new (side->config, NULL);

  pd_daemon_set_clock (daemon, now * G_USEC_PER_SEC);
  assert_true (pd_daemon_load (daemon, &error));
  assert_null (error);
  return daemon;
}

static void
evaluate (PdDaemon *daemon, gint64 now, gboolean activity_changed)
{
  g_autoptr (GError) error = NULL;
  gint64 next = 0;

  pd_daemon_set_clock (daemon, now * G_USEC_PER_SEC);
  assert_true (pd_daemon_evaluate (daemon, now, activity_changed, &next, &error));
  assert_null (error);
}

/* Rows of a query, one line each, fields joined by '|'. */
static char *
rows (const char *db, const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *text = g_string_new (NULL);

  assert_int_equal (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        g_string_append_printf (text, "%s%s", i > 0 ? "|" : "",
                                sqlite3_column_text (stmt, i) != NULL
                                  ? (const char *) sqlite3_column_text (stmt, i) : "NULL");
      g_string_append_c (text, '\n');
    }
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return g_string_free (text, FALSE);
}

static char *
feed_bytes (const Side *side, const char *rep)
{
  g_autofree char *name = g_strconcat (rep, ".ics", NULL);
  g_autofree char *path = g_build_filename (side->feeds, "inc", name, NULL);
  char *text = NULL;

  assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* The two sides hold the same feeds, revisions and notifications. */
static void
assert_same (const Side *a, const Side *b)
{
  static const char *const queries[] = {
    "SELECT id, campaign, kind, as_of, created FROM revisions ORDER BY id",
    "SELECT revision, rep, date, contacts, base FROM revision_days ORDER BY revision, rep, date",
    "SELECT campaign, rep, date, contacts, base FROM catchup_days ORDER BY campaign, rep, date",
    "SELECT campaign, key, sent_at FROM notifications ORDER BY rowid",
  };
  static const char *const reps[] = { "alice", "bob", "carol" };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *x = rows (a->db, queries[i]);
      g_autofree char *y = rows (b->db, queries[i]);

      assert_string_equal (x, y);
    }
  for (guint i = 0; i < G_N_ELEMENTS (reps); i++)
    {
      g_autofree char *x = feed_bytes (a, reps[i]);
      g_autofree char *y = feed_bytes (b, reps[i]);

      assert_string_equal (x, y);
    }
}

/* Logs on both sides. */
static gint64
log_both (Side *a, Side *b, const char *rep, int year, int month, int day, gint64 contacts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdActivity) activity = pd_activity_new ();
  gint64 id_a = 0, id_b = 0;

  activity->campaign = g_strdup ("inc");
  activity->rep = g_strdup (rep);
  g_date_clear (&activity->date, 1);
  g_date_set_dmy (&activity->date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  activity->contacts = contacts;
  activity->created = 1800000000;
  assert_true (pd_store_add_activity (a->store, activity, &id_a, &error));
  assert_true (pd_store_add_activity (b->store, activity, &id_b, &error));
  assert_int_equal (id_a, id_b);
  return id_a;
}

static void
edit_both (Side *a, Side *b, gint64 id, const char *rep, gint64 contacts)
{
  Side *sides[] = { a, b };

  for (guint i = 0; i < G_N_ELEMENTS (sides); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PdActivity) entry = NULL;

      assert_true (pd_store_get_activity (sides[i]->store, id, &entry, &error));
      g_free (entry->rep);
      entry->rep = g_strdup (rep);
      entry->contacts = contacts;
      assert_true (pd_store_update_activity (sides[i]->store, entry, &error));
    }
}

static void
remove_both (Side *a, Side *b, gint64 id)
{
  g_autoptr (GError) error = NULL;

  assert_true (pd_store_remove_activity (a->store, id, &error));
  assert_true (pd_store_remove_activity (b->store, id, &error));
}

/* Each feed the daemon wrote is the one rendered from the whole schedule
 * in force, blocks and all, as a command reads it from the store
 * (pd_catchup_current()): the daemon keeps the days only and makes a
 * rep's blocks when its feed is written, the same blocks. Rendered
 * against the file itself, an event of the same block keeps its SEQUENCE
 * and DTSTAMP: the same blocks give the same bytes. */
static void
assert_feeds_from_whole (const Side *side, gint64 now)
{
  g_autofree char *path = g_build_filename (side->dir, "campaigns", "inc.conf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdCampaign) campaign = pd_config_load_campaign (path, &error);
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (PdSchedule) in_force = NULL;
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, tz);
  gint64 revision_time = 0;
  PdPlan plan;
  GDate today;

  assert_non_null (campaign);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, (GDateDay) g_date_time_get_day_of_month (local), (GDateMonth) g_date_time_get_month (local),
                  (GDateYear) g_date_time_get_year (local));
  assert_true (pd_catchup_rep_starts (side->store, campaign, &today, FALSE, &error));
  assert_true (pd_catchup_freeze_past (side->store, campaign, &today, now, FALSE, &error));
  assert_true (pd_plan_compute (&campaign->plan, &plan, &error));
  baseline = pd_schedule_build (campaign, &plan, &error);
  assert_non_null (baseline);
  assert_true (pd_catchup_current (side->store, campaign, baseline, 0, &in_force, &revision_time, &error));
  assert_non_null (in_force->blocks);
  assert_true (in_force->blocks->len > 100);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, r);
      g_autofree char *name = g_strconcat (rep->name, ".ics", NULL);
      g_autofree char *feed = g_build_filename (side->feeds, "inc", name, NULL);
      g_autofree char *written = feed_bytes (side, rep->name);
      g_autofree char *rendered = pd_publish_render (campaign, in_force, NULL, r, feed, revision_time, NULL, &error);

      assert_null (error);
      assert_non_null (rendered);
      assert_string_equal (rendered, written);
    }
}

/* One reaction: the running daemon re-spreads what changed; a daemon
 * started afresh on the other side evaluates everything. `expected` is
 * what the running one says it re-spread (empty: nothing incremental). */
static void
react (PdDaemon *running, Side *a, Side *b, gint64 now, gboolean activity_changed, const char *expected)
{
  g_autoptr (PdDaemon) fresh = daemon_at (b, now);

  g_string_truncate (respread_log, 0);
  evaluate (running, now, activity_changed);
  assert_string_equal (respread_log->str, expected);
  evaluate (fresh, now, activity_changed);
  assert_same (a, b);
  assert_feeds_from_whole (a, now);
}

static void
test_incremental_equals_full (void **state)
{
  const char *root = *state;
  g_autoptr (PdDaemon) running = NULL;
  Side a = { 0 }, b = { 0 };
  gint64 alice, bob;

  side_init (&a, root, "incremental");
  side_init (&b, root, "full");
  respread_log = g_string_new (NULL);

  /* Friday 2027-01-08 after the check: everyone behind, a catch-up for
   * every rep, every feed written. */
  running = daemon_at (&a, paris (2027, 1, 8, 18, 0));
  react (running, &a, &b, paris (2027, 1, 8, 18, 0), FALSE, "");
  {
    g_autofree char *kinds = rows (a.db, "SELECT kind, as_of FROM revisions ORDER BY id");
    assert_string_equal (kinds, "baseline|2027-01-04\ncatchup|2027-01-09\n");
  }

  /* Logs, an edit that moves an entry to another rep, a removal. */
  alice = log_both (&a, &b, "alice", 2027, 1, 8, 40);
  react (running, &a, &b, paris (2027, 1, 8, 18, 5), TRUE, "re-spread 1 of 3 reps of inc\n");
  bob = log_both (&a, &b, "bob", 2027, 1, 6, 25);
  log_both (&a, &b, "carol", 2027, 1, 7, 30);
  react (running, &a, &b, paris (2027, 1, 8, 18, 10), TRUE, "re-spread 2 of 3 reps of inc\n");
  edit_both (&a, &b, alice, "carol", 55);
  react (running, &a, &b, paris (2027, 1, 8, 18, 15), TRUE, "re-spread 2 of 3 reps of inc\n");
  remove_both (&a, &b, bob);
  react (running, &a, &b, paris (2027, 1, 8, 18, 20), TRUE, "re-spread 1 of 3 reps of inc\n");
  /* A log after the check day changes no catch-up figure (bob's count
   * to the 8th is the same): bob re-spread, nothing stored. */
  log_both (&a, &b, "bob", 2027, 1, 11, 12);
  react (running, &a, &b, paris (2027, 1, 8, 18, 25), TRUE, "re-spread 1 of 3 reps of inc\n");
  {
    /* Seconds after 2027-01-08T18:00+01:00 (1799427600). */
    g_autofree char *kinds = rows (a.db, "SELECT kind, as_of, created - 1799427600 FROM revisions ORDER BY id");
    g_autofree char *loads = rows (a.db, "SELECT key FROM notifications WHERE key LIKE 'load-changed:%' ORDER BY rowid");

    /* The baseline of the first load, and the latest catch-up only: the
     * removal's at 18:20 (the log of 18:25 stored none). */
    assert_string_equal (kinds, "baseline|2027-01-04|0\ncatchup|2027-01-09|1200\n");
    /* Each rep whose loads changed told once per stored catch-up (the
     * key ends with its revision id): alice's log (3), bob's and carol's
     * (4), the edit moving an entry from alice to carol (5), the removal
     * of bob's (6). */
    assert_string_equal (loads, "load-changed:alice:2027-01-08:3\n"
                                "load-changed:bob:2027-01-08:4\n"
                                "load-changed:carol:2027-01-08:4\n"
                                "load-changed:alice:2027-01-08:5\n"
                                "load-changed:carol:2027-01-08:5\n"
                                "load-changed:bob:2027-01-08:6\n");
  }

  /* Monday's check: a new day, the whole catch-up (no reaction), then a
   * log that day. */
  react (running, &a, &b, paris (2027, 1, 11, 17, 45), FALSE, "");
  log_both (&a, &b, "alice", 2027, 1, 11, 70);
  react (running, &a, &b, paris (2027, 1, 11, 18, 0), TRUE, "re-spread 1 of 3 reps of inc\n");

  /* The checkpoint of 2027-01-29 passes: its check, then logs that day. */
  react (running, &a, &b, paris (2027, 1, 29, 18, 0), FALSE, "");
  log_both (&a, &b, "carol", 2027, 1, 29, 200);
  log_both (&a, &b, "bob", 2027, 1, 28, 90);
  react (running, &a, &b, paris (2027, 1, 29, 18, 30), TRUE, "re-spread 2 of 3 reps of inc\n");
  {
    g_autofree char *checkpoints = rows (a.db, "SELECT count(*) FROM notifications WHERE key LIKE 'checkpoint:%'");
    assert_string_equal (checkpoints, "3\n");
  }

  g_string_free (respread_log, TRUE);
  respread_log = NULL;
  side_clear (&a);
  side_clear (&b);
}

/* A reload (SIGHUP, a campaign file touched) of a file byte for byte the
 * one running keeps what the running version knew: no feed is rendered
 * again, and a log right after is still re-spread alone; a file changed
 * in any byte (a comment) renders every feed again, which finds them
 * unchanged; a file changed for the feeds rewrites them. */
static void
test_reload_keeps_unchanged (void **state)
{
  const char *root = *state;
  g_autoptr (PdDaemon) daemon = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  Side a = { 0 };

  side_init (&a, root, "reload");
  path = g_build_filename (a.dir, "campaigns", "inc.conf", NULL);
  respread_log = g_string_new (NULL);
  feeds_logged = TRUE;

  daemon = daemon_at (&a, paris (2027, 1, 8, 18, 0));
  evaluate (daemon, paris (2027, 1, 8, 18, 0), FALSE);
  assert_string_equal (respread_log->str, "wrote feed: 'alice.ics'\nwrote feed: 'bob.ics'\nwrote feed: 'carol.ics'\n");
  before = feed_bytes (&a, "alice");

  /* The same file: nothing rendered; a log is re-spread alone. */
  g_string_truncate (respread_log, 0);
  assert_true (pd_daemon_load (daemon, &error));
  evaluate (daemon, paris (2027, 1, 8, 18, 5), FALSE);
  assert_string_equal (respread_log->str, "");
  {
    g_autoptr (PdActivity) activity = pd_activity_new ();
    gint64 id = 0;

    activity->campaign = g_strdup ("inc");
    activity->rep = g_strdup ("alice");
    g_date_clear (&activity->date, 1);
    g_date_set_dmy (&activity->date, 8, G_DATE_JANUARY, 2027);
    activity->contacts = 40;
    activity->created = 1800000000;
    assert_true (pd_store_add_activity (a.store, activity, &id, &error));
  }
  evaluate (daemon, paris (2027, 1, 8, 18, 10), TRUE);
  assert_string_equal (respread_log->str, "re-spread 1 of 3 reps of inc\nwrote feed: 'alice.ics'\n");
  assert_feeds_from_whole (&a, paris (2027, 1, 8, 18, 10));
  after = feed_bytes (&a, "alice");
  assert_string_not_equal (after, before);

  /* A comment added: every feed rendered, none changed. */
  g_string_truncate (respread_log, 0);
  assert_true (g_file_get_contents (path, &text, NULL, NULL));
  {
    g_autofree char *commented = g_strconcat (text, "# a comment\n", NULL);

    assert_true (g_file_set_contents (path, commented, -1, NULL));
  }
  assert_true (pd_daemon_load (daemon, &error));
  evaluate (daemon, paris (2027, 1, 8, 18, 15), FALSE);
  assert_string_equal (respread_log->str, "feed unchanged: 'alice.ics'\nfeed unchanged: 'bob.ics'\n"
                                          "feed unchanged: 'carol.ics'\n");

  /* Reminders 15 minutes ahead instead of 10: every feed rewritten. */
  g_string_truncate (respread_log, 0);
  {
    g_autofree char *longer = NULL;
    g_auto (GStrv) parts = g_strsplit (text, "reminder = 10m", 2);

    assert_non_null (parts[1]);
    longer = g_strjoinv ("reminder = 15m", parts);
    assert_true (g_file_set_contents (path, longer, -1, NULL));
  }
  assert_true (pd_daemon_load (daemon, &error));
  evaluate (daemon, paris (2027, 1, 8, 18, 20), FALSE);
  assert_string_equal (respread_log->str, "wrote feed: 'alice.ics'\nwrote feed: 'bob.ics'\nwrote feed: 'carol.ics'\n");
  assert_feeds_from_whole (&a, paris (2027, 1, 8, 18, 20));

  feeds_logged = FALSE;
  g_string_free (respread_log, TRUE);
  respread_log = NULL;
  side_clear (&a);
}

static int
setup (void **state)
{
  *state = g_dir_make_tmp ("prospectd-test-evaluation-XXXXXX", NULL);
  return *state == NULL;
}

static int
teardown (void **state)
{
  remove_tree (*state);
  g_free (*state);
  return 0;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_incremental_equals_full, setup, teardown),
    cmocka_unit_test_setup_teardown (test_reload_keeps_unchanged, setup, teardown),
  };

  g_log_set_writer_func (writer, NULL, NULL);
  return cmocka_run_group_tests (tests, NULL, NULL);
}
