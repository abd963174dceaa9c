/* SPDX-License-Identifier: MIT
 *
 * Tests of config-daemon: prospectd.conf (defaults under the XDG
 * directories, every key, every refusal) and which campaign file a name
 * given on the command line is.
 *
 * Run from the top of the source tree (as `make check` does): fixtures are
 * named by relative path, as a user names them on the command line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "prospectd/config.h"
#include "prospectd/format.h"
#include "prospectd/parse.h"

#include "config-fixture.h"

#define EXAMPLE "config/campaigns/example.conf"

/* A temporary home for XDG directories, set before GLib caches them. */
static char *scratch;

/* ------------------------------------------------------------ prospectd.conf */

static char *
write_file (const char *dir, const char *name, const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  assert_int_equal (g_mkdir_with_parents (parent, 0700), 0);
  assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
test_daemon_defaults (void **state)
{
  (void) state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdDaemonConfig) config = NULL;
  g_autofree char *config_home = g_build_filename (scratch, "config", NULL);
  g_autofree char *data_home = g_build_filename (scratch, "data", NULL);
  g_autofree char *expected = NULL;

  /* No file: the built-in defaults under the XDG directories. */
  config = pd_config_load_daemon (NULL, &error);
  assert_non_null (config);
  assert_null (config->path);
  expected = g_build_filename (config_home, "prospectd", "campaigns", NULL);
  assert_string_equal (config->campaigns_dir, expected);
  g_free (expected);
  expected = g_build_filename (data_home, "prospectd", "prospectd.db", NULL);
  assert_string_equal (config->database, expected);
  g_free (expected);
  expected = g_build_filename (data_home, "prospectd", "feeds", NULL);
  assert_string_equal (config->feeds_dir, expected);
  assert_non_null (config->notify_reps);
  assert_string_equal (config->notify_reps[0], "*");
  assert_null (config->notify_reps[1]);
  assert_true (config->notifications);
  assert_string_equal (config->listen, "");
}

static void
test_daemon_file (void **state)
{
  (void) state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdDaemonConfig) config = NULL;
  g_autofree char *dir = g_build_filename (scratch, "etc", NULL);
  g_autofree char *path = write_file (dir, "prospectd.conf",
                                      "[daemon]\n"
                                      "# relative to this file\n"
                                      "campaigns = campaigns\n"
                                      "database = ~/db/p.db\n"
                                      "feeds = /srv/feeds\n"
                                      "notify = alice, bob\n"
                                      "notifications = off\n"
                                      "[feeds]\n"
                                      "listen = 127.0.0.1:8765\n");
  g_autofree char *expected = NULL;

  config = pd_config_load_daemon (path, &error);
  assert_null (error);
  assert_non_null (config);
  assert_string_equal (config->path, path);
  expected = g_build_filename (dir, "campaigns", NULL);
  assert_string_equal (config->campaigns_dir, expected);
  g_free (expected);
  expected = g_build_filename (g_get_home_dir (), "db", "p.db", NULL);
  assert_string_equal (config->database, expected);
  assert_string_equal (config->feeds_dir, "/srv/feeds");
  assert_int_equal (g_strv_length (config->notify_reps), 2);
  assert_string_equal (config->notify_reps[0], "alice");
  assert_string_equal (config->notify_reps[1], "bob");
  assert_false (config->notifications);
  assert_string_equal (config->listen, "127.0.0.1:8765");
  g_clear_pointer (&config, pd_daemon_config_free);

  /* "notify =" empty: nobody's reminders on this desktop. */
  g_free (path);
  path = write_file (dir, "quiet.conf", "[daemon]\nnotify =\n");
  config = pd_config_load_daemon (path, &error);
  assert_non_null (config);
  assert_null (config->notify_reps[0]);
  g_clear_pointer (&config, pd_daemon_config_free);

  /* The default file is read when it exists. */
  g_free (path);
  g_autofree char *config_home = g_build_filename (scratch, "config", NULL);
  path = write_file (config_home, "prospectd/prospectd.conf", "[daemon]\nfeeds = /var/feeds\n");
  config = pd_config_load_daemon (NULL, &error);
  assert_non_null (config);
  assert_string_equal (config->path, path);
  assert_string_equal (config->feeds_dir, "/var/feeds");
  g_clear_pointer (&config, pd_daemon_config_free);
  assert_int_equal (g_unlink (path), 0);
}

