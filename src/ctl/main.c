/* SPDX-License-Identifier: MIT
 *
 * prospectctl: the command line for reps and managers.
 *
 * Finds the verb (the first argument that is not a global option), then
 * parses the whole command line with one GOptionContext holding the global
 * options and the verb's own, so that global options are accepted before or
 * after the verb. Only wires modules together; each verb lives in its own
 * file under src/ctl/.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include <sys/stat.h>

#include "ctl.h"
#include "prospectd/callbook.h"
#include "prospectd/ics-zone.h"
#include "prospectd/catchup.h"
#include "prospectd/feeddir.h"
#include "prospectd/ics.h"
#include "prospectd/language.h"
#include "prospectd/parse.h"
#include "prospectd/publish.h"
#include "prospectd/workcal.h"

static const PdVerb *const verbs[] = {
  &pd_ctl_verb_plan,
  &pd_ctl_verb_schedule,
  &pd_ctl_verb_export,
  &pd_ctl_verb_log,
  &pd_ctl_verb_call,
  &pd_ctl_verb_activity,
  &pd_ctl_verb_reschedule,
  &pd_ctl_verb_status,
  &pd_ctl_verb_today,
  &pd_ctl_verb_calls,
  &pd_ctl_verb_feed_url,
  &pd_ctl_verb_report,
  &pd_ctl_verb_report_url,
  &pd_ctl_verb_team,
  &pd_ctl_verb_db,
  &pd_ctl_verb_calibrate,
  &pd_ctl_verb_campaigns,
  &pd_ctl_verb_prospects,
  &pd_ctl_verb_prescribers,
};

int
pd_ctl_error (int code, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* TRANSLATORS: how every error and warning of prospectctl starts. */
  fprintf (stderr, _("prospectctl: %s\n"), message);
  return code;
}

void
pd_ctl_print_json (void *json_node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, json_node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

void
pd_ctl_json_int (void *builder, const char *key, gint64 value)
{
  json_builder_set_member_name (builder, key);
  json_builder_add_int_value (builder, value);
}

void
pd_ctl_json_string (void *builder, const char *key, const char *value)
{
  json_builder_set_member_name (builder, key);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* Rep starts and past loads from the store (catchup.h), recorded or not. */
static int
campaign_history (PdCtl *ctl, PdStore *store, PdCampaign *campaign, gboolean record)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = pd_ctl_now (ctl, campaign->tz);
  GDate today;

  pd_ctl_today (ctl, campaign, &today);
  if (!pd_catchup_rep_starts (store, campaign, &today, record, &error) ||
      !pd_catchup_freeze_past (store, campaign, &today, g_date_time_to_unix (now), record, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  return PD_EXIT_OK;
}

int
pd_ctl_record_campaign (PdCtl *ctl, PdStore *store, PdCampaign *campaign)
{
  return campaign_history (ctl, store, campaign, TRUE);
}

char *
pd_ctl_vtimezone_text (const char *name, int first_year, int last_year)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self != NULL ? g_path_get_dirname (self) : NULL;
  g_autofree char *daemon = dir != NULL ? g_build_filename (dir, "prospectd", NULL) : NULL;
  g_autofree char *spec = g_strdup_printf ("%s:%d:%d", name, first_year, last_year);
  char *argv[] = { daemon, (char *) "--vtimezone", spec, NULL };
  g_autofree char *out = NULL;
  int status;

  if (daemon == NULL || !g_file_test (daemon, G_FILE_TEST_IS_EXECUTABLE)
      || !g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL) || out == NULL || *out == '\0')
    return NULL;
  return g_steal_pointer (&out);
}

int
pd_ctl_load_campaign (PdCtl *ctl, int argc, char **argv, PdCampaign **ret_campaign)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  PdCampaign *campaign;

  if (argc > 1)
    return pd_ctl_error (PD_EXIT_USAGE, _("unexpected argument '%s'"), argv[1]);
  path = pd_config_resolve_campaign (ctl->config, argc > 0 ? argv[0] : NULL, &error);
  if (path == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, "%s", error->message);
  campaign = pd_config_load_campaign (path, &error);
  if (campaign == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, "%s", error->message);
  pd_workcal_prepare (campaign);

  /* The start of a rep added mid-campaign, and the loads of past days, as
   * the database has them (an existing database only: reading never
   * creates one; nothing is written here, see pd_ctl_record_campaign). */
  if (pd_ctl_store_exists (ctl))
    {
      g_autoptr (PdStore) store = NULL;
      int status = pd_ctl_open_store (ctl, &store);

      if (status == PD_EXIT_OK)
        status = campaign_history (ctl, store, campaign, FALSE);
      if (status != PD_EXIT_OK)
        {
          pd_campaign_free (campaign);
          return status;
        }
    }
  *ret_campaign = campaign;
  return PD_EXIT_OK;
}

