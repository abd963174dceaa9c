/* SPDX-License-Identifier: MIT
 *
 * prospectctl today: a rep's day — the blocks of the schedule in force
 * today, what is done (the contacts logged today), what is left, and the
 * next block. A block is done when the contacts logged today cover it and
 * the blocks before it; a block not done is "now" while the clock is in
 * it, "missed" once it is over, and the first one still ahead is "next".
 * Reading never creates a database.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/format.h"

static char *opt_rep;
static gboolean opt_json;

static GOptionEntry entries[] = {
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("Only this rep"), N_("REP") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  G_OPTION_ENTRY_NULL
};

typedef enum {
  BLOCK_DONE,
  BLOCK_NOW,
  BLOCK_NEXT,
  BLOCK_MISSED,
  BLOCK_LATER,
} BlockState;

static const char *const state_ids[] = { "done", "now", "next", "missed", "later" };

static const char *
state_label (BlockState state)
{
  switch (state)
    {
    case BLOCK_DONE: return _("done");
    case BLOCK_NOW: return _("now");
    case BLOCK_NEXT: return _("next");
    case BLOCK_MISSED: return _("missed");
    case BLOCK_LATER: return "";
    }
  return "";
}

typedef struct {
  const PdBlock *block;
  BlockState state;
} DayBlock;

typedef struct {
  const PdRep *rep;
  gint64 planned;
  gint64 done;
  GArray *blocks; /* DayBlock, owned */
  const PdBlock *next; /* the block to make next (now or next), or NULL */
} RepDay;

static void
rep_day_clear (gpointer data)
{
  RepDay *day = data;
  g_clear_pointer (&day->blocks, g_array_unref);
}

static void
fill_rep_day (RepDay *day, const PdSchedule *schedule, guint rep_index, const GDate *date, guint minute_now)
{
  gint64 covered = 0;
  gboolean next_found = FALSE;

  day->blocks = g_array_new (FALSE, TRUE, sizeof (DayBlock));
  for (guint d = 0; d < schedule->days->len; d++)
    {
      const PdDay *p = &g_array_index (schedule->days, PdDay, d);
      if (p->rep_index == rep_index && g_date_compare (&p->date, date) == 0)
        day->planned = p->contacts;
    }
  for (guint b = 0; b < schedule->blocks->len; b++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, b);
      DayBlock entry = { block, BLOCK_LATER };

      if (block->rep_index != rep_index || g_date_compare (&block->date, date) != 0)
        continue;
      covered += block->contacts;
      if (covered <= day->done)
        entry.state = BLOCK_DONE;
      else if (block->end_minute <= minute_now)
        entry.state = BLOCK_MISSED;
      else if (!next_found)
        {
          entry.state = block->start_minute <= minute_now ? BLOCK_NOW : BLOCK_NEXT;
          day->next = block;
          next_found = TRUE;
        }
      g_array_append_val (day->blocks, entry);
    }
}

static char *
block_span (const PdBlock *block)
{
  g_autofree char *start = pd_format_time_of_day (block->start_minute);
  g_autofree char *end = pd_format_time_of_day (block->end_minute);
  return g_strdup_printf ("%s-%s", start, end);
}

static void
print_text (const PdCampaign *c, GDateTime *now, const GArray *days)
{
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M");

  printf (_("%s (%s), %s %s\n"), c->name, c->id, when, c->timezone);
  for (guint i = 0; i < days->len; i++)
    {
      const RepDay *day = &g_array_index (days, RepDay, i);
      gint64 left = MAX (day->planned - day->done, 0);

      printf ("\n");
      /* TRANSLATORS: contacts of the day; French avoids the plural
         agreement with "prévu : 16, fait : 0, reste : 16". */
      printf (_("%s: %" PRId64 " planned, %" PRId64 " done, %" PRId64 " left"),
              day->rep->name, day->planned, day->done, left);
      if (day->next != NULL)
        {
          g_autofree char *span = block_span (day->next);
          printf (ngettext ("; next block %s, %" PRId64 " contact\n", "; next block %s, %" PRId64 " contacts\n",
                            (gulong) CLAMP (day->next->contacts, 0, G_MAXINT)),
                  span, day->next->contacts);
        }
      else if (day->blocks->len == 0)
        printf (_("; no block today\n"));
      else
        printf (_("; no block left today\n"));
      for (guint b = 0; b < day->blocks->len; b++)
        {
          const DayBlock *entry = &g_array_index (day->blocks, DayBlock, b);
          g_autofree char *span = block_span (entry->block);

          const char *label = state_label (entry->state);

          printf ("  %s %4" G_GINT64_FORMAT " %s%s%s\n", span, entry->block->contacts, _("contacts"),
                  label[0] != '\0' ? "  " : "", label);
        }
    }
}

