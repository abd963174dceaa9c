/* SPDX-License-Identifier: MIT
 *
 * calibrate: the next plan's rates from past campaigns' outcomes
 * (include/prospectd/calibrate.h). Pure, GLib only.
 *
 * Counts are pooled, not rates averaged: two campaigns of 100 and 1 000
 * prospects reached give the rate of the 1 100. A proposal is rounded
 * from the exact fraction in integers (to the nearest, halves up), so that
 * the [plan] it prints gives, pasted into a campaign file, the very
 * figures computed here; only the intervals go through doubles.
 */
#define G_LOG_DOMAIN "prospectd-calibrate"

#include <string.h>

#include "prospectd/calibrate.h"
#include "prospectd/rates.h"

G_DEFINE_QUARK (pd-calibrate-error-quark, pd_calibrate_error)

/* A rate's proposal is a multiple of 0.01 % (100 millionths), a factor's of
 * 0.01 (10 000 millionths), an average deal's of one unit (100 cents). */
#define RATE_STEP 100
#define FACTOR_STEP 10000
#define MONEY_STEP 100

static gint64
add_saturated (gint64 a, gint64 b)
{
  if (b > 0 && a > G_MAXINT64 - b)
    return G_MAXINT64;
  if (b < 0 && a < G_MININT64 - b)
    return G_MININT64;
  return a + b;
}

/* numerator x scale / denominator rounded to the nearest multiple of
 * `step` (halves up); FALSE when it does not fit. denominator > 0,
 * numerator >= 0, scale > 0, step > 0. */
static gboolean
nearest (gint64 numerator, gint64 scale, gint64 denominator, gint64 step, gint64 *ret)
{
  gint64 doubled_steps;

  /* floor (2 x numerator x scale / (denominator x step)), + 1, halved. */
  if (numerator > G_MAXINT64 / 2 || denominator > G_MAXINT64 / step
      || !pd_muldiv (2 * numerator, scale, denominator * step, PD_ROUNDING_DOWN, &doubled_steps)
      || doubled_steps > G_MAXINT64 / step - 1)
    return FALSE;
  *ret = ((doubled_steps + 1) / 2) * step;
  return TRUE;
}

/* Sets the parts every figure shares; source NONE, proposal the fallback. */
static void
rate_init (PdCalibratedRate *rate, gint64 numerator, gint64 denominator, gint64 n, gint64 fallback)
{
  memset (rate, 0, sizeof *rate);
  rate->source = PD_CALIBRATED_NONE;
  rate->numerator = numerator;
  rate->denominator = denominator;
  rate->n = n;
  rate->fallback = fallback;
  rate->proposed = fallback;
}

/* Takes `observed` (a positive proposal) when the sample is large enough. */
static void
rate_decide (PdCalibratedRate *rate, gboolean have, gint64 observed)
{
  if (!have || !rate->has_observed)
    return;
  if (pd_rates_too_small (rate->n))
    {
      rate->source = PD_CALIBRATED_TOO_SMALL;
      return;
    }
  rate->source = PD_CALIBRATED_OBSERVED;
  rate->proposed = observed;
}

static void
calibrate_accessibility (gint64 active, gint64 prospects, PdCalibratedRate *rate)
{
  PdProportion proportion;
  gint64 proposed = 0;
  gboolean have;

  rate_init (rate, active, prospects, prospects, PD_CALIBRATE_DEFAULT_ACCESSIBILITY_RATE);
  pd_rates_proportion (active, prospects, &proportion);
  if (!proportion.valid)
    return;
  rate->has_observed = TRUE;
  rate->observed = proportion.estimate;
  rate->has_interval = TRUE;
  rate->lower = proportion.lower;
  rate->has_upper = TRUE;
  rate->upper = proportion.upper;
  /* No active prospect in a large sample: the smallest rate a file writes,
   * never 0 % (a funnel cannot divide by it). */
  have = nearest (active, PD_MILLI, prospects, RATE_STEP, &proposed);
  rate_decide (rate, have, MAX (proposed, RATE_STEP));
}

/* events per unit (contacts per prospect, proposals per deal, active per
 * proposal); n: the events. */
static void
calibrate_ratio (gint64 events, gint64 units, gint64 fallback, PdCalibratedRate *rate)
{
  PdRatio ratio;
  gint64 proposed = 0;
  gboolean have;

  rate_init (rate, events, units, events, fallback);
  if (units <= 0 || events <= 0)
    return;
  rate->has_observed = TRUE;
  rate->observed = (double) events / (double) units;
  pd_rates_ratio (events, units, &ratio);
  if (ratio.valid)
    {
      rate->has_interval = TRUE;
      rate->lower = ratio.lower;
      rate->has_upper = ratio.has_upper;
      rate->upper = ratio.upper;
    }
  have = nearest (events, PD_MILLI, units, FACTOR_STEP, &proposed) && proposed > 0;
  rate_decide (rate, have, proposed);
}

