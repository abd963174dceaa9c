/* SPDX-License-Identifier: MIT
 *
 * daemon: loading and the main loop of prospectd with its watches (see
 * the header; the evaluation a wake-up runs is in evaluation.c; the
 * user-facing rules are in prospectd(8)).
 *
 * The loop sleeps on one wall-clock timer armed at the next due instant
 * (a reminder or a daily check), on inotify watches of the database file
 * and its WAL (another process wrote; not their directory, where other
 * files must not wake it), on a file
 * monitor of the campaigns directory (a campaign changed) and on three
 * signals. Nothing else wakes it: no periodic
 * timeout. Every wake-up runs the same idempotent evaluation, "everything
 * due up to now that is not recorded yet", so a duplicate or late wake-up
 * is harmless.
 */
#define G_LOG_DOMAIN "prospectd-daemon"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "daemon-state.h"
#include "prospectd/catchup.h"
#include "prospectd/feed.h"
#include "prospectd/feeddir.h"
#include "prospectd/ics-zone.h"
#include "prospectd/token.h"
#include "prospectd/workcal.h"

G_DEFINE_QUARK (pd-daemon-error-quark, pd_daemon_error)

/* ------------------------------------------------------------ campaigns */

static void
daemon_campaign_free (PdDaemonCampaign *dc)
{
  if (dc == NULL)
    return;
  pd_campaign_free (dc->campaign);
  g_free (dc->file_digest);
  pd_schedule_free (dc->baseline);
  g_clear_pointer (&dc->published, g_bytes_unref);
  g_clear_pointer (&dc->published_calls, g_bytes_unref);
  g_clear_pointer (&dc->published_files, g_array_unref);
  pd_schedule_free (dc->in_force);
  g_clear_pointer (&dc->digests, g_byte_array_unref);
  g_clear_pointer (&dc->digest_stale, g_array_unref);
  pd_schedule_free (dc->near);
  g_clear_pointer (&dc->near_starts, g_array_unref);
  g_clear_pointer (&dc->near_stale, g_array_unref);
  g_clear_pointer (&dc->lists, g_array_unref);
  g_clear_pointer (&dc->lists_stale, g_array_unref);
  g_clear_pointer (&dc->feed_paths, g_ptr_array_unref);
  g_free (dc->feed_paths_dir);
  g_clear_pointer (&dc->feed_names, g_hash_table_unref);
  g_clear_pointer (&dc->feed_seen, g_array_unref);
  if (dc->feeds_watch >= 0)
    close (dc->feeds_watch);
  g_free (dc);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdDaemonCampaign, daemon_campaign_free)

/* The baseline as the daemon keeps it: its days only (the catch-ups, the
 * progress and the schedule in force are made from them), built a rep at
 * a time so that the whole team's blocks (twice the days' memory) never
 * exist. Errors as pd_schedule_build(). */
static PdSchedule *
baseline_days (const PdCampaign *campaign, const PdPlan *plan, GError **error)
{
  g_autoptr (PdScheduleBuilder) builder = pd_schedule_builder_new (campaign, plan);
  g_autoptr (PdSchedule) baseline = pd_schedule_builder_start (builder);

  for (guint r = 0; r < campaign->reps->len; r++)
    {
      g_autoptr (PdSchedule) rep = pd_schedule_builder_rep (builder, r, error);

      if (rep == NULL)
        return NULL;
      g_array_append_vals (baseline->days, rep->days->data, rep->days->len);
    }
  return g_steal_pointer (&baseline);
}

/* SHA-256 of a file's bytes (hex), or NULL when it cannot be read. */
static char *
file_digest (const char *path)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, NULL))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, length);
}

/* A campaign file, its plan and its baseline: a campaign the daemon can
 * run, or NULL with the error that makes it unusable. */
static PdDaemonCampaign *
daemon_campaign_load (const char *path, PdStore *store, gint64 now, GError **error)
{
  g_autoptr (PdDaemonCampaign) dc = g_new0 (PdDaemonCampaign, 1);
  g_autofree char *digest_after = NULL;
  struct stat st;

  dc->handled_until = G_MININT64;
  dc->feeds_watch = -1;
  g_date_clear (&dc->fresh_from, 1);
  g_date_clear (&dc->lists_today, 1);

  /* The file's bytes as parsed: the same digest before and after. */
  dc->file_digest = file_digest (path);
  dc->campaign = pd_config_load_campaign (path, error);
  if (dc->campaign == NULL)
    return NULL;
  digest_after = file_digest (path);
  if (g_strcmp0 (dc->file_digest, digest_after) != 0)
    g_clear_pointer (&dc->file_digest, g_free);
  pd_workcal_prepare (dc->campaign);

  /* A rep added mid-campaign starts the day the daemon first sees them;
   * past days keep the loads planned for them when the file changed. */
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, dc->campaign->tz) : NULL;
  if (local != NULL)
    {
      GDate today;

      g_date_clear (&today, 1);
      g_date_set_dmy (&today, (GDateDay) g_date_time_get_day_of_month (local),
                      (GDateMonth) g_date_time_get_month (local), (GDateYear) g_date_time_get_year (local));
      if (!pd_catchup_rep_starts (store, dc->campaign, &today, TRUE, error) ||
          !pd_catchup_freeze_past (store, dc->campaign, &today, now, TRUE, error))
        return NULL;
    }
  if (!pd_plan_compute (&dc->campaign->plan, &dc->plan, error))
    {
      g_prefix_error (error, "%s: [plan]: ", path);
      return NULL;
    }
  dc->baseline = baseline_days (dc->campaign, &dc->plan, error);
  if (dc->baseline == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  dc->baseline_time = stat (path, &st) == 0 ? (gint64) st.st_mtime : 0;
  return g_steal_pointer (&dc);
}

