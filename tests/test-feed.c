/* SPDX-License-Identifier: MIT
 *
 * test-feed: feed paths and atomic, change-only writes.
 *
 * Failures are provoked in ways that hold when the tests run as root (CI
 * does), which ignores permission bits: a file-size limit that stops the
 * write half-way (RLIMIT_FSIZE binds root too), a parent that is a regular
 * file, a target that is a directory, and a read-only directory entered
 * by a child that drops to an unprivileged uid. After each failure the old
 * file must be the same bytes and no temporary file may be left.
 */
#define G_LOG_DOMAIN "prospectd-test"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "prospectd/feed.h"

#include "dir-fixture.h"

#define OLD_FEED "BEGIN:VCALENDAR\r\nX-OLD:1\r\nEND:VCALENDAR\r\n"

static void
write_ok (const char *path, const char *contents, gboolean expect_changed)
{
  g_autoptr (GError) error = NULL;
  gboolean changed = !expect_changed;

  if (!pd_feed_write (path, contents, strlen (contents), &changed, &error))
    fail_msg ("pd_feed_write: %s", error->message);
  assert_int_equal (changed, expect_changed);
  assert_file_is (path, contents);
}

/* ------------------------------------------------------------- tests */

static void
test_paths (void **state)
{
  g_autofree char *path = pd_feed_path ("/srv/feeds", "example", "alice");
  g_autofree char *default_dir = pd_feed_default_dir ();
  g_autofree char *expected_default = g_build_filename (g_getenv ("XDG_DATA_HOME"), "prospectd", "feeds", NULL);

  (void) state;
  assert_string_equal (path, "/srv/feeds/example/alice.ics");
  assert_string_equal (default_dir, expected_default);
  assert_null (pd_feed_path ("/srv/feeds", "..", "alice"));
  assert_null (pd_feed_path ("/srv/feeds", "example", "../../etc/passwd"));
  assert_null (pd_feed_path ("/srv/feeds", "example", "."));
  assert_null (pd_feed_path ("/srv/feeds", "", "alice"));
  assert_null (pd_feed_path ("/srv/feeds", "example", NULL));
}

static void
test_write_creates_directories (void **state)
{
  const char *top = *state;
  g_autofree char *feeds = g_build_filename (top, "feeds", NULL);
  g_autofree char *path = pd_feed_path (feeds, "example", "alice");
  g_autofree char *campaign_dir = g_path_get_dirname (path);
  g_autofree char *listing = NULL;
  struct stat info;

  write_ok (path, OLD_FEED, TRUE);
  assert_int_equal (g_stat (path, &info), 0);
  assert_int_equal (info.st_mode & 07777, 0644);
  assert_int_equal (g_stat (campaign_dir, &info), 0);
  assert_int_equal (info.st_mode & 07777, 0700);
  assert_int_equal (g_stat (feeds, &info), 0);
  assert_int_equal (info.st_mode & 07777, 0700);
  listing = list_directory (campaign_dir);
  assert_string_equal (listing, "alice.ics");

  /* An empty feed is a feed too. */
  write_ok (path, "", TRUE);
  write_ok (path, "", FALSE);
}

static void
test_unchanged_is_not_rewritten (void **state)
{
  const char *top = *state;
  g_autofree char *path = g_build_filename (top, "alice.ics", NULL);
  struct timeval old_times[2] = { { 946684800, 0 }, { 946684800, 0 } }; /* 2000-01-01 */
  struct stat before, after;

  write_ok (path, OLD_FEED, TRUE);
  assert_int_equal (utimes (path, old_times), 0);
  assert_int_equal (g_stat (path, &before), 0);

  write_ok (path, OLD_FEED, FALSE);
  assert_int_equal (g_stat (path, &after), 0);
  assert_int_equal (after.st_ino, before.st_ino);
  assert_int_equal (after.st_mtim.tv_sec, 946684800);
  assert_int_equal (after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);

  /* Same length, one byte different: rewritten, as a new inode. */
  write_ok (path, "BEGIN:VCALENDAR\r\nX-OLD:2\r\nEND:VCALENDAR\r\n", TRUE);
  assert_int_equal (g_stat (path, &after), 0);
  assert_int_not_equal (after.st_ino, before.st_ino);
  assert_int_not_equal (after.st_mtim.tv_sec, 946684800);

  /* A prefix of the current content is a change too. */
  write_ok (path, "BEGIN:VCALENDAR\r\n", TRUE);
}

