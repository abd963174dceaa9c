/* SPDX-License-Identifier: MIT
 *
 * Tests of serve: the feed server on its own thread answers while the
 * caller's thread is busy (it never iterates its main loop here), looks
 * tokens up in its own store connection, takes new feeds and a new
 * connection when handed over, and answers a conditional request for an
 * unchanged file without reading the file.
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <unistd.h>

#include "dir-fixture.h"
#include "prospectd/serve.h"

static const char feed_text[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";

/* A free port on the loopback address. */
static guint
free_port (void)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  assert_true (fd >= 0);
  assert_int_equal (bind (fd, (struct sockaddr *) &address, sizeof address), 0);
  assert_int_equal (getsockname (fd, (struct sockaddr *) &address, &length), 0);
  close (fd);
  return ntohs (address.sin_port);
}

typedef struct {
  guint port;
  char *request;  /* the whole request, owned */
  GMutex lock;
  GCond done_cond;
  gboolean done;
  GString *answer; /* the whole answer, as read until the server closed */
} Exchange;

static gpointer
client_thread (gpointer data)
{
  Exchange *x = data;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  GString *answer = g_string_new (NULL);

  g_socket_client_set_timeout (client, 10);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) x->port, NULL, NULL);
  if (connection != NULL)
    {
      GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
      char buffer[4096];
      gssize got;

      g_output_stream_write_all (out, x->request, strlen (x->request), NULL, NULL, NULL);
      while ((got = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
        g_string_append_len (answer, buffer, got);
    }
  g_mutex_lock (&x->lock);
  x->answer = answer;
  x->done = TRUE;
  g_cond_signal (&x->done_cond);
  g_mutex_unlock (&x->lock);
  return NULL;
}

/* Sends `request` from another thread and waits for the whole answer
 * without ever iterating a main context here: only a server running on
 * a thread of its own can answer. NULL when no answer came within 10 s. */
static char *
exchange (guint port, const char *request)
{
  Exchange x = { .port = port, .request = g_strdup (request) };
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  GThread *thread;
  char *answer = NULL;
  gboolean done;

  g_mutex_init (&x.lock);
  g_cond_init (&x.done_cond);
  thread = g_thread_new ("client", client_thread, &x);
  g_mutex_lock (&x.lock);
  while (!x.done)
    if (!g_cond_wait_until (&x.done_cond, &x.lock, deadline))
      break;
  done = x.done;
  g_mutex_unlock (&x.lock);
  if (!done)
    fail_msg ("no answer within 10 s to: %s", request);
  g_thread_join (thread);
  answer = g_string_free (x.answer, FALSE);
  g_free (x.request);
  g_mutex_clear (&x.lock);
  g_cond_clear (&x.done_cond);
  return answer;
}

static char *
get_request (const char *target, const char *if_none_match)
{
  return g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%s\r\n", target,
                          if_none_match != NULL ? "If-None-Match: " : "",
                          if_none_match != NULL ? if_none_match : "", if_none_match != NULL ? "\r\n" : "");
}

/* The status line of an answer. */
static char *
status_line (const char *answer)
{
  return g_strndup (answer, strcspn (answer, "\r\n"));
}

/* The value of header `name` in an answer (newly allocated), or NULL. */
static char *
header (const char *answer, const char *name)
{
  g_autofree char *needle = g_strdup_printf ("\r\n%s: ", name);
  const char *at = strstr (answer, needle);

  if (at == NULL)
    return NULL;
  at += strlen (needle);
  return g_strndup (at, strcspn (at, "\r\n"));
}

static const char *
body (const char *answer)
{
  const char *at = strstr (answer, "\r\n\r\n");

  return at != NULL ? at + 4 : "";
}

static char *
etag_of (const char *text)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  return g_strdup_printf ("\"%.32s\"", hash);
}

typedef struct {
  char *dir;
  char *db;
  char *feed;      /* dir/alice.ics */
  char *token;
  PdStore *store;  /* the test's own connection */
  guint port;
  PdServe *serve;
} Setup;

