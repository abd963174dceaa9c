/* SPDX-License-Identifier: MIT
 *
 * Tests of parse: each value parser on good and bad input (the exact
 * value, or the exact message and nothing written).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "prospectd/config.h"
#include "prospectd/format.h"
#include "prospectd/parse.h"

#include "config-fixture.h"

/* ------------------------------------------------------------ value parsers */

typedef struct {
  const char *text;
  gint64 value;       /* for good input */
  const char *error;  /* NULL: good input */
} ParseCase;

static void
check_int_parser (gboolean (*parser) (const char *, gint64 *, GError **),
                  const ParseCase *cases, gsize count)
{
  for (gsize i = 0; i < count; i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 value = -42;
      gboolean ok = parser (cases[i].text, &value, &error);

      if (cases[i].error == NULL)
        {
          if (!ok)
            fail_msg ("'%s' refused: %s", cases[i].text, error->message);
          assert_null (error);
          if (value != cases[i].value)
            fail_msg ("'%s': %" G_GINT64_FORMAT " instead of %" G_GINT64_FORMAT,
                      cases[i].text, value, cases[i].value);
        }
      else
        {
          if (ok)
            fail_msg ("'%s' accepted as %" G_GINT64_FORMAT, cases[i].text, value);
          assert_int_equal (value, -42);  /* output written only on success */
          assert_true (g_error_matches (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID));
          if (!g_str_equal (error->message, cases[i].error))
            fail_msg ("'%s': \"%s\" instead of \"%s\"", cases[i].text, error->message, cases[i].error);
        }
    }
}

static void
test_parse_amount (void **state)
{
  (void) state;
  static const ParseCase cases[] = {
    { "60000", 6000000, NULL },
    { "0", 0, NULL },
    { "1250.50", 125050, NULL },
    { "1250.5", 125050, NULL },
    { "1250,50", 125050, NULL },
    { "0.01", 1, NULL },
    { "007", 700, NULL },
    { "60000.000", 6000000, NULL },  /* extra zeros are still exact */
    { "1000000000000", G_GINT64_CONSTANT (100000000000000), NULL },
    { "1000000000000.99", 0, "is too large (at most 1000000000000)" },
    { "1000000000001", 0, "is too large (at most 1000000000000)" },
    { "1000000000000000000000000000000", 0, "is too large (at most 1000000000000)" },
    { "99999999999999999999999999999999999999999", 0, "is too large (at most 1000000000000)" },
    { "20000.125", 0, "write at most 2 decimals (cents), e.g. 1250.50" },
    { "-60000", 0, "must not be negative" },
    { "-0", 0, "must not be negative" },
    { "", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "sixty", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "60 000", 6000000, NULL },                /* grouped as French writes it */
    { "60\u202f000", 6000000, NULL },
    { "1\u00a0250,50", 125050, NULL },
    { "1 000 000", 100000000, NULL },
    { "60 00", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "6000 000", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "60 0000", 0, "write an amount, e.g. 60000 or 1250.50" },
    { " 60000", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "60  000", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "60 000.5 5", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "60000€", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "+60000", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "1e6", 0, "write an amount, e.g. 60000 or 1250.50" },
    { ".5", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "5.", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "1.2.3", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "0x10", 0, "write an amount, e.g. 60000 or 1250.50" },
    { "12345678901234567890abc", 0, "write an amount, e.g. 60000 or 1250.50" },
  };
  check_int_parser (pd_parse_amount, cases, G_N_ELEMENTS (cases));
}

static void
test_parse_decimal (void **state)
{
  (void) state;
  static const ParseCase cases[] = {
    { "3", 3000000, NULL },
    { "2.5", 2500000, NULL },
    { "2,5", 2500000, NULL },
    { "0.5", 500000, NULL },
    { "3.2", 3200000, NULL },
    { "0.000001", 1, NULL },
    { "0", 0, NULL },
    { "1.0000000", PD_MILLI, NULL },
    { "1000000000000", G_GINT64_CONSTANT (1000000000000000000), NULL },
    { "1000000000001", 0, "is too large" },
    { "3.1234567", 0, "write at most 6 decimals" },
    { "-4", 0, "must not be negative" },
    { "", 0, "write a number, e.g. 3 or 2.5" },
    { "three", 0, "write a number, e.g. 3 or 2.5" },
    { "3x", 0, "write a number, e.g. 3 or 2.5" },
    { "3 ", 0, "write a number, e.g. 3 or 2.5" },
    { "2.5%", 0, "write a number, e.g. 3 or 2.5" },
    { "nan", 0, "write a number, e.g. 3 or 2.5" },
    { "inf", 0, "write a number, e.g. 3 or 2.5" },
  };
  check_int_parser (pd_parse_decimal, cases, G_N_ELEMENTS (cases));
}

