/* SPDX-License-Identifier: MIT
 *
 * Tests of plan (the funnel).
 *
 * Every expected number below was computed by hand with exact rational
 * arithmetic, step by step, as docs/method.md's table does; none was copied from
 * the program's output.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "prospectd/plan.h"

/* The method's worked example (docs/method.md). */
static PdPlanInput
example_input (PdRounding rounding)
{
  PdPlanInput input = {
    .objective_cents = 6000000,            /* 60 000 € */
    .average_deal_cents = 2000000,         /* 20 000 € */
    .proposals_per_deal = 3 * PD_MILLI,
    .compensation_factor = 4 * PD_MILLI,
    .spontaneous_prospects = 8,
    .accessibility_rate = 60000,           /* 6 % */
    .contacts_per_prospect = 4 * PD_MILLI,
    .minutes_per_contact = 2 * PD_MILLI,
    .rounding = rounding,
  };
  return input;
}

static PdPlan
compute_ok (const PdPlanInput *input)
{
  g_autoptr (GError) error = NULL;
  PdPlan plan;

  memset (&plan, 0xa5, sizeof plan);
  assert_true (pd_plan_compute (input, &plan, &error));
  assert_null (error);
  return plan;
}

static void
assert_plan (const PdPlan *plan, gint64 deals, gint64 proposals, gint64 active, gint64 after,
             gint64 prospects, gint64 contacts, gint64 minutes)
{
  assert_int_equal (plan->deals, deals);
  assert_int_equal (plan->proposals, proposals);
  assert_int_equal (plan->active_prospects, active);
  assert_int_equal (plan->active_after_spontaneous, after);
  assert_int_equal (plan->prospects_to_contact, prospects);
  assert_int_equal (plan->contacts, contacts);
  assert_int_equal (plan->call_minutes, minutes);
}

/* ------------------------------------------------------------ the funnel */

/* docs/method.md's table, every step: 60 000 ÷ 20 000 = 3 deals; × 3 = 9
 * proposals; × 4 = 36 active; − 8 = 28; 28 ÷ 0.06 = 466.67 → 466;
 * × 4 = 1 864 contacts; × 2 = 3 728 minutes. */
static void
test_example_rounding_down (void **state)
{
  (void) state;
  PdPlanInput input = example_input (PD_ROUNDING_DOWN);
  PdPlan plan = compute_ok (&input);

  assert_plan (&plan, 3, 9, 36, 28, 466, 1864, 3728);
}

/* The default: 466.67 → 467 prospects, 467 × 4 = 1 868, × 2 = 3 736. */
static void
test_example_rounding_up (void **state)
{
  (void) state;
  PdPlanInput input = example_input (PD_ROUNDING_UP);
  PdPlan plan = compute_ok (&input);

  assert_plan (&plan, 3, 9, 36, 28, 467, 1868, 3736);
}

/* 70 000 ÷ 20 000 = 3.5 deals: 4 up, 3 down; each later step starts from
 * the rounded count. */
static void
test_deal_rounding (void **state)
{
  (void) state;
  PdPlanInput input = example_input (PD_ROUNDING_UP);
  PdPlan plan;

  input.objective_cents = 7000000;
  plan = compute_ok (&input);
  /* 4 × 3 = 12; × 4 = 48; − 8 = 40; 40 ÷ 0.06 = 666.67 → 667; × 4 = 2 668; × 2 = 5 336 */
  assert_plan (&plan, 4, 12, 48, 40, 667, 2668, 5336);

  input.rounding = PD_ROUNDING_DOWN;
  plan = compute_ok (&input);
  assert_plan (&plan, 3, 9, 36, 28, 466, 1864, 3728);

  /* An exact division is never rounded either way. */
  input.objective_cents = 6000000;
  input.rounding = PD_ROUNDING_UP;
  assert_int_equal (compute_ok (&input).deals, 3);
}

