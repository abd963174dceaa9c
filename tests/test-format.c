/* SPDX-License-Identifier: MIT
 *
 * Tests of format: how numbers, money, rates, durations, times and dates
 * are written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "prospectd/config.h"
#include "prospectd/format.h"
#include "prospectd/parse.h"
#include "locale-fixture.h"

static void
assert_formatted (char *actual, const char *expected)
{
  assert_non_null (actual);
  assert_string_equal (actual, expected);
  g_free (actual);
}

static void
test_format_count (void **state)
{
  (void) state;
  assert_formatted (pd_format_count (1864), "1 864");
  assert_formatted (pd_format_count (0), "0");
  assert_formatted (pd_format_count (7), "7");
  assert_formatted (pd_format_count (999), "999");
  assert_formatted (pd_format_count (1000), "1 000");
  assert_formatted (pd_format_count (60000), "60 000");
  assert_formatted (pd_format_count (100000), "100 000");
  assert_formatted (pd_format_count (1234567), "1 234 567");
  assert_formatted (pd_format_count (-1864), "-1 864");
  assert_formatted (pd_format_count (-999), "-999");
  assert_formatted (pd_format_count (G_MAXINT64), "9 223 372 036 854 775 807");
  assert_formatted (pd_format_count (G_MININT64), "-9 223 372 036 854 775 808");
}

static void
test_format_money (void **state)
{
  (void) state;
  assert_formatted (pd_format_money (6000000, "EUR"), "60 000 €");
  assert_formatted (pd_format_money (2000000, "EUR"), "20 000 €");
  assert_formatted (pd_format_money (125050, "USD"), "1 250.50 USD");
  assert_formatted (pd_format_money (125005, "EUR"), "1 250.05 €");
  assert_formatted (pd_format_money (0, "EUR"), "0 €");
  assert_formatted (pd_format_money (5, "GBP"), "0.05 GBP");
  assert_formatted (pd_format_money (G_GINT64_CONSTANT (100000000000000), "EUR"),
                    "1 000 000 000 000 €");
  /* The sign belongs to the whole amount, cents included. */
  assert_formatted (pd_format_money (-50, "EUR"), "-0.50 €");
  assert_formatted (pd_format_money (-125050, "USD"), "-1 250.50 USD");
  assert_formatted (pd_format_money (-2000000, "EUR"), "-20 000 €");
  assert_formatted (pd_format_money (G_MININT64, "EUR"), "-92 233 720 368 547 758.08 €");
}

/* Measured values (status's observed rates): fixed decimals, rounded half
 * away from zero. 49 / 250 = 19.6 %; 11 / 56 = 196 428 ppm -> 19.6 %;
 * 196 450 ppm -> 19.6 % (below the half), 196 500 -> 19.7 %. */
static void
test_format_fixed (void **state)
{
  (void) state;
  assert_formatted (pd_format_rate_fixed (196000, 1), "19.6%");
  assert_formatted (pd_format_rate_fixed (196428, 1), "19.6%");
  assert_formatted (pd_format_rate_fixed (196449, 1), "19.6%");
  assert_formatted (pd_format_rate_fixed (196500, 1), "19.7%");
  assert_formatted (pd_format_rate_fixed (240000, 1), "24.0%");
  assert_formatted (pd_format_rate_fixed (333333, 1), "33.3%");
  assert_formatted (pd_format_rate_fixed (999999, 1), "100.0%");
  assert_formatted (pd_format_rate_fixed (0, 1), "0.0%");
  assert_formatted (pd_format_rate_fixed (123456, 4), "12.3456%");
  /* Tenths of a percent, whatever their size (status's gap). */
  assert_formatted (pd_format_percent_tenths (167), "16.7%");
  assert_formatted (pd_format_percent_tenths (0), "0.0%");
  assert_formatted (pd_format_percent_tenths (G_MAXINT64), "922337203685477580.7%");
  assert_formatted (pd_format_percent_tenths (G_MININT64), "-922337203685477580.8%");
  assert_formatted (pd_format_decimal_fixed (2960000, 2), "2.96");
  assert_formatted (pd_format_decimal_fixed (2000000, 2), "2.00");
  assert_formatted (pd_format_decimal_fixed (3333333, 2), "3.33");
  assert_formatted (pd_format_decimal_fixed (2335000, 2), "2.34");
  assert_formatted (pd_format_decimal_fixed (2334999, 2), "2.33");
  assert_formatted (pd_format_decimal_fixed (-2335000, 2), "-2.34");
  assert_formatted (pd_format_decimal_fixed (-1000, 2), "0.00");
  assert_formatted (pd_format_decimal_fixed (1500000, 0), "2");
  assert_formatted (pd_format_decimal_fixed (G_MAXINT64, 2), "9223372036854.78");
  assert_formatted (pd_format_decimal_fixed (G_MININT64, 6), "-9223372036854.775808");
}

