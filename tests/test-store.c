/* SPDX-License-Identifier: MIT
 *
 * Tests of store's connection (src/store.c): real SQLite files in a
 * temporary directory. Opening (modes, WAL, memory, the dry run's copy),
 * the data version, and the failures SQLite itself tests for: concurrent
 * writers in several processes, a writer killed mid-loop, a corrupt file,
 * a place where nothing can be created. The tests look at the files with
 * sqlite3 directly, which only tests may do.
 */
#define G_LOG_DOMAIN "prospectd-test-store"

#include "store-fixture.h"

static void
test_open_default_path_modes (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autofree char *data_dir = g_build_filename (root_dir, "xdg-data", NULL);
  g_autofree char *dir = g_build_filename (data_dir, "prospectd", NULL);
  g_autofree char *db = g_build_filename (dir, "prospectd.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  g_autofree char *default_path = pd_store_default_path ();

  (void) state;
  assert_string_equal (default_path, db);
  assert_false (g_file_test (data_dir, G_FILE_TEST_EXISTS));

  umask (022);
  store = pd_store_open (NULL, &error);
  assert_null (error);
  assert_non_null (store);
  assert_string_equal (pd_store_path (store), db);
  assert_int_equal (umask (022), 022); /* restored */

  assert_int_equal (file_mode (data_dir), 0700);
  assert_int_equal (file_mode (dir), 0700);
  assert_int_equal (file_mode (db), 0600);
  assert_int_equal (file_mode (wal), 0600);
  assert_int_equal (file_mode (shm), 0600);

  g_clear_pointer (&store, pd_store_close);
  remove_tree (data_dir);
}

static void
test_open_wal_and_schema (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *db = path_in (f, "sub/dir/store.db");
  g_autofree char *journal = NULL;
  PdStore *store;

  store = pd_store_open (db, &error);
  assert_null (error);
  assert_non_null (store);

  journal = raw_text (db, "PRAGMA journal_mode");
  assert_string_equal (journal, "wal");
  assert_int_equal (raw_int (db, "PRAGMA user_version"), PD_STORE_SCHEMA_VERSION);
  assert_int_equal (PD_STORE_SCHEMA_VERSION, 18);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                 " AND name IN ('campaigns', 'activity', 'notifications',"
                                 " 'revisions', 'revision_days', 'feed_tokens',"
                                 " 'activity_days', 'activity_team_days', 'meta',"
                                 " 'catchup_days', 'activity_changes', 'prospects',"
                                 " 'prospect_attributes', 'prospect_sources', 'calls',"
                                 " 'log_days', 'call_days', 'activity_running', 'prospect_changes',"
                                 " 'activity_running_last')"),
                    20);
  /* Version 17: the prospect change marks' triggers: on prospects,
   * attributes and sources but inserts (two each), on calls three. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                                 " AND name LIKE 'prospect%changes%'"),
                    9);
  /* Version 16: the running sums' three triggers on activity_days. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                                 " AND tbl_name = 'activity_days'"),
                    3);
  /* Version 18: the running sums' two apply triggers copy each rep's
   * last row. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                                 " AND tbl_name IN ('running_put', 'running_take')"
                                 " AND sql LIKE '%INSERT INTO activity_running_last%'"),
                    2);
  /* The per-day sums' three, the change marks' three (version 9). */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                                 " AND tbl_name = 'activity'"),
                    6);
  /* Version 4 dropped the index of version 2 (the sums read activity_days). */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema"
                                 " WHERE name = 'activity_by_rep_date'"),
                    0);
  /* Version 13: the feed tokens' selector index. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                                 " AND name = 'feed_tokens_by_selector' AND tbl_name = 'feed_tokens'"),
                    1);
  /* Version 14: the campaign text a baseline was made from. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM pragma_table_info ('revisions') WHERE name = 'source'"),
                    1);
  pd_store_close (store);

  /* Opening again is a no-op on the schema. */
  store = pd_store_open (db, &error);
  assert_null (error);
  assert_non_null (store);
  pd_store_close (store);
  assert_int_equal (raw_int (db, "PRAGMA user_version"), PD_STORE_SCHEMA_VERSION);

  pd_store_close (NULL);
  pd_store_free (NULL);
}

