/* SPDX-License-Identifier: MIT
 *
 * Tests of rates (Wilson score intervals at 90 %).
 *
 * The expected bounds were not computed with the formula of src/rates.c.
 * They are the two roots in p of the score test's equation
 *
 *   (k/n - p)^2 n = z^2 p (1 - p)
 *
 * found by bisection (200 halvings of [0, k/n] and [k/n, 1]) in Python,
 * with z = statistics.NormalDist ().inv_cdf (0.95):
 *
 *   from statistics import NormalDist
 *   z = NormalDist ().inv_cdf (0.95)
 *   def root (k, n, lo, hi):
 *       f = lambda p: (k/n - p)**2 * n - z*z * p * (1 - p)
 *       for _ in range (200):
 *           m = (lo + hi) / 2
 *           if (f (lo) > 0) == (f (m) > 0): lo = m
 *           else: hi = m
 *       return (lo + hi) / 2
 *
 * and the edges by hand: at k = 0 the equation is p (n + z^2) = z^2 (one
 * root 0, the other z^2 / (n + z^2)); at k = n, by symmetry, n / (n + z^2)
 * and 1. z^2 = 2.705543454095404, so 0/10 gives 2.70554 / 12.70554 =
 * 0.212942 and 10/10 gives 10 / 12.70554 = 0.787058. Each is checked to
 * 1e-6, beyond the 4 decimals the reports print.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "prospectd/rates.h"

#define TOLERANCE 1e-6

static void
assert_close (double actual, double expected)
{
  if (fabs (actual - expected) > TOLERANCE)
    fail_msg ("%.10f is not %.10f (to %g)", actual, expected, TOLERANCE);
}

static void
assert_interval (gint64 k, gint64 n, double lower, double upper)
{
  PdProportion proportion;

  pd_rates_proportion (k, n, &proportion);
  assert_true (proportion.valid);
  assert_int_equal (proportion.successes, k);
  assert_int_equal (proportion.trials, n);
  assert_close (proportion.estimate, (double) k / (double) n);
  assert_close (proportion.lower, lower);
  assert_close (proportion.upper, upper);
  assert_true (proportion.lower <= proportion.estimate);
  assert_true (proportion.estimate <= proportion.upper);
}

static void
test_z90 (void **state)
{
  (void) state;
  /* Phi (1.6448536269514722) = 0.95: erfc (-z / sqrt 2) / 2. */
  assert_close (0.5 * erfc (-PD_RATES_Z90 / sqrt (2.0)), 0.95);
  assert_true (fabs (0.5 * erfc (-PD_RATES_Z90 / sqrt (2.0)) - 0.95) < 1e-15);
}

static void
test_interior (void **state)
{
  (void) state;
  assert_interval (28, 466, 0.04439208, 0.08085829);  /* the method's 6 % of 466 */
  assert_interval (36, 600, 0.04594142, 0.07800889);
  assert_interval (1, 10, 0.02263491, 0.34771867);
  assert_interval (3, 50, 0.02423126, 0.14094195);
  assert_interval (5, 29, 0.08653716, 0.31419855);
  assert_interval (9, 30, 0.18370723, 0.44938250);
  assert_interval (1, 2, 0.12086632, 0.87913368);
  assert_interval (500, 1000, 0.47402769, 0.52597231);
  assert_interval (1, 1000000, 0.00000022, 0.00000448);
}

static void
test_edges (void **state)
{
  PdProportion proportion;

  (void) state;
  /* 0 / n: the lower bound is exactly 0, not a rounding residue. */
  pd_rates_proportion (0, 10, &proportion);
  assert_true (proportion.valid);
  assert_true (proportion.lower == 0.0);
  assert_true (proportion.estimate == 0.0);
  assert_close (proportion.upper, 0.21294197);
  pd_rates_proportion (0, 1, &proportion);
  assert_true (proportion.lower == 0.0);
  assert_close (proportion.upper, 0.73013405);

  /* n / n: the upper bound is exactly 1. */
  pd_rates_proportion (10, 10, &proportion);
  assert_true (proportion.valid);
  assert_true (proportion.upper == 1.0);
  assert_true (proportion.estimate == 1.0);
  assert_close (proportion.lower, 0.78705803);
  pd_rates_proportion (1, 1, &proportion);
  assert_true (proportion.upper == 1.0);
  assert_close (proportion.lower, 0.26986595);
}