int
pd_ctl_build_schedule (const PdCampaign *campaign, PdPlan *ret_plan, PdSchedule **ret_schedule)
{
  g_autoptr (GError) error = NULL;
  PdSchedule *schedule;

  if (!pd_plan_compute (&campaign->plan, ret_plan, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "%s: [plan]: %s", campaign->path, error->message);
  schedule = pd_schedule_build (campaign, ret_plan, &error);
  if (schedule == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
  *ret_schedule = schedule;
  return PD_EXIT_OK;
}

int
pd_ctl_build_days (const PdCampaign *campaign, PdPlan *ret_plan, PdSchedule **ret_schedule)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdScheduleBuilder) builder = NULL;
  g_autoptr (PdSchedule) schedule = NULL;

  if (!pd_plan_compute (&campaign->plan, ret_plan, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "%s: [plan]: %s", campaign->path, error->message);
  builder = pd_schedule_builder_new (campaign, ret_plan);
  schedule = pd_schedule_builder_start (builder);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      g_autoptr (PdSchedule) one = pd_schedule_builder_rep_days (builder, r, &error);

      if (one == NULL)
        return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
      g_array_append_vals (schedule->days, one->days->data, one->days->len);
    }
  *ret_schedule = g_steal_pointer (&schedule);
  return PD_EXIT_OK;
}

int
pd_ctl_build_rep (const PdCampaign *campaign, guint rep_index, PdPlan *ret_plan, PdSchedule **ret_schedule)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdScheduleBuilder) builder = NULL;
  PdSchedule *schedule;

  if (!pd_plan_compute (&campaign->plan, ret_plan, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "%s: [plan]: %s", campaign->path, error->message);
  builder = pd_schedule_builder_new (campaign, ret_plan);
  if ((schedule = pd_schedule_builder_rep (builder, rep_index, &error)) == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
  *ret_schedule = schedule;
  return PD_EXIT_OK;
}

int
pd_ctl_check_schedule (const PdCampaign *campaign, PdPlan *ret_plan)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdScheduleBuilder) builder = NULL;

  if (!pd_plan_compute (&campaign->plan, ret_plan, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "%s: [plan]: %s", campaign->path, error->message);
  /* The store's baseline was built from this very text: it fits. */
  if (campaign->source_planned)
    return PD_EXIT_OK;
  builder = pd_schedule_builder_new (campaign, ret_plan);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      g_autoptr (PdSchedule) one = pd_schedule_builder_rep_days (builder, r, &error);

      if (one == NULL)
        return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
    }
  return PD_EXIT_OK;
}

