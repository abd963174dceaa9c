/* SPDX-License-Identifier: MIT
 *
 * Tests of calibrate (the next plan's rates from past outcomes).
 *
 * The proposals and funnels below were derived by hand with exact
 * fractions; the interval ends are the roots of the score equation found
 * by bisection in Python (as in tests/test-rates.c), z =
 * statistics.NormalDist ().inv_cdf (0.95).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "prospectd/calibrate.h"

/* The method's worked example (docs/method.md). */
static PdPlanInput
method_input (void)
{
  PdPlanInput input = {
    .objective_cents = 6000000,
    .average_deal_cents = 2000000,
    .proposals_per_deal = 3 * PD_MILLI,
    .compensation_factor = 4 * PD_MILLI,
    .spontaneous_prospects = 8,
    .accessibility_rate = 60000,
    .contacts_per_prospect = 4 * PD_MILLI,
    .minutes_per_contact = 2 * PD_MILLI,
    .rounding = PD_ROUNDING_UP,
  };
  return input;
}

static void
assert_close (double actual, double expected)
{
  if (fabs (actual - expected) > 1e-6)
    fail_msg ("%.10f is not %.10f", actual, expected);
}

static void
assert_funnel (const PdPlan *plan, gint64 active_after, gint64 prospects, gint64 contacts, gint64 minutes)
{
  assert_int_equal (plan->active_after_spontaneous, active_after);
  assert_int_equal (plan->prospects_to_contact, prospects);
  assert_int_equal (plan->contacts, contacts);
  assert_int_equal (plan->call_minutes, minutes);
}

/* Two campaigns:
 *   A: 28 active of 466 prospects; 1 864 contacts over 466 reached; 9
 *      proposals, 3 deals, 60 000 €; 36 active and 9 proposals in all;
 *      8 spontaneous prospects recorded.
 *   B: 20 of 300; 1 000 over 300; 7 proposals, 2 deals, 50 000 €; 30
 *      active and 7 proposals; spontaneous prospects not recorded.
 * Pooled:
 *   accessibility 48 / 766 = 6.2663 % -> 6.27 % (n 766, observed);
 *     interval [0.04974219, 0.07866269]
 *   contacts per prospect 2 864 / 766 = 3.7389 -> 3.74 (n 2 864);
 *     interval [3.55520806, 3.93580469]
 *   proposals per deal 16 / 5 = 3.2, n 16 < 30: the method's 3 kept;
 *     interval [1.93059952, 6.20094829]
 *   compensation factor 66 / 16 = 4.125 -> 4.13 (a half, rounded up; n
 *     66); interval [2.95672696, 5.99079597]
 *   average deal 110 000 € / 5 = 22 000 €, n 5 < 30: 20 000 € kept
 *   spontaneous 8 (one campaign recorded them)
 * Funnel (rounding up): 3 deals, 9 proposals, ceil (9 x 4.13 = 37.17) =
 * 38 active, 30 after spontaneous; 30 / 6.27 % = 478.47 -> 479
 * prospects; 479 x 3.74 = 1 791.46 -> 1 792 contacts; 3 584 minutes.
 * At 4.97 % (the low end, rounded to 0.01 %): 30 / 0.0497 = 603.6 -> 604,
 * x 3.74 = 2 258.96 -> 2 259, 4 518 min; at 7.87 %: 381.2 -> 382, 1 428.68
 * -> 1 429, 2 858 min. */