/* Factors refined from history (docs/method.md): 2.5 proposals per deal,
 * compensation 3.5, 4.5 %, 3.2 contacts per prospect, 2.5 minutes; with 5
 * spontaneous prospects so that every step has a remainder somewhere.
 *
 *   up:   3 × 2.5 = 7.5 → 8;  8 × 3.5 = 28;  28 − 5 = 23;
 *         23 ÷ 0.045 = 511.11 → 512;  512 × 3.2 = 1 638.4 → 1 639;
 *         1 639 × 2.5 = 4 097.5 → 4 098
 *   down: 7.5 → 7;  7 × 3.5 = 24.5 → 24;  24 − 5 = 19;
 *         19 ÷ 0.045 = 422.22 → 422;  422 × 3.2 = 1 350.4 → 1 350;
 *         1 350 × 2.5 = 3 375 */
static void
test_decimal_factors (void **state)
{
  (void) state;
  PdPlanInput input = example_input (PD_ROUNDING_UP);
  PdPlan plan;

  input.proposals_per_deal = 2500000;
  input.compensation_factor = 3500000;
  input.spontaneous_prospects = 5;
  input.accessibility_rate = 45000;
  input.contacts_per_prospect = 3200000;
  input.minutes_per_contact = 2500000;

  plan = compute_ok (&input);
  assert_plan (&plan, 3, 8, 28, 23, 512, 1639, 4098);

  input.rounding = PD_ROUNDING_DOWN;
  plan = compute_ok (&input);
  assert_plan (&plan, 3, 7, 24, 19, 422, 1350, 3375);
}

/* Binary floating point gets these wrong: 7 ÷ 0.07 is 99.99999999999999
 * and 57 ÷ 0.57 is 100.00000000000001 in doubles, so floor() and ceil()
 * would give 99 and 101 where the exact answer is 100; 100 × 0.57 is
 * 56.99999999999999. The funnel must give 100, 100 and 57. */
static void
test_no_float_artifacts (void **state)
{
  (void) state;
  volatile double seven = 7.0, seven_percent = 0.07, fifty_seven = 57.0, fifty_seven_percent = 0.57;
  PdPlanInput input = {
    .objective_cents = 2000000, .average_deal_cents = 2000000,  /* 1 deal */
    .proposals_per_deal = PD_MILLI, .compensation_factor = 7 * PD_MILLI,
    .spontaneous_prospects = 0, .accessibility_rate = 70000,   /* 7 active ÷ 7 % */
    .contacts_per_prospect = PD_MILLI, .minutes_per_contact = PD_MILLI,
    .rounding = PD_ROUNDING_DOWN,
  };
  PdPlan plan;

  /* The trap is real on this machine. */
  assert_true (floor (seven / seven_percent) == 99.0);
  assert_true (ceil (fifty_seven / fifty_seven_percent) == 101.0);

  plan = compute_ok (&input);
  assert_plan (&plan, 1, 1, 7, 7, 100, 100, 100);

  /* 57 active ÷ 57 % rounded up. */
  input.compensation_factor = 57 * PD_MILLI;
  input.accessibility_rate = 570000;
  input.rounding = PD_ROUNDING_UP;
  plan = compute_ok (&input);
  assert_plan (&plan, 1, 1, 57, 57, 100, 100, 100);

  /* 100 contacts × 0.57 minutes rounded down. */
  input.minutes_per_contact = 570000;
  input.rounding = PD_ROUNDING_DOWN;
  plan = compute_ok (&input);
  assert_int_equal (plan.contacts, 100);
  assert_int_equal (plan.call_minutes, 57);

  /* 28 ÷ 6 % is 466.666…, not a rounded 466.67: up 467, down 466. */
  input = example_input (PD_ROUNDING_UP);
  assert_int_equal (compute_ok (&input).prospects_to_contact, 467);
}

/* Spontaneous prospects that cover the need: nothing to call, never a
 * negative count. */
static void
test_spontaneous_cover_everything (void **state)
{
  (void) state;
  PdPlanInput input = example_input (PD_ROUNDING_UP);
  PdPlan plan;

  input.spontaneous_prospects = 36;  /* == active */
  plan = compute_ok (&input);
  assert_plan (&plan, 3, 9, 36, 0, 0, 0, 0);

  input.spontaneous_prospects = 1000;
  plan = compute_ok (&input);
  assert_plan (&plan, 3, 9, 36, 0, 0, 0, 0);

  input.rounding = PD_ROUNDING_DOWN;
  plan = compute_ok (&input);
  assert_plan (&plan, 3, 9, 36, 0, 0, 0, 0);

  /* One short of covering: one active prospect still to find. */
  input.spontaneous_prospects = 35;
  input.rounding = PD_ROUNDING_UP;
  plan = compute_ok (&input);
  /* 1 ÷ 0.06 = 16.67 → 17; × 4 = 68; × 2 = 136 */
  assert_plan (&plan, 3, 9, 36, 1, 17, 68, 136);
}