int
pd_ctl_parse_date_option (const char *option, const char *text, GDate *ret_date)
{
  g_autoptr (GError) error = NULL;

  g_date_clear (ret_date, 1);
  if (text == NULL)
    return PD_EXIT_OK;
  if (!pd_parse_date (text, ret_date, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "%s %s: %s", option, text, error->message);
  return PD_EXIT_OK;
}

int
pd_ctl_open_store (PdCtl *ctl, PdStore **ret_store)
{
  g_autoptr (GError) error = NULL;
  const char *path = ctl->db_path != NULL ? ctl->db_path : ctl->config->database;
  PdStore *store = pd_store_open (path, &error);
  g_autofree char *shown = pd_store_display_name (path);

  if (store == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  if (pd_store_tightened_mode (store) != 0)
    pd_ctl_error (PD_EXIT_OK, _("the database '%s' was open to others (mode %04o): now %04o"),
                  shown, pd_store_tightened_mode (store), pd_store_tightened_mode (store) & 0700);
  *ret_store = store;
  return PD_EXIT_OK;
}

int
pd_ctl_open_store_for_reading (PdCtl *ctl, PdStore **ret_store)
{
  const char *path = ctl->db_path != NULL ? ctl->db_path : ctl->config->database;

  if (pd_store_exists (path))
    return pd_ctl_open_store (ctl, ret_store);
  /* A --db that names no file is a typo or a wrong path: reading it as an
   * empty campaign would show a status of zeros. The configured database
   * only exists once something was logged. */
  if (ctl->db_path != NULL)
    {
      g_autofree char *shown = pd_store_display_name (ctl->db_path);

      return pd_ctl_error (PD_EXIT_USAGE, _("--db %s: no such database (only log creates one)"), shown);
    }
  *ret_store = NULL;
  return PD_EXIT_OK;
}

/* Edit distance between two strings of characters (insertions, deletions
 * and substitutions of one character each), two rows at a time. */
static gsize
edit_distance (const gunichar *a, gsize a_length, const gunichar *b, gsize b_length)
{
  g_autofree gsize *previous = g_new (gsize, b_length + 1);
  g_autofree gsize *current = g_new (gsize, b_length + 1);

  for (gsize j = 0; j <= b_length; j++)
    previous[j] = j;
  for (gsize i = 1; i <= a_length; i++)
    {
      current[0] = i;
      for (gsize j = 1; j <= b_length; j++)
        {
          gsize substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
          current[j] = MIN (substitution, MIN (previous[j], current[j - 1]) + 1);
        }
      memcpy (previous, current, (b_length + 1) * sizeof *current);
    }
  return previous[b_length];
}

/* The name compared: case folded, composed (é typed as e + accent is é). */
static gunichar *
comparable_name (const char *name, glong *ret_length)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  g_autofree char *normal = g_utf8_normalize (folded, -1, G_NORMALIZE_DEFAULT_COMPOSE);

  return g_utf8_to_ucs4_fast (normal != NULL ? normal : folded, -1, ret_length);
}

/* The rep whose name is closest to `name`: the same but for case, else at
 * most a third of its letters (at least 2) away; NULL when none is that
 * close, or when two are equally close. */
static const PdRep *
closest_rep (const PdCampaign *campaign, const char *name)
{
  glong length = 0;
  g_autofree gunichar *typed = g_utf8_validate (name, -1, NULL) ? comparable_name (name, &length) : NULL;
  const PdRep *best = NULL;
  gsize best_distance = G_MAXSIZE;
  gboolean tie = FALSE;

  if (typed == NULL)
    return NULL;
  for (guint i = 0; i < campaign->reps->len; i++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, i);
      glong rep_length = 0;
      g_autofree gunichar *known = comparable_name (rep->name, &rep_length);
      gsize distance = edit_distance (typed, (gsize) length, known, (gsize) rep_length);

      if (distance < best_distance)
        {
          best = rep;
          best_distance = distance;
          tie = FALSE;
        }
      else if (distance == best_distance)
        tie = TRUE;
    }
  if (best == NULL || tie || best_distance > MAX ((gsize) 2, (gsize) length / 3))
    return NULL;
  return best;
}

void
pd_ctl_canonical_rep (char **name)
{
  char *nfc = *name != NULL ? pd_rep_normalize (*name) : NULL;

  if (nfc != NULL)
    {
      g_free (*name);
      *name = nfc;
    }
}

int
pd_ctl_find_rep (const PdCampaign *campaign, const char *name, guint *ret_index)
{
  const PdRep *suggestion;

  if (pd_campaign_find_rep (campaign, name, ret_index) != NULL)
    return PD_EXIT_OK;
  suggestion = closest_rep (campaign, name);
  if (suggestion != NULL)
    return pd_ctl_error (PD_EXIT_USAGE, _("--rep %s: no such rep in %s; did you mean %s?"), name,
                         campaign->path, suggestion->name);

  /* Nothing close: the names to choose from (a few, for a large team). */
  g_autoptr (GString) names = g_string_new ("");
  guint shown = MIN (campaign->reps->len, 8);
  for (guint i = 0; i < shown; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                            ((const PdRep *) g_ptr_array_index (campaign->reps, i))->name);
  if (shown < campaign->reps->len)
    g_string_append_printf (names, ngettext (" and %u more", " and %u more", campaign->reps->len - shown),
                            campaign->reps->len - shown);
  return pd_ctl_error (PD_EXIT_USAGE, _("--rep %s: no such rep in %s (reps: %s)"), name, campaign->path,
                       names->str);
}

