/* SPDX-License-Identifier: MIT
 *
 * Tests of the feed server's pure helpers: the [feeds] listen check, the
 * split of a request target into path and query, the token of a query,
 * the path as logged, the split of a request path into (campaign, rep),
 * If-None-Match matching; and the server's connection limits, on socket
 * pairs handed to it as if accepted. The server itself runs end to end in
 * tests/cli/feeds-server.sh and tests/cli/feeds-attack.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gio/gio.h>

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
test_split_target (void **state)
{
  static const struct { const char *path, *query, *want_path, *want_query; } cases[] = {
    { "/feeds/a/b.ics", "token=x", "/feeds/a/b.ics", "token=x" },
    { "/feeds/a/b.ics", NULL, "/feeds/a/b.ics", NULL },
    /* HTTP/1.0 without Host: libsoup leaves the query in the path */
    { "/feeds/a/b.ics?token=x", NULL, "/feeds/a/b.ics", "token=x" },
    { "/feeds/a/b.ics?token=x#frag", NULL, "/feeds/a/b.ics", "token=x" },
    { "/feeds/a/b.ics#x?token=y", NULL, "/feeds/a/b.ics", NULL },
    { "/x?", NULL, "/x", "" },
    { "", NULL, "", NULL },
  };

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = NULL, *query = NULL;

      pd_server_split_target (cases[i].path, cases[i].query, &path, &query);
      assert_string_equal (path, cases[i].want_path);
      if (cases[i].want_query == NULL)
        assert_null (query);
      else
        assert_string_equal (query, cases[i].want_query);
    }
  {
    char *path = (char *) "unset", *query = (char *) "unset";

    pd_server_split_target (NULL, "token=x", &path, &query);
    assert_null (path);
    assert_null (query);
  }
}

#define TOKEN "0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_query_token (void **state)
{
  static const char *const good[] = {
    "token=" TOKEN, "a=1&token=" TOKEN "&b=2", "tok%65n=" TOKEN, "token=%30123456789abcdef0123456789abcdef0123456789abcdef",
    "token=" TOKEN "&other=%00",
  };
  static const char *const bad[] = {
    "", "token=", "token", "x=" TOKEN,
    "token=" TOKEN "%00",            /* a NUL after the token */
    "token=" TOKEN "%00junk",
    "token=%00" TOKEN,
    "token=" TOKEN "&token=" TOKEN, /* twice: which one? */
    "token=" TOKEN "&token=",
    "token=" TOKEN "0",              /* too long */
    "token=0123456789abcdef0123456789abcdef0123456789abcde", /* too short */
    "token=0123456789ABCDEF0123456789abcdef0123456789abcdef", /* not as issued */
    "token=" TOKEN "%zz", "token=+" TOKEN, "token= " TOKEN, "token=" TOKEN "#x",
  };

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *token = pd_server_query_token (good[i]);

      if (token == NULL)
        fail_msg ("refused query '%s'", good[i]);
      assert_string_equal (token, TOKEN);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *token = pd_server_query_token (bad[i]);

      if (token != NULL)
        fail_msg ("accepted query '%s'", bad[i]);
    }
  assert_null (pd_server_query_token (NULL));
}

static void
test_log_path (void **state)
{
  static const struct { const char *path, *shown; } cases[] = {
    { "/feeds/example/alice.ics", "/feeds/example/alice.ics" },
    { "/feeds/q1%202027/j%C3%A9r%C3%B4me.ics", "/feeds/q1%202027/j%C3%A9r%C3%B4me.ics" },
    { "/feeds/example/alice.ics?token=" TOKEN, "/feeds/example/alice.ics… (79 bytes)" },
    { "/feeds/example/alice.ics%3Ftoken=" TOKEN, "/feeds/example/alice.ics… (81 bytes)" },
    { "/feeds/example/alice.ics%3ftoken%3D" TOKEN, "/feeds/example/alice.ics… (83 bytes)" },
    { "/feeds/example/alice.ics%23" TOKEN, "/feeds/example/alice.ics… (75 bytes)" },
    { "/feeds/example/alice.ics;token=" TOKEN, "/feeds/example/alice.ics… (79 bytes)" },
    { "/a\nb", "/a… (4 bytes)" },
    { "/a\033[31m", "/a… (7 bytes)" },
    { "", "" },
  };
  g_autofree char *long_path = g_strnfill (300, 'a');
  g_autofree char *shown_long = NULL, *want_long = NULL;

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = pd_server_log_path (cases[i].path);
      assert_string_equal (shown, cases[i].shown);
    }
  {
    g_autofree char *shown = pd_server_log_path (NULL);
    assert_string_equal (shown, "-");
  }
  shown_long = pd_server_log_path (long_path);
  want_long = g_strdup_printf ("%.200s… (300 bytes)", long_path);
  assert_string_equal (shown_long, want_long);
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