static PdDaemonCampaign *
find_campaign (GPtrArray *campaigns, const char *id)
{
  for (guint i = 0; campaigns != NULL && i < campaigns->len; i++)
    {
      PdDaemonCampaign *dc = g_ptr_array_index (campaigns, i);
      if (g_str_equal (dc->campaign->id, id))
        return dc;
    }
  return NULL;
}

/* Whether two NULL-terminated lists (or NULLs) hold the same strings. */
static gboolean
same_strv (char **a, char **b)
{
  if (a == NULL || b == NULL)
    return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);
  return g_strv_equal ((const char *const *) a, (const char *const *) b);
}

/* A reload of a campaign whose file is byte for byte the one running,
 * on the same database and feeds directory, changes nothing the running
 * version knows: what it published (digests, files), the reminders it
 * handled and, when the baseline is the same, the schedule in force it
 * keeps (read again only if another process stored a revision) carry
 * over to the new version. Without it, a SIGHUP at 1 000 reps read the
 * schedule in force again and rendered every feed again, to find them
 * unchanged. */
static void
carry_over (PdDaemonCampaign *dc, PdDaemonCampaign *old, gboolean same_notify)
{
  if (dc->file_digest == NULL || g_strcmp0 (dc->file_digest, old->file_digest) != 0)
    return;
  /* (A rep newly notified has its reminders looked at from the start.) */
  if (same_notify)
    dc->handled_until = old->handled_until;
  dc->published = g_steal_pointer (&old->published);
  dc->published_calls = g_steal_pointer (&old->published_calls);
  dc->published_files = g_steal_pointer (&old->published_files);
  if (old->in_force == NULL || dc->baseline->days->len != old->baseline->days->len
      || memcmp (dc->baseline->days->data, old->baseline->days->data,
                 (gsize) dc->baseline->days->len * sizeof (PdDay)) != 0
      || dc->baseline->rep_contacts->len != old->baseline->rep_contacts->len
      || memcmp (dc->baseline->rep_contacts->data, old->baseline->rep_contacts->data,
                 (gsize) dc->baseline->rep_contacts->len * sizeof (gint64)) != 0)
    return;
  dc->in_force = g_steal_pointer (&old->in_force);
  dc->in_force_time = old->in_force_time;
  dc->in_force_head = old->in_force_head;
  dc->in_force_store = old->in_force_store;
  dc->digests = g_steal_pointer (&old->digests);
  dc->digest_stale = g_steal_pointer (&old->digest_stale);
  dc->fresh_from = old->fresh_from;
  dc->change_mark = old->change_mark;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The *.conf files of `dir`, sorted by name; empty when the directory
 * cannot be read (logged). */
static GPtrArray *
campaign_files (const char *dir)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) handle = g_dir_open (dir, 0, &error);
  const char *name;

  if (handle == NULL)
    {
      g_warning ("no campaign to run: %s", error->message);
      return files;
    }
  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_suffix (name, ".conf") && name[0] != '.')
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (files, compare_strings);
  return files;
}

/* --------------------------------------------------------------- state */

/* pd_store_open(), saying when it made the file private. */
static PdStore *
open_store (const char *path, GError **error)
{
  PdStore *store = pd_store_open (path, error);

  if (store != NULL && pd_store_tightened_mode (store) != 0)
    g_warning ("database open to others (mode %04o), now %04o: '%s'", pd_store_tightened_mode (store),
               pd_store_tightened_mode (store) & 0700, path);
  return store;
}

/* Closes the daemon's store; without touching the files at its path when
 * its file is no longer there (they may be another database's). */
static void
close_store (PdStore *store)
{
  if (store != NULL && pd_store_file_state (store) != PD_STORE_FILE_SAME)
    pd_store_abandon (store);
  else
    pd_store_close (store);
}

/* This desktop's id: 32 hexadecimal digits kept in
 * $XDG_DATA_HOME/prospectd/desktop-id (beside the default database, the
 * one directory the systemd unit's sandbox lets it write), made the
 * first time. Several
 * daemons share a team's database, one per desktop: each desktop claims
 * its own notifications (pd_store_set_desktop()), so each shows them
 * once. Newly allocated; NULL (logged: the claims are then every
 * desktop's) when the file can be neither read nor made, or without
 * `create` (a dry run writes nothing) when there is none yet. */
static char *
desktop_id (gboolean create)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "prospectd", NULL);
  g_autofree char *path = g_build_filename (dir, "desktop-id", NULL);
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  g_autoptr (GError) error = NULL;

  if (g_file_get_contents (path, &text, NULL, NULL))
    {
      g_strstrip (text);
      if (strlen (text) == 32 && strspn (text, "0123456789abcdef") == 32)
        return g_steal_pointer (&text);
    }
  if (!create)
    return NULL;
  id = pd_token_new (&error);
  if (id != NULL)
    {
      id[32] = '\0';
      if (g_mkdir_with_parents (dir, 0700) != 0)
        g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", dir, g_strerror (errno));
      else
        {
          g_autofree char *line = g_strconcat (id, "\n", NULL);

          g_file_set_contents_full (path, line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
        }
    }
  if (error != NULL)
    {
      g_warning ("no desktop id, notifications claimed for every desktop: %s", error->message);
      return NULL;
    }
  return g_steal_pointer (&id);
}

