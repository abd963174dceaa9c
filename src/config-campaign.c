/* SPDX-License-Identifier: MIT
 *
 * config-campaign: a campaign file, read with GKeyFile into the model of
 * campaign.h. Owns every rule about what a user may write in it: each
 * key's syntax, range and default, in the error format of config.c.
 *
 * Parsing builds a fresh PdCampaign and hands it over only when everything
 * validated, so a caller never sees half a campaign.
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
#include "prospectd/format.h"
#include "prospectd/language.h"
#include "prospectd/prospect.h"

/* Limits that keep every later computation inside 64 bits. */
#define MAX_FACTOR         (G_GINT64_CONSTANT (10000) * PD_MILLI)
#define MAX_SPONTANEOUS    G_GINT64_CONSTANT (1000000000)
#define MAX_CAMPAIGN_DAYS  3660
#define DEFAULT_MAX_ATTEMPTS 13
#define MAX_ATTEMPTS       1000

#define DEFAULT_WINDOWS    "09:00-12:00, 14:00-17:00"

/* The time zone database GLib reads: $TZDIR, else the system's. */
static const char *
zoneinfo_dir (void)
{
  const char *dir = g_getenv ("TZDIR");
  return dir != NULL && dir[0] == '/' ? dir : "/usr/share/zoneinfo";
}

/* TRUE when `name` is a zone of the IANA database (a file in it), not one
 * of the POSIX TZ strings GLib also accepts: "UTC+1" would silently mean
 * one hour *west* of Greenwich, and no calendar application knows it. */
static gboolean
iana_zone_exists (const char *name)
{
  g_autofree char *file = NULL;

  if (g_str_equal (name, "UTC"))
    return TRUE;
  if (name[0] == '\0' || name[0] == '/' || name[0] == '.' || strstr (name, "..") != NULL ||
      !g_ascii_isupper (name[0]))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("/_-+", *p) == NULL)
      return FALSE;
  file = g_build_filename (zoneinfo_dir (), name, NULL);
  return g_file_test (file, G_FILE_TEST_IS_REGULAR);
}

/* The machine's zone as an IANA name, or NULL: TZ (":Europe/Paris" or a
 * path into the zone database included), else what /etc/localtime names. */
static char *
local_zone_name (void)
{
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  const char *identifier = g_time_zone_get_identifier (local);
  const char *dir = zoneinfo_dir ();
  gsize dir_length = strlen (dir);

  if (identifier == NULL)
    return NULL;
  if (identifier[0] == ':')
    identifier++;
  if (strncmp (identifier, dir, dir_length) == 0 && identifier[dir_length] == '/')
    identifier += dir_length + 1;
  if (g_str_has_prefix (identifier, "posix/") || g_str_has_prefix (identifier, "right/"))
    identifier += strlen ("posix/");
  return iana_zone_exists (identifier) ? g_strdup (identifier) : NULL;
}