static void
test_pooled (void **state)
{
  PdCalibrationSample samples[2];
  PdPlanInput base = method_input ();
  g_autoptr (GError) error = NULL;
  PdCalibration c;

  (void) state;
  memset (samples, 0, sizeof samples);
  samples[0].observed = (PdRates) {
    .accessibility_active = 28, .accessibility_n = 466,
    .contacts_per_prospect_contacts = 1864, .contacts_per_prospect_n = 466,
    .proposals_per_deal_proposals = 9, .proposals_per_deal_n = 3,
    .average_deal_revenue_cents = 6000000, .average_deal_n = 3,
  };
  samples[0].totals = (PdTotals) { .active = 36, .proposals = 9 };
  samples[0].has_spontaneous = TRUE;
  samples[0].spontaneous = 8;
  samples[1].observed = (PdRates) {
    .accessibility_active = 20, .accessibility_n = 300,
    .contacts_per_prospect_contacts = 1000, .contacts_per_prospect_n = 300,
    .proposals_per_deal_proposals = 7, .proposals_per_deal_n = 2,
    .average_deal_revenue_cents = 5000000, .average_deal_n = 2,
  };
  samples[1].totals = (PdTotals) { .active = 30, .proposals = 7 };

  assert_true (pd_calibrate_compute (samples, 2, &base, &c, &error));
  assert_null (error);
  assert_int_equal (c.campaigns, 2);

  assert_int_equal (c.accessibility_rate.source, PD_CALIBRATED_OBSERVED);
  assert_int_equal (c.accessibility_rate.numerator, 48);
  assert_int_equal (c.accessibility_rate.denominator, 766);
  assert_int_equal (c.accessibility_rate.n, 766);
  assert_close (c.accessibility_rate.observed, 48.0 / 766.0);
  assert_true (c.accessibility_rate.has_interval);
  assert_close (c.accessibility_rate.lower, 0.04974219);
  assert_close (c.accessibility_rate.upper, 0.07866269);
  assert_int_equal (c.accessibility_rate.proposed, 62700);
  assert_int_equal (c.accessibility_rate.fallback, 60000);

  assert_int_equal (c.contacts_per_prospect.source, PD_CALIBRATED_OBSERVED);
  assert_int_equal (c.contacts_per_prospect.n, 2864);
  assert_close (c.contacts_per_prospect.lower, 3.55520806);
  assert_close (c.contacts_per_prospect.upper, 3.93580469);
  assert_int_equal (c.contacts_per_prospect.proposed, 3740000);

  assert_int_equal (c.proposals_per_deal.source, PD_CALIBRATED_TOO_SMALL);
  assert_int_equal (c.proposals_per_deal.n, 16);
  assert_close (c.proposals_per_deal.observed, 3.2);
  assert_close (c.proposals_per_deal.lower, 1.93059952);
  assert_close (c.proposals_per_deal.upper, 6.20094829);
  assert_int_equal (c.proposals_per_deal.proposed, 3000000);

  assert_int_equal (c.compensation_factor.source, PD_CALIBRATED_OBSERVED);
  assert_int_equal (c.compensation_factor.n, 66);
  assert_close (c.compensation_factor.lower, 2.95672696);
  assert_close (c.compensation_factor.upper, 5.99079597);
  assert_int_equal (c.compensation_factor.proposed, 4130000);

  assert_int_equal (c.average_deal.source, PD_CALIBRATED_TOO_SMALL);
  assert_int_equal (c.average_deal.n, 5);
  assert_close (c.average_deal.observed, 2200000.0);
  assert_false (c.average_deal.has_interval);
  assert_int_equal (c.average_deal.proposed, 2000000);

  assert_int_equal (c.spontaneous_prospects.source, PD_CALIBRATED_OBSERVED);
  assert_int_equal (c.spontaneous_prospects.n, 1);
  assert_int_equal (c.spontaneous_prospects.proposed, 8);

  assert_int_equal (c.proposed.objective_cents, 6000000);
  assert_int_equal (c.proposed.accessibility_rate, 62700);
  assert_int_equal (c.proposed.contacts_per_prospect, 3740000);
  assert_int_equal (c.proposed.compensation_factor, 4130000);
  assert_int_equal (c.effort.deals, 3);
  assert_int_equal (c.effort.proposals, 9);
  assert_int_equal (c.effort.active_prospects, 38);
  assert_funnel (&c.effort, 30, 479, 1792, 3584);
  assert_true (c.has_effort_low);
  assert_int_equal (c.rate_low, 49700);
  assert_funnel (&c.effort_low, 30, 604, 2259, 4518);
  assert_true (c.has_effort_high);
  assert_int_equal (c.rate_high, 78700);
  assert_funnel (&c.effort_high, 30, 382, 1429, 2858);
}

/* No history: every default, the method's funnel (467 / 1 868 / 3 736),
 * no interval. */