/* Takes `store` (owned) as the daemon's, closing the one it replaces. */
static void
swap_store (PdDaemon *daemon, PdStore *store)
{
  close_store (daemon->store);
  daemon->store = store;
  if (daemon->desktop_id == NULL)
    daemon->desktop_id = desktop_id (daemon->dry_run == NULL);
  pd_store_set_desktop (store, daemon->desktop_id);
  daemon->store_serial++;
  daemon->data_version = 0;
  pd_store_data_version (daemon->store, &daemon->data_version, NULL);
  if (daemon->server != NULL)
    {
      g_autoptr (GError) error = NULL;
      PdStore *server_store = open_store (pd_store_path (store), &error);

      /* None: feeds are not served until the next database change. */
      if (server_store == NULL)
        g_warning ("feed server without the database: %s", error->message);
      pd_serve_set_store (daemon->server, server_store);
    }
}

PdDaemon *
pd_daemon_new (const char *config_path, const char *db_path)
{
  PdDaemon *daemon = g_new0 (PdDaemon, 1);

  daemon->config_path = g_strdup (config_path);
  daemon->db_path = g_strdup (db_path);
  daemon->campaigns = g_ptr_array_new_with_free_func ((GDestroyNotify) daemon_campaign_free);
  daemon->db_watch_fd = -1;
  return daemon;
}

static void clear_db_watch (PdDaemon *daemon);
static void watch_database (PdDaemon *daemon);

static void
clear_monitors (PdDaemon *daemon)
{
  g_clear_object (&daemon->campaigns_monitor);
  clear_db_watch (daemon);
  g_clear_handle_id (&daemon->db_pending_source, g_source_remove);
}

void
pd_daemon_free (PdDaemon *daemon)
{
  if (daemon == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (daemon->signal_sources); i++)
    if (daemon->signal_sources[i] != 0)
      g_source_remove (daemon->signal_sources[i]);
  pd_serve_stop (daemon->server);
  clear_monitors (daemon);
  g_clear_handle_id (&daemon->reconnect_source, g_source_remove);
  pd_timer_free (daemon->timer);
  g_clear_pointer (&daemon->loop, g_main_loop_unref);
  pd_notifier_free (daemon->notifier);
  close_store (daemon->store);
  g_ptr_array_unref (daemon->campaigns);
  pd_daemon_config_free (daemon->config);
  g_free (daemon->wake_reason);
  g_clear_pointer (&daemon->wake_zone, g_time_zone_unref);
  g_free (daemon->database_id);
  g_free (daemon->desktop_id);
  if (daemon->dry_run != NULL)
    g_string_free (daemon->dry_run, TRUE);
  g_clear_error (&daemon->exit_error);
  g_free (daemon->config_path);
  g_free (daemon->db_path);
  g_free (daemon);
}

void
pd_daemon_set_dry_run (PdDaemon *daemon)
{
  if (daemon->dry_run == NULL)
    daemon->dry_run = g_string_new (NULL);
}

const char *
pd_daemon_dry_run_text (const PdDaemon *daemon)
{
  return daemon->dry_run != NULL ? daemon->dry_run->str : NULL;
}

GTimeZone *
pd_daemon_first_zone (const PdDaemon *daemon)
{
  if (daemon->campaigns->len == 0)
    return NULL;
  return ((const PdDaemonCampaign *) g_ptr_array_index (daemon->campaigns, 0))->campaign->tz;
}

const char *
pd_daemon_db_path (const PdDaemon *daemon)
{
  return daemon->store != NULL ? pd_store_path (daemon->store) : NULL;
}

const char *
pd_daemon_wake_reason (const PdDaemon *daemon)
{
  return daemon->wake_reason;
}

GTimeZone *
pd_daemon_wake_zone (const PdDaemon *daemon)
{
  return daemon->wake_zone;
}

void
pd_daemon_set_clock (PdDaemon *daemon, gint64 now)
{
  daemon->clock_offset = now - g_get_real_time ();
  if (daemon->server != NULL)
    pd_serve_set_clock_offset (daemon->server, daemon->clock_offset);
}

gint64
pd_daemon_now (const PdDaemon *daemon)
{
  return g_get_real_time () + daemon->clock_offset;
}