static gboolean
read_campaign_group (const PdConfigReader *r, PdCampaign *c, GError **error)
{
  static const char *const keys[] = { "name", "start", "end", "timezone", "currency", "language", "country", NULL };
  const char *g = "campaign";
  g_autofree char *start = NULL, *end = NULL, *name = NULL, *tz = NULL, *currency = NULL, *language = NULL;
  g_autofree char *country = NULL;

  if (!pd_config_check_keys (r, g, keys, error))
    return FALSE;

  name = pd_config_lookup (r, g, "name");
  if (name != NULL && name[0] == '\0')
    return pd_config_reject (r, g, "name", name, _("write the campaign's name, e.g. New customers Q1 2027"), error);
  /* The name reaches terminals, tables, notifications and X-WR-CALNAME:
   * no escape sequence, bell or line break may ride along. */
  for (const char *p = name; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_autofree char *shown = g_strescape (name, NULL);
        g_autofree char *expected = g_strdup_printf (_("a control character (U+%04X) in the name; write plain text"),
                                                     g_utf8_get_char (p));
        return pd_config_reject (r, g, "name", shown, expected, error);
      }
  c->name = name != NULL ? g_steal_pointer (&name) : g_strdup (c->id);

  if (!pd_config_require (r, g, "start", "2027-01-04", &start, error))
    return FALSE;
  PD_CONFIG_PARSE_KEY (r, g, "start", start, pd_parse_date, &c->start, error);
  if (!pd_config_require (r, g, "end", "2027-03-31", &end, error))
    return FALSE;
  PD_CONFIG_PARSE_KEY (r, g, "end", end, pd_parse_date, &c->end, error);
  if (g_date_compare (&c->end, &c->start) < 0)
    {
      g_autofree char *expected = g_strdup_printf (_("must not be before start (%s)"), start);
      return pd_config_reject (r, g, "end", end, expected, error);
    }
  if (g_date_days_between (&c->start, &c->end) >= MAX_CAMPAIGN_DAYS)
    return pd_config_reject (r, g, "end", end, _("a campaign lasts at most ten years"), error);

  tz = pd_config_lookup (r, g, "timezone");
  if (tz == NULL)
    {
      /* Default: this machine's zone, when it has an IANA name. */
      g_autofree char *local = local_zone_name ();

      c->tz = local != NULL ? g_time_zone_new_identifier (local) : NULL;
      c->timezone = c->tz != NULL ? g_steal_pointer (&local) : g_strdup ("UTC");
      if (c->tz == NULL)
        c->tz = g_time_zone_new_utc ();
    }
  else
    {
      c->tz = iana_zone_exists (tz) ? g_time_zone_new_identifier (tz) : NULL;
      if (c->tz == NULL)
        return pd_config_reject (r, g, "timezone", tz, _("unknown time zone; write an IANA name, e.g. Europe/Paris"), error);
      c->timezone = g_steal_pointer (&tz);
    }

  currency = pd_config_lookup (r, g, "currency");
  if (currency == NULL)
    currency = g_strdup ("EUR");
  if (strlen (currency) != 3 || !g_ascii_isupper (currency[0]) ||
      !g_ascii_isupper (currency[1]) || !g_ascii_isupper (currency[2]))
    return pd_config_reject (r, g, "currency", currency, _("write a three-letter ISO 4217 code, e.g. EUR"), error);
  c->currency = g_steal_pointer (&currency);

  /* What the team reads (feeds, notifications) whatever the locale of the
   * process writing it; default: that process's locale. */
  language = pd_config_lookup (r, g, "language");
  if (language != NULL)
    {
      g_autoptr (GError) language_error = NULL;

      if (!pd_language_check (language, &language_error))
        return pd_config_reject (r, g, "language", language, language_error->message, error);
      c->language = g_steal_pointer (&language);
    }

  /* The country phone numbers written without +CC are read in: given,
   * else the one the time zone names (none for a zone several countries
   * share: numbers must then carry their code). */
  country = pd_config_lookup (r, g, "country");
  if (country != NULL)
    {
      if (!pd_phone_country_known (country))
        return pd_config_reject (r, g, "country", country,
                                 _("write an ISO 3166 code prospectd reads phone numbers of: FR, BE, CH, LU, MC,"
                                   " DE, AT, NL, GB, IE, ES, PT, IT, US or CA"), error);
      c->country = g_steal_pointer (&country);
      c->country_given = TRUE;
    }
  else
    c->country = g_strdup (pd_country_for_timezone (c->timezone));
  return TRUE;
}

/* A positive decimal factor of [plan]. */
static gboolean
read_factor (const PdConfigReader *r, const char *key, const char *example, gint64 *ret, GError **error)
{
  g_autofree char *value = NULL;

  if (!pd_config_require (r, "plan", key, example, &value, error))
    return FALSE;
  PD_CONFIG_PARSE_KEY (r, "plan", key, value, pd_parse_decimal, ret, error);
  if (*ret <= 0)
    return pd_config_reject (r, "plan", key, value, _("must be more than 0"), error);
  if (*ret > MAX_FACTOR)
    return pd_config_reject (r, "plan", key, value, _("is too large (at most 10000)"), error);
  return TRUE;
}

