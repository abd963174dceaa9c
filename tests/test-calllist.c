/* SPDX-License-Identifier: MIT
 *
 * Tests of calllist: the exact call order on chosen days (follow-ups due,
 * oldest first, then retries with the fewest attempts, never at
 * max_attempts, then new prospects by priority and import order), the
 * day's list cut into its blocks, the shortfall when the file runs out,
 * the projection of the days after today (each listed prospect attempted
 * once more, reached after the projected attempts), prospects called
 * today, the horizon, and on a larger pool that no day names a prospect
 * twice. Blocks and prospects are written by hand; every expected list is
 * worked out in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "prospectd/calllist.h"
#include "locale-fixture.h"

static GDate
date_of (int year, int month, int day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return date;
}

static PdBlock
block_on (GDate date, guint index, gint64 contacts)
{
  PdBlock block = { 0 };

  block.date = date;
  block.index = index;
  block.start_minute = 9 * 60;
  block.end_minute = 9 * 60 + (guint) contacts * 2;
  block.contacts = contacts;
  return block;
}

static PdCallCandidate
candidate (PdCandidateKind kind, guint attempts, gint64 import_order, guint priority)
{
  PdCallCandidate c = { 0 };

  c.kind = kind;
  c.attempts = attempts;
  c.import_order = import_order;
  c.priority = priority;
  g_date_clear (&c.follow_up, 1);
  g_date_clear (&c.last_call, 1);
  return c;
}

/* The block's list as "F6 F5 R3 R2" (reason letter, candidate index). */
static char *
list_text (const PdCallLists *lists, guint block)
{
  const PdCallBlock *list = &g_array_index (lists->blocks, PdCallBlock, block);
  GString *text = g_string_new (NULL);

  if (!list->has_list)
    return g_string_free (text, FALSE);
  for (guint i = list->first; i < list->first + list->listed; i++)
    {
      const PdListedCall *call = &g_array_index (lists->calls, PdListedCall, i);

      g_string_append_printf (text, "%s%c%u", text->len > 0 ? " " : "",
                              call->reason == PD_CALL_FOLLOW_UP ? 'F'
                              : call->reason == PD_CALL_RETRY ? 'R' : 'N',
                              call->candidate);
    }
  return g_string_free (text, FALSE);
}

static void
assert_list (const PdCallLists *lists, guint block, gboolean has_list, guint listed,
             gint64 contacts, const char *expected)
{
  const PdCallBlock *list = &g_array_index (lists->blocks, PdCallBlock, block);
  g_autofree char *text = list_text (lists, block);

  assert_int_equal (list->has_list, has_list);
  assert_int_equal (list->listed, listed);
  assert_int_equal (list->contacts, contacts);
  assert_string_equal (text, expected);
}

/* Eleven prospects of every kind; today 2027-01-04, two blocks of 4, then
 * 2027-01-05 (5), 2027-01-06 (4), 2027-01-07 beyond a 3-day horizon, and a
 * block of 2027-01-01 before today. max_attempts 3, projected attempts 2. */
