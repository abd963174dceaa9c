/* SPDX-License-Identifier: MIT
 *
 * calibrate: the next campaign's [plan] rates from the outcomes of past
 * (or running) campaigns, each with how far it can be trusted.
 *
 * Pure: what each campaign observed comes in (the sums behind its
 * observed rates, PdRates, and its totals), pooled as counts — a campaign
 * that reached more prospects weighs more — and a proposal comes out:
 *
 *   accessibility rate     active / prospects reached, its 90 % Wilson
 *                          interval; n: the prospects reached
 *   contacts per prospect  contacts / prospects reached; n: the contacts
 *   proposals per deal     proposals / deals; n: the proposals
 *   compensation factor    active prospects / proposals; n: the active
 *   average deal           revenue / deals; n: the deals (no interval)
 *   spontaneous prospects  the mean per campaign, when recorded
 *
 * and, where calls are recorded per prospect, the distribution of the
 * calls it took to reach each prospect (1 to 13, beyond), its mean and
 * median: contacts per prospect itself stays contacts / prospects
 * reached, which counts the calls to prospects never reached too (the
 * plan pays for them).
 *
 * (the ratios' intervals as in rates.h). A rate observed over fewer than
 * PD_RATES_MIN_TRUSTED (30) is too uncertain: the proposal keeps the
 * method's default (6 %, 4 contacts per prospect, 3 proposals per deal, a
 * factor of 4), or for the average deal and spontaneous prospects, which
 * the method leaves to each company, the base plan's. A proposal is
 * rounded to what a campaign file writes plainly: rates to 0.01 %,
 * factors to 0.01, the average deal to a whole unit of the currency.
 *
 * The effort — the funnel of the base plan (its objective, minutes per
 * contact, rounding) at the proposed rates — is computed at the proposal
 * and at each end of the accessibility rate's interval, the others as
 * proposed.
 */
#pragma once

#include <glib.h>
#include "prospectd/campaign.h"
#include "prospectd/plan.h"
#include "prospectd/progress.h"
#include "prospectd/activity.h"
#include "prospectd/prospect.h"

#define PD_CALIBRATE_ERROR (pd_calibrate_error_quark ())
GQuark pd_calibrate_error_quark (void);

typedef enum {
  PD_CALIBRATE_ERROR_OVERFLOW, /* the funnel at a proposed rate does not fit in 64 bits */
} PdCalibrateError;

/* The method's defaults, kept when history is too thin. */
#define PD_CALIBRATE_DEFAULT_ACCESSIBILITY_RATE 60000       /* 6 % */
#define PD_CALIBRATE_DEFAULT_CONTACTS_PER_PROSPECT 4000000  /* 4 */
#define PD_CALIBRATE_DEFAULT_PROPOSALS_PER_DEAL 3000000     /* 3 */
#define PD_CALIBRATE_DEFAULT_COMPENSATION_FACTOR 4000000    /* 4 */

/* The distribution of contacts per prospect reached counts 1 to this
 * many calls one by one (the method's 1-13), and beyond in one. */
#define PD_CALIBRATE_MAX_CONTACTS 13

/* What one campaign observed. */
typedef struct {
  PdRates observed;           /* its observed rates and the sums behind them (progress.h) */
  PdTotals totals;            /* its logged totals (active, proposals: the compensation factor) */
  gboolean has_spontaneous;   /* spontaneous prospects are recorded for it */
  gint64 spontaneous;         /* how many came */
  /* Calls recorded per prospect (NULL: none): for each prospect reached,
   * the calls it took, the one that reached it included (gint64, >= 1);
   * and how many prospects were called without being reached yet. */
  const GArray *calls_to_reach;
  gint64 unreached;
} PdCalibrationSample;

/* Contacts per prospect reached, from the calls recorded per prospect. */
typedef struct {
  gint64 reached;        /* prospects reached: the n */
  gint64 unreached;      /* called, not reached yet */
  double mean;           /* calls per prospect reached */
  double median;         /* the middle one (the mean of the two middle ones) */
  /* by_calls[k - 1]: prospects reached at their k-th call, k = 1 to
   * PD_CALIBRATE_MAX_CONTACTS; by_calls[PD_CALIBRATE_MAX_CONTACTS]: beyond. */
  gint64 by_calls[PD_CALIBRATE_MAX_CONTACTS + 1];
} PdContactsDistribution;