static void
test_invalid (void **state)
{
  const gint64 cases[][2] = { { 0, 0 }, { 3, 0 }, { 0, -1 }, { -1, 10 }, { 11, 10 } };
  PdProportion proportion;

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      pd_rates_proportion (cases[i][0], cases[i][1], &proportion);
      assert_false (proportion.valid);
      assert_int_equal (proportion.successes, cases[i][0]);
      assert_int_equal (proportion.trials, cases[i][1]);
      assert_true (proportion.estimate == 0.0);
      assert_true (proportion.lower == 0.0);
      assert_true (proportion.upper == 1.0);
    }
}

/* A wider interval at a higher level: z = 1.959963984540054 (95 %,
 * NormalDist ().inv_cdf (0.975)), from
 * the same bisection: 28/466 -> [0.04189534, 0.08546987]. */
static void
test_other_level (void **state)
{
  PdProportion proportion;

  (void) state;
  pd_rates_wilson (28, 466, 1.959963984540054, &proportion);
  assert_close (proportion.lower, 0.04189534);
  assert_close (proportion.upper, 0.08546987);
}

static void
test_too_small (void **state)
{
  (void) state;
  assert_true (pd_rates_too_small (0));
  assert_true (pd_rates_too_small (29));
  assert_false (pd_rates_too_small (30));
  assert_false (pd_rates_too_small (466));
}

/* Ratios: the reciprocal of units / events's interval (same bisection). */
static void
test_ratio (void **state)
{
  PdRatio ratio;

  (void) state;
  pd_rates_ratio (1864, 466, &ratio); /* 4 contacts per prospect */
  assert_true (ratio.valid);
  assert_int_equal (ratio.events, 1864);
  assert_int_equal (ratio.units, 466);
  assert_close (ratio.estimate, 4.0);
  assert_close (ratio.lower, 3.74740451);
  assert_true (ratio.has_upper);
  assert_close (ratio.upper, 4.27581904);

  pd_rates_ratio (9, 3, &ratio); /* 3 proposals per deal */
  assert_close (ratio.estimate, 3.0);
  assert_close (ratio.lower, 1.66184656);
  assert_close (ratio.upper, 7.04369689);

  pd_rates_ratio (36, 9, &ratio); /* 4 active prospects per proposal */
  assert_close (ratio.lower, 2.60902932);
  assert_close (ratio.upper, 6.59343444);

  /* Every event a unit: the ratio is 1 and cannot be lower. */
  pd_rates_ratio (100, 100, &ratio);
  assert_true (ratio.valid);
  assert_true (ratio.lower == 1.0);
  assert_close (ratio.upper, 1.02705543);
}

static void
test_ratio_invalid (void **state)
{
  const gint64 cases[][2] = { { 0, 0 }, { 10, 0 }, { 0, 3 }, { 3, 4 }, { -5, -1 } };
  PdRatio ratio;

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      pd_rates_ratio (cases[i][0], cases[i][1], &ratio);
      assert_false (ratio.valid);
      assert_true (ratio.estimate == 0.0);
      assert_true (ratio.lower == 1.0);
      assert_false (ratio.has_upper);
    }
}

static void
test_millionths (void **state)
{
  (void) state;
  assert_int_equal (pd_rates_millionths (0.06), 60000);
  assert_int_equal (pd_rates_millionths (0.0600004), 60000);
  assert_int_equal (pd_rates_millionths (0.06000051), 60001);
  assert_int_equal (pd_rates_millionths (0.04439208), 44392);
  assert_int_equal (pd_rates_millionths (4.27581904), 4275819);
  assert_int_equal (pd_rates_millionths (0.0), 0);
  assert_int_equal (pd_rates_millionths (-1.0), 0);
  assert_int_equal (pd_rates_millionths (NAN), 0);
  assert_int_equal (pd_rates_millionths (1e13), (gint64) 1e18);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_z90),
    cmocka_unit_test (test_interior),
    cmocka_unit_test (test_edges),
    cmocka_unit_test (test_invalid),
    cmocka_unit_test (test_other_level),
    cmocka_unit_test (test_too_small),
    cmocka_unit_test (test_ratio),
    cmocka_unit_test (test_ratio_invalid),
    cmocka_unit_test (test_millionths),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
