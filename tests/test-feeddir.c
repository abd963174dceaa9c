/* SPDX-License-Identifier: MIT
 *
 * Tests of feeddir: a feeds directory claimed by the first database that
 * writes there, refused to any other, untouched by checks that do not
 * claim, and a marker that does not name a database.
 */
#define G_LOG_DOMAIN "prospectd-test-feeddir"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "prospectd/feeddir.h"

#define ID_A "0123456789abcdef0123456789abcdef"
#define ID_B "fedcba9876543210fedcba9876543210"

typedef struct {
  char *root;   /* removed at teardown */
  char *feeds;  /* root/feeds, missing at first */
  char *marker; /* feeds/.prospectd-database */
} Fixture;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_remove (path);
}

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);

  f->root = g_dir_make_tmp ("test-feeddir-XXXXXX", NULL);
  if (f->root == NULL)
    return -1;
  f->feeds = g_build_filename (f->root, "feeds", NULL);
  f->marker = g_build_filename (f->feeds, ".prospectd-database", NULL);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;

  remove_tree (f->root);
  g_free (f->root);
  g_free (f->feeds);
  g_free (f->marker);
  g_free (f);
  return 0;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The names in a directory, sorted, space-separated. */
static char *
listing (const char *path)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  assert_non_null (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* The first write claims the directory: the marker names the id and the
 * path; the same id is let in again, another id and no database are
 * refused with a message naming both. */
static void
test_claim_and_refuse (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *files = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *id = NULL, *path = NULL;

  assert_true (pd_feeddir_check (f->feeds, ID_A, "/data/a.db", TRUE, &error));
  assert_null (error);
  assert_true (g_key_file_load_from_file (file, f->marker, G_KEY_FILE_NONE, NULL));
  id = g_key_file_get_string (file, "feeds", "database-id", NULL);
  path = g_key_file_get_string (file, "feeds", "database", NULL);
  assert_string_equal (id, ID_A);
  assert_string_equal (path, "/data/a.db");
  /* Only the marker: no temporary file left behind. */
  files = listing (f->feeds);
  assert_string_equal (files, ".prospectd-database");
  assert_true (g_file_get_contents (f->marker, &text, NULL, NULL));

  /* Its database again, even from another path: allowed, marker kept. */
  assert_true (pd_feeddir_check (f->feeds, ID_A, "/moved/a.db", TRUE, &error));
  {
    g_autofree char *again = NULL;
    assert_true (g_file_get_contents (f->marker, &again, NULL, NULL));
    assert_string_equal (again, text);
  }

  assert_false (pd_feeddir_check (f->feeds, ID_B, "/tmp/whatif.db", TRUE, &error));
  assert_true (g_error_matches (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_FOREIGN));
  expected = g_strdup_printf ("Feeds directory '%s' belongs to the database '/data/a.db' (id " ID_A "), not "
                              "to '/tmp/whatif.db' (id " ID_B "): its feeds are written from their own "
                              "database only (remove '%s' to hand the directory over)", f->feeds, f->marker);
  assert_string_equal (error->message, expected);
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);

  /* Without claiming (a dry run) the answer is the same. */
  assert_false (pd_feeddir_check (f->feeds, ID_B, "/tmp/whatif.db", FALSE, &error));
  assert_true (g_error_matches (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_FOREIGN));
  g_clear_error (&error);

  assert_false (pd_feeddir_check (f->feeds, NULL, "/tmp/none.db", TRUE, &error));
  assert_true (g_error_matches (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_FOREIGN));
  expected = g_strdup_printf ("Feeds directory '%s' belongs to the database '/data/a.db' (id " ID_A "), not "
                              "to '/tmp/none.db' (no such file): its feeds are written from their own "
                              "database only (remove '%s' to hand the directory over)", f->feeds, f->marker);
  assert_string_equal (error->message, expected);
  g_clear_error (&error);

  {
    g_autofree char *after = NULL;
    assert_true (g_file_get_contents (f->marker, &after, NULL, NULL));
    assert_string_equal (after, text);
  }

  /* Removing the marker hands the directory over. */
  assert_int_equal (g_unlink (f->marker), 0);
  assert_true (pd_feeddir_check (f->feeds, ID_B, "/tmp/b.db", TRUE, &error));
  assert_false (pd_feeddir_check (f->feeds, ID_A, "/data/a.db", TRUE, &error));
  g_clear_error (&error);
}