static void
test_format_rate_and_decimal (void **state)
{
  (void) state;
  assert_formatted (pd_format_rate (45000), "4.5%");
  assert_formatted (pd_format_rate (60000), "6%");
  assert_formatted (pd_format_rate (30000), "3%");
  assert_formatted (pd_format_rate (170000), "17%");
  assert_formatted (pd_format_rate (1000000), "100%");
  assert_formatted (pd_format_rate (0), "0%");
  assert_formatted (pd_format_rate (1), "0.0001%");
  assert_formatted (pd_format_rate (123456), "12.3456%");
  assert_formatted (pd_format_rate (250000), "25%");

  assert_formatted (pd_format_decimal (2500000), "2.5");
  assert_formatted (pd_format_decimal (3 * PD_MILLI), "3");
  assert_formatted (pd_format_decimal (3200000), "3.2");
  assert_formatted (pd_format_decimal (500000), "0.5");
  assert_formatted (pd_format_decimal (1), "0.000001");
  assert_formatted (pd_format_decimal (0), "0");
  assert_formatted (pd_format_decimal (10000 * PD_MILLI), "10000");
  assert_formatted (pd_format_decimal (-2500000), "-2.5");
  assert_formatted (pd_format_decimal (G_MININT64), "-9223372036854.775808");
}

static void
test_format_duration (void **state)
{
  (void) state;
  assert_formatted (pd_format_duration (90), "1h30m");
  assert_formatted (pd_format_duration (120), "2h");
  assert_formatted (pd_format_duration (45), "45m");
  assert_formatted (pd_format_duration (0), "0m");
  assert_formatted (pd_format_duration (60), "1h");
  assert_formatted (pd_format_duration (59), "59m");
  assert_formatted (pd_format_duration (61), "1h01m");
  assert_formatted (pd_format_duration (1440), "24h");
  assert_formatted (pd_format_duration (-90), "-1h30m");

  /* What it writes, the campaign parser reads back. */
  for (gint64 minutes = 0; minutes <= 24 * 60; minutes++)
    {
      g_autofree char *text = pd_format_duration (minutes);
      g_autoptr (GError) error = NULL;
      guint parsed = G_MAXUINT;

      assert_true (pd_parse_duration (text, &parsed, &error));
      assert_int_equal (parsed, minutes);
    }
}

static void
test_format_hours (void **state)
{
  (void) state;
  assert_formatted (pd_format_hours (3728), "62 h 08 min");
  assert_formatted (pd_format_hours (3736), "62 h 16 min");
  assert_formatted (pd_format_hours (0), "0 h 00 min");
  assert_formatted (pd_format_hours (59), "0 h 59 min");
  assert_formatted (pd_format_hours (60), "1 h 00 min");
  assert_formatted (pd_format_hours (1320), "22 h 00 min");
  assert_formatted (pd_format_hours (60 * 1000 + 5), "1 000 h 05 min");
  assert_formatted (pd_format_hours (-30), "-0 h 30 min");
  assert_formatted (pd_format_hours (-3728), "-62 h 08 min");
}

