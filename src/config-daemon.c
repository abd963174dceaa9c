/* SPDX-License-Identifier: MIT
 *
 * config-daemon: the daemon's settings (prospectd.conf), read with
 * GKeyFile in the error format of config.c, and which campaign file a
 * name given on the command line is.
 */
#define G_LOG_DOMAIN "prospectd-config"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>

#include "config-reader.h"
#include "prospectd/store.h"

static char *
expand_home (const char *path)
{
  if (g_str_equal (path, "~"))
    return g_strdup (g_get_home_dir ());
  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);
  return g_strdup (path);
}

void
pd_daemon_config_free (PdDaemonConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_free (config->campaigns_dir);
  g_free (config->database);
  g_free (config->feeds_dir);
  g_strfreev (config->notify_reps);
  g_free (config->listen);
  g_free (config);
}

static gboolean
read_path (const PdConfigReader *r, const char *key, char **inout, GError **error)
{
  g_autofree char *value = pd_config_lookup (r, "daemon", key);

  if (value == NULL)
    return TRUE;
  if (value[0] == '\0')
    return pd_config_reject (r, "daemon", key, value, _("write a path, e.g. ~/.local/share/prospectd"), error);
  g_free (*inout);
  if (g_str_equal (key, "database") && pd_store_name_is_server (value))
    {
      /* A PostgreSQL URI: libpq's to read, not a path. */
      *inout = g_steal_pointer (&value);
      return TRUE;
    }
  *inout = expand_home (value);
  if (!g_path_is_absolute (*inout))
    {
      /* Relative paths are relative to the configuration file. */
      g_autofree char *dir = g_path_get_dirname (r->path);
      g_autofree char *absolute_dir = g_canonicalize_filename (dir, NULL);
      char *absolute = g_canonicalize_filename (*inout, absolute_dir);
      g_free (*inout);
      *inout = absolute;
    }
  return TRUE;
}

PdDaemonConfig *
pd_config_load_daemon (const char *path, GError **error)
{
  g_autoptr (PdDaemonConfig) config = g_new0 (PdDaemonConfig, 1);
  g_autofree char *default_path = g_build_filename (g_get_user_config_dir (), "prospectd", "prospectd.conf", NULL);
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *notify = NULL, *notifications = NULL, *listen = NULL;
  g_auto (GStrv) groups = NULL;
  PdConfigReader r = { NULL, keyfile };
  static const char *const daemon_keys[] = { "campaigns", "database", "feeds", "notify", "notifications", NULL };
  static const char *const feeds_keys[] = { "listen", "max_connections", NULL };

  config->campaigns_dir = g_build_filename (g_get_user_config_dir (), "prospectd", "campaigns", NULL);
  config->database = g_build_filename (g_get_user_data_dir (), "prospectd", "prospectd.db", NULL);
  config->feeds_dir = g_build_filename (g_get_user_data_dir (), "prospectd", "feeds", NULL);
  config->notify_reps = g_new0 (char *, 2);
  config->notify_reps[0] = g_strdup ("*");
  config->notifications = TRUE;
  config->listen = g_strdup ("");
  config->max_connections = 32;

  if (path == NULL)
    {
      if (!g_file_test (default_path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&config);
      path = default_path;
    }
  config->path = g_strdup (path);
  r.path = config->path;

  g_autofree char *contents = NULL;
  gsize length = 0;
  int saved_errno = 0;
  switch (pd_config_read_file (path, PD_CONFIG_MAX_FILE_BYTES, &contents, &length, &saved_errno))
    {
    case PD_CONFIG_READ_OK:
      break;
    case PD_CONFIG_READ_NOT_REGULAR:
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                   _("%s: not a regular file; name a configuration file"), path);
      return NULL;
    case PD_CONFIG_READ_TOO_LARGE:
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                   _("%s: too large for a configuration file (at most 1 MiB)"), path);
      return NULL;
    case PD_CONFIG_READ_ERRNO:
    default:
      /* The system's words ("No such file or directory"), as for a
       * campaign file. */
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO, "%s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (!pd_config_check_lines (path, contents, length, error))
    return NULL;
  if (!g_key_file_load_from_data (keyfile, contents, length, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, PD_CONFIG_ERROR,
                   g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE)
                     ? PD_CONFIG_ERROR_SYNTAX : PD_CONFIG_ERROR_IO,
                   "%s: %s", path, local_error->message);
      return NULL;
    }
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (!g_str_equal (groups[i], "daemon") && !g_str_equal (groups[i], "feeds"))
      {
        g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                     _("%s: [%s]: unknown group; expected [daemon] or [feeds]"), path, groups[i]);
        return NULL;
      }
  if (!pd_config_check_keys (&r, "daemon", daemon_keys, error) || !pd_config_check_keys (&r, "feeds", feeds_keys, error) ||
      !read_path (&r, "campaigns", &config->campaigns_dir, error) ||
      !read_path (&r, "database", &config->database, error) ||
      !read_path (&r, "feeds", &config->feeds_dir, error))
    return NULL;
  {
    g_autofree char *feeds = pd_config_lookup (&r, "daemon", "feeds");

    config->feeds_set = feeds != NULL;
  }

  notify = pd_config_lookup (&r, "daemon", "notify");
  if (notify != NULL)
    {
      g_auto (GStrv) names = g_strsplit (notify, ",", -1);
      g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; names[i] != NULL; i++)
        {
          const char *name = g_strstrip (names[i]);
          if (name[0] == '\0')
            continue;
          if (!g_str_equal (name, "*") && !pd_config_valid_rep_name (name))
            {
              pd_config_reject (&r, "daemon", "notify", notify,
                      _("write rep names separated by commas, * for all, or nothing for none"), error);
              return NULL;
            }
          /* Compared with the campaigns' names, which are NFC. */
          g_ptr_array_add (kept, g_str_equal (name, "*") ? g_strdup (name) : pd_rep_normalize (name));
        }
      g_ptr_array_add (kept, NULL);
      g_strfreev (config->notify_reps);
      config->notify_reps = (char **) g_ptr_array_steal (kept, NULL);
    }

  notifications = pd_config_lookup (&r, "daemon", "notifications");
  if (notifications != NULL)
    {
      if (g_str_equal (notifications, "on") || g_str_equal (notifications, "true"))
        config->notifications = TRUE;
      else if (g_str_equal (notifications, "off") || g_str_equal (notifications, "false"))
        config->notifications = FALSE;
      else
        {
          pd_config_reject (&r, "daemon", "notifications", notifications, _("write on or off"), error);
          return NULL;
        }
    }

  listen = pd_config_lookup (&r, "feeds", "listen");
  if (listen != NULL)
    {
      g_free (config->listen);
      config->listen = g_steal_pointer (&listen);
    }

  g_autofree char *max_connections = pd_config_lookup (&r, "feeds", "max_connections");
  if (max_connections != NULL)
    {
      guint64 value = 0;
      if (!g_ascii_string_to_unsigned (max_connections, 10, 1, 1024, &value, NULL))
        {
          pd_config_reject (&r, "feeds", "max_connections", max_connections, _("write a whole number from 1 to 1024"), error);
          return NULL;
        }
      config->max_connections = (guint) value;
    }
  return g_steal_pointer (&config);
}

