/* SPDX-License-Identifier: MIT
 *
 * Tests of the feed server's pure helpers: the [feeds] listen check, the
 * split of a request path into (campaign, rep), If-None-Match matching.
 * The server itself runs end to end in tests/cli/feeds-server.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "prospectd/server.h"

static void
test_check_listen (void **state)
{
  static const char *const good[] = { "127.0.0.1:8765", "[::1]:8765", "localhost:1", "0.0.0.0:65535", NULL };
  static const char *const bad[] = { "", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", ":8765",
                                     "127.0.0.1:http", "[::1", "a b:80", NULL };

  (void) state;
  for (guint i = 0; good[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      assert_true (pd_server_check_listen (good[i], &error));
      assert_null (error);
    }
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      if (pd_server_check_listen (bad[i], &error))
        fail_msg ("accepted listen '%s'", bad[i]);
      assert_true (g_error_matches (error, PD_SERVER_ERROR, PD_SERVER_ERROR_INVALID));
      assert_non_null (strstr (error->message, "[feeds] listen"));
    }
}

static void
test_split_path (void **state)
{
  static const struct { const char *path, *campaign, *rep; } good[] = {
    { "/feeds/example/alice.ics", "example", "alice" },
    { "/feeds/q1%202027/j%C3%A9r%C3%B4me.ics", "q1 2027", "jérôme" },
    { "/feeds/a/.ics.ics", "a", ".ics" },
  };
  static const char *const bad[] = {
    "/feeds/example/alice.ic", "/feeds/example/alice", "/feeds/alice.ics", "/feeds//alice.ics",
    "/feeds/example/.ics", "/feeds/../alice.ics", "/feeds/%2e%2e/alice.ics", "/feeds/example/..%2fbob.ics",
    "/feeds/example/a/b.ics", "/feeds/ex%2fample/alice.ics", "/feeds/example/al%00ice.ics",
    "/feeds/example/al%zzice.ics", "/feeds/./alice.ics", "/feed/example/alice.ics", "feeds/example/alice.ics",
    "/", "", NULL,
  };

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *campaign = NULL, *rep = NULL;
      assert_true (pd_server_split_path (good[i].path, &campaign, &rep));
      assert_string_equal (campaign, good[i].campaign);
      assert_string_equal (rep, good[i].rep);
    }
  for (guint i = 0; bad[i] != NULL; i++)
    {
      char *campaign = NULL, *rep = NULL;
      if (pd_server_split_path (bad[i], &campaign, &rep))
        fail_msg ("accepted path '%s'", bad[i]);
      assert_null (campaign);
      assert_null (rep);
    }
  assert_false (pd_server_split_path (NULL, NULL, NULL));
}

static void
test_etag_matches (void **state)
{
  (void) state;
  assert_true (pd_server_etag_matches ("\"abc\"", "\"abc\""));
  assert_true (pd_server_etag_matches ("W/\"abc\"", "\"abc\""));
  assert_true (pd_server_etag_matches ("\"x\", \"abc\"", "\"abc\""));
  assert_true (pd_server_etag_matches ("\"x\",W/\"abc\" ", "\"abc\""));
  assert_true (pd_server_etag_matches ("*", "\"abc\""));
  assert_false (pd_server_etag_matches ("\"abcd\"", "\"abc\""));
  assert_false (pd_server_etag_matches ("abc", "\"abc\""));
  assert_false (pd_server_etag_matches ("", "\"abc\""));
  assert_false (pd_server_etag_matches (NULL, "\"abc\""));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_check_listen),
    cmocka_unit_test (test_split_path),
    cmocka_unit_test (test_etag_matches),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
