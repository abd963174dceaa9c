/* SPDX-License-Identifier: MIT
 *
 * report: the campaign as one HTML page (see the header). The page is
 * written into a GString section by section; every text that is not ours
 * goes through escape() (g_markup_escape_text), numbers through format.h
 * in the campaign's language, and the charts are SVG drawn on a fixed
 * viewBox that CSS scales to the page's width.
 */
#define G_LOG_DOMAIN "prospectd-report"

#include "prospectd/report.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "prospectd/format.h"
#include "prospectd/language.h"
#include "prospectd/prospect.h"
#include "prospectd/rates.h"
#include "prospectd/store-prospects.h"

/* The charts' drawing box (SVG user units) and the margins that hold the
 * axes' labels. */
#define CHART_W 640
#define CHART_H 260
#define CHART_LEFT 64
#define CHART_RIGHT 16
#define CHART_TOP 16
#define CHART_BOTTOM 44
/* A coordinate (>= 0) with one decimal, written with a point whatever the
 * locale (printf's %f would write "64,5" in French): two ints for "%d.%d". */
#define TENTHS(value) (int) (lround ((value) * 10) / 10), (int) (lround ((value) * 10) % 10)
/* Points of a curve at most: a long campaign is sampled, its last day kept. */
#define CHART_POINTS 160

static const char style_sheet[] =
  "*{box-sizing:border-box}"
  "body{font-family:sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1a1a1a;background:#fff;"
  "line-height:1.4}"
  "h1{font-size:1.5rem;margin:0 0 .25rem}"
  "h2{font-size:1.2rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #ccc}"
  "h3{font-size:1rem;margin:1rem 0 .25rem}"
  ".table{overflow-x:auto;max-width:100%}"
  "table{border-collapse:collapse;font-size:.9rem}"
  "th,td{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}"
  "th:first-child,td:first-child{text-align:left}"
  "thead th{border-bottom:2px solid #999}"
  "figure{margin:0 0 1rem}"
  "svg.chart{display:block;width:100%;height:auto;max-width:40rem}"
  ".chart path{fill:none}"
  ".chart .axis{stroke:#555;stroke-width:1}"
  ".chart .grid{stroke:#ccc;stroke-width:1;stroke-dasharray:3 3}"
  ".chart .planned{fill:none;stroke:#7a9cc6;stroke-width:2;stroke-dasharray:6 4}"
  ".chart .actual{fill:none;stroke:#1b5e20;stroke-width:3}"
  ".chart .asof{stroke:#b00;stroke-width:1}"
  ".chart text{font-size:12px;fill:#333}"
  ".chart .met{fill:#1b5e20}.chart .missed{fill:#b00}.chart .upcoming{fill:#fff;stroke:#555;stroke-width:1.5}"
  ".behind,.missed-text{color:#b00}.ahead,.met-text{color:#1b5e20}"
  ".legend span{margin-right:1rem}"
  ".note{color:#555;font-size:.85rem}"
  ".reps{display:grid;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));gap:1rem}"
  "@media (max-width:600px){body{padding:.5rem;font-size:15px}h1{font-size:1.25rem}}"
  "@page{size:A4;margin:15mm}"
  "@media print{body{max-width:none;padding:0;font-size:10pt}"
  ".table{overflow:visible}table{font-size:9pt}"
  "section,figure{break-inside:avoid}svg.chart{max-width:100%}"
  ".reps{display:block}}";

static void
escape (GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  g_string_append (out, escaped);
}

/* Appends `text` (ours, or already escaped) then frees it. */
static void
take (GString *out, char *text)
{
  g_string_append (out, text);
  g_free (text);
}

static void
cell (GString *out, const char *text)
{
  g_string_append (out, "<td>");
  escape (out, text);
  g_string_append (out, "</td>");
}

static void
cell_take (GString *out, char *text)
{
  cell (out, text);
  g_free (text);
}

static void
header_cells (GString *out, const char *const *names, guint n)
{
  g_string_append (out, "<thead><tr>");
  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, "<th scope=\"col\">");
      escape (out, names[i]);
      g_string_append (out, "</th>");
    }
  g_string_append (out, "</tr></thead>");
}

static const char *
checkpoint_text (PdCheckpointState state)
{
  switch (state)
    {
    case PD_CHECKPOINT_MET:
      return _("met");
    case PD_CHECKPOINT_MISSED:
      return _("missed");
    case PD_CHECKPOINT_UPCOMING:
      return _("upcoming");
    default:
      g_return_val_if_reached ("?");
    }
}

/* "+12 (+4.0%)": the gap and its share of the planned, rounded half away
 * from zero to a tenth of a percent, as status writes it. */