static void
setup_serve (Setup *s, const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdServeFeeds) feeds = pd_serve_feeds_new ();
  g_autofree char *listen = NULL;
  PdStore *server_store;

  s->dir = g_strdup (dir);
  s->db = g_build_filename (dir, "store.db", NULL);
  s->feed = g_build_filename (dir, "alice.ics", NULL);
  s->store = pd_store_open (s->db, &error);
  assert_non_null (s->store);
  assert_true (pd_store_ensure_campaign (s->store, "c1", "Campaign one", &error));
  assert_true (pd_store_feed_token (s->store, "c1", "alice", TRUE, &s->token, &error));
  assert_true (g_file_set_contents (s->feed, feed_text, -1, &error));
  pd_serve_feeds_add (feeds, "c1", "alice", s->feed);
  server_store = pd_store_open (s->db, &error);
  assert_non_null (server_store);
  s->port = free_port ();
  listen = g_strdup_printf ("127.0.0.1:%u", s->port);
  s->serve = pd_serve_start (listen, 8, server_store, feeds, &error);
  if (s->serve == NULL)
    fail_msg ("%s", error->message);
}

static void
teardown_serve (Setup *s)
{
  g_clear_pointer (&s->serve, pd_serve_stop);
  pd_store_close (s->store);
  g_free (s->token);
  g_free (s->feed);
  g_free (s->db);
  g_free (s->dir);
}

static char *
feed_target (const char *token)
{
  return g_strdup_printf ("/feeds/c1/alice.ics?token=%s", token);
}

static void
test_serves_while_caller_busy (void **state)
{
  Setup s = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *target = NULL, *request = NULL, *answer = NULL, *status = NULL, *etag = NULL;
  g_autofree char *expected_etag = etag_of (feed_text);
  g_autofree char *old_token = NULL, *new_token = NULL;

  setup_serve (&s, *state);
  target = feed_target (s.token);
  request = get_request (target, NULL);
  /* This thread never iterates a main context: the answer comes from
   * the server's own thread. */
  answer = exchange (s.port, request);
  status = status_line (answer);
  assert_string_equal (status, "HTTP/1.1 200 OK");
  etag = header (answer, "ETag");
  assert_non_null (etag);
  assert_string_equal (etag, expected_etag);
  assert_string_equal (body (answer), feed_text);

  /* Rotated by another connection: the old token misses at once. */
  old_token = g_strdup (s.token);
  assert_true (pd_store_rotate_feed_token (s.store, "c1", "alice", &new_token, &error));
  g_clear_pointer (&answer, g_free);
  g_clear_pointer (&status, g_free);
  answer = exchange (s.port, request);
  status = status_line (answer);
  assert_string_equal (status, "HTTP/1.1 404 Not Found");
  g_clear_pointer (&target, g_free);
  g_clear_pointer (&request, g_free);
  target = feed_target (new_token);
  request = get_request (target, NULL);
  g_clear_pointer (&answer, g_free);
  g_clear_pointer (&status, g_free);
  answer = exchange (s.port, request);
  status = status_line (answer);
  assert_string_equal (status, "HTTP/1.1 200 OK");

  /* New feeds handed over: alice is no longer served. */
  {
    g_autoptr (PdServeFeeds) none = pd_serve_feeds_new ();
    pd_serve_set_feeds (s.serve, none);
  }
  g_clear_pointer (&answer, g_free);
  g_clear_pointer (&status, g_free);
  answer = exchange (s.port, request);
  status = status_line (answer);
  assert_string_equal (status, "HTTP/1.1 404 Not Found");
  {
    g_autoptr (PdServeFeeds) feeds = pd_serve_feeds_new ();
    pd_serve_feeds_add (feeds, "c1", "alice", s.feed);
    pd_serve_set_feeds (s.serve, feeds);
  }
  /* A new connection handed over (as when the database is replaced):
   * the next request uses it, and none is the same as no feed at all. */
  pd_serve_set_store (s.serve, NULL);
  g_clear_pointer (&answer, g_free);
  g_clear_pointer (&status, g_free);
  answer = exchange (s.port, request);
  status = status_line (answer);
  assert_string_equal (status, "HTTP/1.1 404 Not Found");
  pd_serve_set_store (s.serve, pd_store_open (s.db, &error));
  g_clear_pointer (&answer, g_free);
  g_clear_pointer (&status, g_free);
  answer = exchange (s.port, request);
  status = status_line (answer);
  assert_string_equal (status, "HTTP/1.1 200 OK");
  teardown_serve (&s);
}

