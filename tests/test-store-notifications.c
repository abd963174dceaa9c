/* SPDX-License-Identifier: MIT
 *
 * Tests of store's notifications (src/store-notifications.c): a claim
 * taken once, by exactly one of several processes.
 */
#define G_LOG_DOMAIN "prospectd-test-store-notifications"

#include "store-fixture.h"

static void
test_notification_claim (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  gboolean claimed = FALSE, sent = TRUE;
  gint64 sent_at = 0;

  assert_true (pd_store_notification_sent (store, "q1", "reminder:alice:1", &sent,
                                           &sent_at, &error));
  assert_false (sent);
  assert_int_equal (sent_at, 0);

  assert_true (pd_store_notification_claim (store, "q1", "reminder:alice:1",
                                            1800000000, &claimed, &error));
  assert_null (error);
  assert_true (claimed);
  assert_true (pd_store_notification_claim (store, "q1", "reminder:alice:1",
                                            1800000999, &claimed, &error));
  assert_null (error);
  assert_false (claimed);

  assert_true (pd_store_notification_sent (store, "q1", "reminder:alice:1", &sent,
                                           &sent_at, &error));
  assert_true (sent);
  assert_int_equal (sent_at, 1800000000); /* the first claim's time */

  /* Keys are per campaign; "" is the daemon's own. */
  assert_true (pd_store_notification_claim (store, "q2", "reminder:alice:1",
                                            1, &claimed, &error));
  assert_true (claimed);
  assert_true (pd_store_notification_claim (store, "", "resume-summary",
                                            2, &claimed, &error));
  assert_true (claimed);

  claimed = TRUE;
  assert_false (pd_store_notification_claim (store, "q1", "", 3, &claimed, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_true (claimed); /* untouched */
}

/* Several daemons share a team's database, a desktop each: a claim is
 * per desktop, and a row recorded without a desktop (before schema 10,
 * or by a store without one) is every desktop's. */
static void
test_notification_desktops (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) alice1 = open_with_campaign (db, "q1");
  g_autoptr (PdStore) alice2 = pd_store_open (db, &error);
  g_autoptr (PdStore) nobody = pd_store_open (db, &error);
  gboolean claimed = FALSE, sent = FALSE;
  gint64 sent_at = 0;

  assert_non_null (alice2);
  pd_store_set_desktop (alice1, "0123456789abcdef0123456789abcdef");
  pd_store_set_desktop (alice2, "fedcba9876543210fedcba9876543210");
  /* A row of before: recorded for every desktop. */
  raw_exec (db, "INSERT INTO notifications (campaign, key, sent_at) VALUES ('q1', 'old', 7)");
  assert_true (pd_store_notification_claim (alice1, "q1", "old", 8, &claimed, &error));
  assert_false (claimed);
  assert_true (pd_store_notification_sent (alice2, "q1", "old", &sent, &sent_at, &error));
  assert_true (sent);
  assert_int_equal (sent_at, 7);

  /* A new key: once on each desktop. */
  assert_true (pd_store_notification_claim (alice1, "q1", "behind:alice:2027-01-08", 10, &claimed, &error));
  assert_true (claimed);
  assert_true (pd_store_notification_claim (alice1, "q1", "behind:alice:2027-01-08", 11, &claimed, &error));
  assert_false (claimed);
  assert_true (pd_store_notification_sent (alice2, "q1", "behind:alice:2027-01-08", &sent, NULL, &error));
  assert_false (sent);
  assert_true (pd_store_notification_claim (alice2, "q1", "behind:alice:2027-01-08", 12, &claimed, &error));
  assert_true (claimed);
  assert_true (pd_store_notification_sent (alice2, "q1", "behind:alice:2027-01-08", &sent, &sent_at, &error));
  assert_true (sent);
  assert_int_equal (sent_at, 12);
  /* A store without a desktop claims for every desktop, apart from theirs. */
  assert_true (pd_store_notification_sent (nobody, "q1", "behind:alice:2027-01-08", &sent, NULL, &error));
  assert_false (sent);
  assert_true (pd_store_notification_claim (nobody, "q1", "behind:alice:2027-01-08", 13, &claimed, &error));
  assert_true (claimed);
  /* Back to none: the default. */
  pd_store_set_desktop (alice2, "");
  assert_true (pd_store_notification_claim (alice2, "q1", "behind:alice:2027-01-08", 14, &claimed, &error));
  assert_false (claimed);
  assert_null (error);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM notifications WHERE key = 'behind:alice:2027-01-08'"), 3);
  assert_int_equal (raw_int (db, "SELECT sent_at FROM notifications WHERE key = 'behind:alice:2027-01-08'"
                                 " AND desktop = '0123456789abcdef0123456789abcdef'"), 10);
  assert_int_equal (raw_int (db, "SELECT sent_at FROM notifications WHERE key = 'behind:alice:2027-01-08'"
                                 " AND desktop = 'fedcba9876543210fedcba9876543210'"), 12);
  assert_int_equal (raw_int (db, "SELECT sent_at FROM notifications WHERE key = 'behind:alice:2027-01-08'"
                                 " AND desktop = ''"), 13);
}

/* Claims keys k0..k99 and writes how many it won to `fd`. */
static int
claimer_child (const char *db, int fd)
{
  g_autoptr (PdStore) store = pd_store_open (db, NULL);
  gint64 won = 0;
  int code = store != NULL ? 0 : 1;

  /* Children 0 and 1 are one desktop, 2 and 3 another. */
  if (store != NULL && g_getenv ("PD_TEST_DESKTOP") != NULL)
    pd_store_set_desktop (store, g_getenv ("PD_TEST_DESKTOP"));

  for (int k = 0; store != NULL && k < 100; k++)
    {
      char key[32];
      gboolean claimed = FALSE;

      g_snprintf (key, sizeof key, "k%d", k);
      if (!pd_store_notification_claim (store, "q1", key, k, &claimed, NULL))
        code = 1;
      won += claimed ? 1 : 0;
    }
  if (write (fd, &won, sizeof won) != sizeof won)
    code = 1;
  return code;
}

/* Four processes race for the same 100 keys: each key is claimed once;
 * with two desktops of two processes each, once per desktop. */
static void
claim_race (const char *db, gboolean desktops)
{
  PdStore *store = open_with_campaign (db, "q1");
  pid_t children[4];
  guint succeeded = 0;
  int fds[2];
  gint64 total = 0;
  gint64 count;

  pd_store_close (store); /* no connection across fork() */
  assert_int_equal (pipe (fds), 0);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      children[i] = fork ();
      assert_true (children[i] >= 0);
      if (children[i] == 0)
        {
          close (fds[0]);
          if (desktops)
            g_setenv ("PD_TEST_DESKTOP", i < 2 ? "desk-one" : "desk-two", TRUE);
          _exit (claimer_child (db, fds[1]));
        }
    }
  close (fds[1]);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    succeeded += child_succeeded (children[i]) ? 1 : 0; /* reap all, then assert */
  assert_int_equal (succeeded, G_N_ELEMENTS (children));
  while (read (fds[0], &count, sizeof count) == sizeof count)
    total += count;
  close (fds[0]);
  assert_int_equal (total, desktops ? 200 : 100);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM notifications"), desktops ? 200 : 100);
  assert_int_equal (raw_int (db, "SELECT count(DISTINCT desktop) FROM notifications"), desktops ? 2 : 1);
}

static void
test_notification_claim_race (void **state)
{
  Fixture *f = *state;

  claim_race (f->db, FALSE);
}

static void
test_notification_claim_race_desktops (void **state)
{
  Fixture *f = *state;

  claim_race (f->db, TRUE);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_notification_claim, setup, teardown),
    cmocka_unit_test_setup_teardown (test_notification_desktops, setup, teardown),
    cmocka_unit_test_setup_teardown (test_notification_claim_race, setup, teardown),
    cmocka_unit_test_setup_teardown (test_notification_claim_race_desktops, setup, teardown),
  };
  int failed;

  if (!store_tests_begin ("prospectd-test-store-notifications-XXXXXX"))
    return 1;
  failed = store_tests_run ("test-store-notifications", tests, G_N_ELEMENTS (tests), NULL, 0, NULL, 0);
  store_tests_end ();
  return failed;
}
