/* SPDX-License-Identifier: MIT
 *
 * prospectctl schedule: the call blocks of a campaign, day by day, as a
 * table or as JSON (times in ISO 8601 with the zone's offset).
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
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

/* The table's heading. */
static void
print_text_header (void)
{
  /* Padded in characters: the words may hold accents. */
  g_autofree char *h_date = pd_format_pad (_("date"), 10), *h_rep = pd_format_pad (_("rep"), 12);
  g_autofree char *h_contacts = g_strdup (_("contacts")), *h_cumulative = g_strdup (_("cumulative"));
  g_autofree char *h_checkpoint = pd_format_pad (_("checkpoint"), 19);

  printf ("%s  %s %*s%s %*s%s  %s %s\n", h_date, h_rep, MAX (8 - (int) g_utf8_strlen (h_contacts, -1), 0), "",
          h_contacts, MAX (11 - (int) g_utf8_strlen (h_cumulative, -1), 0), "", h_cumulative, h_checkpoint,
          _("blocks"));
}

/* The table's lines of the days of `s` that are shown. */
static void
print_text_days (const PdCampaign *c, const PdSchedule *s, gint rep_filter, const GDate *from, const GDate *to)
{
  guint b = 0;

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
      /* TRANSLATORS: the next checkpoint's cumulative target, "312 by 2027-01-29". */
      g_autofree char *goal_text = g_strdup_printf (_("%" PRId64 " by %s"), target, checkpoint_date);
      g_autofree char *goal = pd_format_pad (goal_text, 19);

      g_autofree char *name = pd_format_pad (rep->name, 12);

      printf ("%-10s  %s %8" G_GINT64_FORMAT " %11" G_GINT64_FORMAT "  %s %s\n", date, name,
              day->contacts, day->cumulative, goal, blocks->len > 0 ? blocks->str : "-");
    }
}

/* JSON is written as it goes, one day at a time, so that memory does not
 * grow with the number of blocks: each day's object is made by json-glib
 * (its escaping, its pretty printing) and placed where the whole
 * document, printed by pd_ctl_print_json(), would have it: four spaces in
 * (root object, "days" array), its members the generator's indentation
 * further in. Strings are escaped, so an object's text holds no newline
 * but its own. */
typedef struct {
  JsonGenerator *generator; /* pretty, indent 2, as pd_ctl_print_json() */
  gboolean any;             /* a day was written */
} JsonDays;

/* A value as json-glib writes it (quoted and escaped). */
static char *
json_string_text (JsonGenerator *generator, const char *value)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static void
print_json_header (const PdCampaign *c, JsonDays *out)
{
  g_autofree char *id = json_string_text (out->generator, c->id);
  g_autofree char *timezone = json_string_text (out->generator, c->timezone);

  printf ("{\n  \"campaign\" : %s,\n  \"timezone\" : %s,\n  \"days\" : ", id, timezone);
}

static void
print_json_footer (JsonDays *out)
{
  printf (out->any ? "\n  ]\n}\n" : "[]\n}\n");
}

static void
print_json_object (JsonDays *out, JsonNode *object)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  json_generator_set_root (out->generator, object);
  text = json_generator_to_data (out->generator, NULL);
  lines = g_strsplit (text, "\n", -1);
  fputs (out->any ? ",\n" : "[\n", stdout);
  out->any = TRUE;
  for (guint i = 0; lines[i] != NULL; i++)
    printf ("%s    %s", i > 0 ? "\n" : "", lines[i]);
}