static gboolean
read_amount (const PdConfigReader *r, const char *key, const char *example, gint64 *ret, GError **error)
{
  g_autofree char *value = NULL;

  if (!pd_config_require (r, "plan", key, example, &value, error))
    return FALSE;
  PD_CONFIG_PARSE_KEY (r, "plan", key, value, pd_parse_amount, ret, error);
  if (*ret <= 0)
    return pd_config_reject (r, "plan", key, value, _("must be more than 0"), error);
  return TRUE;
}

static gboolean
read_plan_group (const PdConfigReader *r, PdCampaign *c, GError **error)
{
  static const char *const keys[] = {
    "objective", "average_deal", "proposals_per_deal", "compensation_factor",
    "spontaneous_prospects", "accessibility_rate", "contacts_per_prospect",
    "minutes_per_contact", "rounding", "max_attempts", NULL
  };
  const char *g = "plan";
  PdPlanInput *plan = &c->plan;
  g_autofree char *spontaneous = NULL, *rate = NULL, *rounding = NULL, *attempts = NULL;

  if (!g_key_file_has_group (r->keyfile, g))
    return pd_config_reject (r, g, "objective", NULL, _("missing; write e.g. objective = 60000"), error);
  if (!pd_config_check_keys (r, g, keys, error) ||
      !read_amount (r, "objective", "60000", &plan->objective_cents, error) ||
      !read_amount (r, "average_deal", "20000", &plan->average_deal_cents, error) ||
      !read_factor (r, "proposals_per_deal", "3", &plan->proposals_per_deal, error) ||
      !read_factor (r, "compensation_factor", "4", &plan->compensation_factor, error))
    return FALSE;

  spontaneous = pd_config_lookup (r, g, "spontaneous_prospects");
  plan->spontaneous_prospects = 0;
  if (spontaneous != NULL)
    {
      gint64 value;
      PD_CONFIG_PARSE_KEY (r, g, "spontaneous_prospects", spontaneous, pd_parse_decimal, &value, error);
      if (value % PD_MILLI != 0)
        return pd_config_reject (r, g, "spontaneous_prospects", spontaneous,
                       _("write a whole number of prospects, e.g. 8"), error);
      if (value / PD_MILLI > MAX_SPONTANEOUS)
        return pd_config_reject (r, g, "spontaneous_prospects", spontaneous, _("is too large"), error);
      plan->spontaneous_prospects = value / PD_MILLI;
    }

  if (!pd_config_require (r, g, "accessibility_rate", "6%", &rate, error))
    return FALSE;
  PD_CONFIG_PARSE_KEY (r, g, "accessibility_rate", rate, pd_parse_rate, &plan->accessibility_rate, error);
  if (plan->accessibility_rate <= 0)
    return pd_config_reject (r, g, "accessibility_rate", rate, _("must be more than 0%"), error);

  if (!read_factor (r, "contacts_per_prospect", "4", &plan->contacts_per_prospect, error) ||
      !read_factor (r, "minutes_per_contact", "2", &plan->minutes_per_contact, error))
    return FALSE;

  rounding = pd_config_lookup (r, g, "rounding");
  if (rounding == NULL || g_str_equal (rounding, "up"))
    plan->rounding = PD_ROUNDING_UP;
  else if (g_str_equal (rounding, "down"))
    plan->rounding = PD_ROUNDING_DOWN;
  else
    return pd_config_reject (r, g, "rounding", rounding, _("write up or down"), error);

  /* The method's 1 to 13 contacts to reach a prospect. */
  attempts = pd_config_lookup (r, g, "max_attempts");
  c->max_attempts = DEFAULT_MAX_ATTEMPTS;
  if (attempts != NULL)
    {
      gint64 value;
      PD_CONFIG_PARSE_KEY (r, g, "max_attempts", attempts, pd_parse_decimal, &value, error);
      if (value % PD_MILLI != 0 || value < PD_MILLI || value > MAX_ATTEMPTS * PD_MILLI)
        return pd_config_reject (r, g, "max_attempts", attempts,
                                 _("write a whole number of calls from 1 to 1000, e.g. 13"), error);
      c->max_attempts = value / PD_MILLI;
    }
  return TRUE;
}

