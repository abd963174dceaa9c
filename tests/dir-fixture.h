/* SPDX-License-Identifier: MIT
 *
 * dir-fixture: what the tests of files on disk (test-feed.c,
 * test-publish.c) share: a scratch directory per test (cmocka setup and
 * teardown; removed whole, modes restored), the sorted listing of a
 * directory, and a file's exact content. Each test file uses some of these
 * helpers (G_GNUC_UNUSED).
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

G_GNUC_UNUSED static int
setup_directory (void **state)
{
  g_autoptr (GError) error = NULL;
  char *directory = g_dir_make_tmp ("prospectd-test-XXXXXX", &error);

  if (directory == NULL)
    fail_msg ("%s", error->message);
  *state = directory;
  return 0;
}

G_GNUC_UNUSED static void
remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

G_GNUC_UNUSED static int
teardown_directory (void **state)
{
  remove_tree (*state);
  g_free (*state);
  return 0;
}

G_GNUC_UNUSED static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The names in `directory`, sorted, joined with spaces. */
G_GNUC_UNUSED static char *
list_directory (const char *directory)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (directory, 0, NULL);
  const char *name;

  assert_non_null (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_names); /* (it passes pointers to the elements) */
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

G_GNUC_UNUSED static void
assert_file_is (const char *path, const char *expected)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    fail_msg ("cannot read %s", path);
  assert_int_equal (length, strlen (expected));
  assert_memory_equal (contents, expected, length);
}