static void
calibrate_average_deal (gint64 revenue_cents, gint64 deals, gint64 fallback, PdCalibratedRate *rate)
{
  gint64 proposed = 0;
  gboolean have;

  rate_init (rate, revenue_cents, deals, deals, fallback);
  if (deals <= 0 || revenue_cents <= 0)
    return;
  rate->has_observed = TRUE;
  rate->observed = (double) revenue_cents / (double) deals;
  have = nearest (revenue_cents, 1, deals, MONEY_STEP, &proposed) && proposed > 0;
  rate_decide (rate, have, proposed);
}

/* The mean per campaign that recorded them; n: those campaigns. Any
 * number of campaigns counts: 30 would be years of them. */
static void
calibrate_spontaneous (const PdCalibrationSample *samples, guint n_samples, gint64 fallback,
                       PdCalibratedRate *rate)
{
  gint64 sum = 0, campaigns = 0, proposed = 0;

  for (guint i = 0; i < n_samples; i++)
    if (samples[i].has_spontaneous)
      {
        sum = add_saturated (sum, MAX (samples[i].spontaneous, 0));
        campaigns++;
      }
  rate_init (rate, sum, campaigns, campaigns, fallback);
  if (campaigns == 0)
    return;
  rate->has_observed = TRUE;
  rate->observed = (double) sum / (double) campaigns;
  if (nearest (sum, 1, campaigns, 1, &proposed))
    {
      rate->source = PD_CALIBRATED_OBSERVED;
      rate->proposed = proposed;
    }
}

static gint
compare_counts (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* The calls per prospect reached of every sample that recorded them. */
static gboolean
calibrate_distribution (const PdCalibrationSample *samples, guint n_samples, PdContactsDistribution *ret)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  PdContactsDistribution d = { 0 };
  gboolean any = FALSE;
  double sum = 0;

  for (guint i = 0; i < n_samples; i++)
    {
      const GArray *calls = samples[i].calls_to_reach;

      if (calls == NULL)
        continue;
      any = TRUE;
      d.unreached = add_saturated (d.unreached, MAX (samples[i].unreached, 0));
      for (guint j = 0; j < calls->len; j++)
        {
          gint64 k = g_array_index (calls, gint64, j);

          if (k < 1)
            continue;
          g_array_append_val (all, k);
          d.by_calls[MIN (k, PD_CALIBRATE_MAX_CONTACTS + 1) - 1]++;
          sum += (double) k;
        }
    }
  if (!any)
    return FALSE;
  d.reached = all->len;
  if (all->len > 0)
    {
      guint middle = all->len / 2;

      g_array_sort (all, compare_counts);
      d.mean = sum / (double) all->len;
      d.median = all->len % 2 == 1 ? (double) g_array_index (all, gint64, middle)
        : ((double) g_array_index (all, gint64, middle - 1) + (double) g_array_index (all, gint64, middle)) / 2.0;
    }
  *ret = d;
  return TRUE;
}

GArray *
pd_calibrate_calls_to_reach (const GPtrArray *prospects, const GPtrArray *calls, PdCalibrationSample *ret_sample)
{
  GArray *calls_to_reach = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* prospect id -> its calls so far (> 0), or -1 once reached. */
  g_autoptr (GHashTable) so_far = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  g_autoptr (GHashTable) spontaneous = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (ret_sample != NULL, calls_to_reach);

  ret_sample->has_spontaneous = prospects != NULL && prospects->len > 0;
  ret_sample->spontaneous = 0;
  ret_sample->unreached = 0;
  for (guint i = 0; prospects != NULL && i < prospects->len; i++)
    {
      const PdProspect *prospect = g_ptr_array_index (prospects, i);

      if (prospect->spontaneous)
        {
          ret_sample->spontaneous++;
          g_hash_table_add (spontaneous, (gpointer) &prospect->id);
        }
    }
  for (guint i = 0; calls != NULL && i < calls->len; i++)
    {
      const PdCall *call = g_ptr_array_index (calls, i);
      gint64 *count;

      if (call->prospect <= 0 || g_hash_table_contains (spontaneous, &call->prospect))
        continue;
      count = g_hash_table_lookup (so_far, &call->prospect);
      if (count == NULL)
        {
          count = g_new0 (gint64, 1);
          /* The key lives in the call, which outlives the table. */
          g_hash_table_insert (so_far, (gpointer) &call->prospect, count);
        }
      if (*count < 0)
        continue;
      (*count)++;
      if (pd_call_outcome_reached (call->outcome))
        {
          g_array_append_val (calls_to_reach, *count);
          *count = -1;
        }
    }
  g_hash_table_iter_init (&iter, so_far);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (*(const gint64 *) value > 0)
      ret_sample->unreached++;
  return calls_to_reach;
}

