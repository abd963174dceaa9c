/* SPDX-License-Identifier: MIT
 *
 * Tests of store's database id and feed tokens (src/store-meta.c).
 */
#define G_LOG_DOMAIN "prospectd-test-store-meta"

#include "store-fixture.h"

/* The id: made at creation, stored, the same at every opening and in a
 * copy of the file, different for another database, made by the upgrade
 * of an older one. */
static void
test_database_id (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *other_db = path_in (f, "other.db");
  g_autofree char *copy_db = path_in (f, "moved/copy.db");
  g_autofree char *old_db = path_in (f, "old.db");
  g_autofree char *id = NULL, *again = NULL, *other = NULL, *copied = NULL, *upgraded = NULL;
  g_autofree char *stored = NULL, *bytes = NULL;
  gsize length = 0;
  PdStore *store;

  store = pd_store_open (f->db, &error);
  assert_non_null (store);
  id = pd_store_database_id (store, &error);
  assert_null (error);
  assert_true (is_database_id (id));
  pd_store_close (store);
  stored = raw_text (f->db, "SELECT value FROM meta WHERE key = 'database_id'");
  assert_string_equal (stored, id);

  store = pd_store_open (f->db, &error);
  again = pd_store_database_id (store, &error);
  assert_string_equal (again, id);
  pd_store_close (store);

  store = pd_store_open (other_db, &error);
  other = pd_store_database_id (store, &error);
  assert_true (is_database_id (other));
  assert_string_not_equal (other, id);
  pd_store_close (store);

  {
    g_autofree char *moved = path_in (f, "moved");
    assert_int_equal (g_mkdir (moved, 0700), 0);
  }
  assert_true (g_file_get_contents (f->db, &bytes, &length, NULL));
  assert_true (g_file_set_contents (copy_db, bytes, (gssize) length, NULL));
  store = pd_store_open (copy_db, &error);
  copied = pd_store_database_id (store, &error);
  assert_string_equal (copied, id);
  pd_store_close (store);

  raw_exec (old_db, schema_v1);
  raw_exec (old_db, schema_v2_v3);
  store = pd_store_open (old_db, &error);
  assert_non_null (store);
  upgraded = pd_store_database_id (store, &error);
  assert_null (error);
  assert_true (is_database_id (upgraded));
  assert_string_not_equal (upgraded, id);
  pd_store_close (store);

  /* A file without its id (damaged by hand) says so. */
  raw_exec (old_db, "DELETE FROM meta");
  store = pd_store_open (old_db, &error);
  assert_null (pd_store_database_id (store, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT));
  {
    g_autofree char *expected = g_strdup_printf ("The database '%s' has no id", old_db);
    assert_string_equal (error->message, expected);
  }
  pd_store_close (store);
}