static char *
gap_text (const PdRepProgress *p)
{
  gint64 ppm_magnitude = p->gap_ppm < 0 ? -p->gap_ppm : p->gap_ppm;
  gint64 tenths = ppm_magnitude / 1000 + (ppm_magnitude % 1000 >= 500 ? 1 : 0);
  g_autofree char *percent = pd_format_percent_tenths (tenths);
  g_autofree char *count = pd_format_count (p->gap < 0 ? -p->gap : p->gap);

  return g_strdup_printf ("%s%s (%s%s)", p->gap < 0 ? "-" : p->gap > 0 ? "+" : "", count,
                          tenths == 0 ? "" : p->gap_ppm < 0 ? "-" : "+", percent);
}

/* ------------------------------------------------------------ curves */

/* One chart's data: the planned and the done cumulative contacts at the
 * end of each sampled day. */
typedef struct {
  guint points;
  GDate *dates;      /* the sampled days, start .. end */
  gint64 *planned;   /* cumulative at the end of each */
  gint64 *actual;    /* cumulative at the end of each (to as_of) */
  guint actual_points; /* points whose first day is on or before as_of */
} Curve;

static void
curve_init (Curve *curve, const PdCampaign *c, const GDate *as_of)
{
  guint span = (guint) g_date_days_between (&c->start, &c->end) + 1;

  curve->points = MIN (span, CHART_POINTS);
  curve->dates = g_new0 (GDate, curve->points);
  curve->planned = g_new0 (gint64, curve->points);
  curve->actual = g_new0 (gint64, curve->points);
  curve->actual_points = 0;
  for (guint i = 0; i < curve->points; i++)
    {
      curve->dates[i] = c->start;
      /* Point i is the last day of the i-th of `points` stretches. */
      g_date_add_days (&curve->dates[i], (guint) (((guint64) (i + 1) * span) / curve->points) - 1);
    }
  for (guint i = 0; i < curve->points; i++)
    {
      GDate first = c->start;
      if (i > 0)
        {
          first = curve->dates[i - 1];
          g_date_add_days (&first, 1);
        }
      if (g_date_compare (&first, as_of) <= 0)
        curve->actual_points = i + 1;
    }
}

static void
curve_clear (Curve *curve)
{
  g_free (curve->dates);
  g_free (curve->planned);
  g_free (curve->actual);
}

