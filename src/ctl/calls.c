/* SPDX-License-Identifier: MIT
 *
 * prospectctl calls: a rep's call lists for a day, block by block, in
 * call order (text, JSON or CSV): whom to call, with the phone in E.164
 * and why (follow-up, retry, new). Today's lists start from the prospect
 * file as it stands; a later day's are the projection of
 * docs/scheduling.md ("Call lists"). Reading never creates a database.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/callbook.h"
#include "prospectd/format.h"

static char *opt_rep, *opt_date;
static gboolean opt_json, opt_csv;

static GOptionEntry entries[] = {
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("The rep whose lists to print (required)"), N_("REP") },
  { "date", 0, 0, G_OPTION_ARG_STRING, &opt_date, N_("The day (default: today; a later day is a projection)"),
    N_("DATE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  { "csv", 0, 0, G_OPTION_ARG_NONE, &opt_csv, N_("Print CSV (RFC 4180, comma, decimal point)"), NULL },
  G_OPTION_ENTRY_NULL
};

/* "First Last", the last name alone, or NULL. */
static char *
contact_of (const PdProspect *prospect)
{
  if (prospect->first_name != NULL && prospect->contact != NULL)
    return g_strdup_printf ("%s %s", prospect->first_name, prospect->contact);
  return g_strdup (prospect->contact != NULL ? prospect->contact : prospect->first_name);
}

static const char *
phone_of (const PdProspect *prospect)
{
  return prospect->phone != NULL ? prospect->phone : prospect->mobile;
}

static char *
sources_text (const PdProspect *prospect)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; prospect->sources != NULL && i < prospect->sources->len; i++)
    {
      const PdProspectSource *source = g_ptr_array_index (prospect->sources, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < i && !seen; j++)
        seen = g_str_equal (((const PdProspectSource *) g_ptr_array_index (prospect->sources, j))->source,
                            source->source);
      if (seen)
        continue;
      if (text->len > 0)
        g_string_append_c (text, ';');
      g_string_append (text, source->source);
    }
  return g_string_free (text, FALSE);
}

static char *
block_span (const PdBlock *block)
{
  g_autofree char *start = pd_format_time_of_day (block->start_minute);
  g_autofree char *end = pd_format_time_of_day (block->end_minute);

  return g_strdup_printf ("%s-%s", start, end);
}

static void
print_text (const PdCampaign *campaign, const PdRepCalls *calls, const GDate *date, gboolean projected)
{
  const PdRep *rep = g_ptr_array_index (campaign->reps, calls->rep_index);
  g_autofree char *day = pd_format_date (date);
  gboolean any = FALSE;

  if (projected)
    printf (_("%s, %s (%s): projected lists\n"), rep->name, day, campaign->id);
  else
    printf (_("%s, %s (%s)\n"), rep->name, day, campaign->id);
  for (guint b = 0; b < calls->blocks->len; b++)
    {
      const PdBlock *block = &g_array_index (calls->blocks, PdBlock, b);
      const PdCallBlock *list = &g_array_index (calls->lists->blocks, PdCallBlock, b);
      g_autofree char *span = NULL;
      g_autofree char *heading = NULL;

      if (g_date_compare (&block->date, date) != 0)
        continue;
      any = TRUE;
      span = block_span (block);
      heading = pd_call_block_heading (list);
      printf ("\n");
      printf (_("Block %u, %s — %s\n"), block->index, span, heading);
      for (guint i = list->first; i < list->first + list->listed; i++)
        {
          const PdListedCall *call = &g_array_index (calls->lists->calls, PdListedCall, i);
          const PdProspect *prospect = g_ptr_array_index (calls->prospects, call->candidate);
          g_autofree char *contact = contact_of (prospect);
          const char *phone = phone_of (prospect);

          printf ("  %u. #%" G_GINT64_FORMAT " %s", i - list->first + 1, prospect->id, prospect->company);
          if (contact != NULL)
            printf (" — %s", contact);
          printf (" — %s — %s\n", phone != NULL ? phone : _("no phone"), pd_call_reason_text (call->reason));
        }
    }
  if (!any)
    printf (_("No call block on %s.\n"), day);
}