/* SHA-256 of a file's bytes, newly allocated. */
static char *
file_digest (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

/* A dry run's copy: the file's content and id, every write kept in
 * memory; the file and its directory as they were (bytes, time, no -wal
 * or -shm left), and a missing file is not created. */
static void
test_open_copy (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->db, "-shm", NULL);
  g_autofree char *missing_db = path_in (f, "nowhere/none.db");
  g_autofree char *id = NULL, *copy_id = NULL, *digest = NULL, *after = NULL, *fresh_id = NULL;
  g_autoptr (PdActivity) entry = make_activity ("q1", "alice", ymd (2027, 1, 4), 12);
  g_autoptr (GPtrArray) listed = NULL;
  gboolean missing = TRUE;
  gboolean claimed = FALSE;
  struct stat before_stat, after_stat;
  PdStore *store;
  PdStore *copy;

  store = open_with_campaign (f->db, "q1");
  assert_true (pd_store_add_activity (store, entry, NULL, &error));
  id = pd_store_database_id (store, &error);
  pd_store_close (store);
  assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  digest = file_digest (f->db);
  assert_int_equal (g_stat (f->db, &before_stat), 0);

  copy = pd_store_open_copy (f->db, &missing, &error);
  assert_null (error);
  assert_non_null (copy);
  assert_false (missing);
  assert_string_equal (pd_store_path (copy), f->db);
  copy_id = pd_store_database_id (copy, &error);
  assert_string_equal (copy_id, id);
  listed = pd_store_list_activity (copy, "q1", NULL, &error);
  assert_int_equal (listed->len, 1);
  /* Writes land in the copy. */
  assert_true (pd_store_add_activity (copy, entry, NULL, &error));
  assert_true (pd_store_notification_claim (copy, "q1", "reminder:alice:2027-01-04:1", 1, &claimed, &error));
  assert_true (claimed);
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = pd_store_list_activity (copy, "q1", NULL, &error);
  assert_int_equal (listed->len, 2);
  assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  pd_store_close (copy);

  after = file_digest (f->db);
  assert_string_equal (after, digest);
  assert_int_equal (g_stat (f->db, &after_stat), 0);
  assert_int_equal (after_stat.st_mtim.tv_sec, before_stat.st_mtim.tv_sec);
  assert_int_equal (after_stat.st_mtim.tv_nsec, before_stat.st_mtim.tv_nsec);
  assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM activity"), 1);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM notifications"), 0);

  /* No file: an empty database of its own, nothing created. */
  copy = pd_store_open_copy (missing_db, &missing, &error);
  assert_null (error);
  assert_non_null (copy);
  assert_true (missing);
  fresh_id = pd_store_database_id (copy, &error);
  assert_true (is_database_id (fresh_id));
  assert_string_not_equal (fresh_id, id);
  assert_true (pd_store_ensure_campaign (copy, "q1", NULL, &error));
  pd_store_close (copy);
  assert_false (g_file_test (missing_db, G_FILE_TEST_EXISTS));
  {
    g_autofree char *parent = path_in (f, "nowhere");
    assert_false (g_file_test (parent, G_FILE_TEST_EXISTS));
  }

  /* An older schema is upgraded in the copy only. */
  {
    g_autofree char *old_db = path_in (f, "old.db");
    g_autofree char *old_digest = NULL, *old_after = NULL, *old_id = NULL;

    raw_exec (old_db, schema_v1);
    raw_exec (old_db, schema_v2_v3);
    old_digest = file_digest (old_db);
    copy = pd_store_open_copy (old_db, &missing, &error);
    assert_null (error);
    assert_false (missing);
    old_id = pd_store_database_id (copy, &error);
    assert_true (is_database_id (old_id));
    pd_store_close (copy);
    old_after = file_digest (old_db);
    assert_string_equal (old_after, old_digest);
    assert_int_equal (raw_int (old_db, "PRAGMA user_version"), 3);
  }

  /* Not a database: the error names the file. */
  {
    g_autofree char *junk = path_in (f, "junk.db");
    g_autofree char *expected = NULL;

    assert_true (g_file_set_contents (junk, "not a database, not at all, really not one", -1, NULL));
    copy = pd_store_open_copy (junk, NULL, &error);
    assert_null (copy);
    assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT));
    expected = g_strdup_printf ("Cannot open the database '%s': ", junk);
    assert_true (g_str_has_prefix (error->message, expected));
  }
}