/* The first point whose day is on or after `date` (points when none). */
static guint
curve_point (const Curve *curve, const GDate *date)
{
  guint low = 0, high = curve->points;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      if (g_date_compare (&curve->dates[mid], date) < 0)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

/* Adds rep `rep` (G_MAXUINT: every rep) of `baseline` to the planned
 * curve: at each point, the cumulative of the rep's last day on or before
 * it. */
static void
curve_add_planned (Curve *curve, const PdSchedule *baseline, guint rep)
{
  const GArray *days = baseline->days;
  guint i = 0;

  while (i < days->len)
    {
      guint day_rep = g_array_index (days, PdDay, i).rep_index;
      gint64 last = 0;
      guint point = 0;

      for (; i < days->len && g_array_index (days, PdDay, i).rep_index == day_rep; i++)
        {
          const PdDay *day = &g_array_index (days, PdDay, i);

          if (rep != G_MAXUINT && day_rep != rep)
            continue;
          for (; point < curve->points && g_date_compare (&curve->dates[point], &day->date) < 0; point++)
            curve->planned[point] += last;
          last = day->cumulative;
        }
      if (rep != G_MAXUINT && day_rep != rep)
        continue;
      for (; point < curve->points; point++)
        curve->planned[point] += last;
    }
}

/* Adds the logged contacts of rep `rep` (G_MAXUINT: every rep of the
 * campaign) to the done curve; made cumulative by curve_finish(). */
static void
curve_add_actual (Curve *curve, const PdCampaign *c, const GArray *daily, const GDate *as_of, guint rep)
{
  for (guint i = 0; i < daily->len; i++)
    {
      const PdDailyContacts *d = &g_array_index (daily, PdDailyContacts, i);
      guint index, point;

      if (g_date_compare (&d->date, as_of) > 0 || pd_campaign_find_rep (c, d->rep, &index) == NULL)
        continue;
      if (rep != G_MAXUINT && index != rep)
        continue;
      point = curve_point (curve, &d->date);
      if (point < curve->points)
        curve->actual[point] += d->contacts;
    }
  for (guint i = 1; i < curve->points; i++)
    curve->actual[i] += curve->actual[i - 1];
}

/* ------------------------------------------------------------ charts */

static double
chart_x (const PdCampaign *c, const GDate *date)
{
  double span = (double) g_date_days_between (&c->start, &c->end);
  double offset = (double) g_date_days_between (&c->start, date);

  if (span <= 0)
    return CHART_LEFT;
  offset = CLAMP (offset, 0, span);
  return CHART_LEFT + offset * (CHART_W - CHART_LEFT - CHART_RIGHT) / span;
}

static double
chart_y (gint64 value, gint64 top)
{
  return CHART_TOP + (CHART_H - CHART_TOP - CHART_BOTTOM) * (1.0 - (double) value / (double) top);
}

static void
text_at (GString *out, double x, double y, const char *anchor, const char *text)
{
  g_string_append_printf (out, "<text x=\"%d.%d\" y=\"%d.%d\" text-anchor=\"%s\">", TENTHS (x), TENTHS (y), anchor);
  escape (out, text);
  g_string_append (out, "</text>");
}

/* One burn-up: the plan's curve (dashed), the contacts done (solid, to
 * as_of), each checkpoint marked at its date and target (filled: met,
 * red: missed, hollow: upcoming), the as-of day, axes with the dates of
 * the start, the end and the checkpoints, and the contact scale. */
static void
chart (GString *out, const PdCampaign *c, const Curve *curve, const PdRepProgress *p, const char *title)
{
  gint64 top = MAX (p->total, 1);
  double bottom = CHART_H - CHART_BOTTOM, right = CHART_W - CHART_RIGHT;
  g_autofree char *start = pd_format_date (&c->start);
  g_autofree char *end = pd_format_date (&c->end);

  for (guint i = 0; i < curve->actual_points; i++)
    top = MAX (top, curve->actual[i]);

  g_string_append_printf (out, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", CHART_W,
                          CHART_H);
  escape (out, title);
  g_string_append (out, "\"><title>");
  escape (out, title);
  g_string_append (out, "</title>");

  /* Axes and the contact scale: 0, half, the top. */
  g_string_append_printf (out, "<path class=\"axis\" d=\"M%d %d V%d.%d H%d.%d\"/>", CHART_LEFT, CHART_TOP,
                          TENTHS (bottom), TENTHS (right));
  for (guint step = 0; step <= 2; step++)
    {
      gint64 value = top * (gint64) step / 2;
      g_autofree char *label = pd_format_count (value);
      double y = chart_y (value, top);

      if (step > 0)
        g_string_append_printf (out, "<path class=\"grid\" d=\"M%d %d.%d H%d.%d\"/>", CHART_LEFT, TENTHS (y),
                                TENTHS (right));
      text_at (out, CHART_LEFT - 6, y + 4, "end", label);
    }

  /* The checkpoints' dates, as dashed verticals (the end is the last one). */
  for (guint k = 0; k < p->checkpoints->len; k++)
    {
      const PdCheckpointProgress *kp = &g_array_index (p->checkpoints, PdCheckpointProgress, k);
      double x = chart_x (c, &kp->date);

      g_string_append_printf (out, "<path class=\"grid\" d=\"M%d.%d %d V%d.%d\"/>", TENTHS (x), CHART_TOP,
                              TENTHS (bottom));
    }
  text_at (out, CHART_LEFT, bottom + 16, "start", start);
  text_at (out, right, bottom + 16, "end", end);
  for (guint k = 0; k + 1 < p->checkpoints->len; k++)
    {
      const PdCheckpointProgress *kp = &g_array_index (p->checkpoints, PdCheckpointProgress, k);
      g_autofree char *date = pd_format_date (&kp->date);

      text_at (out, chart_x (c, &kp->date), bottom + 32, "middle", date);
    }

  /* The plan's curve, from 0 the day before the start. */
  g_string_append_printf (out, "<polyline class=\"planned\" points=\"%d,%d.%d", CHART_LEFT,
                          TENTHS (chart_y (0, top)));
  for (guint i = 0; i < curve->points; i++)
    g_string_append_printf (out, " %d.%d,%d.%d", TENTHS (chart_x (c, &curve->dates[i])),
                            TENTHS (chart_y (curve->planned[i], top)));
  g_string_append (out, "\"/>");

  /* The contacts done, to as_of. */
  if (curve->actual_points > 0)
    {
      g_string_append_printf (out, "<polyline class=\"actual\" points=\"%d,%d.%d", CHART_LEFT,
                              TENTHS (chart_y (0, top)));
      for (guint i = 0; i < curve->actual_points; i++)
        g_string_append_printf (out, " %d.%d,%d.%d", TENTHS (chart_x (c, &curve->dates[i])),
                                TENTHS (chart_y (curve->actual[i], top)));
      g_string_append (out, "\"/>");
    }

  for (guint k = 0; k < p->checkpoints->len; k++)
    {
      const PdCheckpointProgress *kp = &g_array_index (p->checkpoints, PdCheckpointProgress, k);
      g_autofree char *date = pd_format_date (&kp->date);
      g_autofree char *target = pd_format_count (kp->target);
      g_autofree char *done = pd_format_count (kp->actual);
      g_autofree char *label = g_strdup_printf (_("checkpoint %s: target %s, done %s, %s"), date, target, done,
                                                checkpoint_text (kp->state));

      g_string_append_printf (out, "<circle class=\"checkpoint %s\" cx=\"%d.%d\" cy=\"%d.%d\" r=\"5\"><title>",
                              pd_checkpoint_state_name (kp->state), TENTHS (chart_x (c, &kp->date)),
                              TENTHS (chart_y (kp->target, top)));
      escape (out, label);
      g_string_append (out, "</title></circle>");
    }
  g_string_append (out, "</svg>");
}

/* The as-of day drawn on a chart: a vertical line, when the day is in
 * the campaign. Appended inside the chart just before its end. */
static void
chart_with_as_of (GString *out, const PdCampaign *c, const Curve *curve, const PdRepProgress *p, const GDate *as_of,
                  const char *title)
{
  chart (out, c, curve, p, title);
  if (g_date_compare (as_of, &c->start) >= 0 && g_date_compare (as_of, &c->end) <= 0)
    {
      g_autofree char *mark = NULL;
      g_autofree char *day = pd_format_date (as_of);
      double x = chart_x (c, as_of);
      GString *line = g_string_new (NULL);

      g_string_append_printf (line, "<path class=\"asof\" d=\"M%d.%d %d V%d\"/>", TENTHS (x), CHART_TOP, CHART_H - CHART_BOTTOM);
      mark = g_strdup_printf (_("as of %s"), day);
      text_at (line, x + 4, CHART_TOP + 10, "start", mark);
      /* Before the closing </svg>. */
      g_string_insert (out, (gssize) (out->len - strlen ("</svg>")), line->str);
      g_string_free (line, TRUE);
    }
}

/* ------------------------------------------------------------ sections */

static void
section_start (GString *out, const char *id, const char *title)
{
  g_string_append_printf (out, "<section id=\"%s\"><h2>", id);
  escape (out, title);
  g_string_append (out, "</h2>");
}

static void
burnups (GString *out, const PdReportInput *in)
{
  const PdCampaign *c = in->campaign;
  const PdProgress *p = in->progress;
  Curve curve;

  section_start (out, "burnup", _("Burn-up"));
  g_string_append (out, "<p class=\"legend note\"><span>");
  escape (out, _("solid: contacts done"));
  g_string_append (out, "</span><span>");
  escape (out, _("dashed: the plan's curve"));
  g_string_append (out, "</span><span>");
  escape (out, _("dots: checkpoints (filled: met, red: missed, hollow: upcoming)"));
  g_string_append (out, "</span></p>");

  g_string_append (out, "<figure id=\"burnup-team\"><h3>");
  escape (out, _("team"));
  g_string_append (out, "</h3>");
  curve_init (&curve, c, &p->as_of);
  curve_add_planned (&curve, in->baseline, G_MAXUINT);
  curve_add_actual (&curve, c, in->daily, &p->as_of, G_MAXUINT);
  {
    g_autofree char *title = g_strdup_printf (_("Burn-up, team contacts: %s"), c->name);
    chart_with_as_of (out, c, &curve, p->team, &p->as_of, title);
  }
  curve_clear (&curve);
  g_string_append (out, "</figure><div class=\"reps\">");

  for (guint r = 0; r < c->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (c->reps, r);
      g_autofree char *title = g_strdup_printf (_("Burn-up, contacts of %s"), rep->name);
      g_autofree char *file_name = pd_rep_file_name (rep->name);

      /* The id holds the rep's name encoded as in feed file names: no
       * character that needs escaping, and never two reps alike. */
      g_string_append_printf (out, "<figure class=\"rep\" id=\"burnup-rep-%s\"><h3>", file_name);
      escape (out, rep->name);
      g_string_append (out, "</h3>");
      curve_init (&curve, c, &p->as_of);
      curve_add_planned (&curve, in->baseline, r);
      curve_add_actual (&curve, c, in->daily, &p->as_of, r);
      chart_with_as_of (out, c, &curve, g_ptr_array_index (p->reps, r), &p->as_of, title);
      curve_clear (&curve);
      g_string_append (out, "</figure>");
    }
  g_string_append (out, "</div></section>");
}

/* What the rep must do to meet the next checkpoint (status's "next
 * checkpoint: target, needed"). */
static char *
catch_up_text (const PdCampaign *c, const PdRepProgress *p)
{
  const PdCheckpoint *k;
  g_autofree char *date = NULL, *per_day = NULL, *needed = NULL;

  if (p->next_checkpoint < 0)
    return g_strdup (_("none left"));
  k = &g_array_index (c->checkpoints, PdCheckpoint, p->next_checkpoint);
  date = pd_format_date (&k->date);
  if (p->needed == 0)
    return g_strdup_printf (_("%s: already met"), date);
  per_day = pd_format_count (p->needed_per_day);
  needed = pd_format_count (p->needed);
  return g_strdup_printf (ngettext ("%s/day until %s (%s over %" PRId64 " day)",
                                    "%s/day until %s (%s over %" PRId64 " days)",
                                    (gulong) CLAMP (p->days_left, 0, G_MAXINT)),
                          per_day, date, needed, p->days_left);
}

static void
rep_row (GString *out, const PdCampaign *c, const PdRepProgress *p, const char *name, gboolean team)
{
  g_string_append_printf (out, "<tr class=\"%s\">", team ? "team" : "rep");
  if (team)
    {
      g_string_append (out, "<th scope=\"row\">");
      escape (out, name);
      g_string_append (out, "</th>");
    }
  else
    cell (out, name);
  cell_take (out, pd_format_count (p->total));
  cell_take (out, pd_format_count (p->planned));
  cell_take (out, pd_format_count (p->actual));
  cell_take (out, gap_text (p));
  g_string_append_printf (out, "<td class=\"%s\">", pd_pace_name (p->pace));
  escape (out, pd_pace_text (p->pace));
  g_string_append (out, "</td>");
  cell_take (out, catch_up_text (c, p));
  g_string_append (out, "</tr>");
}

static void
reps_table (GString *out, const PdReportInput *in)
{
  const PdCampaign *c = in->campaign;
  const PdProgress *p = in->progress;
  const char *names[] = { _("rep"), _("contacts in all"), _("planned"), _("done"), _("gap"), _("status"),
                          _("catch-up in force") };

  section_start (out, "reps", _("Reps"));
  g_string_append (out, "<div class=\"table\"><table id=\"reps-table\">");
  header_cells (out, names, G_N_ELEMENTS (names));
  g_string_append (out, "<tbody>");
  for (guint r = 0; r < c->reps->len; r++)
    rep_row (out, c, g_ptr_array_index (p->reps, r), ((const PdRep *) g_ptr_array_index (c->reps, r))->name, FALSE);
  g_string_append (out, "</tbody><tfoot>");
  rep_row (out, c, p->team, _("team"), TRUE);
  g_string_append (out, "</tfoot></table></div></section>");
}

static void
checkpoints_table (GString *out, const PdReportInput *in)
{
  const PdCampaign *c = in->campaign;
  const PdRepProgress *team = in->progress->team;
  const char *names[] = { _("date"), _("share"), _("target"), _("done"), _("state") };

  section_start (out, "checkpoints", _("Checkpoints (team)"));
  g_string_append (out, "<div class=\"table\"><table id=\"checkpoints-table\">");
  header_cells (out, names, G_N_ELEMENTS (names));
  g_string_append (out, "<tbody>");
  for (guint k = 0; k < team->checkpoints->len; k++)
    {
      const PdCheckpointProgress *kp = &g_array_index (team->checkpoints, PdCheckpointProgress, k);

      g_string_append (out, "<tr>");
      cell_take (out, pd_format_date (&kp->date));
      cell_take (out, pd_format_rate (g_array_index (c->checkpoints, PdCheckpoint, k).share));
      cell_take (out, pd_format_count (kp->target));
      cell_take (out, pd_format_count (kp->actual));
      g_string_append_printf (out, "<td class=\"%s-text\">", pd_checkpoint_state_name (kp->state));
      escape (out, checkpoint_text (kp->state));
      g_string_append (out, "</td></tr>");
    }
  g_string_append (out, "</tbody></table></div></section>");
}

static gint64
call_minutes (gint64 contacts, gint64 minutes_per_contact)
{
  return pd_muldiv_saturated (MAX (contacts, 0), MAX (minutes_per_contact, 0), PD_MILLI, PD_ROUNDING_UP);
}

static void
funnel_row (GString *out, const char *key, const char *step, char *planned, char *done, char *observed)
{
  g_string_append_printf (out, "<tr data-step=\"%s\">", key);
  cell (out, step);
  cell_take (out, planned);
  cell_take (out, done);
  cell_take (out, observed);
  g_string_append (out, "</tr>");
}

/* The funnel planned, done to date and recomputed at the observed rates
 * (what the plan would ask if the rates seen so far held). */
static void
funnel_table (GString *out, const PdReportInput *in)
{
  const PdCampaign *c = in->campaign;
  const PdPlan *plan = in->plan;
  const PdProgress *p = in->progress;
  const PdPlan *at = &p->reprojected;
  const PdTotals *t = &p->totals;
  gint64 mpc = c->plan.minutes_per_contact;
  const char *names[] = { _("step"), _("planned"), _("done to date"), _("at the observed rates") };

  section_start (out, "funnel", _("Funnel"));
  g_string_append (out, "<div class=\"table\"><table id=\"funnel-table\">");
  header_cells (out, names, G_N_ELEMENTS (names));
  g_string_append (out, "<tbody>");
  funnel_row (out, "objective", _("revenue"), pd_format_money (c->plan.objective_cents, c->currency),
              pd_format_money (p->revenue_cents, c->currency), pd_format_money (c->plan.objective_cents, c->currency));
  funnel_row (out, "deals", _("deals"), pd_format_count (plan->deals), pd_format_count (t->deals),
              pd_format_count (at->deals));
  funnel_row (out, "proposals", _("proposals"), pd_format_count (plan->proposals), pd_format_count (t->proposals),
              pd_format_count (at->proposals));
  funnel_row (out, "active", _("active prospects"), pd_format_count (plan->active_prospects),
              pd_format_count (t->active), pd_format_count (at->active_prospects));
  funnel_row (out, "prospects", _("prospects reached"), pd_format_count (plan->prospects_to_contact),
              pd_format_count (t->prospects), pd_format_count (at->prospects_to_contact));
  funnel_row (out, "contacts", _("contacts"), pd_format_count (plan->contacts), pd_format_count (t->contacts),
              pd_format_count (at->contacts));
  funnel_row (out, "call_time", _("call time"), pd_format_hours (plan->call_minutes),
              pd_format_hours (call_minutes (t->contacts, mpc)), pd_format_hours (at->call_minutes));
  g_string_append (out, "</tbody></table></div>");

  g_string_append (out, "<p id=\"still-needed\">");
  {
    g_autofree char *assumed = pd_format_hours (p->remaining_call_minutes_assumed);
    g_autofree char *observed = pd_format_hours (p->remaining_call_minutes);
    g_autofree char *text = g_strdup_printf (_("Call time still needed: %s at the plan's rates, %s at the observed "
                                               "rates."), assumed, observed);
    escape (out, text);
  }
  if (p->remaining_at_least_gap)
    {
      g_string_append (out, " ");
      escape (out, _("The team is behind: at least the gap to the plan's curve."));
    }
  if (!p->has_reprojection)
    {
      g_string_append (out, " ");
      escape (out, _("At the observed rates the funnel does not fit in 64 bits: the plan's figures are shown."));
    }
  g_string_append (out, "</p></section>");
}

/* A rate's row: what the plan assumes, what was observed, its 90 %
 * interval and the n behind it. */
static void
rate_row (GString *out, const char *key, const char *name, char *assumed, char *observed, char *interval, gint64 n)
{
  g_string_append_printf (out, "<tr data-rate=\"%s\">", key);
  cell (out, name);
  cell_take (out, assumed);
  cell_take (out, observed != NULL ? observed : g_strdup ("–"));
  cell_take (out, interval != NULL ? interval : g_strdup ("–"));
  cell_take (out, pd_format_count (n));
  if (n > 0 && pd_rates_too_small (n))
    cell (out, _("too few to trust"));
  else
    cell (out, "");
  g_string_append (out, "</tr>");
}

static char *
interval_percent (const PdProportion *q)
{
  g_autofree char *low = NULL, *high = NULL;

  if (!q->valid)
    return NULL;
  low = pd_format_rate_fixed (pd_rates_millionths (q->lower), 1);
  high = pd_format_rate_fixed (pd_rates_millionths (q->upper), 1);
  return g_strdup_printf ("%s – %s", low, high);
}

static char *
interval_ratio (const PdRatio *q)
{
  g_autofree char *low = NULL, *high = NULL;

  if (!q->valid)
    return NULL;
  low = pd_format_decimal_fixed (pd_rates_millionths (q->lower), 2);
  high = q->has_upper ? pd_format_decimal_fixed (pd_rates_millionths (q->upper), 2) : g_strdup ("∞");
  return g_strdup_printf ("%s – %s", low, high);
}

static void
rates_table (GString *out, const PdReportInput *in)
{
  const PdCampaign *c = in->campaign;
  const PdPlanInput *a = &c->plan;
  const PdRates *o = &in->progress->observed;
  const PdTotals *t = &in->progress->totals;
  const char *names[] = { _("rate"), _("assumed"), _("observed"),
                          /* xgettext:no-c-format */
                          _("90% interval"), _("n"), "" };
  PdProportion accessibility;
  PdRatio contacts, proposals, compensation;

  pd_rates_proportion (o->accessibility_active, o->accessibility_n, &accessibility);
  pd_rates_ratio (o->contacts_per_prospect_contacts, o->contacts_per_prospect_n, &contacts);
  pd_rates_ratio (o->proposals_per_deal_proposals, o->proposals_per_deal_n, &proposals);
  pd_rates_ratio (t->active, t->proposals, &compensation);

  section_start (out, "rates", _("Rates"));
  g_string_append (out, "<div class=\"table\"><table id=\"rates-table\">");
  header_cells (out, names, G_N_ELEMENTS (names));
  g_string_append (out, "<tbody>");
  rate_row (out, "average_deal", _("average deal"), pd_format_money (a->average_deal_cents, c->currency),
            o->has_average_deal ? pd_format_money (o->average_deal_cents, c->currency) : NULL, NULL,
            o->average_deal_n);
  rate_row (out, "proposals_per_deal", _("proposals per deal"), pd_format_decimal (a->proposals_per_deal),
            o->has_proposals_per_deal ? pd_format_decimal_fixed (o->proposals_per_deal, 2) : NULL,
            o->has_proposals_per_deal ? interval_ratio (&proposals) : NULL, o->proposals_per_deal_n);
  rate_row (out, "compensation_factor", _("active prospects per proposal"),
            pd_format_decimal (a->compensation_factor),
            compensation.valid ? pd_format_decimal_fixed (pd_rates_millionths (compensation.estimate), 2) : NULL,
            interval_ratio (&compensation), t->proposals);
  rate_row (out, "accessibility_rate", _("accessibility rate"), pd_format_rate (a->accessibility_rate),
            o->has_accessibility_rate ? pd_format_rate_fixed (o->accessibility_rate, 1) : NULL,
            o->accessibility_n > 0 ? interval_percent (&accessibility) : NULL, o->accessibility_n);
  rate_row (out, "contacts_per_prospect", _("contacts per prospect"), pd_format_decimal (a->contacts_per_prospect),
            o->has_contacts_per_prospect ? pd_format_decimal_fixed (o->contacts_per_prospect, 2) : NULL,
            o->has_contacts_per_prospect ? interval_ratio (&contacts) : NULL, o->contacts_per_prospect_n);
  g_string_append (out, "</tbody></table></div><p class=\"note\">");
  escape (out, _("Intervals: 90 % Wilson score intervals; a ratio's is read from the proportion it inverts. "
                 "Below 30 observations a rate is too uncertain to replace the plan's."));
  g_string_append (out, "</p></section>");
}

/* ------------------------------------------------------------ prospects */

/* One line of a prospect table: the prospects of a source, a sector or
 * a prescriber, and how far they went. */
typedef struct {
  const char *name;   /* borrowed from the prospects, or ours */
  gint64 prospects;
  gint64 reached;     /* someone answered: arid, latent, active or beyond */
  gint64 active;      /* active, proposal, won or lost (lost follows active or a proposal) */
  gint64 won;
} ProspectGroup;

static void
group_add (GHashTable *groups, const char *name, const PdProspect *p)
{
  ProspectGroup *group = g_hash_table_lookup (groups, name);

  if (group == NULL)
    {
      group = g_new0 (ProspectGroup, 1);
      group->name = name;
      g_hash_table_insert (groups, (gpointer) name, group);
    }
  group->prospects++;
  if (p->state != PD_PROSPECT_NEW && p->state != PD_PROSPECT_ATTEMPTED)
    group->reached++;
  if (p->state == PD_PROSPECT_ACTIVE || p->state == PD_PROSPECT_PROPOSAL || p->state == PD_PROSPECT_WON ||
      p->state == PD_PROSPECT_LOST)
    group->active++;
  if (p->state == PD_PROSPECT_WON)
    group->won++;
}

/* The most prospects first, then by name. */
static gint
group_compare (gconstpointer a, gconstpointer b)
{
  const ProspectGroup *x = *(ProspectGroup *const *) a, *y = *(ProspectGroup *const *) b;

  if (x->prospects != y->prospects)
    return x->prospects > y->prospects ? -1 : 1;
  return strcmp (x->name, y->name);
}

static void
groups_table (GString *out, const char *id, const char *title, const char *what, GHashTable *groups)
{
  const char *names[] = { what, _("prospects"), _("reached"), _("active"), _("accessibility rate"),
                          /* xgettext:no-c-format */
                          _("90% interval"), _("won") };
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  g_ptr_array_sort (sorted, group_compare);
  section_start (out, id, title);
  g_string_append_printf (out, "<div class=\"table\"><table id=\"%s-table\">", id);
  header_cells (out, names, G_N_ELEMENTS (names));
  g_string_append (out, "<tbody>");
  for (guint i = 0; i < sorted->len; i++)
    {
      const ProspectGroup *group = g_ptr_array_index (sorted, i);
      PdProportion rate;

      pd_rates_proportion (group->active, group->reached, &rate);
      g_string_append (out, "<tr>");
      cell (out, group->name);
      cell_take (out, pd_format_count (group->prospects));
      cell_take (out, pd_format_count (group->reached));
      cell_take (out, pd_format_count (group->active));
      cell_take (out, rate.valid ? pd_format_rate_fixed (pd_rates_millionths (rate.estimate), 1) : g_strdup ("–"));
      cell_take (out, rate.valid ? interval_percent (&rate) : g_strdup ("–"));
      cell_take (out, pd_format_count (group->won));
      g_string_append (out, "</tr>");
    }
  g_string_append (out, "</tbody></table></div></section>");
}

/* Which file pays, which sector, which prescriber: the prospect file's
 * tables, once the campaign has prospects. A prospect met in several
 * sources counts in each (once per source). */
static void
prospect_tables (GString *out, const PdReportInput *in)
{
  g_autoptr (GHashTable) sources = NULL, sectors = NULL, prescribers = NULL;
  const char *no_sector = _("no sector");

  if (in->prospects == NULL || in->prospects->len == 0)
    return;
  sources = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  sectors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  prescribers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < in->prospects->len; i++)
    {
      const PdProspect *p = g_ptr_array_index (in->prospects, i);

      for (guint s = 0; s < p->sources->len; s++)
        {
          const char *source = ((const PdProspectSource *) g_ptr_array_index (p->sources, s))->source;
          gboolean seen = FALSE;

          /* Sources come by source then line: one source twice is adjacent. */
          if (s > 0)
            seen = g_str_equal (source, ((const PdProspectSource *) g_ptr_array_index (p->sources, s - 1))->source);
          if (!seen)
            group_add (sources, source, p);
        }
      group_add (sectors, p->sector != NULL && p->sector[0] != '\0' ? p->sector : no_sector, p);
      if (p->prescriber != NULL && p->prescriber[0] != '\0')
        group_add (prescribers, p->prescriber, p);
    }
  if (g_hash_table_size (sources) > 0)
    groups_table (out, "sources", _("Sources"), _("source"), sources);
  groups_table (out, "segments", _("Segments"), _("sector"), sectors);
  if (g_hash_table_size (prescribers) > 0)
    groups_table (out, "prescribers", _("Prescribers"), _("prescriber"), prescribers);
}

