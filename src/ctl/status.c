/* SPDX-License-Identifier: MIT
 *
 * prospectctl status: the manager's view of a campaign on a given day —
 * per rep and for the team, planned to date (against the baseline), done,
 * gap, status and what the next checkpoint needs; the checkpoints; the
 * observed funnel rates against the assumed ones; the projection and the
 * call time still needed; a burn-up chart. --check exits 3 when a rep is
 * behind. Reading never creates a database.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/callbook.h"
#include "prospectd/format.h"
#include "prospectd/progress.h"

/* The prospect file against the plan (status reads it when the file
 * holds someone): its prospects to contact and the plan's. */
static struct {
  gint64 prospects;            /* 0: no prospect file (nothing said) */
  gint64 prospects_to_contact;
} prospect_file;

static char *opt_rep;
static char *opt_as_of;
static gboolean opt_json;
static gboolean opt_check;
static gboolean opt_csv;
static gboolean opt_week;
static char *opt_by;

static GOptionEntry entries[] = {
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("Only this rep (the team line stays)"), N_("REP") },
  { "as-of", 0, 0, G_OPTION_ARG_STRING, &opt_as_of, N_("Day of the status, inclusive (default: today)"), N_("DATE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  { "check", 0, 0, G_OPTION_ARG_NONE, &opt_check, N_("Exit 3 when a rep is behind"), NULL },
  { "csv", 0, 0, G_OPTION_ARG_NONE, &opt_csv, N_("Print CSV (RFC 4180, comma, decimal point)"), NULL },
  { "week", 0, 0, G_OPTION_ARG_NONE, &opt_week,
    N_("Last week (Monday to Sunday before the as-of day's week) per rep: planned, done, gap, rates"), NULL },
  { "by", 0, 0, G_OPTION_ARG_STRING, &opt_by,
    N_("The prospects per source, sector, city or column of the file: reached, arid, latent, active, rates"),
    N_("SEGMENT") },
  G_OPTION_ENTRY_NULL
};

#define CHART_WIDTH  60
#define CHART_HEIGHT 8

/* -166 666 ppm (20 short of 120) as "-16.7%": the gap in percent with one
 * decimal, rounded half away from zero. gap_ppm is the exact ratio
 * truncated toward zero, and the halves sit on whole ppm (500 of 1 000),
 * so rounding it gives the exact ratio's rounding. */
static char *
format_gap_percent (gint64 ppm)
{
  gint64 ppm_magnitude = ppm < 0 ? -ppm : ppm;
  gint64 magnitude = ppm_magnitude / 1000 + (ppm_magnitude % 1000 >= 500 ? 1 : 0);
  /* In the locale's form ("16,7 %" in French); any magnitude. */
  g_autofree char *percent = pd_format_percent_tenths (magnitude);

  return g_strconcat (magnitude == 0 ? "" : (ppm < 0 ? "-" : "+"), percent, NULL);
}

/* The status column: as wide as its header and its widest word, in
 * characters. */
static guint
pace_width (void)
{
  glong width = MAX (9, g_utf8_strlen (_("status"), -1));

  for (PdPace pace = PD_PACE_AHEAD; pace <= PD_PACE_BEHIND; pace++)
    width = MAX (width, g_utf8_strlen (pd_pace_text (pace), -1));
  return (guint) width;
}

static char *
format_optional_date (const GDate *date)
{
  return g_date_valid (date) ? pd_format_date (date) : NULL;
}

/* ------------------------------------------------------------ text */

static void
print_rep_line (const PdCampaign *c, const PdRepProgress *p, const char *name)
{
  g_autofree char *gap = format_gap_percent (p->gap_ppm);
  g_autofree char *gap_text = g_strdup_printf ("%+" G_GINT64_FORMAT " (%s)", p->gap, gap);
  g_autofree char *next = NULL;

  if (p->next_checkpoint >= 0)
    {
      const PdCheckpoint *k = &g_array_index (c->checkpoints, PdCheckpoint, p->next_checkpoint);
      const PdCheckpointProgress *kp = &g_array_index (p->checkpoints, PdCheckpointProgress, p->next_checkpoint);
      g_autofree char *date = pd_format_date (&k->date);

      if (p->needed == 0)
        next = g_strdup_printf (_("%s: %" PRId64 ", already met"), date, kp->target);
      else
        next = g_strdup_printf (ngettext ("%s: %" PRId64 ", %" PRId64 "/day over %" PRId64 " day",
                                          "%s: %" PRId64 ", %" PRId64 "/day over %" PRId64 " days",
                                          (gulong) CLAMP (p->days_left, 0, G_MAXINT)),
                                date, kp->target, p->needed_per_day, p->days_left);
    }
  else
    next = g_strdup (_("none left"));

  g_autofree char *padded = pd_format_pad (name, 12);
  g_autofree char *gap_padded = pd_format_pad (gap_text, 16);
  g_autofree char *pace_padded = pd_format_pad (pd_pace_text (p->pace), pace_width ());
  printf ("%s %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %s %s %s\n", padded, p->planned, p->actual,
          gap_padded, pace_padded, next);
}

/* Right-aligned in `width` characters (printf counts bytes: € is three). */
static void
print_right (const char *text, int width)
{
  printf (" %*s%s", MAX (width - (int) g_utf8_strlen (text, -1), 0), "", text);
}

/* A rate: assumed, observed, and the n behind the observed one. */
static void
print_rate (const char *label, const char *assumed, gboolean has_observed, const char *observed,
            const char *n)
{
  g_autofree char *padded = pd_format_pad (label, 22);

  printf ("  %s", padded);
  print_right (assumed, 12);
  print_right (has_observed ? observed : "-", 12);
  printf ("  %s\n", n);
}

/* ngettext() takes an unsigned long: counts beyond it read as "many". */
static gulong
plural_n (gint64 n)
{
  return n < 0 ? 0 : (guint64) n > G_MAXULONG ? G_MAXULONG : (gulong) n;
}

/* Why a rep has no projected date. */
static const char *
no_projection_reason (const PdRepProgress *rep)
{
  return rep->actual <= 0 ? _("nothing logged") : _("not before the year 10000");
}

/* "2027-03-24", or why there is no date yet. */
static char *
projection_text (const PdRepProgress *rep)
{
  if (g_date_valid (&rep->projected_completion))
    return pd_format_date (&rep->projected_completion);
  return g_strdup_printf (_("not yet known (%s)"), no_projection_reason (rep));
}

/* The team's projection says whose it is: the last rep to finish, or the
 * first rep who has none yet. */
static char *
team_projection_text (const PdCampaign *c, const PdProgress *p)
{
  g_autofree char *date = NULL;

  if (p->team_projection_rep >= 0)
    {
      const PdRep *rep = g_ptr_array_index (c->reps, p->team_projection_rep);
      date = pd_format_date (&p->team->projected_completion);
      return g_strdup_printf (_("%s (%s, the last to finish)"), date, rep->name);
    }
  for (guint r = 0; r < p->reps->len; r++)
    {
      const PdRepProgress *rep = g_ptr_array_index (p->reps, r);
      if (!g_date_valid (&rep->projected_completion))
        return g_strdup_printf (_("not yet known (%s: %s)"),
                                ((const PdRep *) g_ptr_array_index (c->reps, r))->name,
                                no_projection_reason (rep));
    }
  return g_strdup (_("not yet known (no rep)"));
}

/* Adds the contacts of `daily` (known reps' only) to the column holding
 * each row's date (dates ascending; the first column whose date is on or
 * after the row's): summed over the columns so far, the team's cumulative
 * actual at each column's date. A rep's days share one rep string, so a
 * rep is looked up once per run of its days. */
static void
actual_to_columns (const GArray *daily, const PdCampaign *c, const GDate *dates, guint n, gint64 *actual)
{
  const char *last_rep = NULL;
  gboolean known = FALSE;
  guint32 columns[CHART_WIDTH];
  guint32 last_day = 0;
  guint col = 0;

  g_return_if_fail (n <= CHART_WIDTH);
  for (guint k = 0; k < n; k++)
    columns[k] = g_date_get_julian (&dates[k]);
  for (guint i = 0; i < daily->len; i++)
    {
      const PdDailyContacts *d = &g_array_index (daily, PdDailyContacts, i);
      guint32 day;

      if (d->rep != last_rep)
        {
          last_rep = d->rep;
          known = pd_campaign_find_rep (c, d->rep, NULL) != NULL;
        }
      if (!known)
        continue;
      /* The first column whose date is on or after the row's: walked on
       * from the previous row's while the rows' dates ascend (a rep's
       * days), from the first column when they go back. */
      day = g_date_get_julian (&d->date);
      if (day < last_day)
        col = 0;
      last_day = day;
      while (col < n && columns[col] < day)
        col++;
      if (col < n)
        actual[col] += d->contacts;
    }
}

/* Adds (sign 1) or takes out (sign -1) the contacts of `days`
 * (PdDayTotals by date, to as_of) to the column holding each day's date:
 * the team's days less those of the reps not in the campaign give what
 * actual_to_columns() gives from every known rep's days. */
static void
day_totals_to_columns (const GArray *days, gint64 sign, const GDate *dates, guint n, gint64 *actual)
{
  guint col = 0;

  g_return_if_fail (n <= CHART_WIDTH);
  for (guint i = 0; i < days->len; i++)
    {
      const PdDayTotals *d = &g_array_index (days, PdDayTotals, i);

      while (col < n && g_date_compare (&dates[col], &d->date) < 0)
        col++;
      if (col < n)
        actual[col] += sign * d->totals.contacts;
    }
}

/* Adds a rep's planned cumulative contacts at the end of each column's
 * date, from its curve. */
static void
planned_to_columns (const PdScheduleCurve *curve, const GDate *dates, guint n, gint64 *planned)
{
  g_return_if_fail (n <= CHART_WIDTH);
  pd_schedule_curve_add_planned_to_dates (curve, dates, n, planned);
}

/* The date axis under the chart: the first and last day under the first
 * and last columns, the middle column's day in between when there is
 * room; then a "^" under the column holding the status's day (when it is
 * in the campaign), said to be today when it is. */
static void
print_date_axis (const PdCampaign *c, const GDate *dates, guint width, const GDate *as_of, const GDate *today,
                 int margin)
{
  g_autofree char *start = pd_format_date (&c->start);
  g_autofree char *end = pd_format_date (&c->end);
  g_autofree char *line = g_strnfill (width, ' ');
  guint date_length = (guint) strlen (start);

  if (width >= 3 * date_length + 2)
    {
      guint middle = (width - 1) / 2;
      g_autofree char *middle_date = pd_format_date (&dates[middle]);
      memcpy (line + middle - date_length / 2, middle_date, date_length);
    }
  if (width >= 2 * date_length + 1)
    memcpy (line + width - date_length, end, date_length);
  memcpy (line, start, MIN (width, date_length));
  g_strchomp (line);
  printf ("%*s  %s\n", margin, "", line);

  if (g_date_compare (as_of, &c->start) < 0 || g_date_compare (as_of, &c->end) > 0)
    return;
  guint col = 0;
  while (col + 1 < width && g_date_compare (&dates[col], as_of) < 0)
    col++;
  g_autofree char *day = pd_format_date (as_of);
  g_autofree char *label = g_date_compare (as_of, today) == 0 ? g_strdup_printf (_("today, %s"), day)
                                                              : g_strdup_printf (_("as of %s"), day);
  int label_width = (int) g_utf8_strlen (label, -1);
  if ((int) col + 2 + label_width <= (int) width || (int) col < label_width + 2)
    printf ("%*s  %*s^ %s\n", margin, "", (int) col, "", label);
  else /* near the right edge: the label on the left of the mark */
    printf ("%*s  %*s%s ^\n", margin, "", (int) col - label_width - 1, "", label);
}

/* The burn-up's columns: one per stretch of days from start to end, with
 * the team's planned and done contacts added a rep at a time. */
typedef struct {
  guint width;
  gint64 total;                 /* the team's contacts */
  GDate dates[CHART_WIDTH];     /* each column's last day */
  gboolean past[CHART_WIDTH];   /* its first day is on or before as_of */
  gint64 planned[CHART_WIDTH];  /* cumulative */
  gint64 actual[CHART_WIDTH];   /* per column, made cumulative by print_burnup() */
} Chart;

static void
chart_init (Chart *chart, const PdCampaign *c, const PdSchedule *shares, const GDate *as_of)
{
  guint span = (guint) g_date_days_between (&c->start, &c->end) + 1;

  memset (chart, 0, sizeof *chart);
  chart->width = MIN (span, CHART_WIDTH);
  for (guint r = 0; r < shares->rep_contacts->len; r++)
    chart->total += g_array_index (shares->rep_contacts, gint64, r);
  for (guint col = 0; col < chart->width; col++)
    {
      GDate first = c->start;

      if (col > 0)
        {
          first = chart->dates[col - 1];
          g_date_add_days (&first, 1);
        }
      chart->dates[col] = c->start;
      g_date_add_days (&chart->dates[col], (guint) (((guint64) (col + 1) * span) / chart->width) - 1);
      chart->past[col] = g_date_compare (&first, as_of) <= 0;
    }
}


/* Planned (shaded) against done (solid), team contacts, one column per
 * stretch of days from start to end. A column shows what was done by its
 * last day, or by the status's day for the column holding it; columns
 * after that show the plan only. A cell is filled once the value passes
 * the bottom of its row, so the first contact shows. Unicode blocks when
 * the locale's charset is UTF-8, ASCII else. */
static void
print_burnup (const PdCampaign *c, Chart *chart, const GDate *as_of, const GDate *today)
{
  gboolean utf8 = g_get_charset (NULL);
  const char *done_cell = utf8 ? "█" : "#";
  const char *plan_cell = utf8 ? "░" : ".";
  guint width = chart->width;
  gint64 total = chart->total;

  if (total == 0)
    return;
  for (guint col = 1; col < width; col++)
    chart->actual[col] += chart->actual[col - 1];

  g_autofree char *start = pd_format_date (&c->start);
  g_autofree char *end = pd_format_date (&c->end);
  printf (_("\nburn-up, team contacts (%s done, %s planned), %s to %s\n"), done_cell, plan_cell, start, end);
  /* The scale's margin: 7 characters, or the total's when it is longer
   * (15 000 000 contacts), so that it never pushes its row aside. */
  g_autofree char *total_label = pd_format_count (total);
  int margin = MAX (7, (int) g_utf8_strlen (total_label, -1));
  for (guint row = CHART_HEIGHT; row > 0; row--)
    {
      /* Filled when the value is above the row's bottom, total x (row - 1) / height. */
      gint64 bottom = pd_muldiv_saturated (total, (gint64) row - 1, CHART_HEIGHT, PD_ROUNDING_DOWN);

      const char *label = row == CHART_HEIGHT ? total_label : "";

      printf ("%*s%s |", margin - (int) g_utf8_strlen (label, -1), "", label);
      for (guint col = 0; col < width; col++)
        printf ("%s", chart->past[col] && chart->actual[col] > bottom ? done_cell
                      : chart->planned[col] > bottom ? plan_cell : " ");
      printf ("\n");
    }
  printf ("%*s +", margin, "0");
  for (guint col = 0; col < width; col++)
    printf ("-");
  printf ("\n");
  print_date_axis (c, chart->dates, width, as_of, today, margin);
}

static void
print_checkpoints (const PdCampaign *c, const PdRepProgress *p, const char *whose)
{
  printf (_("\ncheckpoints (%s)\n"), whose);
  for (guint k = 0; k < p->checkpoints->len; k++)
    {
      const PdCheckpointProgress *kp = &g_array_index (p->checkpoints, PdCheckpointProgress, k);
      g_autofree char *date = pd_format_date (&kp->date);
      g_autofree char *share = pd_format_rate (g_array_index (c->checkpoints, PdCheckpoint, k).share);
      const char *state = kp->state == PD_CHECKPOINT_MET ? _("met")
                          : kp->state == PD_CHECKPOINT_MISSED ? _("missed") : _("upcoming");
      /* The share right-aligned in characters: "25 %" holds a U+202F in French. */
      int share_pad = MAX (5 - (int) g_utf8_strlen (share, -1), 0);

      printf (_("  %s %*s%s  target %6" PRId64 "  done %6" PRId64 "  %s\n"), date, share_pad, "", share,
              kp->target, kp->actual, state);
    }
}

static void
print_text (const PdCampaign *c, const PdPlan *plan, Chart *chart, const PdProgress *p, gint rep_filter,
            const GDate *today)
{
  g_autofree char *as_of = pd_format_date (&p->as_of);
  const PdRates *o = &p->observed;
  const PdPlanInput *in = &c->plan;

  printf (_("%s (%s), as of %s\n\n"), c->name, c->id, as_of);
  {
    /* Padded in characters: the words may hold accents. */
    g_autofree char *rep_header = pd_format_pad (_("rep"), 12);
    g_autofree char *gap_header = pd_format_pad (_("gap"), 16);
    g_autofree char *status_header = pd_format_pad (_("status"), pace_width ());

    printf ("%s", rep_header);
    print_right (_("planned"), 8);
    print_right (_("done"), 8);
    printf (" %s %s %s\n", gap_header, status_header, _("next checkpoint: target, needed"));
  }
  for (guint r = 0; r < p->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (c->reps, r);
      if (rep_filter < 0 || (guint) rep_filter == r)
        print_rep_line (c, g_ptr_array_index (p->reps, r), rep->name);
    }
  print_rep_line (c, p->team, _("team"));

  if (rep_filter >= 0)
    print_checkpoints (c, g_ptr_array_index (p->reps, rep_filter),
                       ((const PdRep *) g_ptr_array_index (c->reps, rep_filter))->name);
  print_checkpoints (c, p->team, _("team"));

  /* Observed values as measures: a percentage to 0.1, ratios to 0.01. */
  g_autofree char *a_rate = pd_format_rate (in->accessibility_rate);
  g_autofree char *o_rate = pd_format_rate_fixed (o->accessibility_rate, 1);
  g_autofree char *a_cpp = pd_format_decimal (in->contacts_per_prospect);
  g_autofree char *o_cpp = pd_format_decimal_fixed (o->contacts_per_prospect, 2);
  g_autofree char *a_ppd = pd_format_decimal (in->proposals_per_deal);
  g_autofree char *o_ppd = pd_format_decimal_fixed (o->proposals_per_deal, 2);
  g_autofree char *c_rate = pd_format_count (o->accessibility_n);
  g_autofree char *c_cpp = pd_format_count (o->contacts_per_prospect_n);
  g_autofree char *c_ppd = pd_format_count (o->proposals_per_deal_n);
  g_autofree char *c_deal = pd_format_count (o->average_deal_n);
  g_autofree char *n_rate = g_strdup_printf (ngettext ("%s prospect qualified", "%s prospects qualified",
                                                       plural_n (o->accessibility_n)), c_rate);
  g_autofree char *n_cpp = g_strdup_printf (ngettext ("%s prospect reached", "%s prospects reached",
                                                      plural_n (o->contacts_per_prospect_n)), c_cpp);
  g_autofree char *n_ppd = g_strdup_printf (ngettext ("%s deal", "%s deals", plural_n (o->proposals_per_deal_n)),
                                            c_ppd);
  g_autofree char *n_deal = g_strdup_printf (ngettext ("%s deal with revenue", "%s deals with revenue",
                                                       plural_n (o->average_deal_n)), c_deal);
  g_autofree char *a_deal = pd_format_money (in->average_deal_cents, c->currency);
  g_autofree char *o_deal = pd_format_money (o->average_deal_cents, c->currency);
  g_autofree char *won = pd_format_money (p->revenue_cents, c->currency);
  g_autofree char *objective = pd_format_money (in->objective_cents, c->currency);

  {
    g_autofree char *rates_header = pd_format_pad (_("rates"), 24);

    printf ("\n%s", rates_header);
    print_right (_("assumed"), 12);
    print_right (_("observed"), 12);
    printf ("  %s\n", _("observed over"));
  }
  print_rate (_("accessibility rate"), a_rate, o->has_accessibility_rate, o_rate, n_rate);
  print_rate (_("contacts per prospect"), a_cpp, o->has_contacts_per_prospect, o_cpp, n_cpp);
  print_rate (_("proposals per deal"), a_ppd, o->has_proposals_per_deal, o_ppd, n_ppd);
  print_rate (_("average deal"), a_deal, o->has_average_deal, o_deal, n_deal);
  printf (_("  revenue won: %s of %s\n"), won, objective);
  if (prospect_file.prospects > 0)
    {
      g_autofree char *held = pd_format_count (prospect_file.prospects);
      g_autofree char *wanted = pd_format_count (prospect_file.prospects_to_contact);
      gint64 missing = prospect_file.prospects_to_contact - prospect_file.prospects;

      if (missing > 0)
        {
          g_autofree char *short_count = pd_format_count (missing);

          printf (ngettext ("  prospect file: %s prospect of the plan's %s to contact, %s short — import more\n",
                            "  prospect file: %s prospects of the plan's %s to contact, %s short — import more\n",
                            plural_n (prospect_file.prospects)),
                  held, wanted, short_count);
        }
      else
        printf (ngettext ("  prospect file: %s prospect, the plan's %s to contact covered\n",
                          "  prospect file: %s prospects, the plan's %s to contact covered\n",
                          plural_n (prospect_file.prospects)),
                held, wanted);
    }

  g_autofree char *team_projection = team_projection_text (c, p);
  g_autofree char *assumed = pd_format_count (p->remaining_call_minutes_assumed);
  g_autofree char *observed = pd_format_count (p->remaining_call_minutes);
  printf (_("\nprojected completion, each rep keeping their share of the plan's curve:\n"));
  if (rep_filter >= 0)
    {
      g_autofree char *rep_projection = projection_text (g_ptr_array_index (p->reps, rep_filter));
      g_autofree char *rep_name = pd_format_pad (((const PdRep *) g_ptr_array_index (c->reps, rep_filter))->name, 12);
      printf ("  %s %s\n", rep_name, rep_projection);
    }
  g_autofree char *team_name = pd_format_pad (_("team"), 12);
  printf ("  %s %s\n", team_name, team_projection);
  if (p->remaining_at_least_gap)
    printf (_("call time still needed: %s min at the plan's rates, %s min at the observed rates "
              "(the gap to the plan's curve: these rates need no more contacts than that)\n"),
            assumed, observed);
  else
    printf (_("call time still needed: %s min at the plan's rates, %s min at the observed rates\n"),
            assumed, observed);
  (void) plan;
  print_burnup (c, chart, &p->as_of, today);
}

/* ------------------------------------------------------------ JSON */

static void
add_checkpoints (JsonBuilder *b, const GArray *checkpoints)
{
  json_builder_begin_array (b);
  for (guint k = 0; k < checkpoints->len; k++)
    {
      const PdCheckpointProgress *kp = &g_array_index (checkpoints, PdCheckpointProgress, k);
      g_autofree char *date = pd_format_date (&kp->date);

      json_builder_begin_object (b);
      pd_ctl_json_string (b, "date", date);
      pd_ctl_json_int (b, "target_contacts", kp->target);
      pd_ctl_json_int (b, "actual_contacts", kp->actual);
      pd_ctl_json_string (b, "state", pd_checkpoint_state_name (kp->state));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_rep (JsonBuilder *b, const PdCampaign *c, const PdRepProgress *p, const char *name)
{
  g_autofree char *gap = format_gap_percent (p->gap_ppm);
  g_autofree char *projection = format_optional_date (&p->projected_completion);

  json_builder_begin_object (b);
  pd_ctl_json_string (b, "rep", name);
  pd_ctl_json_int (b, "total_contacts", p->total);
  pd_ctl_json_int (b, "planned_contacts", p->planned);
  pd_ctl_json_int (b, "actual_contacts", p->actual);
  pd_ctl_json_int (b, "gap", p->gap);
  pd_ctl_json_string (b, "gap_percent", gap);
  pd_ctl_json_string (b, "status", pd_pace_name (p->pace));
  json_builder_set_member_name (b, "next_checkpoint");
  if (p->next_checkpoint >= 0)
    {
      g_autofree char *date = pd_format_date (&g_array_index (c->checkpoints, PdCheckpoint, p->next_checkpoint).date);
      json_builder_begin_object (b);
      pd_ctl_json_string (b, "date", date);
      pd_ctl_json_int (b, "target_contacts",
                  g_array_index (p->checkpoints, PdCheckpointProgress, p->next_checkpoint).target);
      pd_ctl_json_int (b, "needed_contacts", p->needed);
      pd_ctl_json_int (b, "days_left", p->days_left);
      pd_ctl_json_int (b, "needed_per_day", p->needed_per_day);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  pd_ctl_json_string (b, "projected_completion", projection);
  json_builder_set_member_name (b, "checkpoints");
  add_checkpoints (b, p->checkpoints);
  json_builder_end_object (b);
}

/* "observed_n": the n behind each observed rate, named by its unit. */
static void
add_observed_n (JsonBuilder *b, const PdRates *o)
{
  json_builder_set_member_name (b, "observed_n");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "accessibility_rate");
  json_builder_begin_object (b);
  pd_ctl_json_int (b, "prospects_qualified", o->accessibility_n);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "contacts_per_prospect");
  json_builder_begin_object (b);
  pd_ctl_json_int (b, "prospects_reached", o->contacts_per_prospect_n);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "proposals_per_deal");
  json_builder_begin_object (b);
  pd_ctl_json_int (b, "deals", o->proposals_per_deal_n);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "average_deal_cents");
  json_builder_begin_object (b);
  pd_ctl_json_int (b, "deals", o->average_deal_n);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_rates (JsonBuilder *b, gboolean has_rate, gint64 rate, gboolean has_cpp, gint64 cpp,
           gboolean has_ppd, gint64 ppd, gboolean has_deal, gint64 deal)
{
  g_autofree char *rate_text = has_rate ? pd_format_rate (rate) : NULL;
  g_autofree char *cpp_text = has_cpp ? pd_format_decimal (cpp) : NULL;
  g_autofree char *ppd_text = has_ppd ? pd_format_decimal (ppd) : NULL;

  json_builder_begin_object (b);
  pd_ctl_json_string (b, "accessibility_rate", rate_text);
  pd_ctl_json_string (b, "contacts_per_prospect", cpp_text);
  pd_ctl_json_string (b, "proposals_per_deal", ppd_text);
  json_builder_set_member_name (b, "average_deal_cents");
  if (has_deal)
    json_builder_add_int_value (b, deal);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static void
print_json (const PdCampaign *c, const PdProgress *p, gint rep_filter)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *as_of = pd_format_date (&p->as_of);
  g_autofree char *projection = format_optional_date (&p->team->projected_completion);
  const PdRates *o = &p->observed;
  const PdPlanInput *in = &c->plan;

  json_builder_begin_object (b);
  pd_ctl_json_string (b, "campaign", c->id);
  pd_ctl_json_string (b, "name", c->name);
  pd_ctl_json_string (b, "as_of", as_of);
  json_builder_set_member_name (b, "reps");
  json_builder_begin_array (b);
  for (guint r = 0; r < p->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (c->reps, r);
      if (rep_filter < 0 || (guint) rep_filter == r)
        add_rep (b, c, g_ptr_array_index (p->reps, r), rep->name);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "team");
  add_rep (b, c, p->team, "team");
  json_builder_set_member_name (b, "checkpoints");
  add_checkpoints (b, p->team->checkpoints);
  pd_ctl_json_string (b, "projected_completion", projection);
  pd_ctl_json_string (b, "projected_completion_rep",
                      p->team_projection_rep >= 0
                        ? ((const PdRep *) g_ptr_array_index (c->reps, p->team_projection_rep))->name : NULL);

  json_builder_set_member_name (b, "rates");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "assumed");
  add_rates (b, TRUE, in->accessibility_rate, TRUE, in->contacts_per_prospect, TRUE, in->proposals_per_deal,
             TRUE, in->average_deal_cents);
  json_builder_set_member_name (b, "observed");
  add_rates (b, o->has_accessibility_rate, o->accessibility_rate, o->has_contacts_per_prospect,
             o->contacts_per_prospect, o->has_proposals_per_deal, o->proposals_per_deal, o->has_average_deal,
             o->average_deal_cents);
  add_observed_n (b, o);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "totals");
  json_builder_begin_object (b);
  pd_ctl_json_int (b, "contacts", p->totals.contacts);
  pd_ctl_json_int (b, "prospects", p->totals.prospects);
  pd_ctl_json_int (b, "active", p->totals.active);
  pd_ctl_json_int (b, "latent", p->totals.latent);
  pd_ctl_json_int (b, "arid", p->totals.arid);
  pd_ctl_json_int (b, "proposals", p->totals.proposals);
  pd_ctl_json_int (b, "deals", p->totals.deals);
  pd_ctl_json_int (b, "revenue_cents", p->totals.revenue_cents);
  json_builder_end_object (b);
  pd_ctl_json_int (b, "objective_cents", in->objective_cents);
  pd_ctl_json_int (b, "reprojected_contacts", p->reprojected_contacts);
  pd_ctl_json_int (b, "remaining_call_minutes", p->remaining_call_minutes);
  pd_ctl_json_int (b, "remaining_call_minutes_assumed", p->remaining_call_minutes_assumed);
  json_builder_set_member_name (b, "remaining_at_least_gap");
  json_builder_add_boolean_value (b, p->remaining_at_least_gap);
  if (prospect_file.prospects > 0)
    {
      json_builder_set_member_name (b, "prospect_file");
      json_builder_begin_object (b);
      pd_ctl_json_int (b, "prospects", prospect_file.prospects);
      pd_ctl_json_int (b, "prospects_to_contact", prospect_file.prospects_to_contact);
      pd_ctl_json_int (b, "short", MAX (prospect_file.prospects_to_contact - prospect_file.prospects, 0));
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  pd_ctl_print_json (root);
}