static void
test_open_memory (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdActivity) activity = make_activity ("m", "alice", ymd (2027, 1, 4), 3);
  gint64 id = 0;

  (void) state;
  store = pd_store_open (":memory:", &error);
  assert_null (error);
  assert_non_null (store);
  assert_true (pd_store_ensure_campaign (store, "m", "In memory", &error));
  assert_true (pd_store_add_activity (store, activity, &id, &error));
  assert_null (error);
  assert_int_equal (id, 1);
}

static void
test_data_version (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) mine = open_with_campaign (db, "q1");
  g_autoptr (PdStore) theirs = pd_store_open (db, &error);
  g_autoptr (PdActivity) activity = make_activity ("q1", "alice", ymd (2027, 1, 4), 1);
  gint64 v1 = 0, v2 = 0, v3 = 0, v4 = 0;

  assert_non_null (theirs);
  assert_true (pd_store_data_version (mine, &v1, &error));
  assert_true (pd_store_data_version (mine, &v2, &error));
  assert_int_equal (v1, v2);

  assert_true (pd_store_add_activity (theirs, activity, NULL, &error));
  assert_true (pd_store_data_version (mine, &v3, &error));
  assert_true (v3 != v2);

  /* Our own commit does not change it (docs/pitfalls.md 15). */
  assert_true (pd_store_add_activity (mine, activity, NULL, &error));
  assert_true (pd_store_data_version (mine, &v4, &error));
  assert_int_equal (v4, v3);
  assert_null (error);
}

/* Adds 500 entries as rep<number>, each 1 contact and `number` prospects;
 * exits 1 if any add failed. */
static int
writer_child (const char *db, guint number)
{
  g_autoptr (PdStore) store = pd_store_open (db, NULL);
  g_autofree char *rep = g_strdup_printf ("rep%u", number);
  int code = store != NULL ? 0 : 1;

  for (unsigned k = 0; store != NULL && k < 500; k++)
    {
      g_autoptr (PdActivity) a = make_activity ("q1", rep, ymd (2027, 1, 4 + k % 20), 1);
      g_autoptr (GError) error = NULL;

      a->prospects = number;
      if (!pd_store_add_activity (store, a, NULL, &error))
        {
          g_printerr ("writer %u: %s\n", number, error->message);
          code = 1;
        }
    }
  return code;
}

/* Four writer processes, 500 entries each, while the parent keeps summing:
 * no writer sees "database is locked", no entry is lost, and every sum the
 * reader sees is a consistent snapshot. */
static void
test_concurrent_writers (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  PdStore *store = open_with_campaign (db, "q1");
  pid_t children[4];
  guint running = G_N_ELEMENTS (children);
  guint failures = 0, reads = 0;
  gint64 last = 0;
  PdTotals totals;

  pd_store_close (store); /* no connection across fork() */
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      children[i] = fork ();
      assert_true (children[i] >= 0);
      if (children[i] == 0)
        _exit (writer_child (db, i + 1));
    }

  store = pd_store_open (db, &error);
  assert_non_null (store);
  while (running > 0)
    {
      int status;

      assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
      assert_null (error);
      assert_int_equal (totals.contacts, totals.entries);
      assert_true (totals.entries >= last);
      last = totals.entries;
      reads++;
      /* Our children only: waitpid (-1) would also reap what an earlier
       * failed test left behind. */
      for (guint i = 0; i < G_N_ELEMENTS (children); i++)
        if (children[i] > 0 && waitpid (children[i], &status, WNOHANG) == children[i])
          {
            children[i] = 0;
            running--;
            if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
              failures++;
          }
    }
  assert_int_equal (failures, 0);
  assert_true (reads > 0);

  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.entries, 2000);
  assert_int_equal (totals.contacts, 2000);
  assert_int_equal (totals.prospects, 500 * (1 + 2 + 3 + 4));
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      g_autofree char *rep = g_strdup_printf ("rep%u", i + 1);

      assert_true (pd_store_totals (store, "q1", rep, NULL, &totals, &error));
      assert_int_equal (totals.entries, 500);
    }
  pd_store_close (store);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity"), 2000);
}