/* Nobody's directory: a check without claim, or without a database,
 * writes nothing (not even the directory). */
static void
test_unclaimed (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;

  assert_true (pd_feeddir_check (f->feeds, ID_A, "/data/a.db", FALSE, &error));
  assert_true (pd_feeddir_check (f->feeds, NULL, "/data/none.db", TRUE, &error));
  assert_null (error);
  assert_false (g_file_test (f->feeds, G_FILE_TEST_EXISTS));

  /* An existing directory of feeds from before markers: claimed by the
   * first database that writes. */
  assert_int_equal (g_mkdir (f->feeds, 0700), 0);
  assert_true (pd_feeddir_check (f->feeds, ID_A, "/data/a.db", FALSE, &error));
  assert_false (g_file_test (f->marker, G_FILE_TEST_EXISTS));
  assert_true (pd_feeddir_check (f->feeds, ID_A, "/data/a.db", TRUE, &error));
  assert_true (g_file_test (f->marker, G_FILE_TEST_EXISTS));
}

/* A marker that names no database is an error that says what to do. */
static void
test_invalid_marker (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;
  const char *const bad[] = {
    "garbage without a group\n",
    "[feeds]\ndatabase=/data/a.db\n",
    "[feeds]\ndatabase-id=12345\n",
    "[feeds]\ndatabase-id=0123456789abcdef0123456789abcdeg\n",
  };

  assert_int_equal (g_mkdir (f->feeds, 0700), 0);
  expected = g_strdup_printf ("'%s' does not name the database these feeds belong to (expected [feeds] "
                              "database-id = 32 hexadecimal digits): correct or remove it", f->marker);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      assert_true (g_file_set_contents (f->marker, bad[i], -1, NULL));
      assert_false (pd_feeddir_check (f->feeds, ID_A, "/data/a.db", TRUE, &error));
      assert_true (g_error_matches (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_INVALID));
      assert_string_equal (error->message, expected);
      g_clear_error (&error);
    }
  /* An unreadable one (a directory in its place) is an I/O error. */
  assert_int_equal (g_unlink (f->marker), 0);
  assert_int_equal (g_mkdir (f->marker, 0700), 0);
  assert_false (pd_feeddir_check (f->feeds, ID_A, "/data/a.db", TRUE, &error));
  assert_true (g_error_matches (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_IO));
}

/* Many processes claiming at once: exactly one database wins, every
 * other is refused, and the marker is whole. */
static void
test_claim_race (void **state)
{
  Fixture *f = *state;
  enum { N = 8 };
  GPid children[N];
  int won = 0;

  for (int i = 0; i < N; i++)
    {
      pid_t pid = fork ();

      assert_true (pid >= 0);
      if (pid == 0)
        {
          char id[33];

          g_snprintf (id, sizeof id, "%032x", (unsigned) i + 1);
          _exit (pd_feeddir_check (f->feeds, id, "/data/x.db", TRUE, NULL) ? 0 : 1);
        }
      children[i] = pid;
    }
  for (int i = 0; i < N; i++)
    {
      int status = 0;

      assert_int_equal (waitpid (children[i], &status, 0), children[i]);
      assert_true (WIFEXITED (status));
      won += WEXITSTATUS (status) == 0;
    }
  assert_int_equal (won, 1);
  {
    g_autofree char *files = listing (f->feeds);
    g_autoptr (GKeyFile) file = g_key_file_new ();
    g_autofree char *id = NULL;

    assert_string_equal (files, ".prospectd-database");
    assert_true (g_key_file_load_from_file (file, f->marker, G_KEY_FILE_NONE, NULL));
    id = g_key_file_get_string (file, "feeds", "database-id", NULL);
    assert_non_null (id);
    assert_int_equal (strlen (id), 32);
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_claim_and_refuse, setup, teardown),
    cmocka_unit_test_setup_teardown (test_unclaimed, setup, teardown),
    cmocka_unit_test_setup_teardown (test_invalid_marker, setup, teardown),
    cmocka_unit_test_setup_teardown (test_claim_race, setup, teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