/* [prospects] priority = ATTRIBUTE = VALUE, VALUE...; ATTRIBUTE = ... */
static gboolean
read_prospects_group (const PdConfigReader *r, PdCampaign *c, GError **error)
{
  static const char *const keys[] = { "priority", NULL };
  const char *g = "prospects";
  g_autofree char *priority = NULL;
  g_auto (GStrv) clauses = NULL;

  c->priority = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_priority_free);
  if (!g_key_file_has_group (r->keyfile, g))
    return TRUE;
  if (!pd_config_check_keys (r, g, keys, error))
    return FALSE;
  priority = pd_config_lookup (r, g, "priority");
  if (priority == NULL)
    return TRUE;
  clauses = g_strsplit (priority, ";", -1);
  for (guint i = 0; clauses[i] != NULL; i++)
    {
      g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
      g_auto (GStrv) split = NULL;
      const char *equals = strchr (clauses[i], '=');
      PdPriority *clause;

      g_strstrip (clauses[i]);
      if (clauses[i][0] == '\0' && clauses[i + 1] == NULL && i > 0)
        break; /* a trailing ; */
      equals = strchr (clauses[i], '=');
      if (equals == NULL || equals == clauses[i])
        return pd_config_reject (r, g, "priority", priority,
                                 _("write ATTRIBUTE = VALUE, VALUE..., e.g. sector = industrie, services"), error);
      split = g_strsplit (equals + 1, ",", -1);
      for (guint v = 0; split[v] != NULL; v++)
        {
          g_strstrip (split[v]);
          if (split[v][0] != '\0')
            g_ptr_array_add (values, g_strdup (split[v]));
        }
      if (values->len == 0)
        return pd_config_reject (r, g, "priority", priority,
                                 _("write ATTRIBUTE = VALUE, VALUE..., e.g. sector = industrie, services"), error);
      g_ptr_array_add (values, NULL);
      clause = g_new0 (PdPriority, 1);
      clause->attribute = g_strstrip (g_strndup (clauses[i], (gsize) (equals - clauses[i])));
      clause->values = (GStrv) g_ptr_array_free (g_steal_pointer (&values), FALSE);
      g_ptr_array_add (c->priority, clause);
    }
  return TRUE;
}

typedef struct {
  PdWeekdays workdays;
  GArray *windows;   /* PdWindow, owned */
  guint max_daily_minutes;
} CalendarDefaults;

static gboolean
read_windows_key (const PdConfigReader *r, const char *group, const char *value, GArray **ret, GError **error)
{
  PD_CONFIG_PARSE_KEY (r, group, "call_windows", value, pd_parse_windows, ret, error);
  return TRUE;
}

static gboolean
read_duration_key (const PdConfigReader *r, const char *group, const char *key, guint fallback,
                   gboolean zero_allowed, guint *ret, GError **error)
{
  g_autofree char *value = pd_config_lookup (r, group, key);

  if (value == NULL)
    {
      *ret = fallback;
      return TRUE;
    }
  PD_CONFIG_PARSE_KEY (r, group, key, value, pd_parse_duration, ret, error);
  if (*ret == 0 && !zero_allowed)
    return pd_config_reject (r, group, key, value, _("must be more than 0m"), error);
  return TRUE;
}

static gboolean
read_holidays (const PdConfigReader *r, PdCampaign *c, const char *value, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (value, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *item = g_strstrip (parts[i]);
      PdDateRange range;
      g_autoptr (GError) local_error = NULL;

      if (g_ascii_strcasecmp (item, "fr") == 0)
        {
          c->holidays_fr = TRUE;
          continue;
        }
      if (!pd_parse_date_range (item, &range, &local_error))
        return pd_config_reject (r, "calendar", "holidays", value,
                       _("write dates, ranges (2027-05-03..2027-05-07) or the set fr, comma-separated"),
                       error);
      for (GDate d = range.first; g_date_compare (&d, &range.last) <= 0; g_date_add_days (&d, 1))
        {
          g_array_append_val (c->holidays, d);
          if (c->holidays->len > 100000)
            return pd_config_reject (r, "calendar", "holidays", value, _("too many holidays"), error);
        }
    }
  return TRUE;
}