static void
test_call_order (void **state)
{
  PdCallCandidate prospects[11];
  PdBlock blocks[6];
  PdCallRules rules = { 0 };
  g_autoptr (PdCallLists) lists = NULL;

  (void) state;
  prospects[0] = candidate (PD_CANDIDATE_NEW, 0, 1, 1);
  prospects[1] = candidate (PD_CANDIDATE_NEW, 0, 5, 0);
  prospects[2] = candidate (PD_CANDIDATE_ATTEMPTED, 2, 2, 0);
  prospects[2].last_call = date_of (2026, 12, 30);
  prospects[3] = candidate (PD_CANDIDATE_ATTEMPTED, 1, 3, 0);
  prospects[3].last_call = date_of (2026, 12, 31);
  prospects[4] = candidate (PD_CANDIDATE_ATTEMPTED, 3, 4, 0); /* at max_attempts: never */
  prospects[5] = candidate (PD_CANDIDATE_LATENT, 1, 6, 0);
  prospects[5].follow_up = date_of (2027, 1, 4);
  prospects[6] = candidate (PD_CANDIDATE_LATENT, 2, 7, 0);
  prospects[6].follow_up = date_of (2027, 1, 2);
  prospects[7] = candidate (PD_CANDIDATE_LATENT, 1, 8, 0);
  prospects[7].follow_up = date_of (2027, 1, 5);
  prospects[8] = candidate (PD_CANDIDATE_OTHER, 1, 10, 0); /* arid, active...: never */
  prospects[9] = candidate (PD_CANDIDATE_NEW, 0, 0, G_MAXUINT);
  prospects[10] = candidate (PD_CANDIDATE_NEW, 0, 9, 0);

  blocks[0] = block_on (date_of (2027, 1, 1), 1, 3);
  blocks[1] = block_on (date_of (2027, 1, 4), 1, 4);
  blocks[2] = block_on (date_of (2027, 1, 4), 2, 4);
  blocks[3] = block_on (date_of (2027, 1, 5), 1, 5);
  blocks[4] = block_on (date_of (2027, 1, 6), 1, 4);
  blocks[5] = block_on (date_of (2027, 1, 7), 1, 2);

  rules.today = date_of (2027, 1, 4);
  rules.horizon_days = 3;
  rules.max_attempts = 3;
  rules.projected_attempts = 2;
  lists = pd_call_lists_build (prospects, G_N_ELEMENTS (prospects), blocks, G_N_ELEMENTS (blocks), &rules);

  assert_int_equal (lists->blocks->len, 6);
  /* Before today: no list. */
  assert_list (lists, 0, FALSE, 0, 3, "");
  /* Today: follow-ups due (01-02 then 01-04; 01-05 not yet), retries with
   * 1 then 2 attempts (not 4, at max_attempts), new by priority (0: import
   * 5, 9; 1: import 1; unranked last). Cut 4 + 4. */
  assert_list (lists, 1, TRUE, 4, 4, "F6 F5 R3 R2");
  assert_list (lists, 2, TRUE, 4, 4, "N1 N10 N0 N9");
  /* 01-05, projected: 3 and 2 reached their 2 projected attempts; the new
   * ones come back as retries (1 attempt) in the order they were listed,
   * after the follow-up now due. */
  assert_list (lists, 3, TRUE, 5, 5, "F7 R1 R10 R0 R9");
  /* 01-06: everyone is assumed reached: the file ran out. */
  assert_list (lists, 4, TRUE, 0, 4, "");
  /* Beyond the horizon: no list. */
  assert_list (lists, 5, FALSE, 0, 2, "");
}

/* Prospects called today are not listed today: a retry (A) and a latent
 * follow-up (D) called on 2027-01-04 come back on 01-05, first. max 13,
 * projected 3. */
static void
test_called_today (void **state)
{
  PdCallCandidate prospects[4];
  PdBlock blocks[3];
  PdCallRules rules = { 0 };
  g_autoptr (PdCallLists) lists = NULL;

  (void) state;
  prospects[0] = candidate (PD_CANDIDATE_ATTEMPTED, 1, 1, 0); /* A */
  prospects[0].last_call = date_of (2027, 1, 4);
  prospects[1] = candidate (PD_CANDIDATE_ATTEMPTED, 1, 2, 0); /* B */
  prospects[1].last_call = date_of (2027, 1, 1);
  prospects[2] = candidate (PD_CANDIDATE_NEW, 0, 3, 0);       /* C */
  prospects[3] = candidate (PD_CANDIDATE_LATENT, 1, 4, 0);    /* D */
  prospects[3].follow_up = date_of (2027, 1, 4);
  prospects[3].last_call = date_of (2027, 1, 4);
  blocks[0] = block_on (date_of (2027, 1, 4), 1, 1);
  blocks[1] = block_on (date_of (2027, 1, 5), 1, 2);
  blocks[2] = block_on (date_of (2027, 1, 6), 1, 3);
  rules.today = date_of (2027, 1, 4);
  rules.horizon_days = PD_CALL_HORIZON_DAYS;
  rules.max_attempts = 13;
  rules.projected_attempts = 3;
  lists = pd_call_lists_build (prospects, 4, blocks, 3, &rules);

  /* 01-04: D and A were called today; B is the one retry left. */
  assert_list (lists, 0, TRUE, 1, 1, "R1");
  /* 01-05: D's follow-up; A (1 attempt) before B (2 after 01-04). */
  assert_list (lists, 1, TRUE, 2, 2, "F3 R0");
  /* 01-06: B then A (2 attempts each, B called first), then C; B and A
   * reach their 3 projected attempts. */
  assert_list (lists, 2, TRUE, 3, 3, "R1 R0 N2");
}

