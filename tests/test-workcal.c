/* SPDX-License-Identifier: MIT
 *
 * Tests of workcal: Easter and the French public holidays for several
 * years, available days (workdays, holidays, days off, clamping), the
 * RFC 5545 wall-time rule in Europe/Paris and America/New_York around their
 * 2027 DST changes (each case names the zone and the instant), and the
 * removal of nonexistent minutes from a day's call windows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "prospectd/config.h"
#include "prospectd/workcal.h"

/* ------------------------------------------------------------ helpers */

static GDate
make_date (guint year, guint month, guint day)
{
  GDate date;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return date;
}

static char *
date_text (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", (guint) g_date_get_year (date),
                          (guint) g_date_get_month (date), (guint) g_date_get_day (date));
}

/* A campaign in `timezone`, with the calendar lines and rep groups given,
 * as the campaign file gives it (not prepared by workcal). */
static PdCampaign *
campaign_parse (const char *zone, const char *start, const char *end,
                const char *calendar, const char *reps)
{
  g_autofree char *text = g_strdup_printf (
    "[campaign]\nname = Workcal test\nstart = %s\nend = %s\ntimezone = %s\n\n"
    "[plan]\nobjective = 60000\naverage_deal = 20000\nproposals_per_deal = 3\n"
    "compensation_factor = 4\nspontaneous_prospects = 8\naccessibility_rate = 6%%\n"
    "contacts_per_prospect = 4\nminutes_per_contact = 2\n\n"
    "[calendar]\n%s\n[reps]\n%s",
    start, end, zone, calendar, reps);
  g_autoptr (GError) error = NULL;
  PdCampaign *campaign = pd_config_parse_campaign ("workcal-test.conf", text, strlen (text), &error);
  if (campaign == NULL)
    fail_msg ("campaign rejected: %s", error->message);
  return campaign;
}

/* The same, prepared (pd_workcal_prepare), as the programs load it. */
static PdCampaign *
campaign_new (const char *zone, const char *start, const char *end,
              const char *calendar, const char *reps)
{
  PdCampaign *campaign = campaign_parse (zone, start, end, calendar, reps);

  pd_workcal_prepare (campaign);
  return campaign;
}

static const PdRep *
rep_at (const PdCampaign *campaign, guint index)
{
  return g_ptr_array_index (campaign->reps, index);
}

/* The windows as "60-120,180-240" (wall minutes). */
static char *
windows_text (const GArray *windows)
{
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < windows->len; i++)
    {
      const PdWindow *window = &g_array_index (windows, PdWindow, i);
      g_string_append_printf (text, "%s%u-%u", i > 0 ? "," : "", window->start_minute,
                              window->end_minute);
    }
  return g_string_free (text, FALSE);
}

/* The instant of a wall time as "<UTC ISO 8601> <local ISO 8601>". */
static char *
instant_text (const char *zone, guint year, guint month, guint day, guint minute)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier (zone);
  assert_non_null (tz);
  GDate date = make_date (year, month, day);
  g_autoptr (GDateTime) instant = pd_workcal_local_instant (tz, &date, minute);
  assert_non_null (instant);
  g_autoptr (GDateTime) utc = g_date_time_to_utc (instant);
  g_autofree char *utc_text = g_date_time_format (utc, "%FT%TZ");
  g_autofree char *local_text = g_date_time_format (instant, "%FT%T%:z");
  return g_strdup_printf ("%s %s", utc_text, local_text);
}

/* ------------------------------------------------------------ Easter */

static void
test_easter (void **state)
{
  static const struct {
    guint year, month, day;
  } cases[] = {
    { 1818, 3, 22 }, { 1961, 4, 2 },  { 2000, 4, 23 }, { 2008, 3, 23 },
    { 2011, 4, 24 }, { 2019, 4, 21 }, { 2024, 3, 31 }, { 2025, 4, 20 },
    { 2026, 4, 5 },  { 2027, 3, 28 }, { 2028, 4, 16 }, { 2038, 4, 25 },
    { 2285, 3, 22 },
  };
  (void) state;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GDate easter;
      pd_workcal_easter (cases[i].year, &easter);
      g_autofree char *got = date_text (&easter);
      g_autofree char *want = g_strdup_printf ("%04u-%02u-%02u", cases[i].year,
                                               cases[i].month, cases[i].day);
      assert_string_equal (got, want);
    }
}