static void
test_nothing (void **state)
{
  PdPlanInput base = method_input ();
  g_autoptr (GError) error = NULL;
  PdCalibration c;

  (void) state;
  base.average_deal_cents = 1500000;
  base.spontaneous_prospects = 3;
  assert_true (pd_calibrate_compute (NULL, 0, &base, &c, &error));
  assert_int_equal (c.campaigns, 0);
  assert_int_equal (c.accessibility_rate.source, PD_CALIBRATED_NONE);
  assert_false (c.accessibility_rate.has_observed);
  assert_false (c.accessibility_rate.has_interval);
  assert_int_equal (c.accessibility_rate.n, 0);
  assert_int_equal (c.contacts_per_prospect.source, PD_CALIBRATED_NONE);
  assert_int_equal (c.proposals_per_deal.source, PD_CALIBRATED_NONE);
  assert_int_equal (c.compensation_factor.source, PD_CALIBRATED_NONE);
  assert_int_equal (c.average_deal.source, PD_CALIBRATED_NONE);
  assert_int_equal (c.spontaneous_prospects.source, PD_CALIBRATED_NONE);
  assert_int_equal (c.proposed.accessibility_rate, 60000);
  assert_int_equal (c.proposed.contacts_per_prospect, 4000000);
  assert_int_equal (c.proposed.proposals_per_deal, 3000000);
  assert_int_equal (c.proposed.compensation_factor, 4000000);
  /* The base's own figures for what the method leaves to each company. */
  assert_int_equal (c.proposed.average_deal_cents, 1500000);
  assert_int_equal (c.proposed.spontaneous_prospects, 3);
  /* 4 deals, 12 proposals, 48 active, 45; 45 / 6 % = 750, 3 000, 6 000. */
  assert_funnel (&c.effort, 45, 750, 3000, 6000);
  assert_false (c.has_effort_low);
  assert_false (c.has_effort_high);
}

/* A small sample: 2 active of 20 prospects (10 %, n 20 < 30) keeps the
 * method's 6 %, still with its interval (bisection: 0.03366322,
 * 0.26166305), whose ends, as 3.37 % and 26.17 %, give the effort: 28 /
 * 0.0337 = 830.9 -> 831 prospects, 3 324 contacts, 6 648 min; 28 /
 * 0.2617 = 106.99 -> 107, 428, 856. */
static void
test_too_small (void **state)
{
  PdCalibrationSample sample = { 0 };
  PdPlanInput base = method_input ();
  g_autoptr (GError) error = NULL;
  PdCalibration c;

  (void) state;
  sample.observed.accessibility_active = 2;
  sample.observed.accessibility_n = 20;
  assert_true (pd_calibrate_compute (&sample, 1, &base, &c, &error));
  assert_int_equal (c.accessibility_rate.source, PD_CALIBRATED_TOO_SMALL);
  assert_close (c.accessibility_rate.observed, 0.1);
  assert_close (c.accessibility_rate.lower, 0.03366322);
  assert_close (c.accessibility_rate.upper, 0.26166305);
  assert_int_equal (c.accessibility_rate.proposed, 60000);
  assert_funnel (&c.effort, 28, 467, 1868, 3736);
  assert_int_equal (c.rate_low, 33700);
  assert_funnel (&c.effort_low, 28, 831, 3324, 6648);
  assert_int_equal (c.rate_high, 261700);
  assert_funnel (&c.effort_high, 28, 107, 428, 856);

  /* 29 is still too few, 30 is enough: 3 / 30 = 10 %. */
  sample.observed.accessibility_active = 3;
  sample.observed.accessibility_n = 29;
  assert_true (pd_calibrate_compute (&sample, 1, &base, &c, &error));
  assert_int_equal (c.accessibility_rate.source, PD_CALIBRATED_TOO_SMALL);
  sample.observed.accessibility_n = 30;
  assert_true (pd_calibrate_compute (&sample, 1, &base, &c, &error));
  assert_int_equal (c.accessibility_rate.source, PD_CALIBRATED_OBSERVED);
  assert_int_equal (c.accessibility_rate.proposed, 100000);
}

/* No active prospect in 100: 0 % cannot drive a funnel, the proposal is
 * the smallest a file writes (0.01 %); the interval's low end is 0 (no
 * effort there), its high end z^2 / (100 + z^2) = 0.026342 -> 2.63 %. */
static void
test_zero_active (void **state)
{
  PdCalibrationSample sample = { 0 };
  PdPlanInput base = method_input ();
  g_autoptr (GError) error = NULL;
  PdCalibration c;

  (void) state;
  sample.observed.accessibility_active = 0;
  sample.observed.accessibility_n = 100;
  assert_true (pd_calibrate_compute (&sample, 1, &base, &c, &error));
  assert_int_equal (c.accessibility_rate.source, PD_CALIBRATED_OBSERVED);
  assert_int_equal (c.accessibility_rate.proposed, 100);
  assert_true (c.accessibility_rate.lower == 0.0);
  assert_close (c.accessibility_rate.upper, 0.02634272);
  assert_false (c.has_effort_low);
  assert_true (c.has_effort_high);
  assert_int_equal (c.rate_high, 26300);
  /* 28 / 0.01 % = 280 000 prospects; 28 / 2.63 % = 1 064.6 -> 1 065. */
  assert_funnel (&c.effort, 28, 280000, 1120000, 2240000);
  assert_funnel (&c.effort_high, 28, 1065, 4260, 8520);
}

