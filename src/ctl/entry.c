/* SPDX-License-Identifier: MIT
 *
 * entry: what a logged entry must satisfy, shared by `log` and
 * `activity edit`, and how an entry is described to the rep.
 *
 * Per entry: the qualified prospects (active + latent + arid) are among
 * the prospects reached, and revenue comes with deals. Against reality:
 * the day is not after today, and the rep's day (its entries summed, the
 * new one included) holds no more calls than 24 hours do at the
 * campaign's minutes per contact; more than its call windows hold is kept
 * with a warning. Per day: prospects reached never exceed the calls made
 * unless a reason is given. Across days: the campaign's deals to date
 * never exceed its proposals to date, so a deal signed weeks after its
 * proposal is logged on its own day.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "ctl.h"
#include "prospectd/format.h"
#include "prospectd/workcal.h"

gboolean
pd_ctl_parse_count (const char *option, const char *text, gint64 *ret)
{
  gint64 value = 0;

  if (text == NULL)
    return TRUE;
  if (text[0] == '\0' || strlen (text) > 9)
    {
      pd_ctl_error (PD_EXIT_USAGE, _("--%s %s: write a whole number from 0 to 999999999"), option, text);
      return FALSE;
    }
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        {
          pd_ctl_error (PD_EXIT_USAGE, _("--%s %s: write a whole number from 0 to 999999999"), option, text);
          return FALSE;
        }
      value = value * 10 + (*p - '0');
    }
  *ret = value;
  return TRUE;
}

/* a + b for counts >= 0, at most G_MAXINT64: a database written before
 * these checks may hold sums no day can, and they must not wrap. */
static gint64
add_counts (gint64 a, gint64 b)
{
  return a > G_MAXINT64 - b ? G_MAXINT64 : a + b;
}

/* Adds (sign 1) or takes out (sign -1: t is part of sum) an entry's or a
 * day's counts. */
static void
totals_add (PdTotals *sum, const PdTotals *t, gint64 sign)
{
  gint64 *to[] = { &sum->entries, &sum->contacts, &sum->prospects, &sum->active, &sum->latent, &sum->arid,
                   &sum->proposals, &sum->deals, &sum->revenue_cents };
  const gint64 from[] = { t->entries, t->contacts, t->prospects, t->active, t->latent, t->arid, t->proposals,
                          t->deals, t->revenue_cents };

  for (gsize i = 0; i < G_N_ELEMENTS (to); i++)
    *to[i] = sign > 0 ? add_counts (*to[i], from[i]) : *to[i] - from[i];
}

static PdTotals
entry_totals (const PdActivity *a)
{
  return (PdTotals) { 1, a->contacts, a->prospects, a->active, a->latent, a->arid, a->proposals, a->deals,
                      a->revenue_cents };
}

/* The day as it counts: figure by figure the larger of its entries' sums
 * and its calls' (entries: those of the log). */
static PdTotals
counted_day (const PdTotals *logged, const PdTotals *called)
{
  return (PdTotals) {
    logged->entries, MAX (logged->contacts, called->contacts), MAX (logged->prospects, called->prospects),
    MAX (logged->active, called->active), MAX (logged->latent, called->latent), MAX (logged->arid, called->arid),
    MAX (logged->proposals, called->proposals), MAX (logged->deals, called->deals),
    MAX (logged->revenue_cents, called->revenue_cents)
  };
}

/* Call minutes of `contacts` at the campaign's minutes per contact
 * (millionths), rounded up. */
static gint64
call_minutes (const PdCampaign *campaign, gint64 contacts)
{
  gint64 per_contact = campaign->plan.minutes_per_contact;

  if (per_contact > 0 && contacts > (G_MAXINT64 - 999999) / per_contact)
    return G_MAXINT64 / 1000000;
  return (contacts * per_contact + 999999) / 1000000;
}

