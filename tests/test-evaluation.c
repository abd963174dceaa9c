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
#include <utime.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "prospectd/catchup.h"
#include "prospectd/config.h"
#include "prospectd/daemon.h"
#include "prospectd/plan.h"
#include "prospectd/publish.h"
#include "prospectd/store-prospects.h"
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
static gboolean lists_logged; /* and how many reps' call lists it made */

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
          || (lists_logged && g_str_has_prefix (message, "call lists made for "))
          || (feeds_logged && (g_str_has_prefix (message, "wrote feed: ")
                               || g_str_has_prefix (message, "feed unchanged: ")))))
    {
      /* A feed by its file name alone (the directory is a temporary one). */
      const char *slash = strrchr (message, '/');

      if (!g_str_has_prefix (message, "wrote feed: ") && !g_str_has_prefix (message, "feed unchanged: "))
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

/* ------------------------------------- the blocks near now, kept */

/* The same prospects on both sides (the same ids): for each rep, `count`
 * new prospects "<rep> 01".. (phone +3310000<rep index><n>). */
static void
import_both (Side *a, Side *b, guint count)
{
  static const char *const reps[] = { "alice", "bob", "carol" };
  Side *sides[] = { a, b };

  for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
    {
      g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
      g_autoptr (GError) error = NULL;

      for (guint r = 0; r < G_N_ELEMENTS (reps); r++)
        for (guint i = 1; i <= count; i++)
          {
            PdProspect *p = pd_prospect_new ();

            p->company = g_strdup_printf ("%s %02u", reps[r], i);
            p->rep = g_strdup (reps[r]);
            p->phone = g_strdup_printf ("+3310000%u%02u", r, i);
            p->state = PD_PROSPECT_NEW;
            pd_prospect_add_source (p, "file", (gint64) batch->len + 2);
            g_ptr_array_add (batch, p);
          }
      assert_true (pd_store_import_prospects (sides[s]->store, "inc", batch, NULL, NULL, &error));
      assert_null (error);
    }
}

/* A call to the prospect of `company` on both sides, on `date`. */
static void
call_both (Side *a, Side *b, const char *company, const char *rep, int year, int month, int day)
{
  Side *sides[] = { a, b };

  for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) all = pd_store_list_prospects (sides[s]->store, "inc", NULL, &error);
      g_autoptr (PdCall) call = pd_call_new ();

      assert_non_null (all);
      for (guint i = 0; i < all->len; i++)
        if (g_str_equal (((PdProspect *) g_ptr_array_index (all, i))->company, company))
          call->prospect = ((PdProspect *) g_ptr_array_index (all, i))->id;
      assert_true (call->prospect > 0);
      call->campaign = g_strdup ("inc");
      call->rep = g_strdup (rep);
      g_date_clear (&call->date, 1);
      g_date_set_dmy (&call->date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
      call->outcome = PD_OUTCOME_NO_ANSWER;
      g_date_clear (&call->follow_up, 1);
      assert_true (pd_store_record_call (sides[s]->store, call, NULL, NULL, &error));
      assert_null (error);
    }
}

/* How many times `text` is in a feed, its lines unfolded. */
static guint
lines_with (const char *feed, const char *text)
{
  g_auto (GStrv) folds = g_strsplit (feed, "\r\n ", -1);
  g_autofree char *unfolded = g_strjoinv ("", folds);
  guint n = 0;

  for (const char *at = strstr (unfolded, text); at != NULL; at = strstr (at + 1, text))
    n++;
  return n;
}

/* How many calls the list of a feed's event starting at `start` (local
 * time, as in DTSTART) holds: its "tel:" lines; 0 without the event. */
static guint
event_calls (const char *feed, const char *start)
{
  g_autofree char *dtstart = g_strconcat ("DTSTART;TZID=Europe/Paris:", start, NULL);
  g_auto (GStrv) events = g_strsplit (feed, "BEGIN:VEVENT", -1);

  for (guint i = 1; events[i] != NULL; i++)
    if (strstr (events[i], dtstart) != NULL)
      return lines_with (events[i], "tel:");
  return 0;
}

/* One reaction of the daemon that keeps the blocks near now between
 * wake-ups (`running`) against a daemon started afresh on the other side,
 * which makes them all: the same re-spread, the same feeds (their call
 * lists come from the blocks near now), the same notifications and the
 * same next wake-up, at `next` (the reminder of the next block). */