/* ------------------------------------------------------------- CSV */

static char *
int_text (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static void
csv_rep (const PdCampaign *c, const PdRepProgress *p, const char *name)
{
  g_autofree char *planned = int_text (p->planned), *actual = int_text (p->actual), *gap = int_text (p->gap);
  g_autofree char *gap_percent = format_gap_percent (p->gap_ppm);
  g_autofree char *date = NULL, *target = NULL, *needed = NULL, *days_left = NULL, *per_day = NULL;

  /* A plain number for the spreadsheet: "-20.0", not "-20.0%". */
  gap_percent[strlen (gap_percent) - 1] = '\0';
  if (p->next_checkpoint >= 0)
    {
      date = pd_format_date (&g_array_index (c->checkpoints, PdCheckpoint, p->next_checkpoint).date);
      target = int_text (g_array_index (p->checkpoints, PdCheckpointProgress, p->next_checkpoint).target);
      needed = int_text (p->needed);
      days_left = int_text (p->days_left);
      per_day = int_text (p->needed_per_day);
    }
  const char *row[] = { name, planned, actual, gap, gap_percent, pd_pace_name (p->pace), date, target, needed,
                        days_left, per_day };
  pd_ctl_csv_row (row, G_N_ELEMENTS (row));
}

static void
print_csv (const PdCampaign *c, const PdProgress *p, gint rep_filter)
{
  const char *header[] = { "rep", "planned", "done", "gap", "gap_percent", "status", "next_checkpoint",
                           "checkpoint_target", "needed", "days_left", "needed_per_day" };

  pd_ctl_csv_row (header, G_N_ELEMENTS (header));
  for (guint r = 0; r < p->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (c->reps, r);
      if (rep_filter < 0 || (guint) rep_filter == r)
        csv_rep (c, g_ptr_array_index (p->reps, r), rep->name);
    }
  csv_rep (c, p->team, "team");
}

/* ------------------------------------------------------------ week */

/* One rep's (or the team's) last week. */
typedef struct {
  const char *name;
  gint64 planned;   /* baseline contacts planned that week */
  PdTotals done;    /* logged that week */
  PdRates rates;    /* observed in that week's entries */
} WeekLine;

/* The week's sums of `rep` (NULL: the team): to Sunday minus to the
 * Sunday before. */
static gboolean
week_totals (PdStore *store, const PdCampaign *c, const char *rep, const GDate *monday, const GDate *sunday,
             PdTotals *ret, GError **error)
{
  PdTotals to_end = { 0 }, before = { 0 };
  GDate eve = *monday;

  memset (ret, 0, sizeof *ret);
  if (store == NULL)
    return TRUE;
  g_date_subtract_days (&eve, 1);
  if (!pd_store_totals (store, c->id, rep, sunday, &to_end, error) ||
      !pd_store_totals (store, c->id, rep, &eve, &before, error))
    return FALSE;
  *ret = (PdTotals) {
    to_end.entries - before.entries, to_end.contacts - before.contacts, to_end.prospects - before.prospects,
    to_end.active - before.active, to_end.latent - before.latent, to_end.arid - before.arid,
    to_end.proposals - before.proposals, to_end.deals - before.deals, to_end.revenue_cents - before.revenue_cents,
  };
  return TRUE;
}

static char *
week_gap (const WeekLine *w)
{
  gint64 gap = w->done.contacts - w->planned;
  g_autofree char *percent = w->planned > 0 ? format_gap_percent (gap * 1000000 / w->planned) : g_strdup ("-");
  return g_strdup_printf ("%+" G_GINT64_FORMAT " (%s)", gap, percent);
}

/* A week's observed rate and the n behind it: "20.0% (20)", "-" without one. */
static char *
week_rate (gboolean has, char *value, gint64 n)
{
  g_autofree char *owned = value;
  g_autofree char *count = NULL;

  if (!has)
    return g_strdup ("-");
  count = pd_format_count (n);
  return g_strdup_printf ("%s (%s)", owned, count);
}

static void
print_week_text (const PdCampaign *c, const GDate *monday, const GDate *sunday, const GArray *lines)
{
  g_autofree char *from = pd_format_date (monday);
  g_autofree char *to = pd_format_date (sunday);

  printf (_("%s (%s), last week: %s to %s\n\n"), c->name, c->id, from, to);
  printf ("%-12s %8s %8s %-16s %18s %22s %18s\n", _("rep"), _("planned"), _("done"), _("gap"),
          _("accessibility (n)"), _("contacts/prospect (n)"), _("proposals/deal (n)"));
  for (guint i = 0; i < lines->len; i++)
    {
      const WeekLine *w = &g_array_index (lines, WeekLine, i);
      const PdRates *o = &w->rates;
      g_autofree char *gap = week_gap (w);
      /* Measures, as in status: a percentage to 0.1, ratios to 0.01; each
       * beside the n behind it (prospects qualified, prospects reached,
       * deals), as status's "observed over". */
      g_autofree char *rate = week_rate (o->has_accessibility_rate,
                                         pd_format_rate_fixed (o->accessibility_rate, 1), o->accessibility_n);
      g_autofree char *cpp = week_rate (o->has_contacts_per_prospect,
                                        pd_format_decimal_fixed (o->contacts_per_prospect, 2),
                                        o->contacts_per_prospect_n);
      g_autofree char *ppd = week_rate (o->has_proposals_per_deal,
                                        pd_format_decimal_fixed (o->proposals_per_deal, 2), o->proposals_per_deal_n);

      g_autofree char *padded = pd_format_pad (w->name, 12);
      printf ("%s %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %-16s %18s %22s %18s\n", padded, w->planned,
              w->done.contacts, gap, rate, cpp, ppd);
    }
}

static void
print_week_csv (const GDate *monday, const GDate *sunday, const GArray *lines)
{
  const char *header[] = { "week_start", "week_end", "rep", "planned", "done", "gap", "prospects", "active",
                           "proposals", "deals", "accessibility_rate_percent", "contacts_per_prospect",
                           "proposals_per_deal", "accessibility_n", "contacts_per_prospect_n",
                           "proposals_per_deal_n" };
  g_autofree char *from = pd_format_date (monday);
  g_autofree char *to = pd_format_date (sunday);

  pd_ctl_csv_row (header, G_N_ELEMENTS (header));
  for (guint i = 0; i < lines->len; i++)
    {
      const WeekLine *w = &g_array_index (lines, WeekLine, i);
      g_autofree char *planned = int_text (w->planned), *done = int_text (w->done.contacts);
      g_autofree char *gap = int_text (w->done.contacts - w->planned);
      g_autofree char *prospects = int_text (w->done.prospects), *active = int_text (w->done.active);
      g_autofree char *proposals = int_text (w->done.proposals), *deals = int_text (w->done.deals);
      /* Percent as a plain number: "24", not "24%". */
      g_autofree char *rate = w->rates.has_accessibility_rate ? pd_format_decimal (w->rates.accessibility_rate * 100)
                                                                : NULL;
      g_autofree char *cpp = w->rates.has_contacts_per_prospect ? pd_format_decimal (w->rates.contacts_per_prospect)
                                                                  : NULL;
      g_autofree char *ppd = w->rates.has_proposals_per_deal ? pd_format_decimal (w->rates.proposals_per_deal)
                                                               : NULL;
      /* The n behind each rate (the rep-days that carry its counts). */
      g_autofree char *n_rate = int_text (w->rates.accessibility_n);
      g_autofree char *n_cpp = int_text (w->rates.contacts_per_prospect_n);
      g_autofree char *n_ppd = int_text (w->rates.proposals_per_deal_n);
      const char *row[] = { from, to, w->name, planned, done, gap, prospects, active, proposals, deals, rate, cpp,
                            ppd, n_rate, n_cpp, n_ppd };
      pd_ctl_csv_row (row, G_N_ELEMENTS (row));
    }
}

static void
add_week_line (JsonBuilder *b, const WeekLine *w)
{
  gint64 gap = w->done.contacts - w->planned;
  g_autofree char *gap_percent = w->planned > 0 ? format_gap_percent (gap * 1000000 / w->planned) : NULL;
  g_autofree char *rate = w->rates.has_accessibility_rate ? pd_format_rate (w->rates.accessibility_rate) : NULL;
  g_autofree char *cpp = w->rates.has_contacts_per_prospect ? pd_format_decimal (w->rates.contacts_per_prospect)
                                                              : NULL;
  g_autofree char *ppd = w->rates.has_proposals_per_deal ? pd_format_decimal (w->rates.proposals_per_deal) : NULL;

  json_builder_begin_object (b);
  pd_ctl_json_string (b, "rep", w->name);
  pd_ctl_json_int (b, "planned_contacts", w->planned);
  pd_ctl_json_int (b, "actual_contacts", w->done.contacts);
  pd_ctl_json_int (b, "gap", gap);
  pd_ctl_json_string (b, "gap_percent", gap_percent);
  pd_ctl_json_int (b, "prospects", w->done.prospects);
  pd_ctl_json_int (b, "active", w->done.active);
  pd_ctl_json_int (b, "proposals", w->done.proposals);
  pd_ctl_json_int (b, "deals", w->done.deals);
  pd_ctl_json_string (b, "accessibility_rate", rate);
  pd_ctl_json_string (b, "contacts_per_prospect", cpp);
  pd_ctl_json_string (b, "proposals_per_deal", ppd);
  add_observed_n (b, &w->rates);
  json_builder_end_object (b);
}

static void
print_week_json (const PdCampaign *c, const GDate *monday, const GDate *sunday, const GArray *lines)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *from = pd_format_date (monday);
  g_autofree char *to = pd_format_date (sunday);

  json_builder_begin_object (b);
  pd_ctl_json_string (b, "campaign", c->id);
  pd_ctl_json_string (b, "week_start", from);
  pd_ctl_json_string (b, "week_end", to);
  json_builder_set_member_name (b, "reps");
  json_builder_begin_array (b);
  for (guint i = 0; i + 1 < lines->len; i++)
    add_week_line (b, &g_array_index (lines, WeekLine, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "team");
  add_week_line (b, &g_array_index (lines, WeekLine, lines->len - 1));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  pd_ctl_print_json (root);
}

static int
run_week (PdCtl *ctl, const PdCampaign *c, const PdSchedule *baseline, const GDate *as_of, gint rep_filter)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) lines = g_array_new (FALSE, TRUE, sizeof (WeekLine));
  g_autoptr (GArray) daily = NULL;
  GDate monday = *as_of, sunday, eve;
  WeekLine team = { opt_json ? "team" : _("team"), 0, { 0 }, { 0 } };
  int status;

  /* The Monday of the as-of day's week, then the week before it. */
  g_date_subtract_days (&monday, g_date_get_weekday (&monday) - G_DATE_MONDAY + 7);
  sunday = monday;
  g_date_add_days (&sunday, 6);
  eve = monday;
  g_date_subtract_days (&eve, 1);
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  /* The rates read the rep-days that carry their counts (PdRates). */
  daily = store != NULL ? pd_store_daily_contacts (store, c->id, NULL, &sunday, &error)
                        : g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));
  if (daily == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  for (guint r = 0; r < c->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (c->reps, r);
      WeekLine w = { rep->name, 0, { 0 }, { 0 } };

      if (rep_filter >= 0 && (guint) rep_filter != r)
        continue;
      w.planned = pd_schedule_planned_to_date (baseline, r, &sunday) - pd_schedule_planned_to_date (baseline, r, &eve);
      if (!week_totals (store, c, rep->name, &monday, &sunday, &w.done, &error))
        return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
      pd_progress_observe (c, daily, &monday, &sunday, rep->name, &w.rates);
      g_array_append_val (lines, w);
    }
  /* The team: every rep, whatever --rep shows. */
  for (guint r = 0; r < c->reps->len; r++)
    team.planned += pd_schedule_planned_to_date (baseline, r, &sunday) - pd_schedule_planned_to_date (baseline, r, &eve);
  if (!week_totals (store, c, NULL, &monday, &sunday, &team.done, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  pd_progress_observe (c, daily, &monday, &sunday, NULL, &team.rates);
  g_array_append_val (lines, team);

  if (opt_csv)
    print_week_csv (&monday, &sunday, lines);
  else if (opt_json)
    print_week_json (c, &monday, &sunday, lines);
  else
    print_week_text (c, &monday, &sunday, lines);
  return PD_EXIT_OK;
}

/* The status a rep at a time: each rep's baseline curve
 * (pd_schedule_builder_rep_curve(), no day of it made) and logged side
 * (the running sums the store keeps, schema 16) go into the progress and
 * the chart, so that memory holds no rep's days. */
typedef struct {
  const PdCampaign *campaign;
  PdScheduleBuilder *schedules;
  PdProgressBuilder *progress;
  Chart *chart;
  gboolean *added;      /* per rep */
  PdRepLogged *logged;  /* per rep */
  gint rep_index;       /* the rep to add */
  GError *error;        /* a rep whose days do not fit */
} RepByRep;

static void
rep_by_rep_flush (RepByRep *run)
{
  if (run->rep_index >= 0 && run->error == NULL)
    {
      g_autoptr (PdScheduleCurve) curve = pd_schedule_builder_rep_curve (run->schedules, (guint) run->rep_index,
                                                                         &run->error);

      if (curve != NULL)
        {
          pd_progress_builder_add_rep_logged (run->progress, (guint) run->rep_index, curve,
                                              &run->logged[run->rep_index]);
          planned_to_columns (curve, run->chart->dates, run->chart->width, run->chart->planned);
          run->added[run->rep_index] = TRUE;
        }
    }
  run->rep_index = -1;
}

/* The logged side of each rep from the store's running sums: at as_of,
 * at each checkpoint on or before it (only for the reps whose
 * checkpoints are shown: the team's come from its days), and (asked only
 * when the progress needs it) the day a rep's total was reached. */
typedef struct {
  PdStore *store;
  const char *campaign;
  GDate as_of;
  char **stored;             /* per rep: its name as stored (NULL: nothing logged) */
  gint64 *checkpoint_contacts; /* per rep, per checkpoint */
  gboolean every_rep_checkpoints; /* every rep's checkpoints are shown (JSON) */
  gint rep_checkpoints;      /* else the one rep whose are (-1: none) */
  gint64 *team_checkpoints;  /* per checkpoint: the team's, from its days */
  gboolean has_team_checkpoints;
  GError *error;             /* the first read that failed */
} Logged;

static void
logged_reached (gint64 contacts, GDate *ret_date, gpointer user_data)
{
  const char **stored = user_data;
  Logged *logged = (Logged *) (gpointer) stored[1];

  g_date_clear (ret_date, 1);
  if (stored[0] == NULL || logged->error != NULL)
    return;
  pd_store_rep_contacts_reached (logged->store, logged->campaign, stored[0], contacts, &logged->as_of, ret_date,
                                 &logged->error);
}

/* The contacts of `days` (PdDayTotals by date) to each of `dates`
 * (ascending, n of them) into `ret` (set, one per date). FALSE when a sum
 * would pass 64 bits, or a day's contacts are negative: the caller then
 * sums the reps' instead. */
static gboolean
day_totals_to_dates (const GArray *days, const GDate *dates, guint n, gint64 *ret)
{
  gint64 running = 0;
  guint k = 0;

  for (guint i = 0; i < days->len; i++)
    {
      const PdDayTotals *d = &g_array_index (days, PdDayTotals, i);

      for (; k < n && g_date_compare (&dates[k], &d->date) < 0; k++)
        ret[k] = running;
      if (d->totals.contacts < 0 || d->totals.contacts > G_MAXINT64 - running)
        return FALSE;
      running += d->totals.contacts;
    }
  for (; k < n; k++)
    ret[k] = running;
  return TRUE;
}

/* Reads every rep's running sums at as_of, the shown reps' at the
 * checkpoints to date, and from the team's days less those of reps not
 * in the campaign, the chart's columns and the team's contacts at those
 * checkpoints. FALSE with `*ret_again` when a rep's days are stored under
 * two spellings of its name (the caller reads every day then). */
static gboolean
read_logged (Logged *logged, const PdCampaign *c, PdRepLogged *reps, const char **reached_data, Chart *chart,
             gboolean *ret_again, GError **error)
{
  guint n_checkpoints = c->checkpoints->len;
  g_autoptr (GArray) at = pd_store_running_at (logged->store, logged->campaign, &logged->as_of, error);
  g_autoptr (GArray) team = NULL;
  g_autofree GDate *dates = g_new0 (GDate, MAX (n_checkpoints, 1));
  g_autofree gint64 *unknown = g_new0 (gint64, MAX (n_checkpoints, 1));
  guint past = 0;

  *ret_again = FALSE;
  if (at == NULL)
    return FALSE;
  /* The checkpoints to date: the first ones (they are in date order). */
  while (past < n_checkpoints
         && g_date_compare (&g_array_index (c->checkpoints, PdCheckpoint, past).date, &logged->as_of) <= 0)
    {
      dates[past] = g_array_index (c->checkpoints, PdCheckpoint, past).date;
      past++;
    }
  team = pd_store_day_totals (logged->store, logged->campaign, NULL, NULL, &logged->as_of, error);
  if (team == NULL)
    return FALSE;
  day_totals_to_columns (team, 1, chart->dates, chart->width, chart->actual);
  logged->has_team_checkpoints = day_totals_to_dates (team, dates, past, logged->team_checkpoints);
  for (guint i = 0; i < at->len; i++)
    {
      const PdRepRunning *running = &g_array_index (at, PdRepRunning, i);
      guint r;

      if (pd_campaign_find_rep (c, running->rep, &r) == NULL)
        {
          g_autoptr (GArray) days = pd_store_day_totals (logged->store, logged->campaign, running->rep, NULL,
                                                         &logged->as_of, error);

          if (days == NULL)
            return FALSE;
          day_totals_to_columns (days, -1, chart->dates, chart->width, chart->actual);
          /* A part of the team's days: its sums fit when the team's do. */
          if (logged->has_team_checkpoints && day_totals_to_dates (days, dates, past, unknown))
            for (guint k = 0; k < past; k++)
              logged->team_checkpoints[k] -= unknown[k];
          else
            logged->has_team_checkpoints = FALSE;
          continue;
        }
      if (logged->stored[r] != NULL)
        {
          *ret_again = TRUE;
          return FALSE;
        }
      logged->stored[r] = g_strdup (running->rep);
      reps[r].sums = running->sums;
    }
  if (logged->every_rep_checkpoints || !logged->has_team_checkpoints)
    {
      /* Every rep's checkpoints to date, read at once. */
      g_autoptr (GArray) then = past > 0 ? pd_store_running_contacts_at (logged->store, logged->campaign, dates,
                                                                         past, error)
                                         : g_array_new (FALSE, TRUE, sizeof (PdRepContactsAt));

      if (then == NULL)
        return FALSE;
      for (guint i = 0; i < then->len; i++)
        {
          const PdRepContactsAt *cp = &g_array_index (then, PdRepContactsAt, i);
          guint r;

          if (cp->date_index < past && pd_campaign_find_rep (c, cp->rep, &r) != NULL)
            logged->checkpoint_contacts[r * n_checkpoints + cp->date_index] = cp->contacts;
        }
      logged->has_team_checkpoints = FALSE;
    }
  else if (logged->rep_checkpoints >= 0 && logged->stored[logged->rep_checkpoints] != NULL)
    {
      guint r = (guint) logged->rep_checkpoints;

      /* The one rep shown: a look-up per checkpoint to date. */
      for (guint k = 0; k < past; k++)
        {
          PdRunningSums then;

          if (!pd_store_rep_running_at (logged->store, logged->campaign, logged->stored[r], &dates[k], &then,
                                        error))
            return FALSE;
          logged->checkpoint_contacts[r * n_checkpoints + k] = then.totals.contacts;
        }
    }
  for (guint r = 0; r < c->reps->len; r++)
    {
      gboolean shown = logged->every_rep_checkpoints || !logged->has_team_checkpoints
                       || (gint) r == logged->rep_checkpoints;

      reached_data[2 * r] = logged->stored[r];
      reached_data[2 * r + 1] = (const char *) (gpointer) logged;
      reps[r].checkpoint_contacts = shown ? &logged->checkpoint_contacts[r * n_checkpoints] : NULL;
      reps[r].reached = logged_reached;
      reps[r].reached_data = &reached_data[2 * r];
    }
  return TRUE;
}

/* The progress and the chart from every rep's days read at once (the
 * way of --week, and of a store holding two spellings of a rep). */
static int
whole_team (PdStore *store, const PdCampaign *campaign, const PdPlan *plan, PdScheduleBuilder *schedules,
            const GDate *as_of, const PdTotals *totals, Chart *chart, PdProgress **ret_progress)
{
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (GArray) daily = NULL;
  g_autoptr (GError) error = NULL;
  PdPlan ignored;
  int status;

  if ((status = pd_ctl_build_days (campaign, &ignored, &baseline)) != PD_EXIT_OK)
    return status;
  daily = store != NULL ? pd_store_daily_contacts (store, campaign->id, NULL, as_of, &error)
                        : g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));
  if (daily == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  chart_init (chart, campaign, baseline, as_of);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      g_autoptr (PdScheduleCurve) curve = pd_schedule_builder_rep_curve (schedules, r, NULL);

      if (curve != NULL) /* (the days above fit) */
        planned_to_columns (curve, chart->dates, chart->width, chart->planned);
    }
  actual_to_columns (daily, campaign, chart->dates, chart->width, chart->actual);
  *ret_progress = pd_progress_compute (campaign, plan, baseline, as_of, daily, totals);
  return PD_EXIT_OK;
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdProgress) progress = NULL;
  g_autoptr (PdScheduleBuilder) schedules = NULL;
  g_autoptr (PdProgressBuilder) builder = NULL;
  g_autoptr (PdSchedule) shares = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gboolean *added = NULL;
  g_autofree PdRepLogged *reps = NULL;
  g_autoptr (GPtrArray) stored = g_ptr_array_new_with_free_func (g_free);
  g_autofree gint64 *checkpoint_contacts = NULL;
  g_autofree gint64 *team_checkpoints = NULL;
  g_autofree const char **reached_data = NULL;
  Logged logged = { 0 };
  gboolean again = FALSE;
  RepByRep by_rep = { 0 };
  PdTotals totals = { 0 };
  gint rep_filter = -1;
  GDate as_of, today;
  Chart chart;
  PdPlan plan;
  int status;

  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_day_option (ctl, campaign, "--as-of", opt_as_of, &as_of)) != PD_EXIT_OK ||
      (status = pd_ctl_day_option (ctl, campaign, "--as-of", NULL, &today)) != PD_EXIT_OK)
    return status;
  if (opt_rep != NULL)
    {
      guint index;
      if ((status = pd_ctl_find_rep (campaign, opt_rep, &index)) != PD_EXIT_OK)
        return status;
      rep_filter = (gint) index;
    }
  if (opt_by != NULL)
    {
      /* The prospects as they stand, not a day's figures. */
      if (opt_week || opt_check || opt_as_of != NULL)
        return pd_ctl_error (PD_EXIT_USAGE, _("--by and %s: --by reports the prospects as they stand now"),
                             opt_week ? "--week" : opt_check ? "--check" : "--as-of");
      if (opt_csv && opt_json)
        return pd_ctl_error (PD_EXIT_USAGE, _("--csv and --json: choose one"));
      return pd_ctl_status_by (ctl, campaign, opt_by,
                               rep_filter >= 0
                                 ? ((const PdRep *) g_ptr_array_index (campaign->reps, rep_filter))->name : NULL,
                               opt_json, opt_csv);
    }
  if (opt_week)
    {
      g_autoptr (PdSchedule) baseline = NULL;

      /* The week reads the baseline's days, not its blocks. */
      if ((status = pd_ctl_build_days (campaign, &plan, &baseline)) != PD_EXIT_OK)
        return status;
      if (opt_check)
        return pd_ctl_error (PD_EXIT_USAGE, _("--week and --check: --check judges the campaign to date, not a week"));
      if (opt_csv && opt_json)
        return pd_ctl_error (PD_EXIT_USAGE, _("--csv and --json: choose one"));
      return run_week (ctl, campaign, baseline, &as_of, rep_filter);
    }
  if (!pd_plan_compute (&campaign->plan, &plan, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "%s: [plan]: %s", campaign->path, error->message);
  if (opt_csv && opt_json)
    return pd_ctl_error (PD_EXIT_USAGE, _("--csv and --json: choose one"));

  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (store != NULL && !pd_store_totals (store, campaign->id, NULL, &as_of, &totals, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  /* A rep at a time, each from the running sums the store keeps. */
  schedules = pd_schedule_builder_new (campaign, &plan);
  shares = pd_schedule_builder_start (schedules);
  builder = pd_progress_builder_new (campaign, &plan, &as_of);
  added = g_new0 (gboolean, MAX (campaign->reps->len, 1));
  reps = g_new0 (PdRepLogged, MAX (campaign->reps->len, 1));
  g_ptr_array_set_size (stored, (gint) campaign->reps->len + 1);
  checkpoint_contacts = g_new0 (gint64, MAX (campaign->reps->len * campaign->checkpoints->len, 1));
  team_checkpoints = g_new0 (gint64, MAX (campaign->checkpoints->len, 1));
  reached_data = g_new0 (const char *, 2 * MAX (campaign->reps->len, 1));
  chart_init (&chart, campaign, shares, &as_of);
  /* The reps' checkpoints read are those shown: JSON shows each rep's,
   * the text the one rep of --rep, CSV none. */
  logged = (Logged) { store, campaign->id, as_of, (char **) stored->pdata, checkpoint_contacts,
                      opt_json && rep_filter < 0, opt_csv ? -1 : rep_filter, team_checkpoints, FALSE, NULL };
  if (store != NULL && !read_logged (&logged, campaign, reps, reached_data, &chart, &again, &error) && !again)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  if (logged.has_team_checkpoints)
    pd_progress_builder_set_team_checkpoint_contacts (builder, team_checkpoints);
  by_rep = (RepByRep) { campaign, schedules, builder, &chart, added, reps, -1, NULL };
  for (guint r = 0; r < campaign->reps->len && by_rep.error == NULL && !again; r++)
    {
      by_rep.rep_index = (gint) r;
      rep_by_rep_flush (&by_rep);
    }
  if (by_rep.error != NULL)
    {
      /* The first rep, in the campaign's order, whose days do not fit. */
      g_clear_error (&by_rep.error);
      for (guint r = 0; r < campaign->reps->len; r++)
        {
          g_autoptr (PdScheduleCurve) one = pd_schedule_builder_rep_curve (schedules, r, &error);
          if (one == NULL)
            return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
        }
      return pd_ctl_error (PD_EXIT_FAILURE, "%s", campaign->path);
    }
  if (again)
    status = whole_team (store, campaign, &plan, schedules, &as_of, &totals, &chart, &progress);
  else
    progress = pd_progress_builder_finish (builder, &totals);
  if (status != PD_EXIT_OK)
    return status;
  if (logged.error != NULL)
    {
      status = pd_ctl_error (PD_EXIT_FAILURE, "%s", logged.error->message);
      g_clear_error (&logged.error);
      return status;
    }

  if (store != NULL)
    {
      prospect_file.prospects = pd_callbook_file_size (store, campaign, &error);
      if (prospect_file.prospects < 0)
        return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
      prospect_file.prospects_to_contact = plan.prospects_to_contact;
    }
  if (opt_json)
    print_json (campaign, progress, rep_filter);
  else if (opt_csv)
    print_csv (campaign, progress, rep_filter);
  else
    print_text (campaign, &plan, &chart, progress, rep_filter, &today);

  if (opt_check)
    for (guint r = 0; r < progress->reps->len; r++)
      {
        const PdRepProgress *p = g_ptr_array_index (progress->reps, r);
        if (p->pace == PD_PACE_BEHIND && (rep_filter < 0 || (guint) rep_filter == r))
          return PD_EXIT_BEHIND;
      }
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_status = {
  "status", "[CAMPAIGN]", N_("Where the campaign stands: who is behind, checkpoints, rates"), entries, run,
};