static gboolean
read_calendar_group (const PdConfigReader *r, PdCampaign *c, CalendarDefaults *defaults, GError **error)
{
  static const char *const keys[] = {
    "workdays", "call_windows", "holidays", "max_daily_calls", "max_block", "break", "reminder", NULL
  };
  const char *g = "calendar";
  g_autofree char *workdays = NULL, *windows = NULL, *holidays = NULL;

  if (!pd_config_check_keys (r, g, keys, error))
    return FALSE;

  workdays = pd_config_lookup (r, g, "workdays");
  defaults->workdays = PD_WEEKDAY_BIT (G_DATE_MONDAY) | PD_WEEKDAY_BIT (G_DATE_TUESDAY) |
                       PD_WEEKDAY_BIT (G_DATE_WEDNESDAY) | PD_WEEKDAY_BIT (G_DATE_THURSDAY) |
                       PD_WEEKDAY_BIT (G_DATE_FRIDAY);
  if (workdays != NULL)
    PD_CONFIG_PARSE_KEY (r, g, "workdays", workdays, pd_parse_weekdays, &defaults->workdays, error);

  windows = pd_config_lookup (r, g, "call_windows");
  if (windows == NULL)
    pd_parse_windows (DEFAULT_WINDOWS, &defaults->windows, NULL);
  else if (!read_windows_key (r, g, windows, &defaults->windows, error))
    return FALSE;

  holidays = pd_config_lookup (r, g, "holidays");
  if (holidays != NULL && holidays[0] != '\0' && !read_holidays (r, c, holidays, error))
    return FALSE;

  /* Without a cap, the windows are the limit. */
  if (!read_duration_key (r, g, "max_daily_calls", 24 * 60, FALSE, &defaults->max_daily_minutes, error) ||
      !read_duration_key (r, g, "max_block", 90, FALSE, &c->max_block_minutes, error) ||
      !read_duration_key (r, g, "break", 10, TRUE, &c->break_minutes, error) ||
      !read_duration_key (r, g, "reminder", 10, TRUE, &c->reminder_minutes, error))
    return FALSE;

  /* A block holds at least one contact: a shorter max_block would make
   * blocks of no contact ([plan] is read before [calendar]). */
  if ((gint64) c->max_block_minutes * PD_MILLI < c->plan.minutes_per_contact)
    {
      g_autofree char *value = pd_config_lookup (r, g, "max_block");
      g_autofree char *per_contact = pd_format_decimal (c->plan.minutes_per_contact);
      g_autofree char *expected =
        g_strdup_printf (_("a block must hold at least one contact: write at least "
                           "minutes_per_contact (%s minutes), e.g. 90m"), per_contact);
      return pd_config_reject (r, g, "max_block", value, expected, error);
    }
  return TRUE;
}