/* Adds entries until killed, writing each id to `fd` once the add
 * returned. Returns (exit code 1) only on a failure. */
static int
logger_child (const char *db, int fd)
{
  g_autoptr (PdStore) store = pd_store_open (db, NULL);

  for (gint64 k = 0; store != NULL; k++)
    {
      g_autoptr (PdActivity) a = make_activity ("q1", "alice", ymd (2027, 1, 4), 1);
      gint64 id = 0;

      a->note = g_strdup_printf ("entry %" G_GINT64_FORMAT, k);
      if (!pd_store_add_activity (store, a, &id, NULL)
          || write (fd, &id, sizeof id) != sizeof id)
        break;
    }
  return 1;
}

/* A writer killed with SIGKILL in the middle of its loop: every id it
 * reported (after pd_store_add_activity() returned) is in the file, and the
 * file is sound. */
static void
test_durability_sigkill (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autofree char *integrity = NULL;
  g_autoptr (GArray) reported = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GHashTable) present = g_hash_table_new (g_int64_hash, g_int64_equal);
  PdStore *store = open_with_campaign (db, "q1");
  pid_t child;
  int fds[2];
  int status = 0;
  gint64 id;

  pd_store_close (store);
  assert_int_equal (pipe (fds), 0);
  child = fork ();
  assert_true (child >= 0);
  if (child == 0)
    {
      close (fds[0]);
      _exit (logger_child (db, fds[1]));
    }
  close (fds[1]);

  /* Let it commit a good number, then kill it wherever it is. */
  while (reported->len < 300 && read (fds[0], &id, sizeof id) == sizeof id)
    g_array_append_val (reported, id);
  assert_int_equal (reported->len, 300);
  assert_int_equal (kill (child, SIGKILL), 0);
  assert_int_equal (waitpid (child, &status, 0), child);
  assert_true (WIFSIGNALED (status));
  assert_int_equal (WTERMSIG (status), SIGKILL);
  /* What it wrote to the pipe before dying. */
  while (read (fds[0], &id, sizeof id) == sizeof id)
    g_array_append_val (reported, id);
  close (fds[0]);

  store = pd_store_open (db, &error);
  assert_null (error);
  assert_non_null (store);
  entries = pd_store_list_activity (store, "q1", NULL, &error);
  assert_null (error);
  for (guint i = 0; i < entries->len; i++)
    {
      PdActivity *a = g_ptr_array_index (entries, i);

      g_hash_table_add (present, &a->id);
    }
  for (guint i = 0; i < reported->len; i++)
    if (!g_hash_table_contains (present, &g_array_index (reported, gint64, i)))
      fail_msg ("entry %" G_GINT64_FORMAT " was reported but is missing",
                g_array_index (reported, gint64, i));
  /* At most the one entry committed but not yet reported. */
  assert_in_range (entries->len, reported->len, reported->len + 1);
  pd_store_close (store);

  if (store_test_pg ())
    return; /* the server checks its own pages */
  integrity = raw_text (db, "PRAGMA integrity_check");
  assert_string_equal (integrity, "ok");
}

