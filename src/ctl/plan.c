/* SPDX-License-Identifier: MIT
 *
 * prospectctl plan: the funnel of a campaign, step by step, with the
 * arithmetic that produced each number, the split across reps and the
 * sensitivity to the two rates history varies most.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/format.h"
#include "prospectd/plan.h"
#include "prospectd/schedule.h"

static gboolean opt_json;

static GOptionEntry entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  G_OPTION_ENTRY_NULL
};

/* ", = 466.67, rounded up" when a × b ÷ d is not whole, else "". */
static char *
rounding_note (gint64 a, gint64 b, gint64 d, PdRounding rounding)
{
  gint64 thousandths;

  if (!pd_muldiv (a, b * 1000, d, PD_ROUNDING_DOWN, &thousandths) || thousandths % 1000 == 0)
    return g_strdup ("");
  gint64 hundredths = (thousandths + 5) / 10;
  g_autofree char *exact = pd_format_decimal_fixed (hundredths * 10000, 2);
  return g_strdup_printf (rounding == PD_ROUNDING_UP ? _(" = %s, rounded up") : _(" = %s, rounded down"),
                          exact);
}

typedef struct {
  guint rep;
  gint64 remainder;   /* of contacts x minutes per contact, in millionths of a minute */
} Remainder;

static gint
by_remainder (gconstpointer a, gconstpointer b)
{
  const Remainder *x = a, *y = b;

  if (x->remainder != y->remainder)
    return x->remainder > y->remainder ? -1 : 1;
  return x->rep < y->rep ? -1 : (x->rep > y->rep ? 1 : 0);
}

/* Each rep's call minutes (gint64, campaign order), adding up to the
 * plan's call time: every rep gets the whole minutes of their contacts x
 * minutes per contact, and the minutes the plan's total has beyond those
 * go one each to the largest fractions (the earlier rep on a tie). Rounding
 * each rep up on its own would make the parts exceed the total. */
static GArray *
rep_minutes (const PdCampaign *campaign, const PdPlan *plan, const GArray *split)
{
  gint64 per_contact = campaign->plan.minutes_per_contact;
  guint n = split->len;
  GArray *minutes = g_array_sized_new (FALSE, TRUE, sizeof (gint64), n);
  g_autofree Remainder *remainders = g_new0 (Remainder, MAX (n, 1));
  gint64 left = plan->call_minutes;

  g_array_set_size (minutes, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 contacts = g_array_index (split, gint64, i);
      gint64 whole = pd_muldiv_saturated (contacts, per_contact, PD_MILLI, PD_ROUNDING_DOWN);

      g_array_index (minutes, gint64, i) = whole;
      left -= whole;
      /* (a x b) mod M from a mod M and b mod M: no overflow below 10^12. */
      remainders[i] = (Remainder) { i, ((contacts % PD_MILLI) * (per_contact % PD_MILLI)) % PD_MILLI };
    }
  qsort (remainders, n, sizeof *remainders, by_remainder);
  for (guint k = 0; k < n && left > 0; k++, left--)
    g_array_index (minutes, gint64, remainders[k].rep)++;
  return minutes;
}

/* printf's widths count bytes; these count characters (€, −). */
static void
print_padded (const char *text, int width, gboolean right)
{
  int pad = width - (int) g_utf8_strlen (text, -1);

  if (right)
    printf ("%*s%s", MAX (pad, 0), "", text);
  else
    printf ("%s%*s", text, MAX (pad, 0), "");
}

static void
print_step (const char *label, const char *value, const char *arithmetic)
{
  print_padded (label, 22, FALSE);
  printf (" ");
  print_padded (value, 12, TRUE);
  printf ("   %s\n", arithmetic);
}

/* A row of the reps' split: name, contacts, call time (right-aligned). */
static void
print_split_row (const char *label, const char *contacts, const char *call_time, int time_width)
{
  print_padded (label, 22, FALSE);
  printf (" ");
  print_padded (contacts, 12, TRUE);
  printf ("   ");
  print_padded (call_time, time_width, TRUE);
  printf ("\n");
}