static void
react_near (PdDaemon *running, Side *a, Side *b, gint64 now, gboolean activity_changed, const char *expected,
            gint64 next)
{
  g_autoptr (PdDaemon) fresh = daemon_at (b, now);
  g_autoptr (GError) error = NULL;
  gint64 next_running = 0, next_fresh = 0;

  g_string_truncate (respread_log, 0);
  pd_daemon_set_clock (running, now * G_USEC_PER_SEC);
  assert_true (pd_daemon_evaluate (running, now, activity_changed, &next_running, &error));
  assert_null (error);
  assert_string_equal (respread_log->str, expected);
  pd_daemon_set_clock (fresh, now * G_USEC_PER_SEC);
  assert_true (pd_daemon_evaluate (fresh, now, activity_changed, &next_fresh, &error));
  assert_null (error);
  assert_same (a, b);
  assert_int_equal (next_running, next_fresh);
  if (next != 0)
    assert_int_equal (next_running, next);
}

/* The daemon keeps the blocks of the days near now between wake-ups and
 * makes again only those of the reps whose days changed (a log, a call),
 * all of them on a new day or after a reload: what it writes and tells is
 * what a daemon making them all writes and tells, call lists included,
 * over logs, calls, a day change, a reload and the week of the change to
 * summer time (2027-03-28). */
static void
test_near_blocks_kept (void **state)
{
  const char *root = *state;
  g_autoptr (PdDaemon) running = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *alice = NULL;
  g_autofree char *bob = NULL;
  Side a = { 0 }, b = { 0 };

  side_init (&a, root, "kept");
  side_init (&b, root, "made");
  import_both (&a, &b, 40);
  respread_log = g_string_new (NULL);

  /* Friday 2027-01-08 after the check: the next reminder is Monday's,
   * 10 minutes before 09:00. */
  running = daemon_at (&a, paris (2027, 1, 8, 18, 0));
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 0), FALSE, "", paris (2027, 1, 11, 8, 50));
  alice = feed_bytes (&a, "alice");
  /* The lists of the blocks of Monday 11 to Thursday 14 (today + 6 days,
   * workdays): alice's first prospects, by import order. */
  assert_true (strstr (alice, "alice 01") != NULL);
  /* alice 01 listed as new on the 8th, then retried on the 11th, 12th
   * and 13th (4 contacts a prospect). */
  assert_int_equal (lines_with (alice, "alice 01 "), 4);
  assert_int_equal (lines_with (alice, "alice 01 — tel:+3310000001 — new prospect"), 1);

  /* A log: alice's days change, her lists with them. */
  log_both (&a, &b, "alice", 2027, 1, 8, 40);
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 5), TRUE, "re-spread 1 of 3 reps of inc\n",
              paris (2027, 1, 11, 8, 50));
  g_free (alice);
  alice = feed_bytes (&a, "alice");

  /* A call to one of bob's prospects today: bob re-spread, his lists
   * without it today. */
  bob = feed_bytes (&a, "bob");
  call_both (&a, &b, "bob 01", "bob", 2027, 1, 8);
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 10), TRUE, "re-spread 1 of 3 reps of inc\n",
              paris (2027, 1, 11, 8, 50));
  {
    g_autofree char *bob_now = feed_bytes (&a, "bob");

    /* Listed four times (new, then retried), three once called today. */
    assert_int_equal (lines_with (bob, "bob 01 "), 4);
    assert_int_equal (lines_with (bob_now, "bob 01 "), 3);
  }
  {
    g_autofree char *alice_now = feed_bytes (&a, "alice");

    assert_string_equal (alice_now, alice);
  }

  /* Saturday: no check, but the days near now move on (Friday 15 is
   * within six days now). */
  react_near (running, &a, &b, paris (2027, 1, 9, 12, 0), FALSE, "", paris (2027, 1, 11, 8, 50));

  /* A new day: Monday's check, then a log and a call that day. */
  react_near (running, &a, &b, paris (2027, 1, 11, 17, 45), FALSE, "", paris (2027, 1, 12, 8, 50));
  log_both (&a, &b, "carol", 2027, 1, 11, 70);
  call_both (&a, &b, "alice 02", "alice", 2027, 1, 11);
  react_near (running, &a, &b, paris (2027, 1, 11, 18, 0), TRUE, "re-spread 2 of 3 reps of inc\n",
              paris (2027, 1, 12, 8, 50));

  /* A reload of the same file: the blocks are made again, the same. */
  assert_true (pd_daemon_load (running, &error));
  assert_null (error);
  react_near (running, &a, &b, paris (2027, 1, 11, 18, 5), FALSE, "", paris (2027, 1, 12, 8, 50));
  log_both (&a, &b, "bob", 2027, 1, 11, 33);
  react_near (running, &a, &b, paris (2027, 1, 11, 18, 10), TRUE, "re-spread 1 of 3 reps of inc\n",
              paris (2027, 1, 12, 8, 50));

  /* The week of the change to summer time (Sunday 28, Easter): Friday's
   * check, a log, Easter Monday (a holiday, the first day at UTC+2), then
   * Tuesday 30. */
  react_near (running, &a, &b, paris (2027, 3, 26, 17, 45), FALSE, "", paris (2027, 3, 30, 8, 50));
  log_both (&a, &b, "bob", 2027, 3, 26, 60);
  react_near (running, &a, &b, paris (2027, 3, 26, 18, 0), TRUE, "re-spread 1 of 3 reps of inc\n",
              paris (2027, 3, 30, 8, 50));
  react_near (running, &a, &b, paris (2027, 3, 29, 12, 0), FALSE, "", 0);
  log_both (&a, &b, "carol", 2027, 3, 26, 20);
  react_near (running, &a, &b, paris (2027, 3, 29, 12, 5), TRUE, "", 0);
  react_near (running, &a, &b, paris (2027, 3, 30, 8, 55), FALSE, "", 0);
  log_both (&a, &b, "alice", 2027, 3, 30, 15);
  call_both (&a, &b, "carol 03", "carol", 2027, 3, 30);
  react_near (running, &a, &b, paris (2027, 3, 30, 9, 5), TRUE, "", 0);
  react_near (running, &a, &b, paris (2027, 3, 30, 17, 45), FALSE, "", 0);
  log_both (&a, &b, "bob", 2027, 3, 30, 25);
  react_near (running, &a, &b, paris (2027, 3, 30, 18, 0), TRUE, "re-spread 1 of 3 reps of inc\n", 0);

  g_string_free (respread_log, TRUE);
  respread_log = NULL;
  side_clear (&a);
  side_clear (&b);
}

