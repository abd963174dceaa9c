/* SPDX-License-Identifier: MIT
 *
 * store-common: what every backend of include/prospectd/store.h shares,
 * with no SQL in it: the error domain, the constructors and destructors of
 * the types the header hands out (PdActivity, PdRevision), the names of
 * databases (a file, or a PostgreSQL server's URI, and the form shown to
 * people, which never holds a password), and the checks
 * made on the arguments before anything is written (names not empty,
 * dates in years 1 to 9999, counts not negative, a known revision kind),
 * so that every backend refuses the same input with the same message.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "prospectd/store.h"
#include "store-common.h"

#include <inttypes.h>
#include <string.h>
#include <glib.h>
#include <glib/gi18n.h>

G_DEFINE_QUARK (pd-store-error-quark, pd_store_error)

/* ---------------------------------------------------------------- names */

gboolean
pd_store_name_is_server (const char *name)
{
  return name != NULL
         && (g_str_has_prefix (name, "postgresql://") || g_str_has_prefix (name, "postgres://"));
}

gboolean
pd_store_exists (const char *name)
{
  return pd_store_name_is_server (name) || (name != NULL && g_file_test (name, G_FILE_TEST_EXISTS));
}

/* Appends a URI's query with the value of every `password=` parameter
 * replaced by the mask. */
static void
append_masked_query (GString *out, const char *query)
{
  g_auto (GStrv) parameters = g_strsplit (query, "&", -1);

  for (guint i = 0; parameters[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, '&');
      if (g_str_has_prefix (parameters[i], "password="))
        g_string_append (out, "password=" STORE_PASSWORD_MASK);
      else
        g_string_append (out, parameters[i]);
    }
}

char *
pd_store_display_name (const char *name)
{
  const char *authority, *authority_end, *at = NULL, *colon = NULL, *rest, *query;
  GString *out;

  if (name == NULL)
    return NULL;
  if (!pd_store_name_is_server (name))
    return g_strdup (name);
  /* postgresql://[user[:password]@][host][:port][,...][/dbname][?param=value&...] */
  authority = strstr (name, "://") + 3;
  authority_end = authority + strcspn (authority, "/?#");
  for (const char *c = authority; c < authority_end; c++)
    if (*c == '@')
      at = c;
  if (at != NULL)
    colon = memchr (authority, ':', (gsize) (at - authority));
  /* Kept: everything up to the password's colon (or the authority);
   * then the mask; then from the '@' on, with the query's passwords masked. */
  rest = colon != NULL ? at : authority;
  out = g_string_new_len (name, (colon != NULL ? colon + 1 : authority) - name);
  if (colon != NULL)
    g_string_append (out, STORE_PASSWORD_MASK);
  query = strchr (rest, '?');
  g_string_append_len (out, rest, (query != NULL ? query : rest + strlen (rest)) - rest);
  if (query != NULL)
    {
      g_string_append_c (out, '?');
      append_masked_query (out, query + 1);
    }
  return g_string_free (out, FALSE);
}

/* --------------------------------------------------------------- checks */

gboolean
store_check_date (const GDate *date, const char *what, GError **error)
{
  if (date == NULL || !g_date_valid (date)
      || g_date_get_year (date) < 1 || g_date_get_year (date) > 9999)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("Invalid %s date"), what);
      return FALSE;
    }
  return TRUE;
}

gint64
store_now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
store_check_name (const char *value, const char *what, GError **error)
{
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("Empty %s"), what);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------- activity */

PdActivity *
pd_activity_new (void)
{
  PdActivity *activity = g_new0 (PdActivity, 1);

  g_date_clear (&activity->date, 1);
  return activity;
}

void
pd_activity_free (PdActivity *activity)
{
  if (activity == NULL)
    return;
  g_free (activity->campaign);
  g_free (activity->rep);
  g_free (activity->note);
  g_free (activity);
}

gboolean
store_check_activity (const PdActivity *activity, GError **error)
{
  const struct {
    const char *name;
    gint64 value;
  } counts[] = {
    { "contacts", activity->contacts },
    { "prospects", activity->prospects },
    { "active", activity->active },
    { "latent", activity->latent },
    { "arid", activity->arid },
    { "proposals", activity->proposals },
    { "deals", activity->deals },
    { "revenue", activity->revenue_cents },
  };

  if (!store_check_name (activity->campaign, _("campaign id"), error)
      || !store_check_name (activity->rep, _("rep name"), error)
      || !store_check_date (&activity->date, _("activity"), error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (counts); i++)
    if (counts[i].value < 0)
      {
        g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                     _("Negative %s: '%" PRId64 "'"),
                     counts[i].name, counts[i].value);
        return FALSE;
      }
  return TRUE;
}

/* ------------------------------------------------------------ revisions */

static void
clear_revision_day (gpointer data)
{
  PdRevisionDay *day = data;

  g_clear_pointer (&day->rep, g_ref_string_release);
}

PdRevision *
pd_revision_new (const char *campaign,
                 PdRevisionKind kind,
                 const GDate *as_of,
                 gint64 created)
{
  PdRevision *revision = g_new0 (PdRevision, 1);

  revision->campaign = g_strdup (campaign);
  revision->kind = kind;
  g_date_clear (&revision->as_of, 1);
  if (as_of != NULL)
    revision->as_of = *as_of;
  revision->created = created;
  revision->parent = -1;
  revision->days = g_array_new (FALSE, TRUE, sizeof (PdRevisionDay));
  g_array_set_clear_func (revision->days, clear_revision_day);
  return revision;
}