static gboolean
read_checkpoints_group (const PdConfigReader *r, PdCampaign *c, GError **error)
{
  const char *g = "checkpoints";
  g_auto (GStrv) keys = g_key_file_get_keys (r->keyfile, g, NULL, NULL);
  PdCheckpoint last = { .share = 0 };
  gboolean end_listed = FALSE;

  g_date_clear (&last.date, 1);
  g_date_set_julian (&last.date, g_date_get_julian (&c->start));
  g_date_subtract_days (&last.date, 1);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = pd_config_lookup (r, g, keys[i]);
      PdCheckpoint checkpoint;
      g_autoptr (GError) local_error = NULL;

      if (!pd_parse_date (keys[i], &checkpoint.date, &local_error))
        {
          /* A well-formed key that names no real day (2027-02-29) deserves
           * to hear that, not the syntax again. */
          gboolean date_like = strlen (keys[i]) == 10 && keys[i][4] == '-' && keys[i][7] == '-';
          g_autofree char *expected =
            date_like ? g_strdup_printf (_("%s is not a valid date"), keys[i])
                      : g_strdup (_("a checkpoint is a date, written YYYY-MM-DD = share, e.g. 2027-01-29 = 25%"));
          return pd_config_reject (r, g, keys[i], value, expected, error);
        }
      PD_CONFIG_PARSE_KEY (r, g, keys[i], value, pd_parse_rate, &checkpoint.share, error);
      if (checkpoint.share <= 0)
        return pd_config_reject (r, g, keys[i], value, _("must be more than 0%"), error);
      if (g_date_compare (&checkpoint.date, &c->start) < 0 || g_date_compare (&checkpoint.date, &c->end) > 0)
        {
          g_autofree char *start = pd_format_date (&c->start), *end = pd_format_date (&c->end);
          g_autofree char *expected = g_strdup_printf (_("the date is outside the campaign (%s to %s)"),
                                                       start, end);
          return pd_config_reject (r, g, keys[i], value, expected, error);
        }
      if (g_date_compare (&checkpoint.date, &last.date) <= 0)
        return pd_config_reject (r, g, keys[i], value, _("checkpoints must be listed in date order"), error);
      if (checkpoint.share <= last.share)
        {
          g_autofree char *previous = pd_format_date (&last.date);
          g_autofree char *expected =
            g_strdup_printf (_("must be more than the share due at the previous checkpoint (%s)"), previous);
          return pd_config_reject (r, g, keys[i], value, expected, error);
        }
      if (g_date_compare (&checkpoint.date, &c->end) == 0)
        {
          if (checkpoint.share != 100 * 10000)
            /* xgettext:no-c-format */
            return pd_config_reject (r, g, keys[i], value, _("the end date is a 100% checkpoint"), error);
          end_listed = TRUE;
        }
      else if (checkpoint.share >= 100 * 10000)
        return pd_config_reject (r, g, keys[i], value,
                       _("must be less than 100% (the end date is the 100% checkpoint)"), error);
      g_array_append_val (c->checkpoints, checkpoint);
      last = checkpoint;
    }

  if (!end_listed)
    {
      PdCheckpoint end = { .date = c->end, .share = PD_MILLI };
      g_array_append_val (c->checkpoints, end);
    }
  return TRUE;
}

static gboolean
read_rep_group (const PdConfigReader *r, PdCampaign *c, const char *group, const char *name,
                GError **error)
{
  static const char *const keys[] = { "days_off", "workdays", "call_windows", "max_daily_calls", "start", NULL };
  PdRep *rep = (PdRep *) pd_campaign_find_rep (c, name, NULL);
  g_autofree char *days_off = NULL, *workdays = NULL, *windows = NULL, *start = NULL;

  if (rep == NULL)
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                   _("%s: [%s]: no rep called '%s' in [reps]"), r->path, group, name);
      return FALSE;
    }
  if (!pd_config_check_keys (r, group, keys, error))
    return FALSE;

  days_off = pd_config_lookup (r, group, "days_off");
  if (days_off != NULL && days_off[0] != '\0')
    {
      g_auto (GStrv) parts = g_strsplit (days_off, ",", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          PdDateRange range;
          PD_CONFIG_PARSE_KEY (r, group, "days_off", g_strstrip (parts[i]), pd_parse_date_range, &range, error);
          g_array_append_val (rep->days_off, range);
        }
    }
  start = pd_config_lookup (r, group, "start");
  if (start != NULL)
    {
      PD_CONFIG_PARSE_KEY (r, group, "start", start, pd_parse_date, &rep->start, error);
      if (g_date_compare (&rep->start, &c->start) < 0 || g_date_compare (&rep->start, &c->end) > 0)
        {
          g_autofree char *first = pd_format_date (&c->start);
          g_autofree char *last = pd_format_date (&c->end);
          g_autofree char *expected = g_strdup_printf (_("must be a day of the campaign, from %s to %s"), first, last);
          return pd_config_reject (r, group, "start", start, expected, error);
        }
      (void) g_date_get_julian (&rep->start); /* both forms filled: read-only from here */
      rep->start_given = TRUE;
    }
  workdays = pd_config_lookup (r, group, "workdays");
  if (workdays != NULL)
    PD_CONFIG_PARSE_KEY (r, group, "workdays", workdays, pd_parse_weekdays, &rep->workdays, error);
  windows = pd_config_lookup (r, group, "call_windows");
  if (windows != NULL)
    {
      GArray *parsed = NULL;
      if (!read_windows_key (r, group, windows, &parsed, error))
        return FALSE;
      g_array_unref (rep->windows);
      rep->windows = parsed;
    }
  return read_duration_key (r, group, "max_daily_calls", rep->max_daily_minutes, FALSE,
                            &rep->max_daily_minutes, error);
}