static void
print_text (const PdCampaign *c, const PdPlan *p, GArray *split, GArray *minutes_split, GArray *sensitivity)
{
  const PdPlanInput *in = &c->plan;
  PdRounding r = in->rounding;
  g_autofree char *start = pd_format_date_text (&c->start), *end = pd_format_date_text (&c->end);
  g_autofree char *objective = pd_format_money (in->objective_cents, c->currency);
  g_autofree char *average = pd_format_money (in->average_deal_cents, c->currency);
  g_autofree char *ppd = pd_format_decimal (in->proposals_per_deal);
  g_autofree char *comp = pd_format_decimal (in->compensation_factor);
  g_autofree char *rate = pd_format_rate (in->accessibility_rate);
  g_autofree char *cpp = pd_format_decimal (in->contacts_per_prospect);
  g_autofree char *mpc = pd_format_decimal (in->minutes_per_contact);
  g_autofree char *deals = pd_format_count (p->deals), *proposals = pd_format_count (p->proposals);
  g_autofree char *active = pd_format_count (p->active_prospects);
  g_autofree char *after = pd_format_count (p->active_after_spontaneous);
  g_autofree char *prospects = pd_format_count (p->prospects_to_contact);
  g_autofree char *contacts = pd_format_count (p->contacts);
  g_autofree char *minutes = pd_format_count (p->call_minutes);
  g_autofree char *hours = pd_format_hours (p->call_minutes);
  g_autofree char *minutes_value = g_strdup_printf (_("%s min"), minutes);
  g_autofree char *n1 = rounding_note (in->objective_cents, 1, in->average_deal_cents, r);
  g_autofree char *n2 = rounding_note (p->deals, in->proposals_per_deal, PD_MILLI, r);
  g_autofree char *n3 = rounding_note (p->proposals, in->compensation_factor, PD_MILLI, r);
  g_autofree char *n4 = rounding_note (p->active_after_spontaneous, PD_MILLI, in->accessibility_rate, r);
  g_autofree char *n5 = rounding_note (p->prospects_to_contact, in->contacts_per_prospect, PD_MILLI, r);
  g_autofree char *n6 = rounding_note (p->contacts, in->minutes_per_contact, PD_MILLI, r);
  g_autofree char *s1 = g_strdup_printf (_("%s ÷ %s average deal%s"), objective, average, n1);
  g_autofree char *s2 = g_strdup_printf (_("%s deals × %s proposals per deal%s"), deals, ppd, n2);
  g_autofree char *s3 = g_strdup_printf (_("%s proposals × %s compensation factor%s"), proposals, comp, n3);
  g_autofree char *s4 = g_strdup_printf (_("%s − %" PRId64 " spontaneous prospects%s"), active,
                                         in->spontaneous_prospects,
                                         p->active_prospects - in->spontaneous_prospects < 0 ? _(", never below 0") : "");
  g_autofree char *s5 = g_strdup_printf (_("%s ÷ %s accessibility rate%s"), after, rate, n4);
  g_autofree char *s6 = g_strdup_printf (_("%s × %s contacts per prospect%s"), prospects, cpp, n5);
  g_autofree char *s7 = g_strdup_printf (_("%s × %s min per contact%s ≈ %s"), contacts, mpc, n6, hours);

  printf (_("%s (%s): %s to %s, %s, rounding %s\n\n"), c->name, c->id, start, end, c->timezone,
          r == PD_ROUNDING_UP ? _("up") : _("down"));
  print_step (_("objective"), objective, _("new-customer revenue"));
  print_step (_("deals"), deals, s1);
  print_step (_("proposals"), proposals, s2);
  print_step (_("active prospects"), active, s3);
  print_step (_("after spontaneous"), after, s4);
  print_step (_("prospects to contact"), prospects, s5);
  print_step (_("contacts"), contacts, s6);
  print_step (_("call time"), minutes_value, s7);
  if (p->active_after_spontaneous == 0)
    printf (_("\nSpontaneous prospects cover the %s active prospects needed: no calls to make.\n"), active);

  /* The reps' call times right-aligned in a column as wide as the widest. */
  int time_width = (int) g_utf8_strlen (_("call time"), -1);
  for (guint i = 0; i < c->reps->len; i++)
    {
      g_autofree char *time = pd_format_count (g_array_index (minutes_split, gint64, i));
      g_autofree char *call_time = g_strdup_printf (_("%s min"), time);
      time_width = MAX (time_width, (int) g_utf8_strlen (call_time, -1));
    }
  printf ("\n");
  print_split_row (_("rep (weight)"), _("contacts"), _("call time"), time_width);
  for (guint i = 0; i < c->reps->len; i++)
    {
      const PdRep *rep = g_ptr_array_index (c->reps, i);
      gint64 rep_contacts = g_array_index (split, gint64, i);
      g_autofree char *weight = pd_format_decimal (rep->weight);
      g_autofree char *label = g_strdup_printf ("%s (%s)", rep->name, weight);
      g_autofree char *count = pd_format_count (rep_contacts);
      g_autofree char *time = pd_format_count (g_array_index (minutes_split, gint64, i));
      g_autofree char *call_time = g_strdup_printf (_("%s min"), time);
      print_split_row (label, count, call_time, time_width);
    }

  /* Cells as wide as the widest, columns between bars: "1 234 h 56 min"
   * beside "12 345 h 00 min" must not read as one number. */
  char *cells[4][3];
  int cell_width = 0;
  for (guint j = 0; j < 3; j++)
    cells[0][j] = pd_format_decimal (g_array_index (sensitivity, PdSensitivity, j).contacts_per_prospect);
  for (guint i = 0; i < 3; i++)
    for (guint j = 0; j < 3; j++)
      cells[i + 1][j] = pd_format_hours (g_array_index (sensitivity, PdSensitivity, i * 3 + j).plan.call_minutes);
  for (guint i = 0; i < 4; i++)
    for (guint j = 0; j < 3; j++)
      cell_width = MAX (cell_width, (int) g_utf8_strlen (cells[i][j], -1));

  printf (_("\nsensitivity: call time by accessibility rate (rows) and contacts per prospect (columns)\n"));
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *row = i == 0 ? g_strdup ("")
        : pd_format_rate (g_array_index (sensitivity, PdSensitivity, (i - 1) * 3).accessibility_rate);
      print_padded (row, 22, FALSE);
      for (guint j = 0; j < 3; j++)
        {
          printf (" | ");
          print_padded (cells[i][j], cell_width, TRUE);
          g_free (cells[i][j]);
        }
      printf ("\n");
    }
}

