/* SPDX-License-Identifier: MIT
 *
 * rates: observed proportions and ratios with their Wilson score
 * intervals (include/prospectd/rates.h). Pure, GLib only.
 *
 * The interval's two ends are the roots of the quadratic in p
 *
 *   (1 + z^2/n) p^2 - (2 k/n + z^2/n) p + (k/n)^2 = 0
 *
 * written in the usual centre +- half-width form:
 *
 *   centre = (k/n + z^2 / 2n) / (1 + z^2/n)
 *   half   = z sqrt (k/n (1 - k/n) / n + z^2 / 4n^2) / (1 + z^2/n)
 *
 * At k = 0 and k = n one root is exactly 0 (resp. 1) and the other has a
 * closed form; both are taken from it rather than from the subtraction,
 * which leaves a rounding residue of either sign.
 */
#define G_LOG_DOMAIN "prospectd-rates"

#include <math.h>

#include "prospectd/rates.h"

void
pd_rates_wilson (gint64 successes, gint64 trials, double z, PdProportion *ret_proportion)
{
  PdProportion proportion = { successes, trials, FALSE, 0.0, 0.0, 1.0 };

  g_return_if_fail (ret_proportion != NULL);

  if (trials > 0 && successes >= 0 && successes <= trials && z > 0)
    {
      double n = (double) trials;
      double k = (double) successes;
      double z2 = z * z;

      proportion.valid = TRUE;
      proportion.estimate = k / n;
      if (successes == 0)
        {
          proportion.lower = 0.0;
          proportion.upper = z2 / (n + z2);
        }
      else if (successes == trials)
        {
          proportion.lower = n / (n + z2);
          proportion.upper = 1.0;
        }
      else
        {
          double p = proportion.estimate;
          double denominator = 1.0 + z2 / n;
          double centre = (p + z2 / (2.0 * n)) / denominator;
          double half = z * sqrt (p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;

          proportion.lower = CLAMP (centre - half, 0.0, p);
          proportion.upper = CLAMP (centre + half, p, 1.0);
        }
    }
  *ret_proportion = proportion;
}

void
pd_rates_proportion (gint64 successes, gint64 trials, PdProportion *ret_proportion)
{
  pd_rates_wilson (successes, trials, PD_RATES_Z90, ret_proportion);
}

gboolean
pd_rates_too_small (gint64 trials)
{
  return trials < PD_RATES_MIN_TRUSTED;
}

void
pd_rates_ratio (gint64 events, gint64 units, PdRatio *ret_ratio)
{
  PdRatio ratio = { events, units, FALSE, 0.0, 1.0, 0.0, FALSE };
  PdProportion proportion;

  g_return_if_fail (ret_ratio != NULL);

  if (events > 0 && units > 0 && units <= events)
    {
      pd_rates_proportion (units, events, &proportion);
      ratio.valid = TRUE;
      ratio.estimate = (double) events / (double) units;
      ratio.lower = 1.0 / proportion.upper;
      ratio.has_upper = proportion.lower > 0.0;
      ratio.upper = ratio.has_upper ? 1.0 / proportion.lower : 0.0;
    }
  *ret_ratio = ratio;
}

gint64
pd_rates_millionths (double value)
{
  if (!(value > 0.0)) /* negative, zero or NaN */
    return 0;
  if (value >= 1e12)
    return (gint64) 1e18;
  return (gint64) llround (value * 1e6);
}
