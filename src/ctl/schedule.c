/* SPDX-License-Identifier: MIT
 *
 * prospectctl schedule: the call blocks of a campaign, day by day, as a
 * table or as JSON (times in ISO 8601 with the zone's offset).
 */
#define G_LOG_DOMAIN "prospectctl"

#include <stdio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/format.h"
#include "prospectd/ics-render.h"
#include "prospectd/workcal.h"

static gboolean opt_json;
static char *opt_rep;
static char *opt_from;
static char *opt_to;

static GOptionEntry entries[] = {
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("Only this rep"), N_("REP") },
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from, N_("First day shown (YYYY-MM-DD)"), N_("DATE") },
  { "to", 0, 0, G_OPTION_ARG_STRING, &opt_to, N_("Last day shown (YYYY-MM-DD)"), N_("DATE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  G_OPTION_ENTRY_NULL
};

/* The first checkpoint on or after `date`; campaign->checkpoints always
 * ends with the campaign's end, so there is one inside the campaign. */
static guint
next_checkpoint (const PdCampaign *campaign, const GDate *date)
{
  guint k = 0;

  while (k + 1 < campaign->checkpoints->len &&
         g_date_compare (&g_array_index (campaign->checkpoints, PdCheckpoint, k).date, date) < 0)
    k++;
  return k;
}

static char *
iso_instant (const PdCampaign *campaign, const GDate *date, guint minute)
{
  g_autoptr (GDateTime) instant = pd_workcal_local_instant (campaign->tz, date, minute);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (instant, campaign->tz);

  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

static gboolean
day_shown (const PdDay *day, gint rep_filter, const GDate *from, const GDate *to)
{
  if (rep_filter >= 0 && day->rep_index != (guint) rep_filter)
    return FALSE;
  if (g_date_valid (from) && g_date_compare (&day->date, from) < 0)
    return FALSE;
  if (g_date_valid (to) && g_date_compare (&day->date, to) > 0)
    return FALSE;
  return TRUE;
}

static void
print_text (const PdCampaign *c, const PdSchedule *s, gint rep_filter, const GDate *from, const GDate *to)
{
  guint b = 0;

  printf ("%-10s  %-12s %8s %11s  %-19s %s\n", _("date"), _("rep"), _("contacts"), _("cumulative"),
          _("checkpoint"), _("blocks"));
  for (guint i = 0; i < s->days->len; i++)
    {
      const PdDay *day = &g_array_index (s->days, PdDay, i);
      const PdRep *rep = g_ptr_array_index (c->reps, day->rep_index);
      g_autoptr (GString) blocks = g_string_new ("");

      for (; b < s->blocks->len; b++)
        {
          const PdBlock *block = &g_array_index (s->blocks, PdBlock, b);
          if (block->rep_index > day->rep_index ||
              (block->rep_index == day->rep_index && g_date_compare (&block->date, &day->date) > 0))
            break;
          if (block->rep_index == day->rep_index && g_date_compare (&block->date, &day->date) == 0)
            {
              g_autofree char *start = pd_format_time_of_day (block->start_minute);
              g_autofree char *end = pd_format_time_of_day (block->end_minute);
              g_string_append_printf (blocks, "%s%s-%s (%" G_GINT64_FORMAT ")",
                                      blocks->len > 0 ? ", " : "", start, end, block->contacts);
            }
        }
      if (!day_shown (day, rep_filter, from, to))
        continue;

      guint k = next_checkpoint (c, &day->date);
      const PdCheckpoint *checkpoint = &g_array_index (c->checkpoints, PdCheckpoint, k);
      gint64 target = pd_schedule_checkpoint_target (c, k, g_array_index (s->rep_contacts, gint64, day->rep_index));
      g_autofree char *date = pd_format_date (&day->date);
      g_autofree char *checkpoint_date = pd_format_date (&checkpoint->date);
      g_autofree char *goal = g_strdup_printf ("%" G_GINT64_FORMAT " by %s", target, checkpoint_date);

      g_autofree char *name = pd_format_pad (rep->name, 12);

      printf ("%-10s  %s %8" G_GINT64_FORMAT " %11" G_GINT64_FORMAT "  %-19s %s\n", date, name,
              day->contacts, day->cumulative, goal, blocks->len > 0 ? blocks->str : "-");
    }
}

static void
print_json (const PdCampaign *c, const PdSchedule *s, gint rep_filter, const GDate *from, const GDate *to)
{
  g_autoptr (JsonBuilder) j = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  guint b = 0;

  json_builder_begin_object (j);
  json_builder_set_member_name (j, "campaign");
  json_builder_add_string_value (j, c->id);
  json_builder_set_member_name (j, "timezone");
  json_builder_add_string_value (j, c->timezone);
  json_builder_set_member_name (j, "days");
  json_builder_begin_array (j);
  for (guint i = 0; i < s->days->len; i++)
    {
      const PdDay *day = &g_array_index (s->days, PdDay, i);
      const PdRep *rep = g_ptr_array_index (c->reps, day->rep_index);
      gboolean shown = day_shown (day, rep_filter, from, to);
      g_autofree char *date = pd_format_date (&day->date);

      if (shown)
        {
          guint k = next_checkpoint (c, &day->date);
          g_autofree char *checkpoint_date = pd_format_date (&g_array_index (c->checkpoints, PdCheckpoint, k).date);

          json_builder_begin_object (j);
          json_builder_set_member_name (j, "rep");
          json_builder_add_string_value (j, rep->name);
          json_builder_set_member_name (j, "date");
          json_builder_add_string_value (j, date);
          json_builder_set_member_name (j, "contacts");
          json_builder_add_int_value (j, day->contacts);
          json_builder_set_member_name (j, "minutes");
          json_builder_add_int_value (j, day->minutes);
          json_builder_set_member_name (j, "cumulative");
          json_builder_add_int_value (j, day->cumulative);
          json_builder_set_member_name (j, "next_checkpoint");
          json_builder_begin_object (j);
          json_builder_set_member_name (j, "date");
          json_builder_add_string_value (j, checkpoint_date);
          json_builder_set_member_name (j, "target_contacts");
          json_builder_add_int_value (j, pd_schedule_checkpoint_target (c, k, g_array_index (s->rep_contacts, gint64, day->rep_index)));
          json_builder_end_object (j);
          json_builder_set_member_name (j, "blocks");
          json_builder_begin_array (j);
        }
      for (; b < s->blocks->len; b++)
        {
          const PdBlock *block = &g_array_index (s->blocks, PdBlock, b);
          if (block->rep_index > day->rep_index ||
              (block->rep_index == day->rep_index && g_date_compare (&block->date, &day->date) > 0))
            break;
          if (!shown || block->rep_index != day->rep_index || g_date_compare (&block->date, &day->date) != 0)
            continue;

          g_autofree char *start = iso_instant (c, &block->date, block->start_minute);
          g_autofree char *end = iso_instant (c, &block->date, block->end_minute);
          g_autofree char *uid = pd_ics_block_uid (c, block);

          json_builder_begin_object (j);
          json_builder_set_member_name (j, "rep");
          json_builder_add_string_value (j, rep->name);
          json_builder_set_member_name (j, "date");
          json_builder_add_string_value (j, date);
          json_builder_set_member_name (j, "index");
          json_builder_add_int_value (j, block->index);
          json_builder_set_member_name (j, "start");
          json_builder_add_string_value (j, start);
          json_builder_set_member_name (j, "end");
          json_builder_add_string_value (j, end);
          json_builder_set_member_name (j, "contacts");
          json_builder_add_int_value (j, block->contacts);
          json_builder_set_member_name (j, "uid");
          json_builder_add_string_value (j, uid);
          json_builder_end_object (j);
        }
      if (shown)
        {
          json_builder_end_array (j);
          json_builder_end_object (j);
        }
    }
  json_builder_end_array (j);
  json_builder_end_object (j);
  root = json_builder_get_root (j);
  pd_ctl_print_json (root);
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (PdSchedule) schedule = NULL;
  gint64 revision_time;
  GDate from, to;
  PdPlan plan;
  gint rep_filter = -1;
  int status;

  if ((status = pd_ctl_parse_date_option ("--from", opt_from, &from)) != PD_EXIT_OK ||
      (status = pd_ctl_parse_date_option ("--to", opt_to, &to)) != PD_EXIT_OK ||
      (status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if (g_date_valid (&from) && g_date_valid (&to) && g_date_compare (&from, &to) > 0)
    return pd_ctl_error (PD_EXIT_USAGE, _("--from %s is after --to %s: no day to show"), opt_from, opt_to);
  if (opt_rep != NULL)
    {
      guint index;
      if ((status = pd_ctl_find_rep (campaign, opt_rep, &index)) != PD_EXIT_OK)
        return status;
      rep_filter = (gint) index;
    }
  if ((status = pd_ctl_build_schedule (campaign, &plan, &baseline)) != PD_EXIT_OK ||
      (status = pd_ctl_current_schedule (ctl, campaign, baseline, &schedule, &revision_time)) != PD_EXIT_OK)
    return status;

  if (opt_json)
    print_json (campaign, schedule, rep_filter, &from, &to);
  else
    print_text (campaign, schedule, rep_filter, &from, &to);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_schedule = {
  "schedule", "[CAMPAIGN]", N_("Show the daily call blocks"), entries, run,
};