/* The funnel of `input` with the accessibility rate `rate`. */
static gboolean
effort_at (const PdPlanInput *input, gint64 rate, PdPlan *ret_plan, GError **error)
{
  PdPlanInput variant = *input;
  g_autoptr (GError) plan_error = NULL;

  variant.accessibility_rate = rate;
  if (!pd_plan_compute (&variant, ret_plan, &plan_error))
    {
      g_set_error (error, PD_CALIBRATE_ERROR, PD_CALIBRATE_ERROR_OVERFLOW, "%s", plan_error->message);
      return FALSE;
    }
  return TRUE;
}

/* An interval's end as a rate a file writes (0.01 %), or 0. */
static gint64
rate_end (double end)
{
  gint64 millionths = pd_rates_millionths (end);

  return ((millionths + RATE_STEP / 2) / RATE_STEP) * RATE_STEP;
}

gboolean
pd_calibrate_compute (const PdCalibrationSample *samples, guint n_samples, const PdPlanInput *base,
                      PdCalibration *ret_calibration, GError **error)
{
  PdCalibration calibration = { 0 };
  gint64 active = 0, prospects = 0, contacts = 0, reached = 0;
  gint64 proposals = 0, deals = 0, revenue = 0, won = 0;
  gint64 all_active = 0, all_proposals = 0;

  g_return_val_if_fail (samples != NULL || n_samples == 0, FALSE);
  g_return_val_if_fail (base != NULL && ret_calibration != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < n_samples; i++)
    {
      const PdRates *o = &samples[i].observed;

      active = add_saturated (active, o->accessibility_active);
      prospects = add_saturated (prospects, o->accessibility_n);
      contacts = add_saturated (contacts, o->contacts_per_prospect_contacts);
      reached = add_saturated (reached, o->contacts_per_prospect_n);
      proposals = add_saturated (proposals, o->proposals_per_deal_proposals);
      deals = add_saturated (deals, o->proposals_per_deal_n);
      revenue = add_saturated (revenue, o->average_deal_revenue_cents);
      won = add_saturated (won, o->average_deal_n);
      all_active = add_saturated (all_active, samples[i].totals.active);
      all_proposals = add_saturated (all_proposals, samples[i].totals.proposals);
    }
  calibration.campaigns = n_samples;

  calibrate_accessibility (active, prospects, &calibration.accessibility_rate);
  calibrate_ratio (contacts, reached, PD_CALIBRATE_DEFAULT_CONTACTS_PER_PROSPECT,
                   &calibration.contacts_per_prospect);
  calibrate_ratio (proposals, deals, PD_CALIBRATE_DEFAULT_PROPOSALS_PER_DEAL, &calibration.proposals_per_deal);
  calibrate_ratio (all_active, all_proposals, PD_CALIBRATE_DEFAULT_COMPENSATION_FACTOR,
                   &calibration.compensation_factor);
  calibrate_average_deal (revenue, won, base->average_deal_cents, &calibration.average_deal);
  calibrate_spontaneous (samples, n_samples, base->spontaneous_prospects, &calibration.spontaneous_prospects);
  calibration.has_distribution = calibrate_distribution (samples, n_samples, &calibration.distribution);

  calibration.proposed = *base;
  calibration.proposed.accessibility_rate = calibration.accessibility_rate.proposed;
  calibration.proposed.contacts_per_prospect = calibration.contacts_per_prospect.proposed;
  calibration.proposed.proposals_per_deal = calibration.proposals_per_deal.proposed;
  calibration.proposed.compensation_factor = calibration.compensation_factor.proposed;
  calibration.proposed.average_deal_cents = calibration.average_deal.proposed;
  calibration.proposed.spontaneous_prospects = calibration.spontaneous_prospects.proposed;

  if (!effort_at (&calibration.proposed, calibration.proposed.accessibility_rate, &calibration.effort, error))
    return FALSE;
  if (calibration.accessibility_rate.has_interval)
    {
      calibration.rate_low = rate_end (calibration.accessibility_rate.lower);
      calibration.rate_high = rate_end (calibration.accessibility_rate.upper);
      calibration.has_effort_low = calibration.rate_low > 0;
      calibration.has_effort_high = calibration.rate_high > 0;
      if ((calibration.has_effort_low
           && !effort_at (&calibration.proposed, calibration.rate_low, &calibration.effort_low, error))
          || (calibration.has_effort_high
              && !effort_at (&calibration.proposed, calibration.rate_high, &calibration.effort_high, error)))
        return FALSE;
    }
  *ret_calibration = calibration;
  return TRUE;
}

const char *
pd_calibrated_source_name (PdCalibratedSource source)
{
  switch (source)
    {
    case PD_CALIBRATED_OBSERVED:
      return "observed";
    case PD_CALIBRATED_TOO_SMALL:
      return "too_small";
    case PD_CALIBRATED_NONE:
    default:
      return "none";
    }
}