/* The days near now move on without a catch-up (everyone ahead, no
 * re-spread): from Friday evening to Tuesday noon, the blocks kept are
 * made again for the new days (Monday 18 joins the call lists). */
static void
test_near_blocks_move (void **state)
{
  const char *root = *state;
  g_autoptr (PdDaemon) running = NULL;
  Side a = { 0 }, b = { 0 };

  side_init (&a, root, "kept");
  side_init (&b, root, "made");
  import_both (&a, &b, 40);
  respread_log = g_string_new (NULL);
  /* No catch-up: the feeds' DTSTAMP is the baseline's time, the campaign
   * file's modification time, the same on both sides. */
  for (guint s = 0; s < 2; s++)
    {
      g_autofree char *path = g_build_filename (s == 0 ? a.dir : b.dir, "campaigns", "inc.conf", NULL);
      struct utimbuf times = { 1767225600, 1767225600 }; /* 2026-01-01T00:00:00Z */

      assert_int_equal (g_utime (path, &times), 0);
    }
  log_both (&a, &b, "alice", 2027, 1, 8, 300);
  log_both (&a, &b, "bob", 2027, 1, 8, 300);
  log_both (&a, &b, "carol", 2027, 1, 8, 300);

  running = daemon_at (&a, paris (2027, 1, 8, 18, 0));
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 0), FALSE, "", paris (2027, 1, 11, 8, 50));
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 5), FALSE, "", paris (2027, 1, 11, 8, 50));
  react_near (running, &a, &b, paris (2027, 1, 12, 12, 0), FALSE, "", paris (2027, 1, 12, 13, 50));
  {
    g_autofree char *kinds = rows (a.db, "SELECT kind FROM revisions ORDER BY id");
    g_autofree char *alice = feed_bytes (&a, "alice");

    /* No catch-up stored: no re-spread marked any rep's days. */
    assert_string_equal (kinds, "baseline\n");
    /* Monday 18's blocks have their lists: 5 and 4 calls. */
    assert_int_equal (event_calls (alice, "20270118T090000"), 5);
    assert_int_equal (event_calls (alice, "20270118T140000"), 4);
  }

  g_string_free (respread_log, TRUE);
  respread_log = NULL;
  side_clear (&a);
  side_clear (&b);
}