GDateTime *
pd_ctl_now (const PdCtl *ctl, GTimeZone *tz)
{
  gint64 usec;

  /* main() checked the text, so only the zone can change the answer. */
  if (ctl->now != NULL && pd_parse_datetime (ctl->now, tz, &usec, NULL))
    {
      g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
      return g_date_time_to_timezone (utc, tz);
    }
  return g_date_time_new_now (tz);
}

void
pd_ctl_today (const PdCtl *ctl, const PdCampaign *campaign, GDate *ret_date)
{
  g_autoptr (GDateTime) now = pd_ctl_now (ctl, campaign->tz);

  g_date_clear (ret_date, 1);
  g_date_set_dmy (ret_date, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now), (GDateYear) g_date_time_get_year (now));
}

int
pd_ctl_day_option (const PdCtl *ctl, const PdCampaign *campaign, const char *option, const char *text,
                   GDate *ret_date)
{
  if (text != NULL)
    return pd_ctl_parse_date_option (option, text, ret_date);
  pd_ctl_today (ctl, campaign, ret_date);
  return PD_EXIT_OK;
}

gboolean
pd_ctl_store_exists (const PdCtl *ctl)
{
  return pd_store_exists (ctl->db_path != NULL ? ctl->db_path : ctl->config->database);
}