static void
test_feed_tokens (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = pd_store_open (f->db, &error);
  g_autoptr (PdStore) other = NULL;
  g_autofree char *none = NULL, *first = NULL, *again = NULL, *bob = NULL, *rotated = NULL;
  g_autofree char *seen = NULL;
  char *untouched = (char *) "untouched";

  assert_non_null (store);
  /* Unknown campaign: no token to read, none can be made. */
  assert_true (pd_store_feed_token (store, "q1", "alice", FALSE, &none, &error));
  assert_null (none);
  assert_false (pd_store_feed_token (store, "q1", "alice", TRUE, &untouched, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  assert_string_equal (untouched, "untouched");
  g_clear_error (&error);
  assert_false (pd_store_feed_token (store, "q1", "", TRUE, &untouched, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  g_clear_error (&error);

  assert_true (pd_store_ensure_campaign (store, "q1", NULL, &error));
  /* Reading does not create. */
  assert_true (pd_store_feed_token (store, "q1", "alice", FALSE, &none, &error));
  assert_null (none);
  assert_true (pd_store_feed_token (store, "q1", "alice", TRUE, &first, &error));
  assert_non_null (first);
  assert_int_equal (strlen (first), PD_TOKEN_LENGTH);
  assert_true (pd_store_feed_token (store, "q1", "alice", TRUE, &again, &error));
  assert_string_equal (first, again);
  assert_true (pd_store_feed_token (store, "q1", "bob", TRUE, &bob, &error));
  assert_string_not_equal (first, bob);

  /* Another connection (the daemon) sees the rotation at once. */
  other = pd_store_open (f->db, &error);
  assert_non_null (other);
  assert_true (pd_store_rotate_feed_token (store, "q1", "alice", &rotated, &error));
  assert_string_not_equal (first, rotated);
  assert_true (pd_store_feed_token (other, "q1", "alice", FALSE, &seen, &error));
  assert_string_equal (seen, rotated);
  assert_null (error);
}

/* The feed server's lookup: found through the index on the token's
 * selector (its first 16 hex digits), then the whole token compared, so
 * a token that shares only its selector with a stored one finds
 * nothing. */
#define LOOKUP_SQLITE \
  "SELECT campaign, rep, token FROM feed_tokens WHERE substr (token, 1, 16) = substr (?1, 1, 16)"
#define SELECTOR "0123456789abcdef"
#define TAIL_A "00000000000000000000000000000000"
#define TAIL_B "0000000000000000000000000000000b"
static void
test_find_feed_token (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = pd_store_open (f->db, &error);
  g_autofree char *alice = NULL, *rep40 = NULL;
  static const char *const misses[] = {
    SELECTOR TAIL_B,                                       /* only the selector stored */
    SELECTOR "0000000000000000000000000000000",            /* one digit short */
    "1123456789abcdef" TAIL_A,                             /* only the tail stored */
    "f" SELECTOR "000000000000000000000000000000",         /* not stored at all */
  };

  assert_non_null (store);
  assert_true (pd_store_ensure_campaign (store, "q1", NULL, &error));
  assert_true (pd_store_ensure_campaign (store, "q2", NULL, &error));
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *rep = g_strdup_printf ("rep%02u", i);
      g_autofree char *token = NULL;

      assert_true (pd_store_feed_token (store, "q1", rep, TRUE, &token, &error));
      if (i == 40)
        rep40 = g_steal_pointer (&token);
    }
  assert_true (pd_store_feed_token (store, "q2", "alice", TRUE, &alice, &error));
  raw_exec (f->db, "INSERT INTO feed_tokens (campaign, rep, token, created)"
                   " VALUES ('q2', 'bob', '" SELECTOR TAIL_A "', 0)");

  {
    g_autofree char *campaign = NULL, *rep = NULL;
    assert_true (pd_store_find_feed_token (store, rep40, &campaign, &rep, &error));
    assert_string_equal (campaign, "q1");
    assert_string_equal (rep, "rep40");
  }
  {
    g_autofree char *campaign = NULL, *rep = NULL;
    assert_true (pd_store_find_feed_token (store, alice, &campaign, &rep, &error));
    assert_string_equal (campaign, "q2");
    assert_string_equal (rep, "alice");
  }
  {
    g_autofree char *campaign = NULL, *rep = NULL;
    assert_true (pd_store_find_feed_token (store, SELECTOR TAIL_A, &campaign, &rep, &error));
    assert_string_equal (campaign, "q2");
    assert_string_equal (rep, "bob");
  }
  for (guint i = 0; i < G_N_ELEMENTS (misses); i++)
    {
      char *campaign = (char *) "untouched", *rep = (char *) "untouched";
      assert_true (pd_store_find_feed_token (store, misses[i], &campaign, &rep, &error));
      assert_null (campaign);
      assert_null (rep);
    }
  /* Two tokens sharing a selector: each finds its own row. */
  raw_exec (f->db, "INSERT INTO feed_tokens (campaign, rep, token, created)"
                   " VALUES ('q2', 'carol', '" SELECTOR TAIL_B "', 0)");
  {
    g_autofree char *campaign = NULL, *rep = NULL;
    assert_true (pd_store_find_feed_token (store, SELECTOR TAIL_B, &campaign, &rep, &error));
    assert_string_equal (rep, "carol");
  }
  {
    g_autofree char *campaign = NULL, *rep = NULL;
    assert_true (pd_store_find_feed_token (store, SELECTOR TAIL_A, &campaign, &rep, &error));
    assert_string_equal (rep, "bob");
  }
  assert_null (error);

  /* The lookup goes through the index, not through every row. */
  if (store_test_pg ())
    {
      PGconn *conn = pg_connect (f->db);
      const char *values[] = { SELECTOR TAIL_A };
      PGresult *result;

      pg_must (conn, "SET enable_seqscan = off");
      result = PQexecParams (conn,
                             "EXPLAIN (COSTS OFF) SELECT campaign, rep, token FROM feed_tokens"
                             " WHERE substr (token, 1, 16) = substr ($1, 1, 16)",
                             1, NULL, values, NULL, NULL, 0);
      assert_int_equal (PQresultStatus (result), PGRES_TUPLES_OK);
      assert_string_equal (PQgetvalue (result, 0, 0), "Bitmap Heap Scan on feed_tokens");
      assert_string_equal (PQgetvalue (result, 2, 0), "  ->  Bitmap Index Scan on feed_tokens_by_selector");
      PQclear (result);
      PQfinish (conn);
    }
  else
    {
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      assert_int_equal (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
      assert_int_equal (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN " LOOKUP_SQLITE, -1, &stmt, NULL), SQLITE_OK);
      assert_int_equal (sqlite3_step (stmt), SQLITE_ROW);
      assert_string_equal ((const char *) sqlite3_column_text (stmt, 3),
                           "SEARCH feed_tokens USING INDEX feed_tokens_by_selector (<expr>=?)");
      assert_int_equal (sqlite3_step (stmt), SQLITE_DONE);
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_feed_tokens, setup, teardown),
    cmocka_unit_test_setup_teardown (test_find_feed_token, setup, teardown),
  };
  const struct CMUnitTest sqlite_only[] = {
    cmocka_unit_test_setup_teardown (test_database_id, setup, teardown),
  };
  int failed;

  if (!store_tests_begin ("prospectd-test-store-meta-XXXXXX"))
    return 1;
  failed = store_tests_run ("test-store-meta", tests, G_N_ELEMENTS (tests), sqlite_only,
                           G_N_ELEMENTS (sqlite_only), NULL, 0);
  store_tests_end ();
  return failed;
}