/* A zero objective is not a campaign config.c accepts, but the funnel
 * itself must still say 0 all the way down. */
static void
test_zero_objective (void **state)
{
  (void) state;
  PdPlanInput input = example_input (PD_ROUNDING_UP);
  PdPlan plan;

  input.objective_cents = 0;
  input.spontaneous_prospects = 0;
  plan = compute_ok (&input);
  assert_plan (&plan, 0, 0, 0, 0, 0, 0, 0);
}

static void
assert_overflow (const PdPlanInput *input)
{
  g_autoptr (GError) error = NULL;
  PdPlan plan;
  PdPlan untouched;

  memset (&plan, 0x5a, sizeof plan);
  untouched = plan;
  assert_false (pd_plan_compute (input, &plan, &error));
  assert_non_null (error);
  assert_true (g_error_matches (error, PD_PLAN_ERROR, PD_PLAN_ERROR_OVERFLOW));
  assert_non_null (strstr (error->message, "lower the objective"));
  /* ret_plan is written only on success. */
  assert_memory_equal (&plan, &untouched, sizeof plan);
}

/* Results beyond 64 bits are an error at the step that overflows, never a
 * wrapped-around (and plausible-looking, or negative) count. */
static void
test_overflow (void **state)
{
  (void) state;
  PdPlanInput input = example_input (PD_ROUNDING_UP);

  /* The largest campaign config.c accepts: 10^12 € in 1-cent deals, every
   * factor 10 000: 10^14 deals × 10^4 × 10^4 = 10^22 active prospects. */
  input.objective_cents = G_GINT64_CONSTANT (100000000000000);
  input.average_deal_cents = 1;
  input.proposals_per_deal = 10000 * PD_MILLI;
  input.compensation_factor = 10000 * PD_MILLI;
  assert_overflow (&input);

  /* Overflow at the very first step. */
  input = example_input (PD_ROUNDING_DOWN);
  input.objective_cents = G_MAXINT64;
  input.average_deal_cents = 1;
  input.proposals_per_deal = 2 * PD_MILLI;
  assert_overflow (&input);

  /* Overflow in the division by a tiny accessibility rate:
   * 10^14 active ÷ 10^-6 = 10^20. */
  input = example_input (PD_ROUNDING_UP);
  input.objective_cents = G_GINT64_CONSTANT (100000000000000);
  input.average_deal_cents = 1;
  input.proposals_per_deal = PD_MILLI;
  input.compensation_factor = PD_MILLI;
  input.spontaneous_prospects = 0;
  input.accessibility_rate = 1;
  assert_overflow (&input);

  /* Overflow in the last step only. */
  input = example_input (PD_ROUNDING_UP);
  input.objective_cents = G_GINT64_CONSTANT (100000000000000);
  input.average_deal_cents = 1;
  input.proposals_per_deal = PD_MILLI;
  input.compensation_factor = PD_MILLI;
  input.spontaneous_prospects = 0;
  input.accessibility_rate = PD_MILLI;
  input.contacts_per_prospect = 10000 * PD_MILLI;   /* 10^18 contacts: fits */
  input.minutes_per_contact = 10000 * PD_MILLI;     /* 10^22 minutes: does not */
  assert_overflow (&input);

  /* Just inside: 10^18 contacts × 1 minute fits. */
  input.minutes_per_contact = PD_MILLI;
  PdPlan plan = compute_ok (&input);
  assert_int_equal (plan.call_minutes, G_GINT64_CONSTANT (1000000000000000000));
}

/* Nine points, accessibility major (3 %, the campaign's 6 %, 17 %), each
 * crossed with 1, the campaign's 4 and 13 contacts per prospect.
 *   up:   28 ÷ 3 % = 933.33 → 934; 28 ÷ 6 % → 467; 28 ÷ 17 % = 164.71 → 165
 *   down: 933, 466, 164 */