/* Every French public holiday of a year, in order, as one line. */
static char *
holidays_fr_of (guint year)
{
  GString *text = g_string_new (NULL);
  GDate date = make_date (year, 1, 1);
  for (; g_date_get_year (&date) == year; g_date_add_days (&date, 1))
    if (pd_workcal_is_holiday_fr (&date))
      {
        g_autofree char *day = date_text (&date);
        g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", day);
      }
  return g_string_free (text, FALSE);
}

static void
test_holidays_fr (void **state)
{
  (void) state;
  g_autofree char *y2024 = holidays_fr_of (2024);
  g_autofree char *y2025 = holidays_fr_of (2025);
  g_autofree char *y2027 = holidays_fr_of (2027);

  /* 2024: Easter 31 March; Ascension and 8 May apart. */
  assert_string_equal (y2024, "2024-01-01 2024-04-01 2024-05-01 2024-05-08 2024-05-09 "
                              "2024-05-20 2024-07-14 2024-08-15 2024-11-01 2024-11-11 "
                              "2024-12-25");
  /* 2025: Easter 20 April; Ascension on 29 May, Whit Monday 9 June. */
  assert_string_equal (y2025, "2025-01-01 2025-04-21 2025-05-01 2025-05-08 2025-05-29 "
                              "2025-06-09 2025-07-14 2025-08-15 2025-11-01 2025-11-11 "
                              "2025-12-25");
  /* 2027: Easter 28 March: Monday 29 March, Ascension 6 May, Whit Monday 17 May. */
  assert_string_equal (y2027, "2027-01-01 2027-03-29 2027-05-01 2027-05-06 2027-05-08 "
                              "2027-05-17 2027-07-14 2027-08-15 2027-11-01 2027-11-11 "
                              "2027-12-25");

  /* Easter Sunday, Whit Sunday and Good Friday are not on the list. */
  GDate easter = make_date (2027, 3, 28);
  GDate whit_sunday = make_date (2027, 5, 16);
  GDate good_friday = make_date (2027, 3, 26);
  assert_false (pd_workcal_is_holiday_fr (&easter));
  assert_false (pd_workcal_is_holiday_fr (&whit_sunday));
  assert_false (pd_workcal_is_holiday_fr (&good_friday));
}

/* ------------------------------------------------------------ available days */

#define EXAMPLE_CALENDAR \
  "workdays = mon-fri\ncall_windows = 09:00-12:00, 14:00-17:00\n" \
  "holidays = fr, 2027-03-10\nmax_daily_calls = 2h\nmax_block = 90m\n"
#define EXAMPLE_REPS \
  "alice = 1\nbob = 0.5\n\n[rep bob]\ndays_off = 2027-02-15..2027-02-19\n" \
  "call_windows = 09:00-12:00\n"

static void
test_is_available (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = campaign_new ("Europe/Paris", "2027-01-04", "2027-03-31",
                                                  EXAMPLE_CALENDAR, EXAMPLE_REPS);
  const PdRep *alice = rep_at (campaign, 0);
  const PdRep *bob = rep_at (campaign, 1);
  static const struct {
    guint month, day;
    gboolean alice, bob;
  } cases[] = {
    { 1, 1, FALSE, FALSE },  /* before the start (and New Year) */
    { 1, 3, FALSE, FALSE },  /* Sunday before the start */
    { 1, 4, TRUE, TRUE },    /* the first day, a Monday */
    { 1, 9, FALSE, FALSE },  /* Saturday */
    { 1, 10, FALSE, FALSE }, /* Sunday */
    { 2, 12, TRUE, TRUE },   /* Friday before bob's days off */
    { 2, 15, TRUE, FALSE },  /* bob's days off, first */
    { 2, 19, TRUE, FALSE },  /* bob's days off, last */
    { 2, 22, TRUE, TRUE },
    { 3, 10, FALSE, FALSE }, /* an explicit holiday */
    { 3, 29, FALSE, FALSE }, /* Easter Monday */
    { 3, 31, TRUE, TRUE },   /* the last day */
    { 4, 1, FALSE, FALSE },  /* after the end */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GDate date = make_date (2027, cases[i].month, cases[i].day);
      assert_int_equal (pd_workcal_is_available (campaign, alice, &date), cases[i].alice);
      assert_int_equal (pd_workcal_is_available (campaign, bob, &date), cases[i].bob);
    }
}