gboolean
pd_daemon_load (PdDaemon *daemon, GError **error)
{
  g_autoptr (PdDaemonConfig) config = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GPtrArray) campaigns = g_ptr_array_new_with_free_func ((GDestroyNotify) daemon_campaign_free);
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean first = daemon->config == NULL;
  g_autofree char *database_id = NULL;
  gboolean missing = FALSE;
  const char *db_path;

  config = pd_config_load_daemon (daemon->config_path, &local_error);
  if (config == NULL)
    {
      g_set_error (error, PD_DAEMON_ERROR, PD_DAEMON_ERROR_CONFIG, "%s", local_error->message);
      return FALSE;
    }
  if (config->listen[0] != '\0' && !pd_server_check_listen (config->listen, &local_error))
    {
      g_set_error (error, PD_DAEMON_ERROR, PD_DAEMON_ERROR_CONFIG, "%s: %s",
                   config->path != NULL ? config->path : "prospectd.conf", local_error->message);
      return FALSE;
    }
  db_path = daemon->db_path != NULL ? daemon->db_path : config->database;
  if (daemon->store == NULL || !g_str_equal (pd_store_path (daemon->store), db_path))
    {
      /* A new database could not own a feeds directory that has an
       * owner: refused before the file is created. */
      if (!pd_store_exists (db_path)
          && !pd_feeddir_check (config->feeds_dir, NULL, db_path, FALSE, &local_error))
        {
          g_set_error (error, PD_DAEMON_ERROR, PD_DAEMON_ERROR_RUNTIME, "%s", local_error->message);
          return FALSE;
        }
      /* A dry run works on a copy of the database in memory. */
      store = daemon->dry_run != NULL ? pd_store_open_copy (db_path, &missing, &local_error)
                                      : open_store (db_path, &local_error);
      if (store == NULL)
        {
          g_set_error (error, PD_DAEMON_ERROR, PD_DAEMON_ERROR_RUNTIME, "%s", local_error->message);
          return FALSE;
        }
    }
  /* The feeds directory must be this database's (or nobody's yet). */
  database_id = pd_store_database_id (store != NULL ? store : daemon->store, &local_error);
  if (database_id == NULL
      || !pd_feeddir_check (config->feeds_dir, database_id, db_path, FALSE, &local_error))
    {
      g_set_error (error, PD_DAEMON_ERROR, PD_DAEMON_ERROR_RUNTIME, "%s", local_error->message);
      return FALSE;
    }
  if (missing)
    {
      g_autofree char *shown = pd_store_display_name (db_path);

      g_string_append_printf (daemon->dry_run, _("database '%s' does not exist: as if it were empty\n"), shown);
    }

  files = campaign_files (config->campaigns_dir);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *base = g_path_get_basename (path);
      PdDaemonCampaign *dc;
      PdDaemonCampaign *previous;

      g_clear_error (&local_error);
      dc = daemon_campaign_load (path, store != NULL ? store : daemon->store,
                                 pd_daemon_now (daemon) / G_USEC_PER_SEC, &local_error);
      if (dc != NULL)
        {
          g_ptr_array_add (campaigns, dc);
          continue;
        }
      base[strlen (base) - strlen (".conf")] = '\0';
      previous = first ? NULL : find_campaign (daemon->campaigns, base);
      if (previous == NULL)
        {
          g_warning ("campaign skipped: %s", local_error->message);
          continue;
        }
      /* Keep running the version that worked: hand it over to the new
       * state (the old array's slot is emptied so it is not freed). */
      g_warning ("campaign not reloaded, keeping the previous version: %s", local_error->message);
      guint index = 0;
      g_ptr_array_find (daemon->campaigns, previous, &index);
      g_ptr_array_add (campaigns, g_ptr_array_steal_index (daemon->campaigns, index));
    }

  /* Everything is good: swap. What the running versions of unchanged
   * files know is kept, when the database and the feeds stay. */
  for (guint i = 0; store == NULL && !first && i < campaigns->len; i++)
    {
      PdDaemonCampaign *dc = g_ptr_array_index (campaigns, i);
      PdDaemonCampaign *old = find_campaign (daemon->campaigns, dc->campaign->id);

      if (old != NULL && old != dc && g_strcmp0 (daemon->config->feeds_dir, config->feeds_dir) == 0
          && daemon->config->feeds_set == config->feeds_set)
        carry_over (dc, old, same_strv (daemon->config->notify_reps, config->notify_reps));
    }
  if (store != NULL)
    swap_store (daemon, g_steal_pointer (&store));
  g_free (daemon->database_id);
  daemon->database_id = g_steal_pointer (&database_id);
  /* A dry run shows nothing: no notifier, not even a look at the bus. */
  if (daemon->dry_run == NULL
      && (daemon->notifier == NULL || config->notifications != daemon->config->notifications))
    {
      g_clear_pointer (&daemon->notifier, pd_notifier_free);
      daemon->notifier = pd_notifier_new ("prospectd", config->notifications);
    }
  pd_daemon_config_free (daemon->config);
  daemon->config = g_steal_pointer (&config);
  g_ptr_array_unref (daemon->campaigns);
  daemon->campaigns = g_steal_pointer (&campaigns);

  for (guint i = 0; i < daemon->campaigns->len; i++)
    {
      PdDaemonCampaign *dc = g_ptr_array_index (daemon->campaigns, i);
      g_clear_error (&local_error);
      if (!pd_store_ensure_campaign (daemon->store, dc->campaign->id, dc->campaign->name, &local_error))
        g_warning ("campaign not recorded in the database: %s: %s", dc->campaign->id, local_error->message);
      g_message ("running campaign: '%s' (%s, %u reps)", dc->campaign->id, dc->campaign->path,
                 dc->campaign->reps->len);
    }
  if (daemon->campaigns->len == 0)
    g_message ("no campaign in: '%s'", daemon->config->campaigns_dir);
  return TRUE;
}

/* ----------------------------------------------------------- the loop */

/* An instant as the campaign it concerns sees it (ISO 8601 with its
 * offset), not in the machine's zone. */
static void
format_instant (gint64 unix_seconds, GTimeZone *zone, char *buffer, gsize size)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr (GDateTime) instant = utc != NULL && zone != NULL ? g_date_time_to_timezone (utc, zone) : NULL;
  g_autofree char *text = instant != NULL ? g_date_time_format (instant, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
  g_strlcpy (buffer, text != NULL ? text : "?", size);
}