/* Never beyond max_attempts: a prospect with 12 of 13 attempts is listed
 * once (the 13th), never again even when the projection keeps it. */
static void
test_max_attempts (void **state)
{
  PdCallCandidate prospects[2];
  PdBlock blocks[3];
  PdCallRules rules = { 0 };
  g_autoptr (PdCallLists) lists = NULL;

  (void) state;
  prospects[0] = candidate (PD_CANDIDATE_ATTEMPTED, 12, 1, 0);
  prospects[1] = candidate (PD_CANDIDATE_ATTEMPTED, 13, 2, 0);
  for (guint i = 0; i < 3; i++)
    blocks[i] = block_on (date_of (2027, 1, 4 + (int) i), 1, 2);
  rules.today = date_of (2027, 1, 4);
  rules.horizon_days = 7;
  rules.max_attempts = 13;
  rules.projected_attempts = 13;
  lists = pd_call_lists_build (prospects, 2, blocks, 3, &rules);
  assert_list (lists, 0, TRUE, 1, 2, "R0");
  assert_list (lists, 1, TRUE, 0, 2, "");
  assert_list (lists, 2, TRUE, 0, 2, "");
}

static void
test_projected_attempts (void **state)
{
  (void) state;
  assert_int_equal (pd_call_projected_attempts (4000000, 13), 4);
  assert_int_equal (pd_call_projected_attempts (3200000, 13), 4);
  assert_int_equal (pd_call_projected_attempts (20000000, 13), 13);
  assert_int_equal (pd_call_projected_attempts (0, 13), 1);
  assert_int_equal (pd_call_projected_attempts (4000000, 0), 1);
  assert_string_equal (pd_call_reason_key (PD_CALL_FOLLOW_UP), "follow-up");
  assert_string_equal (pd_call_reason_key (PD_CALL_RETRY), "retry");
  assert_string_equal (pd_call_reason_key (PD_CALL_NEW), "new");
}

/* 200 prospects of mixed kinds over 10 days of 3 blocks: no day names a
 * prospect twice, each day's reasons come in order, no block lists more
 * than its contacts, and a block is short only when the day is short in
 * its last blocks. */