static void
add_call_json (JsonBuilder *b, const PdCampaign *campaign, const PdProspect *prospect, const PdListedCall *call)
{
  g_autofree char *contact = contact_of (prospect);
  g_autofree char *follow_up = g_date_valid (&prospect->follow_up) ? pd_format_date (&prospect->follow_up) : NULL;
  const PdRep *rep = NULL;
  GDate copy;

  (void) campaign;
  (void) rep;
  (void) copy;
  json_builder_begin_object (b);
  pd_ctl_json_int (b, "id", prospect->id);
  pd_ctl_json_string (b, "company", prospect->company);
  pd_ctl_json_string (b, "contact", contact);
  pd_ctl_json_string (b, "phone", phone_of (prospect));
  pd_ctl_json_string (b, "email", prospect->email);
  json_builder_set_member_name (b, "sources");
  json_builder_begin_array (b);
  {
    g_autofree char *sources = sources_text (prospect);
    g_auto (GStrv) names = g_strsplit (sources, ";", -1);

    for (guint i = 0; sources[0] != '\0' && names[i] != NULL; i++)
      json_builder_add_string_value (b, names[i]);
  }
  json_builder_end_array (b);
  pd_ctl_json_string (b, "state", pd_prospect_state_name (prospect->state));
  pd_ctl_json_string (b, "rep", prospect->rep);
  pd_ctl_json_int (b, "attempts", prospect->attempts);
  pd_ctl_json_string (b, "follow_up", follow_up);
  pd_ctl_json_string (b, "reason", pd_call_reason_key (call->reason));
  json_builder_end_object (b);
}