static void
test_available_days (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = campaign_new ("Europe/Paris", "2027-01-04", "2027-03-31",
                                                  EXAMPLE_CALENDAR, EXAMPLE_REPS);
  GDate start = make_date (2027, 1, 4), end = make_date (2027, 3, 31);

  /* 63 weekdays, minus Easter Monday and 10 March; bob minus 5 days off. */
  g_autoptr (GArray) alice_days = pd_workcal_available_days (campaign, rep_at (campaign, 0), &start, &end);
  g_autoptr (GArray) bob_days = pd_workcal_available_days (campaign, rep_at (campaign, 1), &start, &end);
  assert_int_equal (alice_days->len, 61);
  assert_int_equal (bob_days->len, 56);
  for (guint i = 1; i < alice_days->len; i++)
    assert_true (g_date_compare (&g_array_index (alice_days, GDate, i - 1),
                                 &g_array_index (alice_days, GDate, i)) < 0);

  /* Clamped to the campaign on both sides. */
  GDate before = make_date (2026, 12, 1), early = make_date (2027, 1, 6);
  g_autoptr (GArray) first_days = pd_workcal_available_days (campaign, rep_at (campaign, 0), &before, &early);
  assert_int_equal (first_days->len, 3);
  g_autofree char *first = date_text (&g_array_index (first_days, GDate, 0));
  assert_string_equal (first, "2027-01-04");

  GDate late = make_date (2027, 3, 26), after = make_date (2027, 6, 1);
  g_autoptr (GArray) last_days = pd_workcal_available_days (campaign, rep_at (campaign, 0), &late, &after);
  assert_int_equal (last_days->len, 3); /* 26, 30, 31 March */
  g_autofree char *second = date_text (&g_array_index (last_days, GDate, 1));
  assert_string_equal (second, "2027-03-30");

  /* An empty range. */
  g_autoptr (GArray) none = pd_workcal_available_days (campaign, rep_at (campaign, 0), &end, &start);
  assert_int_equal (none->len, 0);
}

/* ------------------------------------------------------------ wall time */

static void
test_local_instant_paris (void **state)
{
  static const struct {
    guint month, day, minute;
    const char *want;
  } cases[] = {
    /* 09:00 keeps local time on both sides of both changes. */
    { 3, 26, 9 * 60, "2027-03-26T08:00:00Z 2027-03-26T09:00:00+01:00" },
    { 3, 29, 9 * 60, "2027-03-29T07:00:00Z 2027-03-29T09:00:00+02:00" },
    { 10, 29, 9 * 60, "2027-10-29T07:00:00Z 2027-10-29T09:00:00+02:00" },
    { 11, 1, 9 * 60, "2027-11-01T08:00:00Z 2027-11-01T09:00:00+01:00" },
    /* Spring forward: 01:59 exists, 02:00-02:59 do not (read with the
     * offset before the gap), 03:00 is CEST. */
    { 3, 28, 119, "2027-03-28T00:59:00Z 2027-03-28T01:59:00+01:00" },
    { 3, 28, 120, "2027-03-28T01:00:00Z 2027-03-28T03:00:00+02:00" },
    { 3, 28, 150, "2027-03-28T01:30:00Z 2027-03-28T03:30:00+02:00" },
    { 3, 28, 180, "2027-03-28T01:00:00Z 2027-03-28T03:00:00+02:00" },
    /* Fall back: 02:00-02:59 happen twice; the first (CEST) wins. */
    { 10, 31, 119, "2027-10-30T23:59:00Z 2027-10-31T01:59:00+02:00" },
    { 10, 31, 150, "2027-10-31T00:30:00Z 2027-10-31T02:30:00+02:00" },
    { 10, 31, 180, "2027-10-31T02:00:00Z 2027-10-31T03:00:00+01:00" },
    /* Midnight ends the day. */
    { 3, 27, 1440, "2027-03-27T23:00:00Z 2027-03-28T00:00:00+01:00" },
    { 3, 28, 1440, "2027-03-28T22:00:00Z 2027-03-29T00:00:00+02:00" },
  };
  (void) state;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = instant_text ("Europe/Paris", 2027, cases[i].month,
                                           cases[i].day, cases[i].minute);
      assert_string_equal (got, cases[i].want);
    }
}