static gboolean
read_reps (const PdConfigReader *r, PdCampaign *c, const CalendarDefaults *defaults, GError **error)
{
  const char *g = "reps";
  g_auto (GStrv) names = g_key_file_get_keys (r->keyfile, g, NULL, NULL);

  if (names == NULL || names[0] == NULL)
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                   _("%s: [reps]: no rep; list at least one, e.g. alice = 1"), r->path);
      return FALSE;
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *value = pd_config_lookup (r, g, names[i]);
      PdRep *rep;
      gint64 weight;

      g_autofree char *name = pd_config_valid_rep_name (names[i]) ? pd_rep_normalize (names[i]) : NULL;
      if (name == NULL || !pd_config_valid_rep_name (name))
        return pd_config_reject (r, g, names[i], value,
                       _("a rep's name is at most 64 letters (any alphabet), digits, '_', '-' and '.' "
                         "(not first, not two in a row)"), error);
      if (pd_campaign_find_rep (c, name, NULL) != NULL)
        return pd_config_reject (r, g, names[i], value,
                       _("the same name as an earlier rep, written with other character codes; "
                         "list each rep once"), error);
      PD_CONFIG_PARSE_KEY (r, g, names[i], value, pd_parse_decimal, &weight, error);
      if (weight <= 0)
        return pd_config_reject (r, g, names[i], value, _("a rep's weight must be more than 0, e.g. 1 or 0.5"), error);
      if (weight > MAX_FACTOR)
        return pd_config_reject (r, g, names[i], value, _("is too large (at most 10000)"), error);

      rep = g_new0 (PdRep, 1);
      rep->name = g_steal_pointer (&name);
      rep->weight = weight;
      rep->workdays = defaults->workdays;
      rep->windows = g_array_copy (defaults->windows);
      rep->max_daily_minutes = defaults->max_daily_minutes;
      rep->days_off = g_array_new (FALSE, TRUE, sizeof (PdDateRange));
      g_ptr_array_add (c->reps, rep);
      g_hash_table_insert (c->rep_index, rep->name, GUINT_TO_POINTER (c->reps->len));
    }
  if (c->reps->len > 100000)
    return pd_config_reject (r, g, names[0], NULL, _("too many reps (at most 100000)"), error);
  return TRUE;
}

static gboolean
read_alerts_group (const PdConfigReader *r, PdCampaign *c, GError **error)
{
  static const char *const keys[] = { "behind_threshold", "daily_check", NULL };
  const char *g = "alerts";
  g_autofree char *threshold = pd_config_lookup (r, g, "behind_threshold");
  g_autofree char *daily = pd_config_lookup (r, g, "daily_check");

  if (!pd_config_check_keys (r, g, keys, error))
    return FALSE;
  c->behind_threshold = 100000;
  if (threshold != NULL)
    {
      PD_CONFIG_PARSE_KEY (r, g, "behind_threshold", threshold, pd_parse_rate, &c->behind_threshold, error);
      if (c->behind_threshold >= PD_MILLI)
        return pd_config_reject (r, g, "behind_threshold", threshold, _("must be less than 100%"), error);
    }
  c->daily_check_minute = 17 * 60 + 30;
  if (daily != NULL)
    {
      if (!pd_parse_time_of_day (daily, &c->daily_check_minute, NULL) || c->daily_check_minute >= 24 * 60)
        return pd_config_reject (r, g, "daily_check", daily, _("write a time of day from 00:00 to 23:59, e.g. 17:30"), error);
    }
  return TRUE;
}

static char *
campaign_id_from_path (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, ".conf"))
    base[strlen (base) - strlen (".conf")] = '\0';
  return g_steal_pointer (&base);
}

/* The campaign's source (campaign.h): the version first, since the rules
 * that make a schedule from the same file may change with it. */