/* A large feed, compared and written in several chunks. */
static void
test_large_feed (void **state)
{
  const char *top = *state;
  g_autofree char *path = g_build_filename (top, "big.ics", NULL);
  GString *text = g_string_new (NULL);
  g_autofree char *contents = NULL;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "UID:%u-block@example.prospectd\r\n", i);
  contents = g_string_free (text, FALSE);
  write_ok (path, contents, TRUE);
  write_ok (path, contents, FALSE);
  contents[strlen (contents) - 3] = 'X'; /* a change in the last chunk */
  write_ok (path, contents, TRUE);
}

static void
assert_failed_untouched (const char *directory, const char *path, const GError *error,
                         const char *expected_listing, const char *expected_cause)
{
  g_autofree char *listing = list_directory (directory);

  assert_non_null (error);
  assert_true (g_error_matches (error, PD_FEED_ERROR, PD_FEED_ERROR_IO));
  if (strstr (error->message, path) == NULL || strstr (error->message, expected_cause) == NULL)
    fail_msg ("'%s' should name '%s' and say '%s'", error->message, path, expected_cause);
  assert_string_equal (listing, expected_listing); /* no temporary file left */
}

/* The write stops half-way (EFBIG): the old feed stays, byte for byte. */
static void
test_failed_write_keeps_old_file (void **state)
{
  const char *top = *state;
  g_autofree char *path = g_build_filename (top, "alice.ics", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *big = g_strnfill (256 * 1024, 'x');
  struct rlimit saved, small;
  void (*saved_handler) (int);
  gboolean changed = 12345;
  gboolean ok;

  write_ok (path, OLD_FEED, TRUE);

  /* Nothing may print while the limit is set: stdout may be a file. */
  assert_int_equal (getrlimit (RLIMIT_FSIZE, &saved), 0);
  small = saved;
  small.rlim_cur = 4096;
  saved_handler = signal (SIGXFSZ, SIG_IGN);
  assert_int_equal (setrlimit (RLIMIT_FSIZE, &small), 0);
  ok = pd_feed_write (path, big, strlen (big), &changed, &error);
  assert_int_equal (setrlimit (RLIMIT_FSIZE, &saved), 0);
  signal (SIGXFSZ, saved_handler);

  assert_false (ok);
  assert_int_equal (changed, 12345); /* written only on success */
  assert_failed_untouched (top, path, error, "alice.ics", g_strerror (EFBIG));
  assert_file_is (path, OLD_FEED);
}

/* A parent that is a regular file: no directory can be made there. */
static void
test_parent_is_a_file (void **state)
{
  const char *top = *state;
  g_autofree char *blocker = g_build_filename (top, "feeds", NULL);
  g_autofree char *path = g_build_filename (blocker, "example", "alice.ics", NULL);
  g_autoptr (GError) error = NULL;

  assert_true (g_file_set_contents (blocker, "not a directory", -1, NULL));
  assert_false (pd_feed_write (path, OLD_FEED, strlen (OLD_FEED), NULL, &error));
  assert_failed_untouched (top, blocker, error, "feeds", g_strerror (ENOTDIR));
  assert_file_is (blocker, "not a directory");
}

/* The target is a directory: refused before anything is written. */
static void
test_rename_fails (void **state)
{
  const char *top = *state;
  g_autofree char *path = g_build_filename (top, "alice.ics", NULL);
  g_autofree char *inside = g_build_filename (path, "keep", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *expected = NULL;

  assert_int_equal (g_mkdir (path, 0700), 0);
  assert_true (g_file_set_contents (inside, "kept", -1, NULL));
  assert_false (pd_feed_write (path, OLD_FEED, strlen (OLD_FEED), NULL, &error));
  assert_true (g_error_matches (error, PD_FEED_ERROR, PD_FEED_ERROR_NOT_REGULAR));
  expected = g_strdup_printf ("Refusing feed '%s': not a regular file but a directory", path);
  assert_string_equal (error->message, expected);
  listing = list_directory (top);
  assert_string_equal (listing, "alice.ics"); /* no temporary file */
  g_clear_pointer (&listing, g_free);
  assert_file_is (inside, "kept");
  listing = list_directory (path);
  assert_string_equal (listing, "keep");
}

/* What the child of test_read_only_directory checks, as its exit code. */
static int
child_write_read_only (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autofree char *listing = NULL;

  if (pd_feed_write (path, "NEW", 3, NULL, &error))
    return 10;
  if (!g_error_matches (error, PD_FEED_ERROR, PD_FEED_ERROR_IO)
      || strstr (error->message, path) == NULL
      || strstr (error->message, g_strerror (EACCES)) == NULL)
    return 11;
  if (!g_file_get_contents (path, &contents, NULL, NULL) || strcmp (contents, OLD_FEED) != 0)
    return 12;
  listing = list_directory (directory);
  if (strcmp (listing, "alice.ics") != 0)
    return 13;
  return 0;
}

/* An existing directory without write permission is an error, not
 * something to chmod. Root ignores permissions, so as root the check runs
 * in a child that drops to uid/gid 65534 first. */
static void
test_read_only_directory (void **state)
{
  const char *top = *state;
  g_autofree char *directory = g_build_filename (top, "example", NULL);
  g_autofree char *path = g_build_filename (directory, "alice.ics", NULL);
  const uid_t nobody = 65534;
  int status = 0;
  pid_t pid;

  write_ok (path, OLD_FEED, TRUE);
  if (geteuid () != 0)
    {
      assert_int_equal (g_chmod (directory, 0500), 0);
      status = child_write_read_only (path);
      g_chmod (directory, 0700);
      assert_int_equal (status, 0);
      return;
    }

  assert_int_equal (g_chmod (top, 0711), 0);
  assert_int_equal (chown (directory, nobody, nobody), 0);
  assert_int_equal (g_chmod (directory, 0500), 0);
  fflush (NULL);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      if (setgroups (0, NULL) != 0 || setgid (nobody) != 0 || setuid (nobody) != 0)
        _exit (77);
      _exit (child_write_read_only (path));
    }
  assert_int_equal (waitpid (pid, &status, 0), pid);
  g_chmod (directory, 0700);
  assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 77)
    skip (); /* no CAP_SETUID here; EFBIG and ENOTDIR still cover failures */
  assert_int_equal (WEXITSTATUS (status), 0);
  assert_file_is (path, OLD_FEED);
}