static void
print_json_days (const PdCampaign *c, const PdSchedule *s, gint rep_filter, const GDate *from, const GDate *to,
                 JsonDays *out)
{
  guint b = 0;

  for (guint i = 0; i < s->days->len; i++)
    {
      const PdDay *day = &g_array_index (s->days, PdDay, i);
      const PdRep *rep = g_ptr_array_index (c->reps, day->rep_index);
      gboolean shown = day_shown (day, rep_filter, from, to);
      g_autofree char *date = pd_format_date (&day->date);
      g_autoptr (JsonBuilder) j = NULL;

      if (shown)
        {
          guint k = next_checkpoint (c, &day->date);
          g_autofree char *checkpoint_date = pd_format_date (&g_array_index (c->checkpoints, PdCheckpoint, k).date);

          j = json_builder_new ();
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
          g_autoptr (JsonNode) object = NULL;

          json_builder_end_array (j);
          json_builder_end_object (j);
          object = json_builder_get_root (j);
          print_json_object (out, object);
        }
    }
}

static void
print_days (const PdCampaign *c, const PdSchedule *s, gint rep_filter, const GDate *from, const GDate *to,
            JsonDays *out)
{
  if (opt_json)
    print_json_days (c, s, rep_filter, from, to, out);
  else
    print_text_days (c, s, rep_filter, from, to);
}

/* Whether a catch-up revision applies to the campaign (pd_catchup_current
 * reads one): then the schedule in force is not each rep's baseline. */
static int
catchup_applies (PdCtl *ctl, const PdCampaign *campaign, gboolean *ret_applies)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdRevision) head = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  *ret_applies = FALSE;
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (store != NULL && !pd_store_load_latest_head (store, campaign->id, &head, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s: %s", campaign->path, error->message);
  *ret_applies = head != NULL
                 && (head->kind == PD_REVISION_CATCHUP || g_date_compare (&head->as_of, &campaign->start) > 0);
  return PD_EXIT_OK;
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdScheduleBuilder) builder = NULL;
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (PdSchedule) schedule = NULL;
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (GError) error = NULL;
  JsonDays out = { generator, FALSE };
  gint64 revision_time;
  gboolean applies = FALSE;
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
  if (!pd_plan_compute (&campaign->plan, &plan, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "%s: [plan]: %s", campaign->path, error->message);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  builder = pd_schedule_builder_new (campaign, &plan);

  if (rep_filter >= 0)
    {
      /* One rep: its baseline only, and the schedule in force of it. */
      if ((baseline = pd_schedule_builder_rep (builder, (guint) rep_filter, &error)) == NULL)
        return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
      if ((status = pd_ctl_current_schedule (ctl, campaign, baseline, &schedule, &revision_time)) != PD_EXIT_OK)
        return status;
    }
  else if ((status = catchup_applies (ctl, campaign, &applies)) != PD_EXIT_OK)
    return status;
  else if (applies)
    {
      /* A catch-up: the team's schedule in force, as one. */
      if ((status = pd_ctl_build_schedule (campaign, &plan, &baseline)) != PD_EXIT_OK ||
          (status = pd_ctl_current_schedule (ctl, campaign, baseline, &schedule, &revision_time)) != PD_EXIT_OK)
        return status;
    }
  else
    {
      /* The baseline is in force: every rep is checked first (the first
       * failure in rep order, nothing printed), then built again and
       * printed one at a time. */
      for (guint r = 0; r < campaign->reps->len; r++)
        {
          g_autoptr (PdSchedule) one = pd_schedule_builder_rep (builder, r, &error);
          if (one == NULL)
            return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
        }
    }

  if (opt_json)
    print_json_header (campaign, &out);
  else
    print_text_header ();
  if (schedule != NULL)
    print_days (campaign, schedule, rep_filter, &from, &to, &out);
  else
    for (guint r = 0; r < campaign->reps->len; r++)
      {
        g_autoptr (PdSchedule) one = pd_schedule_builder_rep (builder, r, &error);
        if (one == NULL) /* built once already */
          return pd_ctl_error (PD_EXIT_FAILURE, "%s: %s", campaign->path, error->message);
        print_days (campaign, one, rep_filter, &from, &to, &out);
      }
  if (opt_json)
    print_json_footer (&out);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_schedule = {
  "schedule", "[CAMPAIGN]", N_("Show the daily call blocks"), entries, run,
};