/* More units than events (proposals beyond the active prospects logged):
 * not a proportion, no interval; the factor observed (0.5) with n 10 is
 * too small anyway. An average deal of 12 345.50 EUR over 30 deals rounds
 * (half up) to 12 346; over 3 deals it is too few and the base's kept. */
static void
test_ratio_edges (void **state)
{
  PdCalibrationSample sample = { 0 };
  PdPlanInput base = method_input ();
  g_autoptr (GError) error = NULL;
  PdCalibration c;

  (void) state;
  sample.totals.active = 10;
  sample.totals.proposals = 20;
  sample.observed.average_deal_revenue_cents = 3 * 1234550;
  sample.observed.average_deal_n = 3;
  assert_true (pd_calibrate_compute (&sample, 1, &base, &c, &error));
  assert_true (c.compensation_factor.has_observed);
  assert_close (c.compensation_factor.observed, 0.5);
  assert_false (c.compensation_factor.has_interval);
  assert_int_equal (c.compensation_factor.source, PD_CALIBRATED_TOO_SMALL);
  assert_int_equal (c.compensation_factor.proposed, 4000000);
  assert_int_equal (c.average_deal.source, PD_CALIBRATED_TOO_SMALL);
  assert_close (c.average_deal.observed, 1234550.0);
  assert_int_equal (c.average_deal.proposed, 2000000);

  sample.observed.average_deal_revenue_cents = 30 * 1234550;
  sample.observed.average_deal_n = 30;
  assert_true (pd_calibrate_compute (&sample, 1, &base, &c, &error));
  assert_int_equal (c.average_deal.source, PD_CALIBRATED_OBSERVED);
  assert_int_equal (c.average_deal.proposed, 1234600);
}

/* Calls per prospect reached, pooled over two campaigns that record them
 * (a third does not): 1, 1, 2, 3, 13, 14 and 20 calls, then 2 and 5: nine
 * prospects; sorted 1 1 2 2 3 5 13 14 20, the median the fifth, 3; the
 * mean 61 / 9 = 6.7778; 1 call: 2, 2: 2, 3: 1, 5: 1, 13: 1, beyond: 2;
 * 4 + 1 still unreached. An even count: 1, 2, 4, 9 -> median (2 + 4) / 2. */
static void
test_distribution (void **state)
{
  PdCalibrationSample samples[3];
  const gint64 first[] = { 1, 1, 2, 3, 13, 14, 20 }, second[] = { 2, 5 }, even[] = { 9, 1, 4, 2 };
  g_autoptr (GArray) a = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) b = g_array_new (FALSE, FALSE, sizeof (gint64));
  PdPlanInput base = method_input ();
  g_autoptr (GError) error = NULL;
  PdCalibration c;

  (void) state;
  memset (samples, 0, sizeof samples);
  g_array_append_vals (a, first, G_N_ELEMENTS (first));
  g_array_append_vals (b, second, G_N_ELEMENTS (second));
  samples[0].calls_to_reach = a;
  samples[0].unreached = 4;
  samples[2].calls_to_reach = b;
  samples[2].unreached = 1;
  assert_true (pd_calibrate_compute (samples, 3, &base, &c, &error));
  assert_true (c.has_distribution);
  assert_int_equal (c.distribution.reached, 9);
  assert_int_equal (c.distribution.unreached, 5);
  assert_close (c.distribution.mean, 61.0 / 9.0);
  assert_close (c.distribution.median, 3.0);
  const gint64 expected[PD_CALIBRATE_MAX_CONTACTS + 1] = { 2, 2, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2 };
  for (guint k = 0; k <= PD_CALIBRATE_MAX_CONTACTS; k++)
    assert_int_equal (c.distribution.by_calls[k], expected[k]);

  g_array_set_size (a, 0);
  g_array_append_vals (a, even, G_N_ELEMENTS (even));
  assert_true (pd_calibrate_compute (samples, 1, &base, &c, &error));
  assert_int_equal (c.distribution.reached, 4);
  assert_close (c.distribution.median, 3.0);
  assert_close (c.distribution.mean, 4.0);

  /* Calls recorded, none reached yet: a distribution of 0. */
  g_array_set_size (a, 0);
  assert_true (pd_calibrate_compute (samples, 1, &base, &c, &error));
  assert_true (c.has_distribution);
  assert_int_equal (c.distribution.reached, 0);
  assert_int_equal (c.distribution.unreached, 4);

  /* No sample records calls per prospect: none. */
  assert_true (pd_calibrate_compute (&samples[1], 1, &base, &c, &error));
  assert_false (c.has_distribution);
}