/* ------------------------------------- the call lists, kept */

/* A feed file as it is: its bytes, inode, size and modification time. */
typedef struct {
  char *bytes;
  guint64 inode, size;
  gint64 mtime_ns;
} FeedState;

static void
feed_state (const Side *side, const char *rep, FeedState *state)
{
  g_autofree char *name = g_strconcat (rep, ".ics", NULL);
  g_autofree char *path = g_build_filename (side->feeds, "inc", name, NULL);
  GStatBuf info;

  assert_int_equal (g_lstat (path, &info), 0);
  g_free (state->bytes);
  state->bytes = feed_bytes (side, rep);
  state->inode = (guint64) info.st_ino;
  state->size = (guint64) info.st_size;
  state->mtime_ns = (gint64) info.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + info.st_mtim.tv_nsec;
}

/* Each feed of `side` against `states` (alice's, bob's, carol's): those
 * named in `changed` (a string of initials, "b" for bob) hold other bytes
 * now; the others are the very files they were (inode, size,
 * modification time, bytes). `states` becomes what they are now. */
static void
assert_feeds_changed (const Side *side, FeedState states[3], const char *changed)
{
  static const char *const reps[] = { "alice", "bob", "carol" };

  for (guint r = 0; r < G_N_ELEMENTS (reps); r++)
    {
      FeedState now = { 0 };

      feed_state (side, reps[r], &now);
      if (strchr (changed, reps[r][0]) != NULL)
        assert_string_not_equal (now.bytes, states[r].bytes);
      else
        {
          assert_int_equal (now.inode, states[r].inode);
          assert_int_equal (now.size, states[r].size);
          assert_int_equal (now.mtime_ns, states[r].mtime_ns);
          assert_string_equal (now.bytes, states[r].bytes);
        }
      g_free (states[r].bytes);
      states[r] = now;
    }
}

/* SQL run on both sides' files, behind the stores' backs. */
static void
sql_both (Side *a, Side *b, const char *sql)
{
  const Side *sides[] = { a, b };

  for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
    {
      sqlite3 *handle = NULL;

      assert_int_equal (sqlite3_open (sides[s]->db, &handle), SQLITE_OK);
      assert_int_equal (sqlite3_exec (handle, sql, NULL, NULL, NULL), SQLITE_OK);
      sqlite3_close (handle);
    }
}

/* The id of the prospect of `company` on a side. */
static gint64
prospect_id (const Side *side, const char *company)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = pd_store_list_prospects (side->store, "inc", NULL, &error);

  assert_non_null (all);
  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (((PdProspect *) g_ptr_array_index (all, i))->company, company))
      return ((PdProspect *) g_ptr_array_index (all, i))->id;
  fail_msg ("no prospect '%s'", company);
  return 0;
}

/* The daemon keeps each rep's call lists between wake-ups and makes again
 * only those of the reps whose near blocks changed (a log, a call) or
 * whose prospects or calls changed (a call, an import, a reassignment,
 * an erasure, a call removed): one rep's change costs that rep's lists,
 * and rewrites that rep's feed alone, every other feed file left as it
 * was; every rep's on a new day and after a reload. Each step's feeds
 * are byte for byte those of a daemon started afresh. */