int
pd_ctl_check_entry (const PdCtl *ctl, const PdCampaign *campaign, PdStore *store, const PdActivity *removed,
                    gboolean replace_day, const PdActivity *added, const char *reason, PdTotals *ret_day)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) team_days = NULL;
  g_autofree char *date = pd_format_date (&added->date);
  PdTotals day = { 0 }, replaced = { 0 }, called = { 0 };
  GDate today;

  if (added->active + added->latent + added->arid > added->prospects)
    return pd_ctl_error (PD_EXIT_USAGE,
                         _("--active + --latent + --arid (%" PRId64 ") exceed --prospects (%" PRId64 ")"),
                         added->active + added->latent + added->arid, added->prospects);
  if (added->revenue_cents > 0 && added->deals == 0)
    return pd_ctl_error (PD_EXIT_USAGE, "%s", _("--revenue needs --deals: revenue comes from deals won"));

  pd_ctl_today (ctl, campaign, &today);
  if (g_date_compare (&added->date, &today) > 0)
    {
      g_autofree char *today_text = pd_format_date (&today);
      return pd_ctl_error (PD_EXIT_USAGE, _("--date %s: after today (%s): log what was done (--now sets the clock)"),
                           date, today_text);
    }
  if (g_date_compare (&added->date, &campaign->start) < 0 || g_date_compare (&added->date, &campaign->end) > 0)
    {
      g_autofree char *start = pd_format_date (&campaign->start);
      g_autofree char *end = pd_format_date (&campaign->end);
      return pd_ctl_error (PD_EXIT_USAGE, _("--date %s: outside the campaign (%s to %s)"), date, start, end);
    }

  /* The rep's day and the team's days as stored (nothing when there is
   * no database yet): the day's entries, and its calls, which count
   * with them figure by figure the larger of the two (docs/method.md). */
  if (store != NULL)
    {
      if (!pd_store_day_parts (store, campaign->id, added->rep, &added->date, &day, &called, &error) ||
          (team_days = pd_store_day_totals (store, campaign->id, NULL, NULL, NULL, &error)) == NULL)
        return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
    }

  /* The rep's day once the change is made. */
  if (replace_day)
    replaced = day;
  else if (removed != NULL && g_str_equal (removed->rep, added->rep) &&
           g_date_compare (&removed->date, &added->date) == 0)
    replaced = entry_totals (removed);
  gint64 excess_before = 0;
  if (!replace_day && removed == NULL)
    {
      PdTotals before = counted_day (&day, &called);
      excess_before = MAX (before.prospects - before.contacts, 0);
    }
  totals_add (&day, &replaced, -1);
  {
    PdTotals entry = entry_totals (added);
    totals_add (&day, &entry, 1);
  }
  /* From here on, the day as it will count. */
  day = counted_day (&day, &called);

  if (call_minutes (campaign, day.contacts) > 24 * 60)
    {
      g_autofree char *minutes = pd_format_count (call_minutes (campaign, day.contacts));
      g_autofree char *per_call = pd_format_decimal (campaign->plan.minutes_per_contact);
      return pd_ctl_error (PD_EXIT_USAGE,
                           _("--contacts %" PRId64 ": %s's %s would hold %" PRId64
                             " calls, %s min at %s min a call (minutes_per_contact): more than 24 hours hold"),
                           added->contacts, added->rep, date, day.contacts, minutes, per_call);
    }
  /* An excess the day had already was given its reason then. */
  if (day.prospects - day.contacts > excess_before && (reason == NULL || reason[0] == '\0'))
    return pd_ctl_error (PD_EXIT_USAGE,
                         _("--prospects %" PRId64 ": %s's %s would have %" PRId64
                           " prospects reached for %" PRId64 " calls: each prospect reached takes a call,"
                           " unless --reason says why (e.g. prospects who called back)"),
                         added->prospects, added->rep, date, day.prospects, day.contacts);

  /* The campaign's running totals: on every day from the earliest one
   * the change touches, deals to date <= proposals to date. */
  {
    gint64 proposals = 0, deals = 0;
    guint i = 0;
    guint n = team_days != NULL ? team_days->len : 0;
    const GDate *first = &added->date;
    gboolean done_added = FALSE, done_removed = removed == NULL;

    if (removed != NULL && g_date_compare (&removed->date, first) < 0)
      first = &removed->date;
    while (i < n || !done_added || !done_removed)
      {
        /* The next date: a stored day, the added entry's, the removed one's. */
        const GDate *next = NULL;
        if (i < n)
          next = &g_array_index (team_days, PdDayTotals, i).date;
        if (!done_added && (next == NULL || g_date_compare (&added->date, next) < 0))
          next = &added->date;
        if (!done_removed && (next == NULL || g_date_compare (&removed->date, next) < 0))
          next = &removed->date;
        GDate current = *next;

        if (i < n && g_date_compare (&g_array_index (team_days, PdDayTotals, i).date, &current) == 0)
          {
            proposals = add_counts (proposals, g_array_index (team_days, PdDayTotals, i).totals.proposals);
            deals = add_counts (deals, g_array_index (team_days, PdDayTotals, i).totals.deals);
            i++;
          }
        if (!done_added && g_date_compare (&added->date, &current) == 0)
          {
            proposals += added->proposals - replaced.proposals;
            deals += added->deals - replaced.deals;
            done_added = TRUE;
          }
        if (!done_removed && g_date_compare (&removed->date, &current) == 0)
          {
            /* Already taken out above when it was on the added day. */
            if (!(g_str_equal (removed->rep, added->rep) && g_date_compare (&removed->date, &added->date) == 0))
              {
                proposals -= removed->proposals;
                deals -= removed->deals;
              }
            done_removed = TRUE;
          }
        if (g_date_compare (&current, first) >= 0 && deals > proposals)
          {
            g_autofree char *when = pd_format_date (&current);
            return pd_ctl_error (PD_EXIT_USAGE,
                                         _("%s, %s: the campaign's deals won to date (%" PRId64
                                   ") would exceed its proposals sent to date (%" PRId64 ") on %s:"
                                   " log the proposals first"),
                                 added->rep, date, deals, proposals, when);
          }
      }
  }

  /* Possible, but more than the rep's call windows hold that day: kept. */
  {
    const PdRep *rep = pd_campaign_find_rep (campaign, added->rep, NULL);
    gint64 window_minutes = 0;

    if (pd_workcal_is_available (campaign, rep, &added->date))
      {
        g_autoptr (GArray) windows = pd_workcal_day_windows (campaign, rep, &added->date);
        for (guint w = 0; w < windows->len; w++)
          window_minutes += g_array_index (windows, PdWindow, w).end_minute -
                            g_array_index (windows, PdWindow, w).start_minute;
      }
    if (call_minutes (campaign, day.contacts) > window_minutes)
      {
        g_autofree char *minutes = pd_format_count (call_minutes (campaign, day.contacts));
        g_autofree char *capacity = pd_format_count (window_minutes);
        fprintf (stderr,
                 window_minutes > 0
                   ? _("prospectctl: warning: %s, %s: %" PRId64 " calls take %s min, more than the"
                       " day's call windows (%s min); kept\n")
                   : _("prospectctl: warning: %s, %s: %" PRId64 " calls take %s min, more than the"
                       " day's call windows (%s min: not a working day); kept\n"),
                 added->rep, date, day.contacts, minutes, capacity);
      }
  }
  if (ret_day != NULL)
    *ret_day = day;
  return PD_EXIT_OK;
}