char *
pd_report_render (const PdReportInput *in)
{
  const PdCampaign *c = in->campaign;
  const PdProgress *p = in->progress;
  PdLanguageScope language = pd_language_enter (c->language);
  GString *out = g_string_sized_new (32 * 1024);
  g_autofree char *as_of = pd_format_date (&p->as_of);
  g_autofree char *start = pd_format_date (&c->start);
  g_autofree char *end = pd_format_date (&c->end);
  g_autofree char *title = g_strdup_printf (_("%s: report as of %s"), c->name, as_of);

  g_string_append_printf (out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                               "<title>", c->language != NULL ? c->language : "en");
  escape (out, title);
  g_string_append_printf (out, "</title><style>%s</style></head><body><header><h1>", style_sheet);
  escape (out, c->name);
  g_string_append (out, "</h1><p id=\"summary\">");
  {
    g_autofree char *won = pd_format_money (p->revenue_cents, c->currency);
    g_autofree char *objective = pd_format_money (c->plan.objective_cents, c->currency);
    g_autofree char *line = g_strdup_printf (_("Campaign %s, %s to %s; as of %s. Revenue won: %s of %s. Team: %s."),
                                             c->id, start, end, as_of, won, objective, pd_pace_text (p->team->pace));
    escape (out, line);
  }
  g_string_append (out, "</p></header>");

  burnups (out, in);
  checkpoints_table (out, in);
  reps_table (out, in);
  funnel_table (out, in);
  rates_table (out, in);
  prospect_tables (out, in);

  g_string_append (out, "<footer class=\"note\"><p>");
  take (out, g_markup_printf_escaped (_("Written by prospectd %s from the figures of prospectctl status."),
                                      PD_VERSION));
  g_string_append (out, "</p></footer></body></html>\n");
  pd_language_leave (&language);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------ build */

gboolean
pd_report_build (PdStore *store, const PdCampaign *campaign, const GDate *as_of, char **ret_html, GError **error)
{
  g_autoptr (PdScheduleBuilder) builder = NULL;
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (GArray) daily = NULL;
  g_autoptr (PdProgress) progress = NULL;
  g_autoptr (GPtrArray) prospects = NULL;
  PdTotals totals = { 0 };
  PdPlan plan;

  if (!pd_plan_compute (&campaign->plan, &plan, error))
    return FALSE;
  /* The baseline's days, as status reads them. */
  builder = pd_schedule_builder_new (campaign, &plan);
  baseline = pd_schedule_builder_start (builder);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      if (!pd_schedule_builder_append (builder, r, baseline, error))
        return FALSE;
      g_array_set_size (baseline->blocks, 0);
    }
  if (store != NULL)
    {
      daily = pd_store_daily_contacts (store, campaign->id, NULL, as_of, error);
      if (daily == NULL || !pd_store_totals (store, campaign->id, NULL, as_of, &totals, error))
        return FALSE;
      prospects = pd_store_list_prospects (store, campaign->id, NULL, error);
      if (prospects == NULL)
        return FALSE;
    }
  else
    daily = g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));
  progress = pd_progress_compute (campaign, &plan, baseline, as_of, daily, &totals);
  *ret_html = pd_report_render (&(PdReportInput) { campaign, &plan, baseline, daily, progress, prospects });
  return TRUE;
}