/* ------------------------------------------------------ streamed writes */

/* Streams `text` in pieces of `piece` bytes against `current` and checks
 * the outcome. */
static void
stream_ok (const char *path, const char *current, const char *text, gsize piece,
           gboolean expect_changed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdFeedWriter) writer = pd_feed_writer_new (path, current, current != NULL ? strlen (current) : 0);
  gsize length = strlen (text);
  gboolean changed = !expect_changed;

  for (gsize offset = 0; offset < length; offset += piece)
    if (!pd_feed_writer_write (writer, text + offset, MIN (piece, length - offset), &error))
      fail_msg ("pd_feed_writer_write: %s", error->message);
  if (!pd_feed_writer_finish (writer, &changed, &error))
    fail_msg ("pd_feed_writer_finish: %s", error->message);
  assert_int_equal (changed, expect_changed);
  assert_file_is (path, text);
}

static void
test_writer (void **state)
{
  const char *top = *state;
  g_autofree char *directory = g_build_filename (top, "new", "campaign", NULL);
  g_autofree char *path = g_build_filename (directory, "alice.ics", NULL);
  g_autofree char *large = NULL;
  g_autofree char *large_changed = NULL;
  g_autofree char *listing = NULL;
  struct timeval old_times[2] = { { 946684800, 0 }, { 946684800, 0 } };
  struct stat before, after;
  GString *text = g_string_new (NULL);

  /* A new file, its directories created. */
  stream_ok (path, NULL, OLD_FEED, 5, TRUE);

  /* The same bytes, in other pieces: the file is not touched. */
  assert_int_equal (utimes (path, old_times), 0);
  assert_int_equal (g_stat (path, &before), 0);
  stream_ok (path, OLD_FEED, OLD_FEED, 3, FALSE);
  stream_ok (path, OLD_FEED, OLD_FEED, 1000, FALSE);
  assert_int_equal (g_stat (path, &after), 0);
  assert_int_equal (after.st_ino, before.st_ino);
  assert_int_equal (after.st_mtim.tv_sec, 946684800);

  /* A difference in the middle, a prefix, a longer text, an empty one. */
  stream_ok (path, OLD_FEED, "BEGIN:VCALENDAR\r\nX-OLD:2\r\nEND:VCALENDAR\r\n", 4, TRUE);
  stream_ok (path, "BEGIN:VCALENDAR\r\nX-OLD:2\r\nEND:VCALENDAR\r\n", "BEGIN:VCALENDAR\r\n", 4, TRUE);
  stream_ok (path, "BEGIN:VCALENDAR\r\n", "BEGIN:VCALENDAR\r\nX-MORE:1\r\n", 7, TRUE);
  stream_ok (path, "BEGIN:VCALENDAR\r\nX-MORE:1\r\n", "", 1, TRUE);

  /* Larger than the write buffer, differing only near the end. */
  for (guint i = 0; text->len < 300 * 1024; i++)
    g_string_append_printf (text, "X-LINE:%u\r\n", i);
  large = g_strdup (text->str);
  text->str[text->len - 3] = '#';
  large_changed = g_string_free (text, FALSE);
  stream_ok (path, NULL, large, 777, TRUE);
  stream_ok (path, large, large, 4096, FALSE);
  stream_ok (path, large, large_changed, 4096, TRUE);

  /* No temporary file left behind. */
  listing = list_directory (directory);
  assert_string_equal (listing, "alice.ics");
}

