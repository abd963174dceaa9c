/* SPDX-License-Identifier: MIT
 *
 * libFuzzer target: the feed server's request path, end to end. Each input
 * is what a client sends on one connection: written into one end of a
 * socket pair (then shut down, as a client that has said everything), the
 * other end handed to pd_server_accept() as if accepted from a client
 * address, and the main loop run until the server has let go of the
 * connection. So every byte goes through our own head checks, libsoup's
 * parser and our handler (target split, token, path split, the resolve
 * callback, serving a feed file). Any input must end with the connection
 * closed and nothing left behind: no crash, no leak, no undefined
 * behaviour (ASan, UBSan), no GLib critical, and any answer well formed.
 */
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "prospectd/server.h"
#include "prospectd/token.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(condition) do { if (!(condition)) abort (); } while (0)

/* The one feed served: /feeds/example/alice.ics?token=TOKEN. */
#define TOKEN "0123456789abcdef0123456789abcdef0123456789abcdef"

static PdServer *server;
static char *feed_path;

/* As the daemon does: the token first, then the names. */
static gboolean
resolve (const char *token, const char *campaign, const char *rep, char **ret_path, gpointer user_data)
{
  (void) user_data;
  CHECK (strlen (token) == PD_TOKEN_LENGTH);
  if (!pd_token_equal (TOKEN, token) || !g_str_equal (campaign, "example") || !g_str_equal (rep, "alice"))
    return FALSE;
  *ret_path = g_strdup (feed_path);
  return TRUE;
}

static GLogWriterOutput
quiet (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  (void) user_data;
  /* A critical or an error is a bug: let GLib abort on it. */
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    return g_log_writer_standard_streams (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static void
setup (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fuzz-http-XXXXXX", &error);
  GString *feed = g_string_new ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");

  CHECK (dir != NULL);
  for (int i = 0; i < 40; i++)
    g_string_append_printf (feed, "BEGIN:VEVENT\r\nUID:block-%d@prospectd\r\nSUMMARY:Calls\r\nEND:VEVENT\r\n", i);
  g_string_append (feed, "END:VCALENDAR\r\n");
  feed_path = g_build_filename (dir, "alice.ics", NULL);
  CHECK (g_file_set_contents (feed_path, feed->str, (gssize) feed->len, NULL));
  g_string_free (feed, TRUE);
  g_log_set_writer_func (quiet, NULL, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  server = pd_server_new (NULL, 4, resolve, NULL, &error);
  CHECK (server != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GSocketAddress) remote = NULL;
  GString *answer = g_string_new (NULL);
  int fds[2];
  size_t written = 0;
  guint turns = 0;

  if (server == NULL)
    setup ();
  /* The pair's buffers (over 200 KiB) hold any input libFuzzer gives
   * with -max_len=8192 whole: one write, no reader needed. */
  if (size > 65536)
    return 0;
  CHECK (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  while (written < size)
    {
      ssize_t n = write (fds[1], data + written, size - written);
      CHECK (n > 0 || errno == EINTR);
      if (n > 0)
        written += (size_t) n;
    }
  CHECK (shutdown (fds[1], SHUT_WR) == 0);

  socket = g_socket_new_from_fd (fds[0], NULL);
  CHECK (socket != NULL);
  connection = g_socket_connection_factory_create_connection (socket);
  remote = g_inet_socket_address_new_from_string ("192.0.2.7", 40000);
  pd_server_accept (server, connection, remote);
  g_clear_object (&connection);
  g_clear_object (&socket);

  /* Until the server lets go; reading its answer so that it never waits
   * on a full buffer. No input may keep it busy for long. */
  while (pd_server_get_open_connections (server) > 0)
    {
      char buffer[65536];
      ssize_t n;

      g_main_context_iteration (NULL, FALSE);
      while ((n = recv (fds[1], buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
        g_string_append_len (answer, buffer, n);
      CHECK (++turns < 1000000);
    }
  close (fds[1]);
  /* Whatever came back is one HTTP answer, or nothing. */
  CHECK (answer->len == 0 || g_str_has_prefix (answer->str, "HTTP/1."));
  g_string_free (answer, TRUE);
  return 0;
}