static void
test_daemon_bad (void **state)
{
  (void) state;
  static const struct {
    const char *text;
    const char *message;  /* after "PATH: " */
  } cases[] = {
    { "[server]\nport = 1\n", "[server]: unknown group; expected [daemon] or [feeds]" },
    { "[daemon]\ndatabse = x.db\n", "[daemon] databse = x.db: unknown key; did you mean database?" },
    { "[daemon]\nnotifications = maybe\n", "[daemon] notifications = maybe: write on or off" },
    { "[daemon]\nnotify = alice, ../bob\n",
      "[daemon] notify = alice, ../bob: write rep names separated by commas, * for all, or nothing for none" },
    { "[daemon]\ndatabase =\n", "[daemon] database = : write a path, e.g. ~/.local/share/prospectd" },
  };
  g_autofree char *dir = g_build_filename (scratch, "bad-daemon", NULL);
  g_autofree char *missing = g_build_filename (scratch, "nope.conf", NULL);
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_file (dir, "prospectd.conf", cases[i].text);
      g_autofree char *expected = g_strdup_printf ("%s: %s", path, cases[i].message);

      assert_null (pd_config_load_daemon (path, &error));
      assert_true (g_error_matches (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID));
      assert_string_equal (error->message, expected);
      g_clear_error (&error);
    }

  {
    g_autofree char *path = write_file (dir, "prospectd.conf", "daemon]\n");
    assert_null (pd_config_load_daemon (path, &error));
    assert_true (g_error_matches (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX));
    assert_true (g_str_has_prefix (error->message, path));
    g_clear_error (&error);
  }

  /* A file named explicitly must exist. */
  assert_null (pd_config_load_daemon (missing, &error));
  assert_true (g_error_matches (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO));
  assert_true (g_str_has_prefix (error->message, missing));
}

/* ------------------------------------------------------------ resolution */

static void
test_resolve_campaign (void **state)
{
  (void) state;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_build_filename (scratch, "campaigns", NULL);
  g_autofree char *empty = g_build_filename (scratch, "no-campaigns", NULL);
  g_autofree char *q1 = NULL, *q2 = NULL, *resolved = NULL, *expected = NULL;
  PdDaemonConfig config = { 0 };

  assert_int_equal (g_mkdir_with_parents (empty, 0700), 0);
  config.campaigns_dir = empty;

  /* A path (contains '/' or ends in .conf) is taken as it is. */
  resolved = pd_config_resolve_campaign (&config, EXAMPLE, &error);
  assert_string_equal (resolved, EXAMPLE);
  g_clear_pointer (&resolved, g_free);
  resolved = pd_config_resolve_campaign (&config, "tests/data/none.conf", &error);
  assert_null (resolved);
  assert_string_equal (error->message, "tests/data/none.conf: no such campaign file");
  g_clear_error (&error);

  /* None configured. */
  assert_null (pd_config_resolve_campaign (&config, NULL, &error));
  expected = g_strdup_printf ("no campaign in %s; name a campaign file", empty);
  assert_string_equal (error->message, expected);
  g_clear_error (&error);

  /* Exactly one: that one, with or without its id; hidden files ignored. */
  q1 = write_file (dir, "q1.conf", minimal);
  g_free (write_file (dir, ".q1.conf.swp.conf", minimal));
  g_free (write_file (dir, "notes.txt", "not a campaign"));
  config.campaigns_dir = dir;
  resolved = pd_config_resolve_campaign (&config, NULL, &error);
  assert_string_equal (resolved, q1);
  g_clear_pointer (&resolved, g_free);
  resolved = pd_config_resolve_campaign (&config, "q1", &error);
  assert_string_equal (resolved, q1);
  g_clear_pointer (&resolved, g_free);

  /* Several: a name is needed, and an id picks one. */
  q2 = write_file (dir, "q2.conf", minimal);
  assert_null (pd_config_resolve_campaign (&config, NULL, &error));
  g_free (expected);
  expected = g_strdup_printf ("several campaigns in %s (q1, q2); name one", dir);
  assert_string_equal (error->message, expected);
  g_clear_error (&error);
  resolved = pd_config_resolve_campaign (&config, "q2", &error);
  assert_string_equal (resolved, q2);
  g_clear_pointer (&resolved, g_free);

  /* An unknown id says where it looked. */
  assert_null (pd_config_resolve_campaign (&config, "q3", &error));
  g_free (expected);
  expected = g_strdup_printf ("no campaign 'q3' (looked for %s/q3.conf)", dir);
  assert_string_equal (error->message, expected);
  g_clear_error (&error);

  /* Not an id: refused before touching the file system. */
  assert_null (pd_config_resolve_campaign (&config, "..", &error));
  assert_string_equal (error->message, "'..' is not a campaign id or file");
  g_clear_error (&error);

  /* A campaign id found in the directory parses like any other. */
  {
    g_autoptr (PdCampaign) c = pd_config_load_campaign (q2, &error);
    assert_non_null (c);
    assert_string_equal (c->id, "q2");
  }
}

/* ------------------------------------------------------------ main */

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_daemon_defaults),
    cmocka_unit_test (test_daemon_file),
    cmocka_unit_test (test_daemon_bad),
    cmocka_unit_test (test_resolve_campaign),
  };
  g_autoptr (GError) error = NULL;
  int failed;

  /* Before GLib reads (and caches) any of them. */
  scratch = g_dir_make_tmp ("test-config-daemon-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *config_home = g_build_filename (scratch, "config", NULL);
    g_autofree char *data_home = g_build_filename (scratch, "data", NULL);
    g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
    g_setenv ("XDG_DATA_HOME", data_home, TRUE);
    g_setenv ("HOME", scratch, TRUE);
    g_setenv ("TZ", "UTC", TRUE);
  }

  failed = cmocka_run_group_tests (tests, NULL, NULL);
  remove_tree (scratch);
  g_free (scratch);
  return failed;
}