static void
test_pool_invariants (void **state)
{
  PdCallCandidate prospects[200];
  PdBlock blocks[30];
  PdCallRules rules = { 0 };
  g_autoptr (PdCallLists) lists = NULL;
  guint32 seed = 12345;

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (prospects); i++)
    {
      seed = seed * 1103515245u + 12345u;
      switch ((seed >> 16) % 4)
        {
        case 0:
          prospects[i] = candidate (PD_CANDIDATE_NEW, 0, (gint64) i, (seed >> 8) % 3);
          break;
        case 1:
          prospects[i] = candidate (PD_CANDIDATE_ATTEMPTED, (seed >> 4) % 6, (gint64) i, 0);
          prospects[i].last_call = date_of (2027, 1, 1 + (int) ((seed >> 10) % 4));
          break;
        case 2:
          prospects[i] = candidate (PD_CANDIDATE_LATENT, 1, (gint64) i, 0);
          prospects[i].follow_up = date_of (2027, 1, 1 + (int) ((seed >> 12) % 14));
          break;
        default:
          prospects[i] = candidate (PD_CANDIDATE_OTHER, 1, (gint64) i, 0);
          break;
        }
    }
  for (guint d = 0; d < 10; d++)
    for (guint k = 0; k < 3; k++)
      blocks[d * 3 + k] = block_on (date_of (2027, 1, 4 + (int) d), k + 1, 4 + k);
  rules.today = date_of (2027, 1, 4);
  rules.horizon_days = 10;
  rules.max_attempts = 5;
  rules.projected_attempts = 3;
  lists = pd_call_lists_build (prospects, 200, blocks, 30, &rules);

  for (guint d = 0; d < 10; d++)
    {
      g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
      PdCallReason last = PD_CALL_FOLLOW_UP;
      gboolean short_seen = FALSE;

      for (guint k = 0; k < 3; k++)
        {
          const PdCallBlock *list = &g_array_index (lists->blocks, PdCallBlock, d * 3 + k);

          assert_true (list->has_list);
          assert_true ((gint64) list->listed <= list->contacts);
          if (short_seen)
            assert_int_equal (list->listed, 0);
          short_seen = (gint64) list->listed < list->contacts;
          for (guint i = list->first; i < list->first + list->listed; i++)
            {
              const PdListedCall *call = &g_array_index (lists->calls, PdListedCall, i);

              assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (call->candidate + 1)));
              g_hash_table_add (seen, GUINT_TO_POINTER (call->candidate + 1));
              assert_true (call->reason >= last);
              last = call->reason;
              assert_true (prospects[call->candidate].kind != PD_CANDIDATE_OTHER);
              if (prospects[call->candidate].kind == PD_CANDIDATE_ATTEMPTED)
                assert_true (prospects[call->candidate].attempts < 5);
            }
        }
    }
  /* The first day is full: 15 calls of at least 50 candidates. */
  assert_int_equal (g_array_index (lists->blocks, PdCallBlock, 2).listed, 6);
}

/* The words of a list, in English and in French ([campaign] language). */
/* The feeds' lists held compactly: the blocks with a list only, found
 * by number (in order through a cursor, or out of order), each
 * prospect's text stored once for all its lines, "" read back as none. */
static void
test_feed_calls (void **state)
{
  g_autoptr (PdFeedCalls) calls = pd_feed_calls_new (100);
  guint acme, bolt, cursor = 0;
  PdCallLine line;
  const PdCallBlock *list;

  (void) state;
  assert_int_equal (pd_feed_calls_n_blocks (calls), 100);
  assert_int_equal (pd_feed_calls_n_lines (calls), 0);
  assert_null (pd_feed_calls_block (calls, 0));

  acme = pd_feed_calls_add_text (calls, "Acme", "Jeanne Dupont", "+33123456789");
  bolt = pd_feed_calls_add_text (calls, "Bolt", "", NULL);
  pd_feed_calls_add_block (calls, 7, 3);
  pd_feed_calls_add_line (calls, acme, PD_CALL_FOLLOW_UP);
  pd_feed_calls_add_line (calls, bolt, PD_CALL_NEW);
  pd_feed_calls_add_block (calls, 8, 2); /* a list without a line */
  pd_feed_calls_add_block (calls, 42, 1);
  pd_feed_calls_add_line (calls, acme, PD_CALL_RETRY);
  assert_int_equal (pd_feed_calls_n_lines (calls), 3);

  list = pd_feed_calls_block (calls, 7);
  assert_non_null (list);
  assert_true (list->has_list);
  assert_int_equal (list->first, 0);
  assert_int_equal (list->listed, 2);
  assert_int_equal (list->contacts, 3);
  list = pd_feed_calls_block (calls, 8);
  assert_int_equal (list->first, 2);
  assert_int_equal (list->listed, 0);
  assert_int_equal (list->contacts, 2);
  list = pd_feed_calls_block (calls, 42);
  assert_int_equal (list->first, 2);
  assert_int_equal (list->listed, 1);
  assert_null (pd_feed_calls_block (calls, 6));
  assert_null (pd_feed_calls_block (calls, 9));
  assert_null (pd_feed_calls_block (calls, 99));

  /* A feed's walk: every block in order, then one asked again. */
  for (guint b = 0; b < 100; b++)
    {
      const PdCallBlock *found = pd_feed_calls_block_from (calls, b, &cursor);

      assert_int_equal (found != NULL, b == 7 || b == 8 || b == 42);
      if (found != NULL)
        assert_ptr_equal (found, pd_feed_calls_block (calls, b));
    }
  assert_int_equal (pd_feed_calls_block_from (calls, 7, &cursor)->listed, 2);
  assert_int_equal (pd_feed_calls_block_from (calls, 42, &cursor)->listed, 1);

  line = pd_feed_calls_line (calls, 0);
  assert_string_equal (line.company, "Acme");
  assert_string_equal (line.contact, "Jeanne Dupont");
  assert_string_equal (line.phone, "+33123456789");
  assert_int_equal (line.reason, PD_CALL_FOLLOW_UP);
  line = pd_feed_calls_line (calls, 1);
  assert_string_equal (line.company, "Bolt");
  assert_null (line.contact);
  assert_null (line.phone);
  assert_int_equal (line.reason, PD_CALL_NEW);
  line = pd_feed_calls_line (calls, 2);
  assert_ptr_equal (line.company, pd_feed_calls_line (calls, 0).company); /* stored once */
  assert_int_equal (line.reason, PD_CALL_RETRY);
}