static void
test_local_instant_new_york (void **state)
{
  static const struct {
    guint month, day, minute;
    const char *want;
  } cases[] = {
    { 3, 12, 9 * 60, "2027-03-12T14:00:00Z 2027-03-12T09:00:00-05:00" },
    { 3, 15, 9 * 60, "2027-03-15T13:00:00Z 2027-03-15T09:00:00-04:00" },
    /* 2027-03-14 02:30 does not exist: EST, shown as 03:30 EDT. */
    { 3, 14, 150, "2027-03-14T07:30:00Z 2027-03-14T03:30:00-04:00" },
    /* 2027-11-07 01:30 happens twice: the first, EDT. */
    { 11, 7, 90, "2027-11-07T05:30:00Z 2027-11-07T01:30:00-04:00" },
    { 11, 7, 9 * 60, "2027-11-07T14:00:00Z 2027-11-07T09:00:00-05:00" },
  };
  (void) state;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = instant_text ("America/New_York", 2027, cases[i].month,
                                           cases[i].day, cases[i].minute);
      assert_string_equal (got, cases[i].want);
    }
}

static void
test_local_instant_utc (void **state)
{
  (void) state;
  g_autofree char *got = instant_text ("UTC", 2027, 3, 28, 150);
  assert_string_equal (got, "2027-03-28T02:30:00Z 2027-03-28T02:30:00+00:00");
}

/* ------------------------------------------------------------ day windows */

static char *
day_windows_of (const PdCampaign *campaign, guint rep, guint year, guint month, guint day)
{
  GDate date = make_date (year, month, day);
  g_autoptr (GArray) windows = pd_workcal_day_windows (campaign, rep_at (campaign, rep), &date);
  return windows_text (windows);
}

static void
test_day_windows_paris (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = campaign_new (
    "Europe/Paris", "2027-03-01", "2027-11-30",
    "workdays = mon-sun\ncall_windows = 01:00-04:00, 09:00-12:00\n",
    "alice = 1\nbob = 1\n\n[rep bob]\ncall_windows = 02:00-03:00, 14:00-17:00\n");

  g_autofree char *saturday = day_windows_of (campaign, 0, 2027, 3, 27);
  g_autofree char *spring = day_windows_of (campaign, 0, 2027, 3, 28);
  g_autofree char *monday = day_windows_of (campaign, 0, 2027, 3, 29);
  g_autofree char *autumn = day_windows_of (campaign, 0, 2027, 10, 31);
  g_autofree char *bob_spring = day_windows_of (campaign, 1, 2027, 3, 28);
  g_autofree char *bob_autumn = day_windows_of (campaign, 1, 2027, 10, 31);

  assert_string_equal (saturday, "60-240,540-720");
  /* 02:00-03:00 does not exist on 2027-03-28: the window is split. */
  assert_string_equal (spring, "60-120,180-240,540-720");
  assert_string_equal (monday, "60-240,540-720");
  /* The repeated hour exists: nothing removed. */
  assert_string_equal (autumn, "60-240,540-720");
  /* A window entirely in the gap disappears. */
  assert_string_equal (bob_spring, "840-1020");
  assert_string_equal (bob_autumn, "120-180,840-1020");
}

static void
test_day_windows_new_york (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = campaign_new (
    "America/New_York", "2027-03-01", "2027-11-30",
    "workdays = mon-sun\ncall_windows = 01:00-04:00\n", "alice = 1\n");

  g_autofree char *spring = day_windows_of (campaign, 0, 2027, 3, 14);
  g_autofree char *paris_day = day_windows_of (campaign, 0, 2027, 3, 28);
  g_autofree char *autumn = day_windows_of (campaign, 0, 2027, 11, 7);

  assert_string_equal (spring, "60-120,180-240");
  assert_string_equal (paris_day, "60-240");
  assert_string_equal (autumn, "60-240");
}

/* The DST days a campaign lists once: every day whose span widened by 36 h
 * on each side holds a change of offset (four days per change), with the
 * hour missing on the spring day; the windows they give equal the zone's
 * answer, minute by minute, on every day of the year. */