static void
stop_loop (PdDaemon *daemon, GError *error)
{
  daemon->exit_status = 1;
  g_clear_error (&daemon->exit_error);
  daemon->exit_error = error;
  if (daemon->loop != NULL)
    g_main_loop_quit (daemon->loop);
}

/* The database file under the running daemon, looked at on every
 * wake-up: still the one opened; or replaced at its path (restored from a
 * backup, or created anew by a `prospectctl log` after a removal), which
 * is opened instead; or removed, which stops the daemon (exit 1) rather
 * than run on a deleted file that no other process sees, or begin an
 * empty database that would replay every notification and change every
 * feed URL. Returns FALSE when the loop is to stop. */
static gboolean
follow_database (PdDaemon *daemon)
{
  g_autoptr (GError) error = NULL;
  const char *path = pd_store_path (daemon->store);
  PdStore *store;

  switch (pd_store_file_state (daemon->store))
    {
    case PD_STORE_FILE_SAME:
      return TRUE;
    case PD_STORE_FILE_GONE:
      stop_loop (daemon, g_error_new (PD_DAEMON_ERROR, PD_DAEMON_ERROR_RUNTIME,
                                      _("the database was removed: '%s'; stopping (restore it, or restart "
                                        "prospectd to begin a new one)"), path));
      return FALSE;
    case PD_STORE_FILE_REPLACED:
    default:
      break;
    }
  /* The old file is closed first: its -wal and -shm, if still at the
   * path, must be gone before the new file is opened (see
   * pd_store_abandon()). */
  g_autofree char *db_path = g_strdup (path);

  pd_store_abandon (g_steal_pointer (&daemon->store));
  store = open_store (db_path, &error);
  if (store == NULL)
    {
      stop_loop (daemon, g_error_new (PD_DAEMON_ERROR, PD_DAEMON_ERROR_RUNTIME,
                                      _("the database was replaced by one that cannot be opened; stopping: %s"),
                                      error->message));
      return FALSE;
    }
  g_message ("database replaced, reopened: '%s'", db_path);
  swap_store (daemon, store);
  /* The watches were the old file's. */
  if (daemon->loop != NULL)
    watch_database (daemon);
  /* A restored backup is the same database (the same id); another one
   * finds the feeds directory not its own when it publishes. */
  g_clear_pointer (&daemon->database_id, g_free);
  daemon->database_id = pd_store_database_id (daemon->store, NULL);
  for (guint i = 0; i < daemon->campaigns->len; i++)
    {
      PdDaemonCampaign *dc = g_ptr_array_index (daemon->campaigns, i);

      g_clear_error (&error);
      if (!pd_store_ensure_campaign (daemon->store, dc->campaign->id, dc->campaign->name, &error))
        g_warning ("campaign not recorded in the database: %s: %s", dc->campaign->id, error->message);
    }
  return TRUE;
}

static void drain_server (PdDaemon *daemon);
static void watch_server (PdDaemon *daemon);

/* Evaluates now and re-arms the timer: the one place that decides when
 * the process wakes next. */
static void
replan (PdDaemon *daemon, gboolean activity_changed)
{
  g_autoptr (GError) error = NULL;
  gint64 now = pd_daemon_now (daemon) / G_USEC_PER_SEC;
  gint64 next = 0;
  char when[64];

  /* Without the database server: nothing to evaluate until reconnected
   * (on_reconnect() re-plans then). */
  if (daemon->store == NULL || daemon->reconnect_source != 0 || !follow_database (daemon))
    return;
  pd_daemon_evaluate (daemon, now, activity_changed, &next, &error);
  drain_server (daemon);
  if (next == 0)
    {
      pd_timer_disarm (daemon->timer);
      g_message ("nothing left to do: sleeping until a change");
      return;
    }
  /* The timer runs on the real clock; --now shifts the daemon's. */
  if (!pd_timer_arm (daemon->timer, next * G_USEC_PER_SEC - daemon->clock_offset, &error))
    {
      g_critical ("cannot arm the timer, exiting: %s", error->message);
      daemon->exit_status = 1;
      g_main_loop_quit (daemon->loop);
      return;
    }
  format_instant (next, daemon->wake_zone, when, sizeof when);
  g_message ("next wake-up at %s for %s", when, daemon->wake_reason);
}

static void
on_timer (PdTimer *timer, PdTimerEvent event, gpointer user_data)
{
  PdDaemon *daemon = user_data;

  (void) timer;
  if (event == PD_TIMER_CLOCK_CHANGED)
    g_message ("woke for a change of the system clock: re-planning");
  else
    g_message ("woke for %s", daemon->wake_reason != NULL ? daemon->wake_reason : "?");
  replan (daemon, FALSE);
}

static void on_campaigns_changed (GFileMonitor *, GFile *, GFile *, GFileMonitorEvent, gpointer);

static void
watch_campaigns (PdDaemon *daemon)
{
  const char *path = daemon->config->campaigns_dir;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;

  daemon->campaigns_monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (daemon->campaigns_monitor == NULL)
    {
      g_warning ("cannot watch for changes: '%s': %s", path, error->message);
      return;
    }
  g_file_monitor_set_rate_limit (daemon->campaigns_monitor, 100);
  g_signal_connect (daemon->campaigns_monitor, "changed", G_CALLBACK (on_campaigns_changed), daemon);
}

/* Commits of other processes are acted on at once after a quiet spell;
 * within a burst (a script logging a week of calls) the daemon re-plans
 * at most once per interval, the last time after the burst. */