static void
test_call_lists_kept (void **state)
{
  const char *root = *state;
  g_autoptr (PdDaemon) running = NULL;
  g_autoptr (GError) error = NULL;
  FeedState feeds[3] = { { 0 } };
  Side a = { 0 }, b = { 0 };

  side_init (&a, root, "kept");
  side_init (&b, root, "made");
  /* Three prospects a rep: the lists run short, so that a prospect more
   * or less shows. */
  import_both (&a, &b, 3);
  respread_log = g_string_new (NULL);
  lists_logged = TRUE;

  running = daemon_at (&a, paris (2027, 1, 8, 18, 0));
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 0), FALSE, "call lists made for 3 of 3 reps of inc\n", 0);
  for (guint r = 0; r < 3; r++)
    feed_state (&a, (const char *[]) { "alice", "bob", "carol" }[r], &feeds[r]);
  assert_int_equal (lines_with (feeds[1].bytes, "bob 0"), 12);

  /* Nothing changed: nothing made, nothing written. */
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 5), TRUE, "call lists made for 0 of 3 reps of inc\n", 0);
  assert_feeds_changed (&a, feeds, "");

  /* A call to one of bob's prospects (`prospectctl call`): bob
   * re-spread, his lists made again without it today. */
  call_both (&a, &b, "bob 01", "bob", 2027, 1, 8);
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 10), TRUE,
              "re-spread 1 of 3 reps of inc\ncall lists made for 1 of 3 reps of inc\n", 0);
  assert_feeds_changed (&a, feeds, "b");

  /* An import of a prospect of bob's (no activity, no re-spread). */
  {
    Side *sides[] = { &a, &b };

    for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
      {
        g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
        PdProspect *p = pd_prospect_new ();

        p->company = g_strdup ("bob 04");
        p->rep = g_strdup ("bob");
        p->phone = g_strdup ("+33100001404");
        pd_prospect_add_source (p, "salon", 2);
        g_ptr_array_add (batch, p);
        assert_true (pd_store_import_prospects (sides[s]->store, "inc", batch, NULL, NULL, &error));
        assert_null (error);
      }
  }
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 15), TRUE, "call lists made for 1 of 3 reps of inc\n", 0);
  assert_feeds_changed (&a, feeds, "b");
  assert_true (lines_with (feeds[1].bytes, "bob 04 — tel:+33100001404") > 0);

  /* bob 02 to carol: both feeds. */
  {
    Side *sides[] = { &a, &b };

    for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
      {
        const gint64 which[1] = { prospect_id (sides[s], "bob 02") };
        const char *const to[1] = { "carol" };

        assert_true (pd_store_set_prospect_reps (sides[s]->store, "inc", which, to, 1, &error));
        assert_null (error);
      }
  }
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 20), TRUE, "call lists made for 2 of 3 reps of inc\n", 0);
  assert_feeds_changed (&a, feeds, "bc");
  assert_int_equal (lines_with (feeds[1].bytes, "bob 02"), 0);
  assert_true (lines_with (feeds[2].bytes, "bob 02") > 0);

  /* The call to bob 01 removed: bob's activity and lists again. */
  sql_both (&a, &b, "DELETE FROM calls");
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 25), TRUE,
              "re-spread 1 of 3 reps of inc\ncall lists made for 1 of 3 reps of inc\n", 0);
  assert_feeds_changed (&a, feeds, "b");

  /* carol 03 erased: carol's alone. */
  {
    Side *sides[] = { &a, &b };

    for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
      {
        assert_true (pd_store_erase_prospect (sides[s]->store, "inc", prospect_id (sides[s], "carol 03"), &error));
        assert_null (error);
      }
  }
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 30), TRUE, "call lists made for 1 of 3 reps of inc\n", 0);
  assert_feeds_changed (&a, feeds, "c");

  /* A log of alice's: her lists (her near blocks changed), her feed. */
  log_both (&a, &b, "alice", 2027, 1, 8, 40);
  react_near (running, &a, &b, paris (2027, 1, 8, 18, 35), TRUE,
              "re-spread 1 of 3 reps of inc\ncall lists made for 1 of 3 reps of inc\n", 0);
  assert_feeds_changed (&a, feeds, "a");

  /* A new day: every rep's; a reload: every rep's. */
  react_near (running, &a, &b, paris (2027, 1, 11, 17, 45), FALSE, "call lists made for 3 of 3 reps of inc\n", 0);
  react_near (running, &a, &b, paris (2027, 1, 11, 17, 50), FALSE, "call lists made for 0 of 3 reps of inc\n", 0);
  assert_true (pd_daemon_load (running, &error));
  assert_null (error);
  react_near (running, &a, &b, paris (2027, 1, 11, 17, 55), FALSE, "call lists made for 3 of 3 reps of inc\n", 0);

  for (guint r = 0; r < 3; r++)
    g_free (feeds[r].bytes);
  lists_logged = FALSE;
  g_string_free (respread_log, TRUE);
  respread_log = NULL;
  side_clear (&a);
  side_clear (&b);
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
    cmocka_unit_test_setup_teardown (test_near_blocks_kept, setup, teardown),
    cmocka_unit_test_setup_teardown (test_near_blocks_move, setup, teardown),
    cmocka_unit_test_setup_teardown (test_call_lists_kept, setup, teardown),
  };

  g_log_set_writer_func (writer, NULL, NULL);
  return cmocka_run_group_tests (tests, NULL, NULL);
}
