/* SPDX-License-Identifier: MIT
 *
 * rates: how far an observed rate can be trusted. A proportion seen in a
 * sample (active prospects out of the prospects reached) with its 90 %
 * confidence interval by Wilson's score method, and the ratios of the
 * funnel (contacts per prospect, proposals per deal, active prospects per
 * proposal) as the reciprocals of such proportions.
 *
 * Pure, GLib only: counts in, doubles out. The interval is the set of
 * proportions p for which the observed one is not "significantly"
 * different at the 10 % level (two-sided), i.e. the two roots of
 *
 *   (k/n - p)^2 = z^2 p (1 - p) / n,   z = 1.6448536269514722 (the normal
 *                                      distribution's 95th percentile)
 *
 * which, unlike the textbook k/n +- z sqrt(p(1-p)/n), never leaves [0, 1]
 * and does not collapse to a point at 0/n or n/n: the method's small
 * samples (a 6 % accessibility rate seen in a few dozen prospects) are
 * exactly where that matters.
 */
#pragma once

#include <glib.h>

/* The normal quantile of a two-sided 90 % interval: Phi^-1(0.95). */
#define PD_RATES_Z90 1.6448536269514722

/* Below this many trials a rate is too uncertain to replace the method's
 * default (calibrate keeps the default and says so). */
#define PD_RATES_MIN_TRUSTED 30

/* A proportion `successes` / `trials` and its interval. */
typedef struct {
  gint64 successes;
  gint64 trials;      /* n */
  gboolean valid;     /* trials > 0 and 0 <= successes <= trials */
  double estimate;    /* successes / trials; 0 when not valid */
  double lower;       /* Wilson's lower bound, in [0, estimate]; 0 when not valid */
  double upper;       /* Wilson's upper bound, in [estimate, 1]; 1 when not valid */
} PdProportion;

/* The proportion `successes` out of `trials` with its Wilson score
 * interval at the normal quantile `z` (> 0; PD_RATES_Z90 for 90 %).
 * Exact at the edges: 0 / n has lower bound 0 and upper bound
 * z^2 / (n + z^2); n / n lower bound n / (n + z^2) and upper bound 1.
 * trials <= 0, or successes outside [0, trials], give an invalid
 * proportion: estimate 0, the interval [0, 1] (nothing is known). Never
 * fails; ret_proportion is always written. */
void pd_rates_wilson (gint64 successes, gint64 trials, double z, PdProportion *ret_proportion);

/* pd_rates_wilson() at 90 %. */
void pd_rates_proportion (gint64 successes, gint64 trials, PdProportion *ret_proportion);

/* Whether `trials` is too few to trust (fewer than PD_RATES_MIN_TRUSTED). */
gboolean pd_rates_too_small (gint64 trials);

/* A ratio of the funnel: `events` per `units` (contacts per prospect:
 * contacts per prospect reached; proposals per deal; active prospects per
 * proposal), read as the reciprocal of the proportion units / events
 * (each event a trial that yields a unit or not: a contact reaches a
 * prospect, a proposal becomes a deal, an active prospect takes a
 * proposal), so that its 90 % interval is [1 / upper, 1 / lower] of that
 * proportion's. `trials` is `events`. */
typedef struct {
  gint64 events;
  gint64 units;
  gboolean valid;         /* events > 0, 0 < units <= events */
  double estimate;        /* events / units; 0 when not valid */
  double lower;           /* 1 / the proportion's upper bound (>= 1) */
  double upper;           /* 1 / the proportion's lower bound; */
  gboolean has_upper;     /* FALSE when that lower bound is 0 (no upper end) */
} PdRatio;

/* The ratio `events` / `units` and its 90 % interval as above. Not valid
 * (estimate 0, lower 1, no upper end) when events <= 0, units <= 0 or
 * units > events: the reading as a proportion does not hold. Never fails;
 * ret_ratio is always written. */
void pd_rates_ratio (gint64 events, gint64 units, PdRatio *ret_ratio);

/* A value in [0, 1e12] as millionths, rounded to the nearest (half away
 * from zero): 0.0600004 -> 60000. Negative values and NaN give 0, larger
 * ones 1e18. */
gint64 pd_rates_millionths (double value);