typedef enum {
  PD_CALIBRATED_OBSERVED,  /* proposed = observed, rounded */
  PD_CALIBRATED_TOO_SMALL, /* observed over fewer than 30: the default kept */
  PD_CALIBRATED_NONE,      /* nothing observed: the default kept */
} PdCalibratedSource;

/* One calibrated figure. Values are in the plan's units: millionths for
 * rates and factors, cents for the average deal, whole prospects for
 * spontaneous ones. */
typedef struct {
  PdCalibratedSource source;
  gint64 n;                /* the sample behind it (see above) */
  gint64 numerator;        /* the counts it divides: active / prospects, */
  gint64 denominator;      /* contacts / prospects, proposals / deals, ... */
  gboolean has_observed;   /* numerator / denominator means something */
  double observed;         /* that ratio (a proportion for the rate; cents for the deal) */
  gboolean has_interval;   /* a 90 % interval (not for the average deal or spontaneous) */
  double lower;
  gboolean has_upper;      /* FALSE: no upper end (a ratio over a proportion of 0) */
  double upper;
  gint64 proposed;         /* what the next plan should say */
  gint64 fallback;         /* the default it keeps when not observed or too small */
} PdCalibratedRate;

typedef struct {
  guint campaigns;                 /* samples pooled */
  PdCalibratedRate accessibility_rate;
  PdCalibratedRate contacts_per_prospect;
  PdCalibratedRate proposals_per_deal;
  PdCalibratedRate compensation_factor;
  PdCalibratedRate average_deal;
  PdCalibratedRate spontaneous_prospects;
  gboolean has_distribution;       /* some sample recorded calls per prospect */
  PdContactsDistribution distribution;
  PdPlanInput proposed;            /* the base plan with every proposal in */
  PdPlan effort;                   /* its funnel */
  /* The funnel at each end of the accessibility rate's interval (rounded
   * to 0.01 %): the low end asks more. has_*: FALSE when there is no
   * interval, or when that end rounds to 0 %. */
  gboolean has_effort_low;
  gint64 rate_low;                 /* millionths */
  PdPlan effort_low;
  gboolean has_effort_high;
  gint64 rate_high;
  PdPlan effort_high;
} PdCalibration;

/* What the prospect file of one campaign tells: `prospects` (PdProspect*,
 * any order) and the calls made to them, `calls` (PdCall*, in the order
 * they were made: by date, then id). Writes to ret_sample: has_spontaneous
 * (TRUE when there is any prospect: the file is kept) and spontaneous (the
 * prospects marked so); unreached (prospects called, none of whose calls
 * reached them); and returns, for each other prospect reached, the calls
 * it took, up to and including the first whose outcome reached someone
 * (a new GArray of gint64, by the date of that call; the caller sets
 * ret_sample->calls_to_reach to it and keeps it as long). Spontaneous
 * prospects came on their own: their calls are not prospecting; calls of
 * an erased prospect (0) are left out. */
GArray *pd_calibrate_calls_to_reach (const GPtrArray *prospects, const GPtrArray *calls,
                                     PdCalibrationSample *ret_sample);

/* Pools `n_samples` samples and proposes the next plan from `base` (its
 * objective, minutes per contact, rounding, and the fallbacks of the
 * average deal and spontaneous prospects). Writes ret_calibration only on
 * success; PD_CALIBRATE_ERROR_OVERFLOW when a funnel does not fit. */
gboolean pd_calibrate_compute (const PdCalibrationSample *samples,
                               guint n_samples,
                               const PdPlanInput *base,
                               PdCalibration *ret_calibration,
                               GError **error);

/* "observed", "too_small", "none": the stable names used in JSON. */
const char *pd_calibrated_source_name (PdCalibratedSource source);