void
pd_revision_add_rebased_day (PdRevision *revision,
                             const char *rep,
                             const GDate *date,
                             gint64 contacts,
                             gint64 base)
{
  PdRevisionDay day = { 0 };
  const PdRevisionDay *last;

  g_return_if_fail (revision != NULL);
  g_return_if_fail (date != NULL);

  /* The days of a rep come together: one string shared by them (a
   * revision of 1 000 reps holds some 250 000 days). */
  last = revision->days->len > 0 ? &g_array_index (revision->days, PdRevisionDay, revision->days->len - 1) : NULL;
  if (rep == NULL)
    day.rep = NULL;
  else if (last != NULL && last->rep != NULL && strcmp (last->rep, rep) == 0)
    day.rep = g_ref_string_acquire (last->rep);
  else
    day.rep = g_ref_string_new (rep);
  day.date = *date;
  day.contacts = contacts;
  day.base = base;
  g_array_append_val (revision->days, day);
}

void
pd_revision_add_day (PdRevision *revision,
                     const char *rep,
                     const GDate *date,
                     gint64 contacts)
{
  pd_revision_add_rebased_day (revision, rep, date, contacts, -1);
}

void
pd_revision_free (PdRevision *revision)
{
  if (revision == NULL)
    return;
  g_free (revision->campaign);
  g_free (revision->source);
  g_clear_pointer (&revision->days, g_array_unref);
  g_free (revision);
}

gboolean
store_check_revision (const PdRevision *revision, GError **error)
{
  if (!store_check_name (revision->campaign, _("campaign id"), error)
      || !store_check_date (&revision->as_of, _("revision"), error))
    return FALSE;
  if (revision->kind != PD_REVISION_BASELINE && revision->kind != PD_REVISION_CATCHUP)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("Unknown revision kind: '%d'"), (int) revision->kind);
      return FALSE;
    }
  for (guint i = 0; i < revision->days->len; i++)
    {
      const PdRevisionDay *day = &g_array_index (revision->days, PdRevisionDay, i);

      if (!store_check_name (day->rep, _("rep name"), error)
          || !store_check_date (&day->date, _("schedule"), error))
        return FALSE;
      if (day->contacts < 0 || day->base < -1)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                       _("Negative contacts: '%" PRId64 "'"),
                       day->contacts < 0 ? day->contacts : day->base);
          return FALSE;
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------ prospects */

gboolean
store_check_prospect (const PdProspect *prospect, GError **error)
{
  for (guint i = 0; i < prospect->sources->len; i++)
    {
      const PdProspectSource *source = prospect->sources->pdata[i];

      if (!store_check_name (source->source, _("source name"), error))
        return FALSE;
      if (source->line < 0)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                       _("Negative line of source '%s': '%" PRId64 "'"), source->source, source->line);
          return FALSE;
        }
    }
  if (prospect->id > 0)
    return TRUE;
  if (!store_check_name (prospect->company, _("company"), error))
    return FALSE;
  if (pd_prospect_state_name (prospect->state) == NULL || prospect->attempts < 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("Invalid state or attempts of prospect '%s'"), prospect->company);
      return FALSE;
    }
  if (g_date_valid (&prospect->follow_up) && !store_check_date (&prospect->follow_up, _("follow-up"), error))
    return FALSE;
  if (prospect->rep != NULL && !store_check_name (prospect->rep, _("rep name"), error))
    return FALSE;
  for (guint i = 0; i < prospect->attributes->len; i++)
    {
      const PdAttribute *a = prospect->attributes->pdata[i];

      if (a->name == NULL || a->value == NULL)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                       _("An attribute without a name or value in prospect '%s'"), prospect->company);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
store_check_call (const PdCall *call, GError **error)
{
  if (!store_check_name (call->campaign, _("campaign id"), error)
      || !store_check_name (call->rep, _("rep name"), error)
      || !store_check_date (&call->date, _("call"), error))
    return FALSE;
  if (g_date_valid (&call->follow_up) && !store_check_date (&call->follow_up, _("follow-up"), error))
    return FALSE;
  if (call->prospect <= 0 || pd_call_outcome_name (call->outcome) == NULL || call->revenue_cents < 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("Invalid call: prospect %" PRId64 ", outcome %d, revenue %" PRId64),
                   call->prospect, (int) call->outcome, call->revenue_cents);
      return FALSE;
    }
  return TRUE;
}

/* The dates as text, checked: a JSON array of strings (SQLite's
 * json_each() reads it) or a PostgreSQL array literal. */
char *
store_dates_text (const GDate *dates, guint n_dates, gboolean json, GError **error)
{
  GString *text = g_string_new (json ? "[" : "{");

  for (guint k = 0; k < n_dates; k++)
    {
      char date[DATE_TEXT_SIZE];

      if (!store_check_date (&dates[k], _("end"), error))
        {
          g_string_free (text, TRUE);
          return NULL;
        }
      format_date (&dates[k], date);
      g_string_append_printf (text, json ? "%s\"%s\"" : "%s%s", k > 0 ? "," : "", date);
    }
  g_string_append_c (text, json ? ']' : '}');
  return g_string_free (text, FALSE);
}

void
store_clear_rep_running (gpointer data)
{
  g_clear_pointer (&((PdRepRunning *) data)->rep, g_free);
}

void
store_clear_rep_contacts (gpointer data)
{
  g_clear_pointer (&((PdRepContactsAt *) data)->rep, g_free);
}