static char *
source_digest (const char *text, gsize length)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *) "prospectd " PD_VERSION "\n", -1);
  g_checksum_update (checksum, (const guchar *) text, (gssize) length);
  return g_strdup (g_checksum_get_string (checksum));
}

PdCampaign *
pd_config_parse_campaign (const char *path, const char *text, gsize length, GError **error)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (PdCampaign) c = g_new0 (PdCampaign, 1);
  g_auto (GStrv) groups = NULL;
  CalendarDefaults defaults = { 0 };
  PdConfigReader r = { path, keyfile };
  const char *invalid = NULL;
  gboolean ok;

  if (!g_utf8_validate (text, (gssize) length, &invalid))
    {
      guint line = 1;
      for (const char *p = text; p < invalid; p++)
        line += *p == '\n';
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                   *invalid == '\0' ? _("%s: line %u: a NUL byte; a campaign file is text")
                                    : _("%s: line %u: not UTF-8 text; save the file as UTF-8"),
                   path, line);
      return NULL;
    }
  if (!pd_config_check_lines (path, text, length, error))
    return NULL;
  if (!g_key_file_load_from_data (keyfile, text, length, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX, "%s: %s", path, local_error->message);
      return NULL;
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      static const char *const known[] = { "campaign", "plan", "calendar", "checkpoints", "reps", "alerts",
                                           "prospects", NULL };
      if (!g_strv_contains (known, groups[i]) && !g_str_has_prefix (groups[i], "rep "))
        {
          const char *guess = pd_config_closest_name (groups[i], known);
          if (guess != NULL)
            g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                         _("%s: [%s]: unknown group; did you mean [%s]?"), path, groups[i], guess);
          else
            g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                         _("%s: [%s]: unknown group; expected [campaign], [plan], [calendar], "
                           "[checkpoints], [reps], [rep NAME], [alerts] or [prospects]"), path, groups[i]);
          return NULL;
        }
    }

  c->id = campaign_id_from_path (path);
  c->path = g_strdup (path);
  c->source_digest = source_digest (text, length);
  c->holidays = g_array_new (FALSE, TRUE, sizeof (GDate));
  c->checkpoints = g_array_new (FALSE, TRUE, sizeof (PdCheckpoint));
  c->reps = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_rep_free);
  c->rep_index = g_hash_table_new (g_str_hash, g_str_equal);

  if (!g_key_file_has_group (keyfile, "campaign"))
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                   _("%s: [campaign]: missing; a campaign needs at least its start and end dates"), path);
      return NULL;
    }

  ok = read_campaign_group (&r, c, error) &&
       read_plan_group (&r, c, error) &&
       read_calendar_group (&r, c, &defaults, error) &&
       read_checkpoints_group (&r, c, error) &&
       read_reps (&r, c, &defaults, error);
  for (guint i = 0; ok && groups[i] != NULL; i++)
    if (g_str_has_prefix (groups[i], "rep "))
      {
        /* A copy: the group's own name must stay as written ("rep  bob")
         * for its keys to be found. */
        g_autofree char *name = g_strstrip (g_strdup (groups[i] + strlen ("rep ")));
        ok = read_rep_group (&r, c, groups[i], name, error);
      }
  ok = ok && read_alerts_group (&r, c, error) && read_prospects_group (&r, c, error);
  g_clear_pointer (&defaults.windows, g_array_unref);
  if (!ok)
    return NULL;
  return g_steal_pointer (&c);
}

PdCampaign *
pd_config_load_campaign (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  int saved_errno = 0;

  switch (pd_config_read_file (path, PD_CONFIG_MAX_FILE_BYTES, &text, &length, &saved_errno))
    {
    case PD_CONFIG_READ_OK:
      return pd_config_parse_campaign (path, text, length, error);
    case PD_CONFIG_READ_NOT_REGULAR:
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                   _("%s: not a regular file; name a campaign file"), path);
      return NULL;
    case PD_CONFIG_READ_TOO_LARGE:
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                   _("%s: too large for a campaign file (at most 1 MiB)"), path);
      return NULL;
    case PD_CONFIG_READ_ERRNO:
    default:
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO, _("%s: cannot read: %s"),
                   path, g_strerror (saved_errno));
      return NULL;
    }
}