/* A writer freed before it finished leaves the old file and no temporary. */
static void
test_writer_abandoned (void **state)
{
  const char *top = *state;
  g_autofree char *path = g_build_filename (top, "alice.ics", NULL);
  g_autofree char *listing = NULL;
  g_autoptr (GError) error = NULL;
  PdFeedWriter *writer;

  write_ok (path, OLD_FEED, TRUE);
  writer = pd_feed_writer_new (path, OLD_FEED, strlen (OLD_FEED));
  assert_true (pd_feed_writer_write (writer, "BEGIN:VCALENDAR\r\nX-NEW:1\r\n", 27, &error));
  pd_feed_writer_free (writer);
  assert_file_is (path, OLD_FEED);
  listing = list_directory (top);
  assert_string_equal (listing, "alice.ics");
}

/* What comes to stand at the feed's path between the preparation and the
 * commit (a FIFO here, a link or a device node likewise) is not replaced:
 * the commit refuses, the temporary file goes. */
static void
test_writer_refuses_what_came_meanwhile (void **state)
{
  const char *top = *state;
  g_autofree char *path = g_build_filename (top, "alice.ics", NULL);
  g_autofree char *listing = NULL;
  g_autofree char *expected = g_strdup_printf ("Refusing feed '%s': not a regular file but a FIFO", path);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdFeedWriter) writer = pd_feed_writer_new (path, NULL, 0);
  struct stat info;

  assert_true (pd_feed_writer_write (writer, "NEW\r\n", 5, &error));
  assert_true (pd_feed_writer_prepare (writer, NULL, &error));
  assert_int_equal (mkfifo (path, 0600), 0);
  assert_false (pd_feed_writer_commit (writer, &error));
  assert_true (g_error_matches (error, PD_FEED_ERROR, PD_FEED_ERROR_NOT_REGULAR));
  assert_string_equal (error->message, expected);
  assert_int_equal (lstat (path, &info), 0);
  assert_true (S_ISFIFO (info.st_mode));
  listing = list_directory (top);
  assert_string_equal (listing, "alice.ics");
}