char *
pd_ctl_printable_text (const char *note)
{
  g_autofree char *valid = g_utf8_make_valid (note, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\\')
        g_string_append (out, "\\\\");
      else if (g_unichar_iscntrl (c))
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

char *
pd_ctl_describe_entry (const PdActivity *a, const char *currency)
{
  GString *text = g_string_new (NULL);
  g_autofree char *date = pd_format_date (&a->date);

  g_string_append_printf (text, "%s, %s: ", a->rep, date);
  g_string_append_printf (text, ngettext ("%" PRId64 " contact", "%" PRId64 " contacts",
                                          (gulong) a->contacts), a->contacts);
  if (a->prospects > 0)
    {
      g_string_append_printf (text, ngettext (", %" PRId64 " prospect", ", %" PRId64 " prospects",
                                              (gulong) a->prospects), a->prospects);
      if (a->active + a->latent + a->arid > 0)
        g_string_append_printf (text, _(" (%" PRId64 " active, %" PRId64 " latent, %"
                                        PRId64 " arid)"), a->active, a->latent, a->arid);
    }
  if (a->proposals > 0)
    g_string_append_printf (text, ngettext (", %" PRId64 " proposal", ", %" PRId64 " proposals",
                                            (gulong) a->proposals), a->proposals);
  if (a->deals > 0)
    g_string_append_printf (text, ngettext (", %" PRId64 " deal", ", %" PRId64 " deals",
                                            (gulong) a->deals), a->deals);
  if (a->revenue_cents > 0)
    {
      g_autofree char *money = pd_format_money (a->revenue_cents, currency);
      g_string_append_printf (text, ", %s", money);
    }
  if (a->note != NULL)
    {
      g_autofree char *note = pd_ctl_printable_text (a->note);
      g_string_append_printf (text, _(", note: %s"), note);
    }
  return g_string_free (text, FALSE);
}

/* A text a spreadsheet would take for a formula: one starting with = + -
 * @, a tab or a carriage return, unless it is a plain number (a negative
 * gap, an amount). Such a cell from a note or an imported file could run
 * =HYPERLINK(...) or worse on the manager's machine (CSV injection). */
static gboolean
csv_looks_like_formula (const char *value)
{
  char *end = NULL;

  if (strchr ("=+-@\t\r", value[0]) == NULL || value[0] == '\0')
    return FALSE;
  g_ascii_strtod (value, &end);
  return end == value || *end != '\0';
}

char *
pd_ctl_csv_field (const char *value)
{
  GString *field;
  gboolean formula;

  if (value == NULL)
    return g_strdup ("");
  formula = csv_looks_like_formula (value);
  if (!formula && strpbrk (value, ",\"\r\n") == NULL)
    return g_strdup (value);
  /* A formula-like text is quoted and starts with an apostrophe, which
   * spreadsheets read as "this cell is text" (OWASP's advice). */
  field = g_string_new (formula ? "\"'" : "\"");
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (field, '"');
      g_string_append_c (field, *p);
    }
  g_string_append_c (field, '"');
  return g_string_free (field, FALSE);
}

void
pd_ctl_csv_row (const char *const *fields, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *field = pd_ctl_csv_field (fields[i]);
      printf ("%s%s", i > 0 ? "," : "", field);
    }
  printf ("\r\n");
}

char *
pd_ctl_csv_amount (gint64 cents)
{
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%02" G_GINT64_FORMAT, cents < 0 ? "-" : "",
                          (cents < 0 ? -cents : cents) / 100, (cents < 0 ? -cents : cents) % 100);
}