static void
add_block (JsonBuilder *b, const PdBlock *block)
{
  g_autofree char *start = pd_format_time_of_day (block->start_minute);
  g_autofree char *end = pd_format_time_of_day (block->end_minute);

  pd_ctl_json_string (b, "start", start);
  pd_ctl_json_string (b, "end", end);
  pd_ctl_json_int (b, "contacts", block->contacts);
}

static void
print_json (const PdCampaign *c, GDateTime *now, const GDate *today, const GArray *days)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *date = pd_format_date (today);
  g_autofree char *instant = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");

  json_builder_begin_object (b);
  pd_ctl_json_string (b, "campaign", c->id);
  pd_ctl_json_string (b, "date", date);
  pd_ctl_json_string (b, "now", instant);
  json_builder_set_member_name (b, "reps");
  json_builder_begin_array (b);
  for (guint i = 0; i < days->len; i++)
    {
      const RepDay *day = &g_array_index (days, RepDay, i);

      json_builder_begin_object (b);
      pd_ctl_json_string (b, "rep", day->rep->name);
      pd_ctl_json_int (b, "planned_contacts", day->planned);
      pd_ctl_json_int (b, "done_contacts", day->done);
      pd_ctl_json_int (b, "left_contacts", MAX (day->planned - day->done, 0));
      json_builder_set_member_name (b, "next_block");
      if (day->next != NULL)
        {
          json_builder_begin_object (b);
          add_block (b, day->next);
          json_builder_end_object (b);
        }
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "blocks");
      json_builder_begin_array (b);
      for (guint k = 0; k < day->blocks->len; k++)
        {
          const DayBlock *entry = &g_array_index (day->blocks, DayBlock, k);
          json_builder_begin_object (b);
          add_block (b, entry->block);
          pd_ctl_json_string (b, "state", state_ids[entry->state]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  pd_ctl_print_json (root);
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (PdSchedule) current = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GArray) days = NULL;
  g_autoptr (GError) error = NULL;
  gint64 revision_time;
  guint only = G_MAXUINT;
  GDate today;
  PdPlan plan;
  int status;

  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if (opt_rep != NULL && (status = pd_ctl_find_rep (campaign, opt_rep, &only)) != PD_EXIT_OK)
    return status;
  /* --rep: that rep's schedule alone, whatever the team's size. */
  if ((status = only != G_MAXUINT ? pd_ctl_build_rep (campaign, only, &plan, &baseline)
                                  : pd_ctl_build_schedule (campaign, &plan, &baseline)) != PD_EXIT_OK ||
      (status = pd_ctl_current_schedule (ctl, campaign, baseline, &current, &revision_time)) != PD_EXIT_OK)
    return status;
  now = pd_ctl_now (ctl, campaign->tz);
  pd_ctl_today (ctl, campaign, &today);
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;

  days = g_array_new (FALSE, TRUE, sizeof (RepDay));
  g_array_set_clear_func (days, rep_day_clear);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      RepDay day = { g_ptr_array_index (campaign->reps, r), 0, 0, NULL, NULL };

      if (only != G_MAXUINT && only != r)
        continue;
      if (store != NULL)
        {
          g_autoptr (GArray) logged = pd_store_day_totals (store, campaign->id, day.rep->name, &today, &today, &error);
          if (logged == NULL)
            return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
          if (logged->len > 0)
            day.done = g_array_index (logged, PdDayTotals, 0).totals.contacts;
        }
      fill_rep_day (&day, current, r, &today,
                    (guint) (g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now)));
      g_array_append_val (days, day);
    }
  if (opt_json)
    print_json (campaign, now, &today, days);
  else
    print_text (campaign, now, days);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_today = {
  "today", "[CAMPAIGN]", N_("A rep's day: today's blocks, done, left, the next block"), entries, run,
};