static gboolean
resolve_nothing (const char *token, const char *campaign, const char *rep, char **ret_path, gpointer user_data)
{
  (void) token;
  (void) campaign;
  (void) rep;
  (void) ret_path;
  (void) user_data;
  return FALSE;
}

/* One end of a new socket pair handed to the server as a connection from
 * `address`; the other end's descriptor in *ret_peer. */
static gboolean
accept_from (PdServer *server, const char *address, int *ret_peer)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GSocketAddress) remote = g_inet_socket_address_new_from_string (address, 40000);
  int fds[2];

  assert_int_equal (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  socket = g_socket_new_from_fd (fds[0], NULL);
  assert_non_null (socket);
  connection = g_socket_connection_factory_create_connection (socket);
  *ret_peer = fds[1];
  return pd_server_accept (server, connection, remote);
}

/* Whether the server closed its end of the pair (EOF) or keeps it open. */
static gboolean
peer_closed (int peer)
{
  char byte;

  return recv (peer, &byte, 1, MSG_DONTWAIT) == 0;
}

static void
test_connection_limits (void **state)
{
  g_autoptr (GError) error = NULL;
  /* max_connections 5: 2 per client address, 20 waiting. */
  g_autoptr (PdServer) server = pd_server_new (NULL, 5, resolve_nothing, NULL, &error);
  int peers[24];
  guint n = 0;

  (void) state;
  assert_non_null (server);
  assert_int_equal (PD_SERVER_MAX_PER_CLIENT (5), 2);
  assert_int_equal (PD_SERVER_MAX_WAITING (5), 20);
  assert_int_equal (PD_SERVER_MAX_PER_CLIENT (32), 8);
  assert_int_equal (PD_SERVER_MAX_WAITING (32), 128);
  assert_int_equal (PD_SERVER_MAX_PER_CLIENT (1), 1);
  assert_int_equal (PD_SERVER_MAX_WAITING (1024), 512);
  /* The oldest comes from 192.0.2.1, then 19 more from ten others; none
   * sends anything. */
  assert_true (accept_from (server, "192.0.2.1", &peers[n++]));
  for (guint i = 0; i < 19; i++)
    {
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", 10 + i / 2);
      assert_true (accept_from (server, address, &peers[n++]));
    }
  assert_int_equal (pd_server_get_open_connections (server), 20);
  /* A third from one address: closed at once. */
  assert_false (accept_from (server, "192.0.2.10", &peers[n++]));
  assert_true (peer_closed (peers[n - 1]));
  assert_int_equal (pd_server_get_open_connections (server), 20);
  /* Every waiting place taken: a new one from the oldest's own address
   * takes the oldest's place (its client entry goes with it). */
  assert_true (accept_from (server, "192.0.2.1", &peers[n++]));
  assert_true (peer_closed (peers[0]));
  assert_false (peer_closed (peers[1]));
  assert_int_equal (pd_server_get_open_connections (server), 20);
  /* And that address may open a second one still: counted once. */
  assert_true (accept_from (server, "192.0.2.1", &peers[n++]));
  assert_true (peer_closed (peers[1]));
  assert_false (accept_from (server, "192.0.2.1", &peers[n++]));
  assert_int_equal (pd_server_get_open_connections (server), 20);
  g_clear_pointer (&server, pd_server_free);
  /* Freed: every connection closed. */
  for (guint i = 0; i < n; i++)
    {
      assert_true (peer_closed (peers[i]));
      close (peers[i]);
    }
}

/* With every waiting place taken, the place a newcomer takes comes from
 * the network (IPv4 /24, IPv6 /64) holding the most connections still
 * reading their heads, the newcomer counted with its own: there, one
 * that has sent nothing first, then the oldest. */