/* Prepared then committed: the feed appears at the commit only; a
 * prepared writer freed without a commit leaves the old file alone. */
static void
test_writer_prepare_commit (void **state)
{
  const char *top = *state;
  g_autofree char *path = g_build_filename (top, "alice.ics", NULL);
  g_autofree char *listing = NULL;
  g_autoptr (GError) error = NULL;
  const char *directory = NULL;
  gboolean changed = FALSE;
  PdFeedWriter *writer;

  write_ok (path, OLD_FEED, TRUE);

  /* Abandoned after prepare: the temporary file goes, the old file stays. */
  writer = pd_feed_writer_new (path, OLD_FEED, strlen (OLD_FEED));
  assert_true (pd_feed_writer_write (writer, "NEW\r\n", 5, &error));
  assert_true (pd_feed_writer_prepare (writer, &changed, &error));
  assert_true (changed);
  listing = list_directory (top);
  assert_int_equal (strlen (listing), strlen ("alice.ics .alice.ics.XXXXXX"));
  assert_true (g_str_has_prefix (listing, ".alice.ics."));
  g_clear_pointer (&listing, g_free);
  pd_feed_writer_free (writer);
  assert_file_is (path, OLD_FEED);
  listing = list_directory (top);
  assert_string_equal (listing, "alice.ics");
  g_clear_pointer (&listing, g_free);

  /* Committed: replaced. */
  writer = pd_feed_writer_new (path, OLD_FEED, strlen (OLD_FEED));
  assert_true (pd_feed_writer_write (writer, "NEW\r\n", 5, &error));
  assert_true (pd_feed_writer_prepare (writer, &changed, &error));
  assert_file_is (path, OLD_FEED);
  assert_true (pd_feed_writer_commit (writer, &error));
  pd_feed_writer_free (writer);
  assert_file_is (path, "NEW\r\n");

  /* Unchanged: nothing to rename, no directory to sync. */
  writer = pd_feed_writer_new (path, "NEW\r\n", 5);
  assert_true (pd_feed_writer_write (writer, "NEW\r\n", 5, &error));
  changed = TRUE;
  assert_true (pd_feed_writer_prepare (writer, &changed, &error));
  assert_false (changed);
  directory = "not written";
  assert_true (pd_feed_writer_rename (writer, &directory, &error));
  assert_null (directory);
  pd_feed_writer_free (writer);

  /* Renamed, then the directory it names synced by the caller. */
  writer = pd_feed_writer_new (path, "NEW\r\n", 5);
  assert_true (pd_feed_writer_write (writer, OLD_FEED, strlen (OLD_FEED), &error));
  assert_true (pd_feed_writer_prepare (writer, &changed, &error));
  assert_true (changed);
  assert_true (pd_feed_writer_rename (writer, &directory, &error));
  assert_string_equal (directory, top);
  assert_true (pd_feed_sync_directory (directory, &error));
  pd_feed_writer_free (writer);
  assert_file_is (path, OLD_FEED);
  listing = list_directory (top);
  assert_string_equal (listing, "alice.ics");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_paths),
    cmocka_unit_test_setup_teardown (test_write_creates_directories, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_unchanged_is_not_rewritten, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_large_feed, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_failed_write_keeps_old_file, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_parent_is_a_file, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_rename_fails, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_read_only_directory, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_writer, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_writer_abandoned, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_writer_prepare_commit, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_writer_refuses_what_came_meanwhile, setup_directory, teardown_directory),
  };

  int failed;

  g_setenv ("XDG_DATA_HOME", "/nonexistent/prospectd-test-data", TRUE);
  umask (022);
  failed = cmocka_run_group_tests_name ("feed", tests, NULL, NULL);
  return failed;
}