static void
test_parse_rate (void **state)
{
  (void) state;
  static const ParseCase cases[] = {
    { "6%", 60000, NULL },
    { "4.5%", 45000, NULL },
    { "4,5%", 45000, NULL },
    { "6 %", 60000, NULL },
    { "6\u00a0%", 60000, NULL },   /* as French writes it: a no-break space */
    { "4,5\u202f%", 45000, NULL }, /* or a narrow one, as prospectd prints it */
    { "6\u00a0\u00a0%", 0, "write a percentage, e.g. 6% or 4.5%" },
    { "100%", PD_MILLI, NULL },
    { "0%", 0, NULL },   /* the parser allows it; [plan] refuses it */
    { "0.0001%", 1, NULL },
    { "12.3456%", 123456, NULL },
    { "6", 0, "write a percentage, e.g. 6%" },
    { "0.06", 0, "write a percentage, e.g. 6%" },
    { "", 0, "write a percentage, e.g. 6%" },
    { "%6", 0, "write a percentage, e.g. 6%" },
    { "%", 0, "write a percentage, e.g. 6% or 4.5%" },
    { "six%", 0, "write a percentage, e.g. 6% or 4.5%" },
    { "6%%", 0, "write a percentage, e.g. 6% or 4.5%" },
    { "150%", 0, "must be at most 100%" },
    { "100.0001%", 0, "must be at most 100%" },
    { "99999999999999999999%", 0, "must be at most 100%" },
    { "-5%", 0, "must not be negative" },
    { "4.55555%", 0, "write at most 4 decimals, e.g. 4.5%" },
  };
  check_int_parser (pd_parse_rate, cases, G_N_ELEMENTS (cases));
}