#define DB_SETTLE_USEC (100 * G_TIME_SPAN_MILLISECOND)

/* A commit's last write to the WAL precedes its publication in the WAL
 * index, so data_version read on that write's event may not have moved
 * yet: look once more this much later. */
#define DB_RECHECK_MSEC 10

static void db_check (PdDaemon *daemon, gboolean on_event);

static gboolean
on_db_pending (gpointer user_data)
{
  PdDaemon *daemon = user_data;

  daemon->db_pending_source = 0;
  db_check (daemon, FALSE);
  return G_SOURCE_REMOVE;
}

/* Did another process commit? Our own commits do not move data_version,
 * and the evaluation reads it before it reads anything else. */
static void
db_check (PdDaemon *daemon, gboolean on_event)
{
  g_autoptr (GError) error = NULL;
  gint64 version;
  gint64 now;

  if (daemon->db_pending_source != 0 || daemon->store == NULL)
    return;
  if (pd_store_file_state (daemon->store) != PD_STORE_FILE_SAME)
    {
      /* Removed or replaced: replan() follows it at once. */
      replan (daemon, TRUE);
      return;
    }
  if (!pd_store_data_version (daemon->store, &version, &error))
    {
      g_warning ("cannot read the database's version: %s", error->message);
      return;
    }
  if (version == daemon->data_version)
    {
      if (on_event)
        daemon->db_pending_source = g_timeout_add (DB_RECHECK_MSEC, on_db_pending, daemon);
      return;
    }
  now = g_get_monotonic_time ();
  if (daemon->db_replanned_at != 0 && now < daemon->db_replanned_at + DB_SETTLE_USEC)
    {
      guint wait_ms = (guint) ((daemon->db_replanned_at + DB_SETTLE_USEC - now + 999) / 1000);

      daemon->db_pending_source = g_timeout_add (wait_ms, on_db_pending, daemon);
      return;
    }
  {
    g_autofree char *shown = pd_store_display_name (pd_store_path (daemon->store));

    g_message ("woke for a change in the database by another process: '%s'", shown);
  }
  replan (daemon, TRUE);
  daemon->db_replanned_at = g_get_monotonic_time ();
}

/* Reads the inotify events of the database's own files: a commit, a
 * checkpoint, or the file removed, renamed or replaced (a lost queue
 * too) all send us to db_check(), which tells them apart. */
static gboolean
on_db_event (gint fd, GIOCondition condition, gpointer user_data)
{
  PdDaemon *daemon = user_data;
  union {
    struct inotify_event event; /* aligns the buffer for it */
    char bytes[4096];
  } buffer;
  gboolean any = FALSE;
  ssize_t n;

  (void) condition;
  if (daemon->store == NULL) /* stopping: the database is gone */
    {
      daemon->db_watch_source = 0;
      return G_SOURCE_REMOVE;
    }
  while ((n = read (fd, buffer.bytes, sizeof buffer.bytes)) > 0)
    for (ssize_t at = 0; at < n;)
      {
        const struct inotify_event *event = (const struct inotify_event *) (gpointer) (buffer.bytes + at);

        at += (ssize_t) (sizeof *event + event->len);
        /* IN_IGNORED: a watch removed with its file (after the
         * IN_ATTRIB of its last unlink, already seen). */
        if ((event->mask & IN_IGNORED) == 0)
          any = TRUE;
      }
  if (n < 0 && errno != EAGAIN && errno != EINTR)
    {
      g_warning ("cannot watch for changes in the database any more: %s", g_strerror (errno));
      daemon->db_watch_source = 0;
      return G_SOURCE_REMOVE;
    }
  if (any)
    db_check (daemon, TRUE);
  return G_SOURCE_CONTINUE;
}

static void
clear_db_watch (PdDaemon *daemon)
{
  g_clear_handle_id (&daemon->db_watch_source, g_source_remove);
  if (daemon->db_watch_fd >= 0)
    close (daemon->db_watch_fd);
  daemon->db_watch_fd = -1;
}

/* The database's own files are watched with inotify, each file rather
 * than their directory (other files there must not wake the daemon): the
 * database file for its removal or replacement (the unlink or the rename
 * over it changes its link count: IN_ATTRIB) and checkpoints, and its
 * -wal, where other processes' commits land. The -wal exists while the
 * daemon's connection is open in WAL mode; the watches follow the files
 * opened, so a replaced database is watched again once reopened
 * (follow_database()). Raw inotify rather than GFileMonitor: GLib
 * coalesces a file's changes and, once it has coalesced one, reads its
 * inotify descriptor only every 100 ms, so a commit (several writes to
 * the WAL) reached the daemon up to 100 ms late (make bench: median
 * 101.7 ms). A backend without files (a server's notifications) would
 * add its own source here. */
static void
watch_database (PdDaemon *daemon)
{
  static const uint32_t file_events = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF;
  const char *path = pd_store_path (daemon->store);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  int fd;

  /* A PostgreSQL database has no file to watch: the server tells. */
  if (pd_store_name_is_server (path))
    {
      watch_server (daemon);
      return;
    }

  clear_db_watch (daemon);
  fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0 || inotify_add_watch (fd, path, file_events | IN_DONT_FOLLOW) < 0)
    {
      int saved = errno;

      g_warning ("cannot watch for changes: '%s': %s", path, g_strerror (saved));
      if (fd >= 0)
        close (fd);
      return;
    }
  /* Without its -wal (not in WAL mode yet), commits still reach the
   * database file itself. */
  if (inotify_add_watch (fd, wal, file_events | IN_DONT_FOLLOW) < 0 && errno != ENOENT)
    g_warning ("cannot watch for changes: '%s': %s", wal, g_strerror (errno));
  daemon->db_watch_fd = fd;
  daemon->db_watch_source = g_unix_fd_add (fd, G_IO_IN, on_db_event, daemon);
}