static void
print_json (const PdCampaign *campaign, const PdRepCalls *calls, const GDate *date, gboolean projected)
{
  const PdRep *rep = g_ptr_array_index (campaign->reps, calls->rep_index);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *day = pd_format_date (date);

  json_builder_begin_object (b);
  pd_ctl_json_string (b, "campaign", campaign->id);
  pd_ctl_json_string (b, "rep", rep->name);
  pd_ctl_json_string (b, "date", day);
  json_builder_set_member_name (b, "projected");
  json_builder_add_boolean_value (b, projected);
  json_builder_set_member_name (b, "blocks");
  json_builder_begin_array (b);
  for (guint k = 0; k < calls->blocks->len; k++)
    {
      const PdBlock *block = &g_array_index (calls->blocks, PdBlock, k);
      const PdCallBlock *list = &g_array_index (calls->lists->blocks, PdCallBlock, k);
      g_autofree char *start = NULL;
      g_autofree char *end = NULL;

      if (g_date_compare (&block->date, date) != 0)
        continue;
      start = pd_format_time_of_day (block->start_minute);
      end = pd_format_time_of_day (block->end_minute);
      json_builder_begin_object (b);
      pd_ctl_json_int (b, "block", block->index);
      pd_ctl_json_string (b, "start", start);
      pd_ctl_json_string (b, "end", end);
      pd_ctl_json_int (b, "contacts", block->contacts);
      pd_ctl_json_int (b, "listed", list->listed);
      pd_ctl_json_int (b, "without_prospect", block->contacts - (gint64) list->listed);
      json_builder_set_member_name (b, "calls");
      json_builder_begin_array (b);
      for (guint i = list->first; i < list->first + list->listed; i++)
        {
          const PdListedCall *call = &g_array_index (calls->lists->calls, PdListedCall, i);

          add_call_json (b, campaign, g_ptr_array_index (calls->prospects, call->candidate), call);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  pd_ctl_print_json (root);
}

static void
print_csv (const PdRepCalls *calls, const GDate *date)
{
  const char *header[] = { "date", "block", "start", "end", "block_contacts", "position", "id", "company",
                           "contact", "phone", "email", "sources", "state", "rep", "attempts", "follow_up",
                           "reason" };
  g_autofree char *day = pd_format_date (date);

  pd_ctl_csv_row (header, G_N_ELEMENTS (header));
  for (guint k = 0; k < calls->blocks->len; k++)
    {
      const PdBlock *block = &g_array_index (calls->blocks, PdBlock, k);
      const PdCallBlock *list = &g_array_index (calls->lists->blocks, PdCallBlock, k);
      g_autofree char *index = NULL;
      g_autofree char *start = NULL;
      g_autofree char *end = NULL;
      g_autofree char *contacts = NULL;

      if (g_date_compare (&block->date, date) != 0)
        continue;
      index = g_strdup_printf ("%u", block->index);
      start = pd_format_time_of_day (block->start_minute);
      end = pd_format_time_of_day (block->end_minute);
      contacts = g_strdup_printf ("%" G_GINT64_FORMAT, block->contacts);
      for (guint i = list->first; i < list->first + list->listed; i++)
        {
          const PdListedCall *call = &g_array_index (calls->lists->calls, PdListedCall, i);
          const PdProspect *prospect = g_ptr_array_index (calls->prospects, call->candidate);
          g_autofree char *position = g_strdup_printf ("%u", i - list->first + 1);
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, prospect->id);
          g_autofree char *contact = contact_of (prospect);
          g_autofree char *sources = sources_text (prospect);
          g_autofree char *attempts = g_strdup_printf ("%" G_GINT64_FORMAT, prospect->attempts);
          g_autofree char *follow_up = g_date_valid (&prospect->follow_up) ? pd_format_date (&prospect->follow_up)
                                                                           : NULL;
          const char *row[] = { day, index, start, end, contacts, position, id, prospect->company, contact,
                                phone_of (prospect), prospect->email, sources,
                                pd_prospect_state_name (prospect->state), prospect->rep, attempts, follow_up,
                                pd_call_reason_key (call->reason) };

          pd_ctl_csv_row (row, G_N_ELEMENTS (row));
        }
    }
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (PdSchedule) current = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdRepCalls) calls = NULL;
  g_autoptr (GError) error = NULL;
  gint64 revision_time;
  guint rep_index;
  GDate today;
  GDate date;
  PdPlan plan;
  int status;

  pd_ctl_canonical_rep (&opt_rep);
  if (opt_json && opt_csv)
    return pd_ctl_error (PD_EXIT_USAGE, _("--json and --csv: choose one"));
  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if (opt_rep == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, _("calls: --rep REP is required (whose lists to print)"));
  if ((status = pd_ctl_find_rep (campaign, opt_rep, &rep_index)) != PD_EXIT_OK)
    return status;
  pd_ctl_today (ctl, campaign, &today);
  if ((status = pd_ctl_day_option (ctl, campaign, "--date", opt_date, &date)) != PD_EXIT_OK)
    return status;
  if (g_date_compare (&date, &today) < 0)
    {
      g_autofree char *day = pd_format_date (&date);
      g_autofree char *today_text = pd_format_date (&today);

      return pd_ctl_error (PD_EXIT_USAGE, _("--date %s: before today (%s); lists are made from today on"),
                           day, today_text);
    }
  /* The rep's baseline only, and its schedule in force: one rep's lists
   * cost one rep, whatever the team's size. */
  if ((status = pd_ctl_build_rep (campaign, rep_index, &plan, &baseline)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_current_schedule (ctl, campaign, baseline, &current, &revision_time)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  calls = pd_callbook_rep (store, campaign, current, rep_index, &today,
                           (guint) (g_date_days_between (&today, &date) + 1), &error);
  if (calls == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  if (opt_csv)
    print_csv (calls, &date);
  else if (opt_json)
    print_json (campaign, calls, &date, g_date_compare (&date, &today) > 0);
  else
    print_text (campaign, calls, &date, g_date_compare (&date, &today) > 0);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_calls = {
  "calls", "[CAMPAIGN] --rep REP", N_("A rep's call lists for a day, block by block"), entries, run,
};