static void
test_waiting_places_shared (void **state)
{
  g_autoptr (GError) error = NULL;
  /* max_connections 5: 2 per client address, 20 waiting. */
  g_autoptr (PdServer) server = pd_server_new (NULL, 5, resolve_nothing, NULL, &error);
  int peers[40];
  guint n = 0;

  (void) state;
  assert_non_null (server);
  /* The oldest, from 192.0.2.1; then 19 from 198.51.100.1 to .10, none
   * sending anything but peers[3], whose request head is in its socket
   * (the server's loop has not run: it has not seen it yet). */
  assert_true (accept_from (server, "192.0.2.1", &peers[n++]));
  for (guint i = 0; i < 19; i++)
    {
      g_autofree char *address = g_strdup_printf ("198.51.100.%u", 1 + i / 2);
      assert_true (accept_from (server, address, &peers[n++]));
    }
  assert_int_equal (send (peers[3], "GET / HTTP/1.1\r\n", 16, 0), 16);
  assert_int_equal (pd_server_get_open_connections (server), 20);
  /* A newcomer from 198.51.100.0/24 (19 + 1 against 1): that network's
   * oldest goes, not 192.0.2.1's older one. */
  assert_true (accept_from (server, "198.51.100.50", &peers[n++]));
  assert_true (peer_closed (peers[1]));
  assert_false (peer_closed (peers[0]));
  /* One from 192.0.2.0/24 (1 + 1 against 19): still 198.51.100.0/24's
   * oldest silent one (peers[2]), and then peers[4], not peers[3] which
   * has sent its request. */
  assert_true (accept_from (server, "192.0.2.2", &peers[n++]));
  assert_true (peer_closed (peers[2]));
  assert_true (accept_from (server, "::ffff:192.0.2.3", &peers[n++]));
  assert_true (peer_closed (peers[4]));
  assert_false (peer_closed (peers[3]));
  assert_false (peer_closed (peers[0]));
  assert_int_equal (pd_server_get_open_connections (server), 20);
  /* 192.0.2.0/24 holds 3, 198.51.100.0/24 17: seven more from
   * 192.0.2.0/24 take 198.51.100.0/24's places, its silent ones oldest
   * first (peers[5] to peers[11]), until both hold 10. */
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", 10 + i);
      assert_true (accept_from (server, address, &peers[n++]));
    }
  for (guint i = 5; i <= 11; i++)
    assert_true (peer_closed (peers[i]));
  assert_false (peer_closed (peers[12]));
  assert_false (peer_closed (peers[0]));
  /* The next from 192.0.2.0/24 (10 + 1 against 10) gives up one of its
   * own network's places: its oldest, peers[0], the oldest of all. */
  assert_true (accept_from (server, "192.0.2.20", &peers[n++]));
  assert_true (peer_closed (peers[0]));
  assert_false (peer_closed (peers[12]));
  /* One from a third network (1 against 10 and 10): the oldest silent
   * one of both, peers[12] (198.51.100.6); then (2 against 10 and 9)
   * 192.0.2.0/24's oldest, peers[21] (192.0.2.2). */
  assert_true (accept_from (server, "203.0.113.1", &peers[n++]));
  assert_true (peer_closed (peers[12]));
  assert_false (peer_closed (peers[21]));
  assert_true (accept_from (server, "203.0.113.2", &peers[n++]));
  assert_true (peer_closed (peers[21]));
  assert_false (peer_closed (peers[13]));
  assert_false (peer_closed (peers[3]));
  assert_int_equal (pd_server_get_open_connections (server), 20);
  g_clear_pointer (&server, pd_server_free);
  for (guint i = 0; i < n; i++)
    {
      char byte;

      /* peers[3]'s bytes were never read: its end was closed with them
       * unread, which resets the connection. */
      if (i == 3)
        assert_true (recv (peers[i], &byte, 1, MSG_DONTWAIT) < 0 && errno == ECONNRESET);
      else
        assert_true (peer_closed (peers[i]));
      close (peers[i]);
    }

  /* IPv6: a /64 is one network. max_connections 1: 1 per address, 4
   * waiting. */
  server = pd_server_new (NULL, 1, resolve_nothing, NULL, &error);
  assert_non_null (server);
  n = 0;
  assert_true (accept_from (server, "2001:db8:0:1::1", &peers[n++]));
  assert_true (accept_from (server, "2001:db8::1", &peers[n++]));
  assert_true (accept_from (server, "2001:db8::2", &peers[n++]));
  assert_true (accept_from (server, "2001:db8::ffff:3", &peers[n++]));
  /* 2001:db8::/64 holds 3 + 1: its oldest goes. */
  assert_true (accept_from (server, "2001:db8::4", &peers[n++]));
  assert_true (peer_closed (peers[1]));
  assert_false (peer_closed (peers[0]));
  /* 2001:db8:0:1::/64 holds 1 + 1 against 3: 2001:db8::/64's oldest. */
  assert_true (accept_from (server, "2001:db8:0:1::2", &peers[n++]));
  assert_true (peer_closed (peers[2]));
  assert_false (peer_closed (peers[0]));
  /* 2 + 1 against 2: the newcomer's own network's oldest. */
  assert_true (accept_from (server, "2001:db8:0:1::3", &peers[n++]));
  assert_true (peer_closed (peers[0]));
  assert_false (peer_closed (peers[3]));
  assert_false (peer_closed (peers[4]));
  assert_false (peer_closed (peers[5]));
  assert_int_equal (pd_server_get_open_connections (server), 4);
  g_clear_pointer (&server, pd_server_free);
  for (guint i = 0; i < n; i++)
    {
      assert_true (peer_closed (peers[i]));
      close (peers[i]);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_check_listen),
    cmocka_unit_test (test_split_path),
    cmocka_unit_test (test_split_target),
    cmocka_unit_test (test_query_token),
    cmocka_unit_test (test_log_path),
    cmocka_unit_test (test_etag_matches),
    cmocka_unit_test (test_connection_limits),
    cmocka_unit_test (test_waiting_places_shared),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
