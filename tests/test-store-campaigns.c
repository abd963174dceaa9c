/* SPDX-License-Identifier: MIT
 *
 * Tests of store's campaigns (src/store-campaigns.c): the list of
 * campaigns, the first days of reps, recorded or only computed.
 */
#define G_LOG_DOMAIN "prospectd-test-store-campaigns"

#include "store-fixture.h"

static void
test_rep_starts (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  const char *const team[] = { "alice", "bob", "carol" };
  GDate founding = ymd (2027, 1, 4), jan20 = ymd (2027, 1, 20), feb10 = ymd (2027, 2, 10),
        mar1 = ymd (2027, 3, 1);
  GDate starts[3];

  /* The first reps recorded are the founding team: the campaign's start. */
  assert_true (pd_store_rep_starts (store, "q1", team, 2, &jan20, &founding, TRUE, starts, &error));
  assert_null (error);
  assert_date (&starts[0], 2027, 1, 4);
  assert_date (&starts[1], 2027, 1, 4);
  /* carol appears on 10 February; the others keep their day. */
  assert_true (pd_store_rep_starts (store, "q1", team, 3, &feb10, &founding, TRUE, starts, &error));
  assert_date (&starts[0], 2027, 1, 4);
  assert_date (&starts[2], 2027, 2, 10);
  /* Not recorded: dave would start today, and is not written. */
  const char *const later[] = { "alice", "dave" };
  assert_true (pd_store_rep_starts (store, "q1", later, 2, &mar1, &founding, FALSE, starts, &error));
  assert_date (&starts[1], 2027, 3, 1);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM rep_starts"), 3);
  /* Known reps keep their day, whatever today is. */
  assert_true (pd_store_rep_starts (store, "q1", team, 3, &mar1, &founding, TRUE, starts, &error));
  assert_date (&starts[2], 2027, 2, 10);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM rep_starts"), 3);
  /* An unknown campaign. */
  assert_false (pd_store_rep_starts (store, "nope", team, 1, &mar1, &founding, TRUE, starts, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
}

/* Every campaign the database knows, by id in byte order, with the name
 * last recorded; none in a new database. */
static void
test_list_campaigns (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = pd_store_open (f->db, &error);
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GPtrArray) campaigns = NULL;
  const PdStoreCampaign *c;

  assert_non_null (store);
  none = pd_store_list_campaigns (store, &error);
  assert_null (error);
  assert_non_null (none);
  assert_int_equal (none->len, 0);

  assert_true (pd_store_ensure_campaign (store, "q1", "Q1", &error));
  assert_true (pd_store_ensure_campaign (store, "a-b", NULL, &error));
  assert_true (pd_store_ensure_campaign (store, "Zed", "Zed's", &error));
  assert_true (pd_store_ensure_campaign (store, "q1", "New customers Q1", &error));
  campaigns = pd_store_list_campaigns (store, &error);
  assert_null (error);
  assert_non_null (campaigns);
  assert_int_equal (campaigns->len, 3);
  c = g_ptr_array_index (campaigns, 0);
  assert_string_equal (c->id, "Zed");
  assert_string_equal (c->name, "Zed's");
  c = g_ptr_array_index (campaigns, 1);
  assert_string_equal (c->id, "a-b");
  assert_string_equal (c->name, "a-b");
  c = g_ptr_array_index (campaigns, 2);
  assert_string_equal (c->id, "q1");
  assert_string_equal (c->name, "New customers Q1");
  assert_true (c->first_seen > 1700000000);
  pd_store_campaign_free (NULL);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_rep_starts, setup, teardown),
    cmocka_unit_test_setup_teardown (test_list_campaigns, setup, teardown),
  };
  int failed;

  if (!store_tests_begin ("prospectd-test-store-campaigns-XXXXXX"))
    return 1;
  failed = store_tests_run ("test-store-campaigns", tests, G_N_ELEMENTS (tests), NULL, 0, NULL, 0);
  store_tests_end ();
  return failed;
}