/* For g_ptr_array_sort(), which passes pointers to the elements. */
static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

char *
pd_config_resolve_campaign (const PdDaemonConfig *config, const char *campaign, GError **error)
{
  if (campaign == NULL)
    {
      g_autoptr (GDir) dir = g_dir_open (config->campaigns_dir, 0, NULL);
      g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".conf") && name[0] != '.')
          g_ptr_array_add (ids, g_strndup (name, strlen (name) - strlen (".conf")));
      if (ids->len == 1)
        {
          g_autofree char *file = g_strconcat (g_ptr_array_index (ids, 0), ".conf", NULL);
          return g_build_filename (config->campaigns_dir, file, NULL);
        }
      if (ids->len == 0)
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                       _("no campaign in %s; name a campaign file"), config->campaigns_dir);
          return NULL;
        }
      /* The ids to choose from, in a stable order. */
      g_ptr_array_sort (ids, compare_ids);
      g_ptr_array_add (ids, NULL);
      g_autofree char *list = g_strjoinv (", ", (char **) ids->pdata);
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                   _("several campaigns in %s (%s); name one"), config->campaigns_dir, list);
      return NULL;
    }

  if (strchr (campaign, '/') == NULL && g_str_has_suffix (campaign, ".conf")
      && !g_file_test (campaign, G_FILE_TEST_EXISTS))
    {
      /* A bare file name not found here: the campaigns directory's
       * (`prospectctl schedule example.conf` after installing). */
      g_autofree char *path = g_build_filename (config->campaigns_dir, campaign, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                       _("%s: no such campaign file, here or in %s"), campaign, config->campaigns_dir);
          return NULL;
        }
      return g_steal_pointer (&path);
    }

  if (strchr (campaign, '/') != NULL || g_str_has_suffix (campaign, ".conf"))
    {
      if (!g_file_test (campaign, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                       _("%s: no such campaign file"), campaign);
          return NULL;
        }
      return g_strdup (campaign);
    }

  if (!pd_config_valid_campaign_id (campaign))
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                   _("'%s' is not a campaign id or file"), campaign);
      return NULL;
    }
  g_autofree char *file = g_strconcat (campaign, ".conf", NULL);
  g_autofree char *path = g_build_filename (config->campaigns_dir, file, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                   _("no campaign '%s' (looked for %s)"), campaign, path);
      return NULL;
    }
  return g_steal_pointer (&path);
}