int
pd_ctl_current_schedule (PdCtl *ctl, const PdCampaign *campaign, const PdSchedule *baseline,
                         PdSchedule **ret_schedule, gint64 *ret_revision_time)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  struct stat st;
  gint64 baseline_time = stat (campaign->path, &st) == 0 ? (gint64) st.st_mtime : 0;
  int status;

  /* Reading the schedule never creates a database. */
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (!pd_catchup_current (store, campaign, baseline, baseline_time, ret_schedule, ret_revision_time, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s: %s", campaign->path, error->message);
  return PD_EXIT_OK;
}

int
pd_ctl_check_feeds_dir (PdCtl *ctl, PdStore *store, const char *feeds_dir, gboolean claim)
{
  const char *db_path = ctl->db_path != NULL ? ctl->db_path : ctl->config->database;
  g_autoptr (PdStore) opened = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *database_id = NULL;
  int status;

  /* The feeds directory is the database's (claimed at its first write),
   * or nobody's; without a database, only nobody's. */
  if (store == NULL && pd_store_exists (db_path))
    {
      if ((status = pd_ctl_open_store (ctl, &opened)) != PD_EXIT_OK)
        return status;
      store = opened;
    }
  if (store != NULL && (database_id = pd_store_database_id (store, &error)) == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  if (!pd_feeddir_check (feeds_dir, database_id, db_path, claim, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  return PD_EXIT_OK;
}

int
pd_ctl_feed_calls (PdCtl *ctl, const PdCampaign *campaign, const PdSchedule *schedule, const gboolean *reps,
                   PdFeedCalls **ret_calls)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  PdFeedCalls *calls;
  GDate today;
  int status;

  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  pd_ctl_today (ctl, campaign, &today);
  calls = pd_callbook_feed_calls (store, campaign, schedule, reps, &today, &error);
  if (calls == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  *ret_calls = calls;
  return PD_EXIT_OK;
}

int
pd_ctl_write_feeds (PdCtl *ctl, const PdCampaign *campaign, const PdSchedule *schedule, const char *feeds_dir,
                    gint only_rep, gint64 revision_time)
{
  g_autoptr (GError) error = NULL;
  g_autofree gboolean *reps = NULL;
  g_autoptr (GArray) published = NULL;
  g_autoptr (PdFeedCalls) calls = NULL;
  int status;

  if ((status = pd_ctl_check_feeds_dir (ctl, NULL, feeds_dir, TRUE)) != PD_EXIT_OK)
    return status;

  if (only_rep >= 0)
    {
      reps = g_new0 (gboolean, campaign->reps->len);
      reps[only_rep] = TRUE;
    }
  if ((status = pd_ctl_feed_calls (ctl, campaign, schedule, reps, &calls)) != PD_EXIT_OK)
    return status;
  published = pd_publish_feeds_with_calls (campaign, schedule, calls, feeds_dir, reps, revision_time,
                                           pd_ctl_vtimezone_text, 0, &error);

  if (published == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  for (guint i = 0; i < published->len; i++)
    {
      const PdPublished *p = &g_array_index (published, PdPublished, i);
      printf (p->changed ? _("%s: %s written\n") : _("%s: %s unchanged\n"), p->rep, p->path);
    }
  return PD_EXIT_OK;
}

/* "  NAME  TEXT" with NAME padded to `width` characters (printf pads
 * bytes, and the names may hold "…"). */
static void
print_usage_row (const char *name, const char *text, int width)
{
  printf ("  %s%*s  %s\n", name, MAX (width - (int) g_utf8_strlen (name, -1), 0), "", text);
}

static void
print_usage (void)
{
  static const struct {
    const char *name;
    const char *text;
  } options[] = {
    { "--config FILE", N_("daemon configuration (default: $XDG_CONFIG_HOME/prospectd/prospectd.conf)") },
    { "--db FILE", N_("database (default: the configuration's, else $XDG_DATA_HOME/prospectd/prospectd.db)") },
    { "--now DATETIME", N_("run as if the clock read DATETIME (ISO 8601; without an offset, in the campaign's zone)") },
    { "-h, --help", N_("show help (COMMAND --help for a command's options)") },
    { "--version", N_("show the version") },
  };
  char *calls[G_N_ELEMENTS (verbs)];
  int width = 0;

  /* One column for commands and options: as wide as the widest. */
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      calls[i] = g_strdup_printf ("%s %s", verbs[i]->name, verbs[i]->parameters);
      width = MAX (width, (int) g_utf8_strlen (calls[i], -1));
    }
  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    width = MAX (width, (int) g_utf8_strlen (options[i].name, -1));

  printf (_("Usage: prospectctl [OPTION…] COMMAND [ARG…]\n\n"
            "Plan, schedule and track a B2B prospecting campaign.\n\n"
            "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      print_usage_row (calls[i], _(verbs[i]->summary), width);
      g_free (calls[i]);
    }
  printf (_("\nGlobal options (before or after the command):\n"));
  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    print_usage_row (options[i].name, _(options[i].text), width);
  printf (_("\nExit status: 0 ok, 1 runtime failure, 2 usage or configuration error,\n"
            "3 behind target (status --check).\n\n"
            "See prospectctl(1).\n"));
}

/* GOption's words for a value that is not text in the locale's encoding
 * ("Invalid byte sequence in conversion input") name neither the option
 * nor the value: find them. */
static int
report_invalid_text (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      const char *invalid = NULL;
      g_autofree char *shown = NULL;
      g_autofree char *option = NULL;
      const char *equals;

      if (g_utf8_validate (argv[i], -1, &invalid))
        continue;
      shown = g_strescape (argv[i], NULL);
      equals = strchr (argv[i], '=');
      if (argv[i][0] == '-' && equals != NULL && equals < invalid)
        {
          option = g_strndup (argv[i], (gsize) (equals - argv[i]));
          g_free (shown);
          shown = g_strescape (equals + 1, NULL);
        }
      else if (i > 1 && argv[i - 1][0] == '-' && strchr (argv[i - 1], '=') == NULL)
        option = g_strdup (argv[i - 1]);
      if (option != NULL)
        return pd_ctl_error (PD_EXIT_USAGE, _("%s %s: not valid UTF-8 text (byte 0x%02X); write the value in UTF-8"),
                             option, shown, (guint) (guchar) *invalid);
      return pd_ctl_error (PD_EXIT_USAGE, _("argument %s: not valid UTF-8 text (byte 0x%02X); write it in UTF-8"),
                           shown, (guint) (guchar) *invalid);
    }
  return pd_ctl_error (PD_EXIT_USAGE, _("an argument is not text in this locale's encoding"));
}

/* Index of the verb name in argv, skipping global options and their
 * values; 0 when there is none. */
static int
find_verb (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--config") || g_str_equal (argv[i], "--db") || g_str_equal (argv[i], "--now"))
        {
          i++;
          continue;
        }
      if (g_str_equal (argv[i], "--"))
        return i + 1 < argc ? i + 1 : 0;
      if (argv[i][0] != '-')
        return i;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) args = NULL;
  gboolean version = FALSE;
  PdCtl ctl = { 0 };
  const PdVerb *verb = NULL;
  int verb_index;
  int status;

  setlocale (LC_ALL, "");
  /* A command makes and frees arrays of megabytes (a team's schedule, a
   * revision): each allocation of 128 KiB or more gets its own mapping,
   * given back when freed, rather than glibc raising that threshold to
   * the largest block freed and keeping the next ones in its heap. */
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
  /* A write beyond the file-size limit (ulimit -f) fails with EFBIG and
   * is reported like any other, instead of killing the process silently. */
  signal (SIGXFSZ, SIG_IGN);
  pd_language_bind ();

  verb_index = find_verb (argc, argv);
  if (verb_index > 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
        if (g_str_equal (verbs[i]->name, argv[verb_index]))
          verb = verbs[i];
      if (verb == NULL)
        return pd_ctl_error (PD_EXIT_USAGE, _("unknown command '%s' (see prospectctl --help)"),
                             argv[verb_index]);
    }
  else
    {
      for (int i = 1; i < argc; i++)
        if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
          {
            print_usage ();
            return PD_EXIT_OK;
          }
    }

  GOptionEntry global_entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &ctl.config_path, N_("Daemon configuration file"), N_("FILE") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &ctl.db_path,
      N_("Database: an SQLite file, or a PostgreSQL URI (postgresql://…)"), N_("FILE|URI") },
    { "now", 0, 0, G_OPTION_ARG_STRING, &ctl.now,
      N_("Run as if the clock read DATETIME (ISO 8601; without an offset, in the campaign's zone)"),
      N_("DATETIME") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autofree char *parameter = verb != NULL ? g_strdup_printf ("%s %s", verb->name, verb->parameters)
                                            : g_strdup ("COMMAND [ARG…]");
  context = g_option_context_new (parameter);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* One list: the verb's options first, then the global ones. */
  g_autoptr (GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  for (const GOptionEntry *e = verb != NULL ? verb->entries : NULL; e != NULL && e->long_name != NULL; e++)
    g_array_append_val (entries, *e);
  g_array_append_vals (entries, global_entries, G_N_ELEMENTS (global_entries) - 1);
  g_option_context_add_main_entries (context, (GOptionEntry *) entries->data, GETTEXT_PACKAGE);
  if (verb != NULL)
    g_option_context_set_summary (context, _(verb->summary));
  g_option_context_set_description (context, _("See prospectctl(1)."));

  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      status = g_error_matches (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE)
               ? report_invalid_text (argc, argv)
               : pd_ctl_error (PD_EXIT_USAGE, "%s", error->message);
      goto out;
    }
  if (version)
    {
      printf ("prospectctl %s\n", PD_VERSION);
      status = PD_EXIT_OK;
      goto out;
    }
  if (verb == NULL)
    {
      status = pd_ctl_error (PD_EXIT_USAGE, _("no command given (see prospectctl --help)"));
      goto out;
    }
  if (ctl.now != NULL)
    {
      g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
      gint64 usec;

      if (!pd_parse_datetime (ctl.now, utc, &usec, &error))
        {
          status = pd_ctl_error (PD_EXIT_USAGE, "--now %s: %s", ctl.now, error->message);
          goto out;
        }
    }

  ctl.config = pd_config_load_daemon (ctl.config_path, &error);
  if (ctl.config == NULL)
    {
      status = pd_ctl_error (PD_EXIT_USAGE, "%s", error->message);
      goto out;
    }

  /* args is now: program, verb, positional arguments. JSON and CSV are
   * read by programs: their numbers are the C locale's in any language. */
  {
    int count = (int) g_strv_length (args);
    int first = 1;
    PdLanguageScope numbers = { 0 };

    for (int i = 1; i < argc && numbers.previous == (locale_t) 0; i++)
      if (g_str_equal (argv[i], "--json") || g_str_equal (argv[i], "--csv"))
        numbers = pd_language_enter_plain_numbers ();
    while (first < count && !g_str_equal (args[first], verb->name))
      first++;
    status = verb->run (&ctl, count - first - 1, args + first + 1);
    pd_language_leave (&numbers);
  }

out:
  pd_ics_zone_shutdown ();
  g_free (ctl.config_path);
  g_free (ctl.db_path);
  g_free (ctl.now);
  pd_daemon_config_free (ctl.config);
  return status;
}