static void
test_format_time_and_date (void **state)
{
  (void) state;
  GDate date;

  assert_formatted (pd_format_time_of_day (540), "09:00");
  assert_formatted (pd_format_time_of_day (0), "00:00");
  assert_formatted (pd_format_time_of_day (17 * 60 + 30), "17:30");
  assert_formatted (pd_format_time_of_day (24 * 60), "24:00");

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 4, G_DATE_JANUARY, 2027);
  assert_formatted (pd_format_date (&date), "2027-01-04");
  g_date_set_dmy (&date, 31, G_DATE_DECEMBER, 9999);
  assert_formatted (pd_format_date (&date), "9999-12-31");
}

/* Under a French locale: its decimal comma and U+202F grouping, the
 * catalogue's spacing of units, dates as French writes them; back to the
 * plain forms once left, and in English. */
static void
test_format_french (void **state)
{
  (void) state;
  GDate date;
  PdLanguageScope french = locale_fixture_french ();

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 29, G_DATE_JANUARY, 2027);
  assert_formatted (pd_format_count (1864), "1\u202f864");
  assert_formatted (pd_format_count (1234567), "1\u202f234\u202f567");
  assert_formatted (pd_format_count (-999), "-999");
  assert_formatted (pd_format_decimal (2500000), "2,5");
  assert_formatted (pd_format_decimal (3000000), "3");
  assert_formatted (pd_format_decimal_fixed (2960000, 2), "2,96");
  assert_formatted (pd_format_rate (60000), "6\u202f%");
  assert_formatted (pd_format_rate (45000), "4,5\u202f%");
  assert_formatted (pd_format_rate_fixed (196428, 1), "19,6\u202f%");
  assert_formatted (pd_format_percent_tenths (167), "16,7\u202f%");
  assert_formatted (pd_format_money (6000000, "EUR"), "60\u202f000\u00a0€");
  assert_formatted (pd_format_money (125050, "USD"), "1\u202f250,50\u00a0USD");
  assert_formatted (pd_format_money (-50, "EUR"), "-0,50\u00a0€");
  assert_formatted (pd_format_hours (3736), "62\u00a0h\u00a016\u00a0min");
  assert_formatted (pd_format_date_text (&date), "29/01/2027");
  /* Values stay values. */
  assert_formatted (pd_format_date (&date), "2027-01-29");
  assert_formatted (pd_format_duration (90), "1h30m");
  assert_formatted (pd_format_time_of_day (540), "09:00");

  /* English inside French, then back. */
  {
    PdLanguageScope english = pd_language_enter ("en");
    assert_formatted (pd_format_count (1864), "1 864");
    assert_formatted (pd_format_rate (45000), "4.5%");
    assert_formatted (pd_format_percent_tenths (-200), "-20.0%");
    assert_formatted (pd_format_money (6000000, "EUR"), "60 000 €");
    assert_formatted (pd_format_date_text (&date), "2027-01-29");
    pd_language_leave (&english);
  }
  assert_formatted (pd_format_decimal (2500000), "2,5");
  pd_language_leave (&french);
  assert_formatted (pd_format_count (1864), "1 864");
  assert_formatted (pd_format_hours (3736), "62 h 16 min");
  assert_formatted (pd_format_date_text (&date), "2027-01-29");
}

int
main (void)
{
  locale_fixture_init ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_format_count),
    cmocka_unit_test (test_format_money),
    cmocka_unit_test (test_format_rate_and_decimal),
    cmocka_unit_test (test_format_fixed),
    cmocka_unit_test (test_format_duration),
    cmocka_unit_test (test_format_hours),
    cmocka_unit_test (test_format_time_and_date),
    cmocka_unit_test (test_format_french),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