static void
test_parse_duration (void **state)
{
  (void) state;
  static const ParseCase cases[] = {
    { "2h", 120, NULL },
    { "90m", 90, NULL },
    { "1h30m", 90, NULL },
    { "1h 30m", 90, NULL },
    { "0m", 0, NULL },
    { "0h", 0, NULL },
    { "24h", 1440, NULL },
    { "23h60m", 1440, NULL },
    { "1440m", 1440, NULL },
    { "1441m", 0, "must be at most 24h" },
    { "25h", 0, "must be at most 24h" },
    { "99999h", 0, "must be at most 24h" },
    { "90", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
    { "", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
    { "h", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
    { "2 h", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
    { "30m1h", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
    { "1h1h", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
    { "2hours", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
    { "1.5h", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
    { "-10m", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
    { "10s", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
    { "123456m", 0, "write a duration, e.g. 2h, 90m or 1h30m" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      guint minutes = 4242;
      gboolean ok = pd_parse_duration (cases[i].text, &minutes, &error);

      if (cases[i].error == NULL)
        {
          if (!ok)
            fail_msg ("'%s' refused: %s", cases[i].text, error->message);
          assert_int_equal (minutes, cases[i].value);
        }
      else
        {
          if (ok)
            fail_msg ("'%s' accepted as %u", cases[i].text, minutes);
          assert_int_equal (minutes, 4242);
          assert_string_equal (error->message, cases[i].error);
        }
    }
}

static void
test_parse_date (void **state)
{
  (void) state;
  static const struct {
    const char *text;
    int year, month, day;
    const char *error;
  } cases[] = {
    { "2027-01-04", 2027, 1, 4, NULL },
    { "2028-02-29", 2028, 2, 29, NULL },
    { "1970-01-01", 1970, 1, 1, NULL },
    { "9999-12-31", 9999, 12, 31, NULL },
    { "2027-02-30", 0, 0, 0, "is not a valid date (YYYY-MM-DD, years 1970 to 9999)" },
    { "2027-02-29", 0, 0, 0, "is not a valid date (YYYY-MM-DD, years 1970 to 9999)" },
    { "2027-13-01", 0, 0, 0, "is not a valid date (YYYY-MM-DD, years 1970 to 9999)" },
    { "2027-00-10", 0, 0, 0, "is not a valid date (YYYY-MM-DD, years 1970 to 9999)" },
    { "2027-01-00", 0, 0, 0, "is not a valid date (YYYY-MM-DD, years 1970 to 9999)" },
    { "1969-12-31", 0, 0, 0, "is not a valid date (YYYY-MM-DD, years 1970 to 9999)" },
    { "0000-01-01", 0, 0, 0, "is not a valid date (YYYY-MM-DD, years 1970 to 9999)" },
    { "04/01/2027", 0, 0, 0, "write a date as YYYY-MM-DD, e.g. 2027-01-04" },
    { "2027-1-4", 0, 0, 0, "write a date as YYYY-MM-DD, e.g. 2027-01-04" },
    { "2027-01-4 ", 0, 0, 0, "write a date as YYYY-MM-DD, e.g. 2027-01-04" },
    { " 2027-1-04", 0, 0, 0, "write a date as YYYY-MM-DD, e.g. 2027-01-04" },
    { "2027-+1-04", 0, 0, 0, "write a date as YYYY-MM-DD, e.g. 2027-01-04" },
    { "+027-01-04", 0, 0, 0, "write a date as YYYY-MM-DD, e.g. 2027-01-04" },
    { "2027-01-0x", 0, 0, 0, "write a date as YYYY-MM-DD, e.g. 2027-01-04" },
    { "2027-01-04T10:00", 0, 0, 0, "write a date as YYYY-MM-DD, e.g. 2027-01-04" },
    { "", 0, 0, 0, "write a date as YYYY-MM-DD, e.g. 2027-01-04" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      GDate date;
      gboolean ok = pd_parse_date (cases[i].text, &date, &error);

      if (cases[i].error == NULL)
        {
          if (!ok)
            fail_msg ("'%s' refused: %s", cases[i].text, error->message);
          assert_date (&date, cases[i].year, cases[i].month, cases[i].day);
        }
      else
        {
          if (ok)
            fail_msg ("'%s' accepted", cases[i].text);
          assert_string_equal (error->message, cases[i].error);
        }
    }
}

static void
test_parse_time_of_day (void **state)
{
  (void) state;
  static const ParseCase cases[] = {
    { "09:00", 540, NULL },
    { "00:00", 0, NULL },
    { "17:30", 1050, NULL },
    { "23:59", 1439, NULL },
    { "24:00", 1440, NULL },   /* the end of a window may be midnight */
    { "24:01", 0, "is not a time of day (00:00 to 24:00)" },
    { "25:00", 0, "is not a time of day (00:00 to 24:00)" },
    { "12:60", 0, "is not a time of day (00:00 to 24:00)" },
    { "9:00", 0, "write a time as HH:MM, e.g. 09:00" },
    { "09h00", 0, "write a time as HH:MM, e.g. 09:00" },
    { "09:00:00", 0, "write a time as HH:MM, e.g. 09:00" },
    { "", 0, "write a time as HH:MM, e.g. 09:00" },
    { "-1:00", 0, "write a time as HH:MM, e.g. 09:00" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      guint minute = 4242;
      gboolean ok = pd_parse_time_of_day (cases[i].text, &minute, &error);

      if (cases[i].error == NULL)
        {
          if (!ok)
            fail_msg ("'%s' refused: %s", cases[i].text, error->message);
          assert_int_equal (minute, cases[i].value);
        }
      else
        {
          if (ok)
            fail_msg ("'%s' accepted", cases[i].text);
          assert_int_equal (minute, 4242);
          assert_string_equal (error->message, cases[i].error);
        }
    }
}

static void
test_parse_windows (void **state)
{
  (void) state;
  static const char syntax[] =
    "write call windows as HH:MM-HH:MM, comma-separated, e.g. 09:00-12:00, 14:00-17:00";
  static const struct {
    const char *text;
    const char *error;
  } bad[] = {
    { "17:00-09:00", "a window must end after it starts, e.g. 09:00-17:00" },
    { "09:00-09:00", "a window must end after it starts, e.g. 09:00-17:00" },
    { "09:00-12:00, 11:00-14:00", "call windows must not overlap" },
    { "14:00-17:00, 09:00-14:01", "call windows must not overlap" },
    { "9h-12h", syntax },
    { "09:00", syntax },
    { "09:00-12:00-14:00", syntax },
    { "09:00-12:00,", syntax },
    { "09:00-12:00; 14:00-17:00", syntax },
    { "", syntax },
    { ",", syntax },
    { "09:00-24:01", syntax },
  };
  GArray *windows = NULL;

  assert_true (pd_parse_windows ("09:00-12:00, 14:00-17:00", &windows, NULL));
  assert_windows (windows, 2, 540u, 720u, 840u, 1020u);
  g_array_unref (windows);

  /* Sorted; touching windows do not overlap; midnight ends the day. */
  assert_true (pd_parse_windows ("14:00-24:00,09:00-14:00", &windows, NULL));
  assert_windows (windows, 2, 540u, 840u, 840u, 1440u);
  g_array_unref (windows);

  assert_true (pd_parse_windows(" 00:00 - 23:59 ", &windows, NULL));
  assert_windows (windows, 1, 0u, 1439u);
  g_array_unref (windows);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      windows = NULL;
      if (pd_parse_windows (bad[i].text, &windows, &error))
        fail_msg ("'%s' accepted", bad[i].text);
      assert_null (windows);
      assert_string_equal (error->message, bad[i].error);
    }
}

static void
test_parse_weekdays (void **state)
{
  (void) state;
  static const struct {
    const char *text;
    PdWeekdays weekdays;
    const char *error;
  } cases[] = {
    { "mon-fri", MON_FRI, NULL },
    { "MON-Fri", MON_FRI, NULL },
    { "mon, wed, fri", PD_WEEKDAY_BIT (1) | PD_WEEKDAY_BIT (3) | PD_WEEKDAY_BIT (5), NULL },
    { "sat-sun", PD_WEEKDAY_BIT (6) | PD_WEEKDAY_BIT (7), NULL },
    { "sun", PD_WEEKDAY_BIT (7), NULL },
    { "mon-sun", 0x7f, NULL },
    { "mon,mon", PD_WEEKDAY_BIT (1), NULL },
    { "fri-mon", 0, "a day range runs from Monday to Sunday, e.g. mon-fri" },
    { "monday-friday", 0, "write days as mon-fri or mon, wed, fri" },
    { "mon-", 0, "write days as mon-fri or mon, wed, fri" },
    { "mon-wed-fri", 0, "write days as mon-fri or mon, wed, fri" },
    { "lun-ven", MON_FRI, NULL },
    { "Lun-Ven", MON_FRI, NULL },
    { "lun, mer, ven", PD_WEEKDAY_BIT (1) | PD_WEEKDAY_BIT (3) | PD_WEEKDAY_BIT (5), NULL },
    { "sam-dim", PD_WEEKDAY_BIT (6) | PD_WEEKDAY_BIT (7), NULL },
    { "lundi-vendredi", 0, "write days as mon-fri or mon, wed, fri" },
    { "ven-lun", 0, "a day range runs from Monday to Sunday, e.g. mon-fri" },
    { "", 0, "write days as mon-fri or mon, wed, fri" },
    { "mon,", 0, "write days as mon-fri or mon, wed, fri" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      PdWeekdays weekdays = 0xaa;
      gboolean ok = pd_parse_weekdays (cases[i].text, &weekdays, &error);

      if (cases[i].error == NULL)
        {
          if (!ok)
            fail_msg ("'%s' refused: %s", cases[i].text, error->message);
          assert_int_equal (weekdays, cases[i].weekdays);
        }
      else
        {
          if (ok)
            fail_msg ("'%s' accepted", cases[i].text);
          assert_int_equal (weekdays, 0xaa);
          assert_string_equal (error->message, cases[i].error);
        }
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_amount),
    cmocka_unit_test (test_parse_decimal),
    cmocka_unit_test (test_parse_rate),
    cmocka_unit_test (test_parse_duration),
    cmocka_unit_test (test_parse_date),
    cmocka_unit_test (test_parse_time_of_day),
    cmocka_unit_test (test_parse_windows),
    cmocka_unit_test (test_parse_weekdays),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