static void
test_sensitivity_example (void **state)
{
  (void) state;
  typedef struct {
    gint64 rate, contacts_per_prospect, prospects, contacts, minutes;
  } Point;
  static const Point up[] = {
    { 30000, 1, 934, 934, 1868 }, { 30000, 4, 934, 3736, 7472 }, { 30000, 13, 934, 12142, 24284 },
    { 60000, 1, 467, 467, 934 },  { 60000, 4, 467, 1868, 3736 }, { 60000, 13, 467, 6071, 12142 },
    { 170000, 1, 165, 165, 330 }, { 170000, 4, 165, 660, 1320 }, { 170000, 13, 165, 2145, 4290 },
  }, down[] = {
    { 30000, 1, 933, 933, 1866 }, { 30000, 4, 933, 3732, 7464 }, { 30000, 13, 933, 12129, 24258 },
    { 60000, 1, 466, 466, 932 },  { 60000, 4, 466, 1864, 3728 }, { 60000, 13, 466, 6058, 12116 },
    { 170000, 1, 164, 164, 328 }, { 170000, 4, 164, 656, 1312 }, { 170000, 13, 164, 2132, 4264 },
  };

  for (int pass = 0; pass < 2; pass++)
    {
      PdPlanInput input = example_input (pass == 0 ? PD_ROUNDING_UP : PD_ROUNDING_DOWN);
      const Point *expected = pass == 0 ? up : down;
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) points = pd_plan_sensitivity (&input, &error);

      assert_non_null (points);
      assert_null (error);
      assert_int_equal (points->len, 9);
      for (guint i = 0; i < 9; i++)
        {
          const PdSensitivity *point = &g_array_index (points, PdSensitivity, i);
          assert_int_equal (point->accessibility_rate, expected[i].rate);
          assert_int_equal (point->contacts_per_prospect, expected[i].contacts_per_prospect * PD_MILLI);
          /* The upper funnel does not depend on the two varied figures. */
          assert_plan (&point->plan, 3, 9, 36, 28, expected[i].prospects, expected[i].contacts,
                       expected[i].minutes);
        }
    }
}

static void
test_sensitivity_overflow (void **state)
{
  (void) state;
  PdPlanInput input = example_input (PD_ROUNDING_UP);
  g_autoptr (GError) error = NULL;
  GArray *points;

  /* Fits at the campaign's own 100 % and 1 contact (4 × 10^16 minutes),
   * not at 3 % × 13 contacts (1.7 × 10^19 minutes). */
  input.objective_cents = G_GINT64_CONSTANT (100000000000000);
  input.average_deal_cents = 25;     /* 4 × 10^12 deals */
  input.proposals_per_deal = PD_MILLI;
  input.compensation_factor = PD_MILLI;
  input.spontaneous_prospects = 0;
  input.accessibility_rate = PD_MILLI;
  input.contacts_per_prospect = PD_MILLI;
  input.minutes_per_contact = 10000 * PD_MILLI;
  {
    PdPlan plan = compute_ok (&input);
    assert_int_equal (plan.call_minutes, G_GINT64_CONSTANT (40000000000000000));
  }
  points = pd_plan_sensitivity (&input, &error);
  assert_null (points);
  assert_true (g_error_matches (error, PD_PLAN_ERROR, PD_PLAN_ERROR_OVERFLOW));
}

/* ------------------------------------------------------------ pd_muldiv */

static gint64
muldiv_ok (gint64 a, gint64 b, gint64 d, PdRounding rounding)
{
  gint64 result = 0;
  assert_true (pd_muldiv (a, b, d, rounding, &result));
  return result;
}