/* ------------------------------------------------ a PostgreSQL server
 *
 * The daemon's connection listens for the changes the schema's triggers
 * announce (pd_store_change_fd()), and its socket is watched by the main
 * loop: another process's commit wakes the daemon at once, and nothing
 * else does (no polling). A lost server (restarted, stopped, the network
 * gone) is logged once; the daemon then tries to connect again after 1 s,
 * then 2, 4 ... up to 60 s between attempts (a timeout on the loop: no
 * sleep, no spin), and once connected again re-plans, which evaluates
 * everything due that it missed. A new connection has a new socket,
 * watched again. */

#define RECONNECT_MAX_SECONDS 60

static void watch_database (PdDaemon *daemon);

static gboolean
on_reconnect (gpointer user_data)
{
  PdDaemon *daemon = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *shown = pd_store_display_name (pd_store_path (daemon->store));
  PdStore *store;

  daemon->reconnect_source = 0;
  store = open_store (pd_store_path (daemon->store), &error);
  if (store == NULL)
    {
      daemon->reconnect_delay = MIN (daemon->reconnect_delay * 2, RECONNECT_MAX_SECONDS);
      g_debug ("still no database server, next attempt in %u s: %s", daemon->reconnect_delay, error->message);
      daemon->reconnect_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, daemon->reconnect_delay,
                                                             on_reconnect, daemon, NULL);
      return G_SOURCE_REMOVE;
    }
  g_message ("reconnected to the database: '%s'", shown);
  daemon->reconnect_delay = 0;
  swap_store (daemon, store);
  watch_database (daemon);
  replan (daemon, TRUE);
  return G_SOURCE_REMOVE;
}

/* The server went away: said once, then reconnecting with backoff. */
static void
server_lost (PdDaemon *daemon, const GError *error)
{
  g_clear_handle_id (&daemon->db_watch_source, g_source_remove);
  g_clear_handle_id (&daemon->db_pending_source, g_source_remove);
  if (daemon->reconnect_source != 0)
    return;
  g_warning ("%s; reconnecting in 1 s, then at most every %d s", error->message, RECONNECT_MAX_SECONDS);
  daemon->reconnect_delay = 1;
  daemon->reconnect_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 1, on_reconnect, daemon, NULL);
}

/* Reads the server's announcements: another process's commit sends us
 * to db_check(), a lost connection to server_lost(). */
static gboolean
on_server_event (gint fd, GIOCondition condition, gpointer user_data)
{
  PdDaemon *daemon = user_data;
  g_autoptr (GError) error = NULL;
  gboolean changed = FALSE;

  (void) fd;
  (void) condition;
  if (!pd_store_read_changes (daemon->store, &changed, &error))
    {
      daemon->db_watch_source = 0;
      server_lost (daemon, error);
      return G_SOURCE_REMOVE;
    }
  if (changed)
    db_check (daemon, FALSE);
  return G_SOURCE_CONTINUE;
}

/* After an evaluation: announcements libpq took in during its queries
 * no longer make the socket readable; they are read here. */
static void
drain_server (PdDaemon *daemon)
{
  g_autoptr (GError) error = NULL;
  gboolean changed = FALSE;

  if (daemon->db_watch_source == 0 || !pd_store_name_is_server (pd_store_path (daemon->store)))
    return;
  if (!pd_store_read_changes (daemon->store, &changed, &error))
    server_lost (daemon, error);
  else if (changed && daemon->db_pending_source == 0)
    daemon->db_pending_source = g_timeout_add (DB_RECHECK_MSEC, on_db_pending, daemon);
}

/* Watches the server's connection (see above). */
static void
watch_server (PdDaemon *daemon)
{
  g_autoptr (GError) error = NULL;
  int fd;

  clear_db_watch (daemon);
  fd = pd_store_change_fd (daemon->store, &error);
  if (fd < 0)
    {
      server_lost (daemon, error);
      return;
    }
  daemon->db_watch_source = g_unix_fd_add (fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_server_event, daemon);
}

static void
watch (PdDaemon *daemon)
{
  clear_monitors (daemon);
  watch_campaigns (daemon);
  watch_database (daemon);
}

/* The feeds the server may serve: every rep of every campaign running,
 * with the path of its feed file built from the campaign's own id and
 * rep name (no part of a URL reaches the file system). */
static PdServeFeeds *
serve_feeds (PdDaemon *daemon)
{
  PdServeFeeds *feeds = pd_serve_feeds_new ();

  for (guint i = 0; i < daemon->campaigns->len; i++)
    {
      const PdCampaign *campaign = ((const PdDaemonCampaign *) g_ptr_array_index (daemon->campaigns, i))->campaign;

      for (guint r = 0; r < campaign->reps->len; r++)
        {
          const PdRep *rep = g_ptr_array_index (campaign->reps, r);
          g_autofree char *path = pd_feed_path (daemon->config->feeds_dir, campaign->id, rep->name);

          if (path != NULL)
            pd_serve_feeds_add (feeds, campaign->id, rep->name, path);
        }
      pd_serve_feeds_add_report (feeds, campaign->id, campaign->path);
    }
  return feeds;
}