static void
test_corrupt_file (void **state)
{
  Fixture *f = *state;
  g_autofree char *db = path_in (f, "garbage.db");
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *text = path_in (f, "text.db");
  g_autofree char *after = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (20270104);
  guint8 garbage[16384];
  gsize length = 0;
  const char *const files[] = { db, text };

  for (gsize i = 0; i < sizeof garbage; i++)
    garbage[i] = (guint8) g_rand_int_range (rand, 0, 256);
  assert_true (g_file_set_contents (db, (const char *) garbage, sizeof garbage, NULL));
  assert_true (g_file_set_contents (text, "[campaign]\nname = not a database\n"
                                          "and a little more text to pass one hundred bytes "
                                          "of header, just in case.\n",
                                    -1, NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *expected = g_strdup_printf ("Cannot open the database '%s': "
                                                   "file is not a database", files[i]);
      PdStore *store = pd_store_open (files[i], &error);

      assert_null (store);
      assert_non_null (error);
      assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT));
      assert_string_equal (error->message, expected);
    }

  /* Untouched: no byte changed, no WAL left behind. */
  assert_true (g_file_get_contents (db, &after, &length, NULL));
  assert_int_equal (length, sizeof garbage);
  assert_memory_equal (after, garbage, sizeof garbage);
  assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_unwritable_place (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *plain = path_in (f, "plain");
  g_autofree char *below = g_build_filename (plain, "sub", "x.db", NULL);
  g_autofree char *dir = path_in (f, "a-directory");
  PdStore *store;

  /* A parent that is a regular file: fails even for root. */
  assert_true (g_file_set_contents (plain, "x", -1, NULL));
  umask (022);
  store = pd_store_open (below, &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_IO));
  assert_non_null (strstr (error->message, "plain/sub"));
  assert_int_equal (umask (022), 022);
  g_clear_error (&error);

  /* The path is a directory. */
  assert_int_equal (g_mkdir (dir, 0700), 0);
  store = pd_store_open (dir, &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_IO));
  assert_non_null (strstr (error->message, dir));
  assert_int_equal (umask (022), 022);
  g_clear_error (&error);

  store = pd_store_open ("", &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
}

/* The form of a database's name that messages show: never a password. */
static void
test_display_name (void **state)
{
  const struct {
    const char *name, *shown;
  } cases[] = {
    { "/home/alice/.local/share/prospectd/prospectd.db", "/home/alice/.local/share/prospectd/prospectd.db" },
    { "postgresql://alice:s3cret@db.example.com:5432/team?sslmode=require",
      "postgresql://alice:***@db.example.com:5432/team?sslmode=require" },
    { "postgres://alice@db.example.com/team", "postgres://alice@db.example.com/team" },
    { "postgresql:///team?host=/run/postgresql&password=s3cret&user=alice",
      "postgresql:///team?host=/run/postgresql&password=***&user=alice" },
    { "postgresql://bob:p@ss:w@h1:5432,h2:5433/team", "postgresql://bob:***@h1:5432,h2:5433/team" },
    { "postgresql://bob:s3cret@h1/team?password=other", "postgresql://bob:***@h1/team?password=***" },
    { "postgresql://h1/team?application_name=a:b@c", "postgresql://h1/team?application_name=a:b@c" },
    { "postgresql://", "postgresql://" },
  };

  (void) state;
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = pd_store_display_name (cases[i].name);

      assert_string_equal (shown, cases[i].shown);
    }
  assert_null (pd_store_display_name (NULL));
  assert_true (pd_store_name_is_server ("postgresql:///team"));
  assert_true (pd_store_name_is_server ("postgres://h/team"));
  assert_false (pd_store_name_is_server ("postgresql:/team"));
  assert_false (pd_store_name_is_server ("./postgresql://team"));
  assert_false (pd_store_name_is_server ("PostgreSQL://team"));
  assert_false (pd_store_name_is_server (NULL));
}

/* ---------------------------------------------------------- PostgreSQL */

/* A dry run's copy is a transaction that is never committed: it reads the
 * database as it was, writes only to itself, and leaves nothing behind;
 * a database without the schema is the missing one, and stays without. */