static void
test_muldiv (void **state)
{
  (void) state;
  gint64 result = 42;

  /* Exact results are not rounded. */
  assert_int_equal (muldiv_ok (6, 4, 3, PD_ROUNDING_UP), 8);
  assert_int_equal (muldiv_ok (6, 4, 3, PD_ROUNDING_DOWN), 8);
  assert_int_equal (muldiv_ok (0, 123, 7, PD_ROUNDING_UP), 0);
  assert_int_equal (muldiv_ok (123, 0, 7, PD_ROUNDING_DOWN), 0);

  /* Smallest remainders either way. */
  assert_int_equal (muldiv_ok (1, 1, 3, PD_ROUNDING_UP), 1);
  assert_int_equal (muldiv_ok (1, 1, 3, PD_ROUNDING_DOWN), 0);
  assert_int_equal (muldiv_ok (2, 1, 3, PD_ROUNDING_DOWN), 0);
  assert_int_equal (muldiv_ok (G_MAXINT64 - 1, 1, G_MAXINT64, PD_ROUNDING_UP), 1);
  assert_int_equal (muldiv_ok (G_MAXINT64 - 1, 1, G_MAXINT64, PD_ROUNDING_DOWN), 0);

  /* Negative values: up is a ceiling, down a floor. */
  assert_int_equal (muldiv_ok (-7, 1, 2, PD_ROUNDING_UP), -3);
  assert_int_equal (muldiv_ok (-7, 1, 2, PD_ROUNDING_DOWN), -4);
  assert_int_equal (muldiv_ok (7, -1, 2, PD_ROUNDING_DOWN), -4);
  assert_int_equal (muldiv_ok (-7, -1, 2, PD_ROUNDING_UP), 4);
  assert_int_equal (muldiv_ok (-6, 1, 2, PD_ROUNDING_DOWN), -3);

  /* Products far beyond 64 bits are fine when the quotient fits. */
  assert_int_equal (muldiv_ok (G_MAXINT64, G_MAXINT64, G_MAXINT64, PD_ROUNDING_UP), G_MAXINT64);
  assert_int_equal (muldiv_ok (G_MININT64, G_MAXINT64, G_MAXINT64, PD_ROUNDING_DOWN), G_MININT64);
  /* (-2^63)² = 2^126, the largest product there is, does not wrap. */
  assert_false (pd_muldiv (G_MININT64, G_MININT64, G_MAXINT64, PD_ROUNDING_DOWN, &result));
  assert_int_equal (muldiv_ok (G_MAXINT64, 1, 1, PD_ROUNDING_UP), G_MAXINT64);
  assert_int_equal (muldiv_ok (G_MININT64, 1, 1, PD_ROUNDING_DOWN), G_MININT64);
  assert_int_equal (muldiv_ok (G_GINT64_CONSTANT (1000000000000000000), 9, 10, PD_ROUNDING_UP),
                    G_GINT64_CONSTANT (900000000000000000));

  /* Quotients beyond 64 bits fail and leave *ret alone. */
  assert_false (pd_muldiv (G_MAXINT64, 2, 1, PD_ROUNDING_UP, &result));
  assert_false (pd_muldiv (G_MININT64, -1, 1, PD_ROUNDING_DOWN, &result));
  assert_false (pd_muldiv (G_MININT64, 2, 1, PD_ROUNDING_DOWN, &result));
  assert_false (pd_muldiv (G_MAXINT64, G_MAXINT64, 2, PD_ROUNDING_UP, &result));
  assert_int_equal (result, 42);

  /* The boundary: G_MAXINT64 rounded up from just below is still fine,
   * one more is not. */
  assert_int_equal (muldiv_ok (G_MAXINT64, 2, 2, PD_ROUNDING_UP), G_MAXINT64);
  assert_false (pd_muldiv (G_MAXINT64, 3, 2, PD_ROUNDING_DOWN, &result));
  /* (2^63 - 1) × 2 ÷ 3 … exact floor and ceiling. */
  assert_int_equal (muldiv_ok (G_MAXINT64, 2, 3, PD_ROUNDING_DOWN), G_GINT64_CONSTANT (6148914691236517204));
  assert_int_equal (muldiv_ok (G_MAXINT64, 2, 3, PD_ROUNDING_UP), G_GINT64_CONSTANT (6148914691236517205));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_example_rounding_down),
    cmocka_unit_test (test_example_rounding_up),
    cmocka_unit_test (test_deal_rounding),
    cmocka_unit_test (test_decimal_factors),
    cmocka_unit_test (test_no_float_artifacts),
    cmocka_unit_test (test_spontaneous_cover_everything),
    cmocka_unit_test (test_zero_objective),
    cmocka_unit_test (test_overflow),
    cmocka_unit_test (test_sensitivity_example),
    cmocka_unit_test (test_sensitivity_overflow),
    cmocka_unit_test (test_muldiv),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