static PdProspect *
prospect (gint64 id, gboolean spontaneous)
{
  PdProspect *p = pd_prospect_new ();

  p->id = id;
  p->spontaneous = spontaneous;
  return p;
}

static void
call (GPtrArray *calls, gint64 prospect_id, PdCallOutcome outcome)
{
  PdCall *c = pd_call_new ();

  c->prospect = prospect_id;
  c->outcome = outcome;
  g_ptr_array_add (calls, c);
}

/* The calls of a prospect file, in the order made: prospect 1 reached at
 * its 3rd call (no answer twice, then arid), 2 at its 1st (active, then a
 * proposal that does not count again), 3 called twice without an answer,
 * 4 (spontaneous: it came on its own) called once, 5 never called, an
 * erased prospect's call (0), 6 reached at its 2nd (latent). Reached, in
 * the order of the calls that reached them: 2 at its 1st call, 1 at its
 * 3rd, 6 at its 2nd; unreached: 3 (one prospect); spontaneous: 4 and 7. */
static void
test_calls_to_reach (void **state)
{
  g_autoptr (GPtrArray) prospects = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  g_autoptr (GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_call_free);
  g_autoptr (GArray) reached = NULL;
  PdCalibrationSample sample = { 0 };
  const gint64 expected[] = { 1, 3, 2 };

  (void) state;
  for (gint64 id = 1; id <= 7; id++)
    g_ptr_array_add (prospects, prospect (id, id == 4 || id == 7));
  call (calls, 1, PD_OUTCOME_NO_ANSWER);
  call (calls, 2, PD_OUTCOME_ACTIVE);
  call (calls, 3, PD_OUTCOME_NO_ANSWER);
  call (calls, 1, PD_OUTCOME_NO_ANSWER);
  call (calls, 4, PD_OUTCOME_PROPOSAL);
  call (calls, 6, PD_OUTCOME_NO_ANSWER);
  call (calls, 0, PD_OUTCOME_ARID);
  call (calls, 1, PD_OUTCOME_ARID);
  call (calls, 2, PD_OUTCOME_PROPOSAL);
  call (calls, 3, PD_OUTCOME_NO_ANSWER);
  call (calls, 6, PD_OUTCOME_LATENT);
  call (calls, 1, PD_OUTCOME_NO_ANSWER);

  reached = pd_calibrate_calls_to_reach (prospects, calls, &sample);
  assert_int_equal (reached->len, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    assert_int_equal (g_array_index (reached, gint64, i), expected[i]);
  assert_int_equal (sample.unreached, 1);
  assert_true (sample.has_spontaneous);
  assert_int_equal (sample.spontaneous, 2);

  /* No prospect at all: nothing recorded. */
  {
    g_autoptr (GPtrArray) none = g_ptr_array_new ();
    g_autoptr (GArray) empty = pd_calibrate_calls_to_reach (none, NULL, &sample);

    assert_int_equal (empty->len, 0);
    assert_false (sample.has_spontaneous);
    assert_int_equal (sample.spontaneous, 0);
    assert_int_equal (sample.unreached, 0);
  }
}

static void
test_overflow (void **state)
{
  PdCalibrationSample sample = { 0 };
  PdPlanInput base = method_input ();
  g_autoptr (GError) error = NULL;
  PdCalibration c;

  (void) state;
  base.objective_cents = G_GINT64_CONSTANT (100000000000000000);
  base.average_deal_cents = 1;
  sample.observed.accessibility_n = 1000;
  assert_false (pd_calibrate_compute (&sample, 1, &base, &c, &error));
  assert_true (g_error_matches (error, PD_CALIBRATE_ERROR, PD_CALIBRATE_ERROR_OVERFLOW));
}

static void
test_source_names (void **state)
{
  (void) state;
  assert_string_equal (pd_calibrated_source_name (PD_CALIBRATED_OBSERVED), "observed");
  assert_string_equal (pd_calibrated_source_name (PD_CALIBRATED_TOO_SMALL), "too_small");
  assert_string_equal (pd_calibrated_source_name (PD_CALIBRATED_NONE), "none");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_pooled),
    cmocka_unit_test (test_nothing),
    cmocka_unit_test (test_too_small),
    cmocka_unit_test (test_zero_active),
    cmocka_unit_test (test_ratio_edges),
    cmocka_unit_test (test_distribution),
    cmocka_unit_test (test_calls_to_reach),
    cmocka_unit_test (test_overflow),
    cmocka_unit_test (test_source_names),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