static void
add_plan (JsonBuilder *b, const PdPlan *p)
{
  pd_ctl_json_int (b, "deals", p->deals);
  pd_ctl_json_int (b, "proposals", p->proposals);
  pd_ctl_json_int (b, "active_prospects", p->active_prospects);
  pd_ctl_json_int (b, "active_after_spontaneous", p->active_after_spontaneous);
  pd_ctl_json_int (b, "prospects_to_contact", p->prospects_to_contact);
  pd_ctl_json_int (b, "contacts", p->contacts);
  pd_ctl_json_int (b, "call_minutes", p->call_minutes);
}

static void
print_json (const PdCampaign *c, const PdPlan *p, GArray *split, GArray *minutes_split, GArray *sensitivity)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *ppd = pd_format_decimal (c->plan.proposals_per_deal);
  g_autofree char *comp = pd_format_decimal (c->plan.compensation_factor);
  g_autofree char *rate = pd_format_rate (c->plan.accessibility_rate);
  g_autofree char *cpp = pd_format_decimal (c->plan.contacts_per_prospect);
  g_autofree char *mpc = pd_format_decimal (c->plan.minutes_per_contact);

  json_builder_begin_object (b);
  pd_ctl_json_string (b, "campaign", c->id);
  pd_ctl_json_string (b, "name", c->name);
  pd_ctl_json_string (b, "currency", c->currency);
  pd_ctl_json_string (b, "rounding", c->plan.rounding == PD_ROUNDING_UP ? "up" : "down");
  pd_ctl_json_int (b, "objective_cents", c->plan.objective_cents);
  pd_ctl_json_int (b, "average_deal_cents", c->plan.average_deal_cents);
  pd_ctl_json_string (b, "proposals_per_deal", ppd);
  pd_ctl_json_string (b, "compensation_factor", comp);
  pd_ctl_json_int (b, "spontaneous_prospects", c->plan.spontaneous_prospects);
  pd_ctl_json_string (b, "accessibility_rate", rate);
  pd_ctl_json_string (b, "contacts_per_prospect", cpp);
  pd_ctl_json_string (b, "minutes_per_contact", mpc);
  add_plan (b, p);

  json_builder_set_member_name (b, "reps");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->reps->len; i++)
    {
      const PdRep *rep = g_ptr_array_index (c->reps, i);
      gint64 contacts = g_array_index (split, gint64, i);
      g_autofree char *weight = pd_format_decimal (rep->weight);

      json_builder_begin_object (b);
      pd_ctl_json_string (b, "rep", rep->name);
      pd_ctl_json_string (b, "weight", weight);
      pd_ctl_json_int (b, "contacts", contacts);
      pd_ctl_json_int (b, "call_minutes", g_array_index (minutes_split, gint64, i));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "sensitivity");
  json_builder_begin_array (b);
  for (guint i = 0; i < sensitivity->len; i++)
    {
      const PdSensitivity *s = &g_array_index (sensitivity, PdSensitivity, i);
      g_autofree char *srate = pd_format_rate (s->accessibility_rate);
      g_autofree char *scpp = pd_format_decimal (s->contacts_per_prospect);

      json_builder_begin_object (b);
      pd_ctl_json_string (b, "accessibility_rate", srate);
      pd_ctl_json_string (b, "contacts_per_prospect", scpp);
      pd_ctl_json_int (b, "prospects_to_contact", s->plan.prospects_to_contact);
      pd_ctl_json_int (b, "contacts", s->plan.contacts);
      pd_ctl_json_int (b, "call_minutes", s->plan.call_minutes);
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
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) split = NULL;
  g_autoptr (GArray) minutes_split = NULL;
  g_autoptr (GArray) sensitivity = NULL;
  PdPlan plan;
  int status = pd_ctl_load_campaign (ctl, argc, argv, &campaign);

  if (status != PD_EXIT_OK)
    return status;
  if (!pd_plan_compute (&campaign->plan, &plan, &error) ||
      (sensitivity = pd_plan_sensitivity (&campaign->plan, &error)) == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, "%s: [plan]: %s", campaign->path, error->message);
  split = pd_schedule_split (campaign, plan.contacts);
  minutes_split = rep_minutes (campaign, &plan, split);

  if (opt_json)
    print_json (campaign, &plan, split, minutes_split, sensitivity);
  else
    print_text (campaign, &plan, split, minutes_split, sensitivity);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_plan = {
  "plan", "[CAMPAIGN]", N_("Show the prospecting funnel of a campaign"), entries, run,
};
