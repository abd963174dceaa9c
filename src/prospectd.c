/* SPDX-License-Identifier: MIT
 *
 * prospectd: the daemon's command line. Parses the options, loads the
 * state (daemon module) and either runs one evaluation (--once) or the
 * main loop. Only wires modules together.
 */
#define G_LOG_DOMAIN "prospectd"

#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "prospectd/daemon.h"
#include "prospectd/ics.h"
#include "prospectd/ics-zone.h"
#include "prospectd/language.h"
#include "prospectd/parse.h"
#include "prospectd/store.h"

enum {
  EXIT_OK = 0,
  EXIT_FAILURE_RUNTIME = 1,
  EXIT_USAGE = 2,
};

static char *opt_config;
static char *opt_db;
static char *opt_now;
static gboolean opt_once;
static gboolean opt_dry_run;
static gboolean opt_verbose;
static gboolean opt_version;
static char *opt_vtimezone;

static GOptionEntry entries[] = {
  { "config", 0, 0, G_OPTION_ARG_FILENAME, &opt_config,
    N_("Daemon configuration (default: $XDG_CONFIG_HOME/prospectd/prospectd.conf)"), N_("FILE") },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, N_("Database (default: the configuration's)"), N_("FILE") },
  { "once", 0, 0, G_OPTION_ARG_NONE, &opt_once, N_("Run one evaluation, then exit"), NULL },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt_dry_run,
    N_("With --once: print what would be shown and written, and change nothing"), NULL },
  { "now", 0, 0, G_OPTION_ARG_STRING, &opt_now,
    N_("Run as if the clock read DATETIME (ISO 8601; without an offset, in the first campaign's zone)"),
    N_("DATETIME") },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, N_("Log details as well as decisions"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Show the version"), NULL },
  /* The daemon's own helper: see vtimezone_from_child() in daemon.c. */
  { "vtimezone", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_vtimezone,
    N_("Print the VTIMEZONE of the feeds of a campaign in ZONE from FIRST to LAST"), N_("ZONE:FIRST:LAST") },
  G_OPTION_ENTRY_NULL
};

static int usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* One line on stderr, exit status 2. */
static int
usage_error (const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, _("prospectd: %s\n"), message);
  return EXIT_USAGE;
}

/* --now: ISO 8601 with an offset or Z, or a local date and time read in
 * the first campaign's zone (the machine's when there is no campaign). */
static gboolean
parse_now (const PdDaemon *daemon, const char *text, gint64 *ret_usec)
{
  GTimeZone *zone = pd_daemon_first_zone (daemon);
  g_autoptr (GTimeZone) local = NULL;

  if (zone == NULL)
    zone = local = g_time_zone_new_local ();
  return pd_parse_datetime (text, zone, ret_usec, NULL);
}

/* GLib's default writer drops info messages unless G_MESSAGES_DEBUG names
 * their domain; the daemon logs each notification at info, as part of its
 * log, so info goes out like the other levels (to the journal under
 * systemd, else to stderr). Debug messages still need --verbose. */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if ((level & G_LOG_LEVEL_MASK) == G_LOG_LEVEL_INFO)
    {
      if (g_log_writer_is_journald (fileno (stderr))
          && g_log_writer_journald (level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
        return G_LOG_WRITER_HANDLED;
      return g_log_writer_standard_streams (level, fields, n_fields, user_data);
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* The zone times are written in: the first campaign's (as --now reads
 * them), the machine's when there is no campaign. */
static GTimeZone *
first_zone (const PdDaemon *daemon)
{
  GTimeZone *zone = pd_daemon_first_zone (daemon);

  return zone != NULL ? g_time_zone_ref (zone) : g_time_zone_new_local ();
}

static char *
format_instant (gint64 unix_seconds, GTimeZone *zone)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr (GDateTime) instant = utc != NULL ? g_date_time_to_timezone (utc, zone) : NULL;

  return instant != NULL ? g_date_time_format (instant, "%Y-%m-%dT%H:%M:%S%:z") : g_strdup ("?");
}

/* --once --dry-run: one evaluation on a copy of the database, and what it
 * would do on stdout, framed by the instant and what comes next. */
static int
dry_run (PdDaemon *daemon, gint64 now)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) zone = first_zone (daemon);
  g_autofree char *when = format_instant (now, zone);
  g_autofree char *database = pd_store_display_name (pd_daemon_db_path (daemon));
  gint64 next = 0;
  gboolean ok;

  ok = pd_daemon_evaluate (daemon, now, FALSE, &next, &error);
  printf (_("dry run at %s on database '%s': nothing written, nothing shown\n"), when, database);
  fputs (pd_daemon_dry_run_text (daemon), stdout);
  if (ok && next != 0)
    {
      GTimeZone *wake_zone = pd_daemon_wake_zone (daemon);
      g_autofree char *next_text = format_instant (next, wake_zone != NULL ? wake_zone : zone);
      printf (_("next wake-up at %s for %s\n"), next_text, pd_daemon_wake_reason (daemon));
    }
  else if (ok)
    printf (_("nothing left to do\n"));
  if (fflush (stdout) != 0)
    return EXIT_FAILURE_RUNTIME;
  if (!ok)
    {
      fprintf (stderr, _("prospectd: %s\n"), error->message);
      return EXIT_FAILURE_RUNTIME;
    }
  return EXIT_OK;
}