static void
test_wording (void **state)
{
  PdCallBlock short_list = { TRUE, 0, 8, 12 };
  PdCallBlock one = { TRUE, 0, 0, 1 };
  PdCallBlock full = { TRUE, 0, 12, 12 };
  g_autofree char *english_short = pd_call_block_heading (&short_list);
  g_autofree char *english_one = pd_call_block_heading (&one);
  g_autofree char *english_full = pd_call_block_heading (&full);
  PdLanguageScope french;

  (void) state;
  assert_string_equal (english_short, "12 calls: 8 listed, 4 without a prospect — import more");
  assert_string_equal (english_one, "1 call: 0 listed, 1 without a prospect — import more");
  assert_string_equal (english_full, "Whom to call:");
  assert_string_equal (pd_call_reason_text (PD_CALL_FOLLOW_UP), "follow-up");
  assert_string_equal (pd_call_reason_text (PD_CALL_RETRY), "retry");
  assert_string_equal (pd_call_reason_text (PD_CALL_NEW), "new prospect");

  french = locale_fixture_french ();
  {
    g_autofree char *french_short = pd_call_block_heading (&short_list);
    g_autofree char *french_one = pd_call_block_heading (&one);
    g_autofree char *french_full = pd_call_block_heading (&full);

    assert_string_equal (french_short, "12 appels : 8 listés, 4 sans prospect — importez-en d'autres");
    assert_string_equal (french_one, "1 appel : 0 listé, 1 sans prospect — importez-en d'autres");
    assert_string_equal (french_full, "À appeler :");
    assert_string_equal (pd_call_reason_text (PD_CALL_FOLLOW_UP), "relance");
    assert_string_equal (pd_call_reason_text (PD_CALL_RETRY), "nouvel essai");
    assert_string_equal (pd_call_reason_text (PD_CALL_NEW), "nouveau prospect");
  }
  pd_language_leave (&french);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_call_order),
    cmocka_unit_test (test_called_today),
    cmocka_unit_test (test_max_attempts),
    cmocka_unit_test (test_projected_attempts),
    cmocka_unit_test (test_pool_invariants),
    cmocka_unit_test (test_feed_calls),
    cmocka_unit_test (test_wording),
  };

  locale_fixture_init ();

  return cmocka_run_group_tests (tests, NULL, NULL);
}