static void
test_pg_open_copy (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdActivity) activity = make_activity ("q1", "alice", ymd (2027, 1, 4), 5);
  g_autoptr (GPtrArray) entries = NULL;
  PdStore *copy;
  gboolean missing = TRUE, claimed = FALSE;
  PdTotals totals;

  copy = pd_store_open_copy (f->db, &missing, &error);
  assert_non_null (copy);
  assert_true (missing);
  assert_true (pd_store_ensure_campaign (copy, "q1", "Campaign", &error));
  assert_true (pd_store_add_activity (copy, activity, NULL, &error));
  pd_store_close (copy);
  assert_null (raw_text (f->db, "SELECT 1 FROM pg_namespace WHERE nspname = 'prospectd'"));

  store = open_with_campaign (f->db, "q1");
  assert_true (pd_store_add_activity (store, activity, NULL, &error));
  copy = pd_store_open_copy (f->db, &missing, &error);
  assert_non_null (copy);
  assert_false (missing);
  assert_true (pd_store_add_activity (copy, activity, NULL, &error));
  assert_true (pd_store_notification_claim (copy, "q1", "behind:alice", 1700000000, &claimed, &error));
  assert_true (claimed);
  assert_true (pd_store_totals (copy, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.contacts, 10);
  /* Another writer meanwhile (another rep and day: the copy holds the
   * rows it wrote until it ends): not seen by the copy, which began
   * before. */
  activity->date = ymd (2027, 1, 5);
  g_free (activity->rep);
  activity->rep = g_strdup ("bob");
  assert_true (pd_store_add_activity (store, activity, NULL, &error));
  assert_true (pd_store_totals (copy, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.contacts, 10);
  pd_store_close (copy);
  assert_null (error);

  entries = pd_store_list_activity (store, "q1", NULL, &error);
  assert_int_equal (entries->len, 2);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM notifications"), 0);
  assert_int_equal (raw_int (f->db, "SELECT sum(contacts) FROM activity_days"), 10);
}

/* A server that cannot be reached, a database that does not exist: IO,
 * the message names the database without its password. */
static void
test_pg_unreachable (void **state)
{
  g_autoptr (GError) error = NULL;
  PdStore *store;

  (void) state;
  store = pd_store_open ("postgresql://alice:s3cret@/team?host=/nonexistent&port=1", &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_IO));
  assert_true (g_str_has_prefix (error->message, "Cannot open the database"
                                 " 'postgresql://alice:***@/team?host=/nonexistent&port=1': connection to server on"
                                 " socket \"/nonexistent/.s.PGSQL.1\" failed: No such file or directory"));
  assert_null (strstr (error->message, "s3cret"));
  assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  store = pd_store_open ("postgresql:///pd_no_such_database?password=s3cret", &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_IO));
  assert_true (g_str_has_prefix (error->message, "Cannot open the database 'postgresql:///pd_no_such_database"
                                 "?password=***': connection to server on socket"));
  assert_true (g_str_has_suffix (error->message, "database \"pd_no_such_database\" does not exist"));
  assert_null (strstr (error->message, "s3cret"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_data_version, setup, teardown),
    cmocka_unit_test_setup_teardown (test_concurrent_writers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_durability_sigkill, setup, teardown),
    cmocka_unit_test (test_display_name),
  };
  const struct CMUnitTest sqlite_only[] = {
    cmocka_unit_test_setup_teardown (test_open_default_path_modes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_open_wal_and_schema, setup, teardown),
    cmocka_unit_test_setup_teardown (test_open_memory, setup, teardown),
    cmocka_unit_test_setup_teardown (test_open_copy, setup, teardown),
    cmocka_unit_test_setup_teardown (test_corrupt_file, setup, teardown),
    cmocka_unit_test_setup_teardown (test_unwritable_place, setup, teardown),
  };
  const struct CMUnitTest pg_only[] = {
    cmocka_unit_test_setup_teardown (test_pg_open_copy, setup, teardown),
    cmocka_unit_test_setup_teardown (test_pg_unreachable, setup, teardown),
  };
  int failed;

  if (!store_tests_begin ("prospectd-test-store-XXXXXX"))
    return 1;
  failed = store_tests_run ("test-store", tests, G_N_ELEMENTS (tests), sqlite_only, G_N_ELEMENTS (sqlite_only),
                           pg_only, G_N_ELEMENTS (pg_only));
  store_tests_end ();
  return failed;
}