/* --vtimezone ZONE:FIRST:LAST (zone names have no ':'). */
static int
print_vtimezone (const char *spec)
{
  g_auto (GStrv) parts = g_strsplit (spec, ":", -1);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint64 first, last;

  if (g_strv_length (parts) != 3
      || !g_ascii_string_to_unsigned (parts[1], 10, 1, 9999, &first, NULL)
      || !g_ascii_string_to_unsigned (parts[2], 10, first, 9999, &last, NULL))
    return usage_error (_("--vtimezone %s: expected ZONE:FIRST:LAST, e.g. Europe/Paris:2027:2027"), spec);
  text = pd_ics_vtimezone_text (parts[0], (int) first, (int) last, &error);
  pd_ics_zone_shutdown ();
  if (text == NULL)
    return usage_error ("%s", error->message);
  fputs (text, stdout);
  return fflush (stdout) == 0 ? EXIT_OK : EXIT_FAILURE_RUNTIME;
}

static int
run (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (PdDaemon) daemon = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  g_option_context_set_summary (context, _("Reminds reps of their call blocks, checks progress every day, "
                                           "catches up and keeps the calendar feeds current."));
  g_option_context_set_description (context, _("Exit status: 0 ok, 1 runtime failure, 2 usage or "
                                               "configuration error.\n\nSee prospectd(8)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);
  if (argc > 1)
    return usage_error (_("unexpected argument '%s'"), argv[1]);
  if (opt_version)
    {
      printf ("prospectd %s\n", PD_VERSION);
      return EXIT_OK;
    }
  if (opt_vtimezone != NULL)
    return print_vtimezone (opt_vtimezone);
  if (opt_dry_run && !opt_once)
    return usage_error (_("--dry-run needs --once: a dry run is one evaluation"));
  if (opt_verbose)
    g_log_set_debug_enabled (TRUE);

  daemon = pd_daemon_new (opt_config, opt_db);
  if (opt_dry_run)
    pd_daemon_set_dry_run (daemon);
  if (!pd_daemon_load (daemon, &error))
    {
      fprintf (stderr, _("prospectd: %s\n"), error->message);
      return g_error_matches (error, PD_DAEMON_ERROR, PD_DAEMON_ERROR_CONFIG) ? EXIT_USAGE : EXIT_FAILURE_RUNTIME;
    }
  if (opt_now != NULL)
    {
      gint64 now;
      if (!parse_now (daemon, opt_now, &now))
        return usage_error (_("--now %s: expected an ISO 8601 date and time, e.g. 2027-01-04T08:50 or "
                              "2027-01-04T08:50:00+01:00"), opt_now);
      pd_daemon_set_clock (daemon, now);
    }

  if (opt_dry_run)
    return dry_run (daemon, pd_daemon_now (daemon) / G_USEC_PER_SEC);
  if (opt_once)
    {
      gint64 next = 0;
      if (!pd_daemon_evaluate (daemon, pd_daemon_now (daemon) / G_USEC_PER_SEC, FALSE, &next, &error))
        {
          fprintf (stderr, _("prospectd: %s\n"), error->message);
          return EXIT_FAILURE_RUNTIME;
        }
      return EXIT_OK;
    }
  status = pd_daemon_run (daemon, &error);
  if (error != NULL)
    fprintf (stderr, _("prospectd: %s\n"), error->message);
  return status;
}

int
main (int argc, char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  /* The daemon lives long and makes and frees arrays of megabytes (a
   * team's schedule, a revision): each allocation of 128 KiB or more gets
   * its own mapping, given back to the system when freed (glibc would
   * otherwise raise that threshold to the largest block freed and keep
   * later ones in its heap), and the feed workers share two arenas. */
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
  mallopt (M_ARENA_MAX, 2);
  /* A write beyond the file-size limit fails with EFBIG and is logged,
   * instead of killing the daemon without a word. */
  signal (SIGXFSZ, SIG_IGN);
  /* Every log line on stderr (stdout is for what --dry-run prints). */
  g_log_writer_default_set_use_stderr (TRUE);
  g_log_set_writer_func (log_writer, NULL, NULL);
  pd_language_bind ();

  status = run (argc, argv);
  g_free (opt_config);
  g_free (opt_db);
  g_free (opt_now);
  pd_ics_zone_shutdown ();
  return status;
}