/* Starts, stops or restarts the feed server to match the configuration.
 * A server that cannot start leaves the running one (if any) in place.
 * Returns FALSE with error set when the server the configuration asks for
 * is not running. */
static gboolean
update_server (PdDaemon *daemon, GError **error)
{
  const char *listen = daemon->config->listen;
  guint max_connections = daemon->config->max_connections;
  g_autoptr (PdServeFeeds) feeds = NULL;
  PdStore *store;
  PdServe *server;

  if (listen[0] == '\0')
    {
      if (daemon->server != NULL)
        g_message ("feed server stopped: '%s'", pd_serve_get_listen (daemon->server));
      g_clear_pointer (&daemon->server, pd_serve_stop);
      return TRUE;
    }
  feeds = serve_feeds (daemon);
  if (daemon->server != NULL)
    pd_serve_set_feeds (daemon->server, feeds);
  if (daemon->server != NULL && g_str_equal (pd_serve_get_listen (daemon->server), listen) &&
      pd_serve_get_max_connections (daemon->server) == max_connections)
    return TRUE;
  /* Same address: the old server must let go of the port first. */
  if (daemon->server != NULL && g_str_equal (pd_serve_get_listen (daemon->server), listen))
    g_clear_pointer (&daemon->server, pd_serve_stop);
  /* The server's thread looks tokens up in a connection of its own. */
  store = open_store (pd_store_path (daemon->store), error);
  if (store == NULL)
    return FALSE;
  server = pd_serve_start (listen, max_connections, store, feeds, error);
  if (server == NULL)
    return FALSE;
  if (daemon->server != NULL)
    g_message ("feed server stopped: '%s'", pd_serve_get_listen (daemon->server));
  pd_serve_stop (daemon->server);
  daemon->server = server;
  pd_serve_set_clock_offset (server, daemon->clock_offset);
  g_message ("feed server listening: 'http://%s/feeds/' (at most %u connections)", listen, max_connections);
  return TRUE;
}

static void
reload (PdDaemon *daemon, const char *why)
{
  g_autoptr (GError) error = NULL;

  g_message ("woke for %s: reloading", why);
  /* A database replaced or removed at its path first (see replan()). */
  if (daemon->store != NULL && !follow_database (daemon))
    return;
  if (!pd_daemon_load (daemon, &error))
    {
      g_warning ("reload failed, keeping the running configuration: %s", error->message);
      return;
    }
  if (!update_server (daemon, &error))
    g_warning ("feed server not restarted: %s", error->message);
  g_clear_error (&error);
  watch (daemon);
  replan (daemon, FALSE);
}

static void
on_campaigns_changed (GFileMonitor *m, GFile *file, GFile *other, GFileMonitorEvent event, gpointer user_data)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *other_name = other != NULL ? g_file_get_basename (other) : NULL;
  g_autofree char *why = NULL;

  (void) m;
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    case G_FILE_MONITOR_EVENT_RENAMED:
      break;
    default:
      return;
    }
  if (!g_str_has_suffix (name, ".conf") && (other_name == NULL || !g_str_has_suffix (other_name, ".conf")))
    return;
  why = g_strdup_printf ("a change of campaign file '%s'", other_name != NULL ? other_name : name);
  reload (user_data, why);
}

static gboolean
on_sighup (gpointer user_data)
{
  reload (user_data, "SIGHUP");
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit (gpointer user_data)
{
  PdDaemon *daemon = user_data;

  g_message ("exiting on signal");
  g_main_loop_quit (daemon->loop);
  return G_SOURCE_CONTINUE;
}

/* The feeds' VTIMEZONE, built by a short-lived `prospectd --vtimezone`:
 * building it makes libical expand the zone's rules with ICU, whose code
 * and data (about 3 MiB) would otherwise stay resident in this
 * long-running process. NULL (the renderer then builds it here) when the
 * child cannot run, e.g. the executable was replaced by an upgrade. */
static char *
vtimezone_from_child (const char *name, int first_year, int last_year)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *spec = g_strdup_printf ("%s:%d:%d", name, first_year, last_year);
  char *argv[] = { self, (char *) "--vtimezone", spec, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (self == NULL)
    return NULL;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_warning ("time zone '%s' built in the daemon (%s%s%s)", name, error->message,
                 err != NULL && *err != '\0' ? ": " : "", err != NULL ? g_strchomp (err) : "");
      return NULL;
    }
  return g_steal_pointer (&out);
}

int
pd_daemon_run (PdDaemon *daemon, GError **error)
{
  daemon->timer = pd_timer_new (on_timer, daemon, error);
  if (daemon->timer == NULL)
    return 1;
  daemon->loop = g_main_loop_new (NULL, FALSE);
  daemon->vtimezone_source = vtimezone_from_child;
  daemon->signal_sources[0] = g_unix_signal_add (SIGHUP, on_sighup, daemon);
  daemon->signal_sources[1] = g_unix_signal_add (SIGTERM, on_quit, daemon);
  daemon->signal_sources[2] = g_unix_signal_add (SIGINT, on_quit, daemon);
  if (!update_server (daemon, error))
    return 1;
  watch (daemon);
  replan (daemon, FALSE);
  if (daemon->exit_status == 0)
    g_main_loop_run (daemon->loop);
  if (daemon->exit_error != NULL)
    g_propagate_error (error, g_steal_pointer (&daemon->exit_error));
  return daemon->exit_status;
}