static void
test_wall_gaps (void **state)
{
  g_autoptr (PdCampaign) campaign = campaign_new ("Europe/Paris", "2027-01-04", "2027-12-31",
                                                  "call_windows = 01:30-03:30\n", "alice = 1\n");
  const char *expected[] = { "2027-03-26 0-0", "2027-03-27 0-0", "2027-03-28 120-180", "2027-03-29 0-0",
                             "2027-10-29 0-0", "2027-10-30 0-0", "2027-10-31 0-0", "2027-11-01 0-0" };
  GArray *gaps = campaign->wall_gaps;
  GArray *saved;

  (void) state;
  assert_non_null (gaps);
  assert_int_equal (gaps->len, G_N_ELEMENTS (expected));
  for (guint i = 0; i < gaps->len; i++)
    {
      const PdWallGap *gap = &g_array_index (gaps, PdWallGap, i);
      g_autofree char *text = NULL;
      GDate date;
      char day[16];

      g_date_clear (&date, 1);
      g_date_set_julian (&date, gap->julian);
      g_date_strftime (day, sizeof day, "%Y-%m-%d", &date);
      text = g_strdup_printf ("%s %u-%u", day, gap->start_minute, gap->end_minute);
      assert_string_equal (text, expected[i]);
    }

  /* Same windows with the list and without it (asking the zone). */
  saved = g_steal_pointer (&campaign->wall_gaps);
  for (GDate date = campaign->start; g_date_compare (&date, &campaign->end) <= 0; g_date_add_days (&date, 1))
    {
      g_autoptr (GArray) asked = pd_workcal_day_windows (campaign, rep_at (campaign, 0), &date);
      g_autoptr (GArray) listed = NULL;

      campaign->wall_gaps = saved;
      listed = pd_workcal_day_windows (campaign, rep_at (campaign, 0), &date);
      campaign->wall_gaps = NULL;
      assert_int_equal (asked->len, listed->len);
      assert_memory_equal (asked->data, listed->data, asked->len * sizeof (PdWindow));
    }
  campaign->wall_gaps = saved;
}

/* The campaign file is read without workcal: its wall gaps are listed by
 * pd_workcal_prepare(), once (a second call keeps the list it has). */
static void
test_prepare_lists_wall_gaps (void **state)
{
  g_autoptr (PdCampaign) campaign = campaign_parse ("Europe/Paris", "2027-01-04", "2027-12-31",
                                                    "", "alice = 1\n");
  GArray *first;

  (void) state;
  assert_null (campaign->wall_gaps);
  pd_workcal_prepare (campaign);
  assert_non_null (campaign->wall_gaps);
  assert_int_equal (campaign->wall_gaps->len, 8);
  first = campaign->wall_gaps;
  pd_workcal_prepare (campaign);
  assert_ptr_equal (campaign->wall_gaps, first);
}

/* Zones with every kind of change (southern hemisphere, 30-minute DST,
 * 45-minute offsets, negative DST, a 2-hour DST, DST abolished, several
 * changes a year), 2024 to 2029: the day windows from the campaign's list
 * of gaps equal the zone's answer minute by minute, every day. */
static void
test_wall_gaps_many_zones (void **state)
{
  const char *zones[] = { "Europe/Paris", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
                          "America/Santiago", "Asia/Tehran", "Africa/Casablanca", "Pacific/Chatham",
                          "America/St_Johns", "Europe/Dublin", "Antarctica/Troll" };
  guint dst_days = 0;

  (void) state;
  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr (PdCampaign) campaign = campaign_new (zones[z], "2024-01-01", "2029-12-31",
                                                      "call_windows = 00:00-23:59\n", "alice = 1\n");
      GArray *saved = g_steal_pointer (&campaign->wall_gaps);

      dst_days += saved->len;
      for (GDate date = campaign->start; g_date_compare (&date, &campaign->end) <= 0; g_date_add_days (&date, 1))
        {
          g_autoptr (GArray) asked = pd_workcal_day_windows (campaign, rep_at (campaign, 0), &date);
          g_autoptr (GArray) listed = NULL;

          campaign->wall_gaps = saved;
          listed = pd_workcal_day_windows (campaign, rep_at (campaign, 0), &date);
          campaign->wall_gaps = NULL;
          if (asked->len != listed->len || memcmp (asked->data, listed->data, asked->len * sizeof (PdWindow)) != 0)
            fail_msg ("%s, julian day %u: windows differ", zones[z], g_date_get_julian (&date));
        }
      campaign->wall_gaps = saved;
    }
  assert_true (dst_days > 300);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_easter),
    cmocka_unit_test (test_wall_gaps),
    cmocka_unit_test (test_prepare_lists_wall_gaps),
    cmocka_unit_test (test_wall_gaps_many_zones),
    cmocka_unit_test (test_holidays_fr),
    cmocka_unit_test (test_is_available),
    cmocka_unit_test (test_available_days),
    cmocka_unit_test (test_local_instant_paris),
    cmocka_unit_test (test_local_instant_new_york),
    cmocka_unit_test (test_local_instant_utc),
    cmocka_unit_test (test_day_windows_paris),
    cmocka_unit_test (test_day_windows_new_york),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