/* Whether reading a file moves its access time back after it (the
 * file system is mounted with atime or relatime, not noatime). */
static gboolean
reads_move_atime (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "probe", NULL);
  g_autofree char *text = NULL;
  struct timespec times[2];
  struct stat st;

  g_file_set_contents (path, "probe", -1, NULL);
  assert_int_equal (stat (path, &st), 0);
  times[0] = st.st_mtim;
  times[0].tv_sec -= 100;
  times[1].tv_nsec = UTIME_OMIT;
  assert_int_equal (utimensat (AT_FDCWD, path, times, 0), 0);
  g_file_get_contents (path, &text, NULL, NULL);
  assert_int_equal (stat (path, &st), 0);
  return st.st_atim.tv_sec != times[0].tv_sec;
}

static void
test_etag_without_reading (void **state)
{
  Setup s = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *target = NULL, *request = NULL, *answer = NULL, *status = NULL, *etag = NULL;
  g_autofree char *conditional = NULL, *other = NULL, *other_etag = NULL;
  g_autofree char *expected_etag = etag_of (feed_text);
  g_autofree char *other_text = g_strdup (feed_text);
  struct timespec times[2];
  struct stat before, after;

  if (!reads_move_atime (*state))
    {
      print_message ("the file system keeps no access times: skipped\n");
      skip ();
    }
  setup_serve (&s, *state);
  target = feed_target (s.token);
  request = get_request (target, NULL);
  answer = exchange (s.port, request);
  status = status_line (answer);
  assert_string_equal (status, "HTTP/1.1 200 OK");
  etag = header (answer, "ETag");
  assert_string_equal (etag, expected_etag);

  /* The access time put back: a read of the file would move it. */
  assert_int_equal (stat (s.feed, &before), 0);
  times[0] = before.st_mtim;
  times[0].tv_sec -= 100;
  times[1].tv_nsec = UTIME_OMIT;
  assert_int_equal (utimensat (AT_FDCWD, s.feed, times, 0), 0);
  conditional = get_request (target, expected_etag);
  g_clear_pointer (&answer, g_free);
  g_clear_pointer (&status, g_free);
  answer = exchange (s.port, conditional);
  status = status_line (answer);
  assert_string_equal (status, "HTTP/1.1 304 Not Modified");
  g_clear_pointer (&etag, g_free);
  etag = header (answer, "ETag");
  assert_string_equal (etag, expected_etag);
  assert_int_equal (stat (s.feed, &after), 0);
  /* Not read: the access time is where it was put. */
  assert_int_equal (after.st_atim.tv_sec, times[0].tv_sec);
  assert_int_equal (after.st_atim.tv_nsec, times[0].tv_nsec);

  /* Replaced by a rename with a file of the same size and the same
   * modification time to the nanosecond: a new inode, a new ETag. */
  other_text[strlen ("BEGIN:VCALENDAR\r\nVERSION:")] = '3';
  other = g_build_filename (s.dir, "alice.ics.new", NULL);
  assert_true (g_file_set_contents (other, other_text, -1, &error));
  times[0] = before.st_atim;
  times[1] = before.st_mtim;
  assert_int_equal (utimensat (AT_FDCWD, other, times, 0), 0);
  assert_int_equal (rename (other, s.feed), 0);
  g_clear_pointer (&answer, g_free);
  g_clear_pointer (&status, g_free);
  answer = exchange (s.port, conditional);
  status = status_line (answer);
  assert_string_equal (status, "HTTP/1.1 200 OK");
  other_etag = etag_of (other_text);
  g_clear_pointer (&etag, g_free);
  etag = header (answer, "ETag");
  assert_string_equal (etag, other_etag);
  assert_string_equal (body (answer), other_text);
  teardown_serve (&s);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_serves_while_caller_busy, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_etag_without_reading, setup_directory, teardown_directory),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
