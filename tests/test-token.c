/* SPDX-License-Identifier: MIT
 *
 * Tests of token: feed-URL secrets and their constant-time comparison.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "prospectd/token.h"

static void
test_token_new (void **state)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  (void) state;
  for (int i = 0; i < 1000; i++)
    {
      g_autoptr (GError) error = NULL;
      char *token = pd_token_new (&error);

      assert_null (error);
      assert_non_null (token);
      assert_int_equal (strlen (token), PD_TOKEN_LENGTH);
      assert_true (PD_TOKEN_LENGTH * 4 >= 128);
      for (const char *c = token; *c != '\0'; c++)
        assert_true (g_ascii_isdigit (*c) || (*c >= 'a' && *c <= 'f'));
      /* 192 random bits: a repeat in 1000 draws means a broken source. */
      assert_true (g_hash_table_add (seen, token));
    }
}

static void
test_token_equal (void **state)
{
  (void) state;
  assert_true (pd_token_equal ("abc123", "abc123"));
  assert_false (pd_token_equal ("abc123", "abc124"));
  assert_false (pd_token_equal ("abc123", "bbc123"));
  assert_false (pd_token_equal ("abc123", "abc12"));
  assert_false (pd_token_equal ("abc123", "abc1234"));
  assert_false (pd_token_equal ("abc123", ""));
  assert_false (pd_token_equal ("", "x"));
  assert_true (pd_token_equal ("", ""));
  assert_false (pd_token_equal ("abc123", NULL));
  assert_false (pd_token_equal (NULL, "abc123"));
  assert_false (pd_token_equal (NULL, NULL));
  /* A NUL-padded prefix is not a match. */
  assert_false (pd_token_equal ("ab", "a"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_token_new),
    cmocka_unit_test (test_token_equal),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
