/* SPDX-License-Identifier: MIT
 *
 * workcal: the working calendar of a rep (include/prospectd/workcal.h).
 *
 * Owns which local dates a rep can call on (workdays, the campaign's
 * holidays with the French public ones computed from Easter, the rep's days
 * off), the call windows of one day on the local wall clock with the
 * minutes a DST gap removes, and the RFC 5545 rule that turns a wall time
 * into an instant. GTimeZone is the only time-zone authority; this module
 * never reads the clock nor the TZ variable.
 */
#define G_LOG_DOMAIN "prospectd-workcal"

#include "prospectd/workcal.h"

#define SECONDS_PER_DAY G_GINT64_CONSTANT (86400)
#define MINUTES_PER_DAY 1440u

/* g_date_get_julian() of 1970-01-01 (day 1 is 0001-01-01). */
#define JULIAN_UNIX_EPOCH G_GINT64_CONSTANT (719163)

/* The zones' offsets never exceed 14 h, so the offsets in force 36 h before
 * and after a wall time read as UTC are those on either side of any DST
 * change near that wall time. */
#define PROBE_SECONDS G_GINT64_CONSTANT (36 * 3600)

void
pd_workcal_easter (guint year, GDate *ret_date)
{
  /* The anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
  guint a = year % 19;
  guint b = year / 100;
  guint c = year % 100;
  guint d = b / 4;
  guint e = b % 4;
  guint f = (b + 8) / 25;
  guint g = (b - f + 1) / 3;
  guint h = (19 * a + b - d - g + 15) % 30;
  guint i = c / 4;
  guint k = c % 4;
  guint l = (32 + 2 * e + 2 * i - h - k) % 7; /* h <= 29, k <= 3: never negative */
  guint m = (a + 11 * h + 22 * l) / 451;
  guint month = (h + l + 114 - 7 * m) / 31;
  guint day = (h + l + 114 - 7 * m) % 31 + 1;

  g_date_clear (ret_date, 1);
  g_date_set_dmy (ret_date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

static gboolean
is_easter_based_fr (const GDate *date)
{
  /* The last year asked, per thread: a schedule asks about every day of
   * a year for each rep (a status of 1 000 reps spent 7 % of its time
   * finding Easter again). */
  static _Thread_local guint cached_year;
  static _Thread_local guint32 cached_easter; /* its julian day */
  guint year = g_date_get_year (date);

  if (year != cached_year)
    {
      GDate easter;

      pd_workcal_easter (year, &easter);
      cached_easter = g_date_get_julian (&easter);
      cached_year = year;
    }

  gint64 days = (gint64) g_date_get_julian (date) - (gint64) cached_easter;
  /* Easter Monday, Ascension Thursday, Whit Monday. */
  return days == 1 || days == 39 || days == 50;
}

gboolean
pd_workcal_is_holiday_fr (const GDate *date)
{
  static const struct {
    GDateMonth month;
    GDateDay day;
  } fixed[] = {
    { G_DATE_JANUARY, 1 },   { G_DATE_MAY, 1 },       { G_DATE_MAY, 8 },
    { G_DATE_JULY, 14 },     { G_DATE_AUGUST, 15 },   { G_DATE_NOVEMBER, 1 },
    { G_DATE_NOVEMBER, 11 }, { G_DATE_DECEMBER, 25 },
  };

  g_return_val_if_fail (g_date_valid (date), FALSE);

  GDateMonth month = g_date_get_month (date);
  GDateDay day = g_date_get_day (date);
  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    if (fixed[i].month == month && fixed[i].day == day)
      return TRUE;
  return is_easter_based_fr (date);
}

static gboolean
is_campaign_holiday (const PdCampaign *campaign, const GDate *date)
{
  if (campaign->holidays_fr && pd_workcal_is_holiday_fr (date))
    return TRUE;
  if (campaign->holidays == NULL)
    return FALSE;
  for (guint i = 0; i < campaign->holidays->len; i++)
    if (g_date_compare (&g_array_index (campaign->holidays, GDate, i), date) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_day_off (const PdRep *rep, const GDate *date)
{
  if (rep->days_off == NULL)
    return FALSE;
  for (guint i = 0; i < rep->days_off->len; i++)
    {
      const PdDateRange *range = &g_array_index (rep->days_off, PdDateRange, i);
      if (g_date_compare (&range->first, date) <= 0
          && g_date_compare (date, &range->last) <= 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
pd_workcal_is_available (const PdCampaign *campaign,
                         const PdRep *rep,
                         const GDate *date)
{
  g_return_val_if_fail (campaign != NULL && rep != NULL, FALSE);
  g_return_val_if_fail (g_date_valid (date), FALSE);

  if (g_date_compare (date, &campaign->start) < 0
      || g_date_compare (date, &campaign->end) > 0)
    return FALSE;
  GDate start = rep->start; /* a copy: comparing may fill in a GDate */
  if (g_date_valid (&start) && g_date_compare (date, &start) < 0)
    return FALSE;
  if ((rep->workdays & PD_WEEKDAY_BIT (g_date_get_weekday (date))) == 0)
    return FALSE;
  return !is_campaign_holiday (campaign, date) && !is_day_off (rep, date);
}

char *
pd_workcal_days_key (const PdRep *rep, const GDate *from, const GDate *to)
{
  GString *key;

  g_return_val_if_fail (rep != NULL && g_date_valid (from) && g_date_valid (to), NULL);

  key = g_string_new (NULL);
  g_string_printf (key, "%u %u %u %u", g_date_get_julian (from), g_date_get_julian (to),
                   g_date_valid (&rep->start) ? g_date_get_julian (&rep->start) : 0, (guint) rep->workdays);
  for (guint i = 0; rep->days_off != NULL && i < rep->days_off->len; i++)
    {
      const PdDateRange *range = &g_array_index (rep->days_off, PdDateRange, i);

      g_string_append_printf (key, " %u-%u", g_date_get_julian (&range->first), g_date_get_julian (&range->last));
    }
  return g_string_free (key, FALSE);
}

GArray *
pd_workcal_available_days (const PdCampaign *campaign,
                           const PdRep *rep,
                           const GDate *from,
                           const GDate *to)
{
  GArray *days = g_array_new (FALSE, FALSE, sizeof (GDate));

  g_return_val_if_fail (campaign != NULL && rep != NULL, days);
  g_return_val_if_fail (g_date_valid (from) && g_date_valid (to), days);

  GDate date = *from;
  GDate last = *to;
  if (g_date_compare (&date, &campaign->start) < 0)
    date = campaign->start;
  if (g_date_compare (&last, &campaign->end) > 0)
    last = campaign->end;

  for (; g_date_compare (&date, &last) <= 0; g_date_add_days (&date, 1))
    if (pd_workcal_is_available (campaign, rep, &date))
      g_array_append_val (days, date);
  return days;
}

/* Seconds since 1970-01-01 00:00 of a wall time, as if the wall clock were
 * UTC ("local seconds"). */
static gint64
local_seconds (const GDate *date, guint minute)
{
  return ((gint64) g_date_get_julian (date) - JULIAN_UNIX_EPOCH) * SECONDS_PER_DAY
         + (gint64) minute * 60;
}

/* The UTC offset in force at an instant. */
static gint32
offset_at (GTimeZone *tz, gint64 instant)
{
  gint interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, instant);
  return g_time_zone_get_offset (tz, interval);
}

/* Whether `offset` read at wall time `wall` gives an instant that really has
 * that offset. */
static gboolean
offset_fits (GTimeZone *tz, gint64 wall, gint32 offset)
{
  return offset_at (tz, wall - offset) == offset;
}

/* The RFC 5545 offset of a wall time: the earlier candidate when it fits
 * (so the first occurrence of a repeated time), else the later one, else
 * (a gap: neither fits) the offset before the gap. *ret_exists says whether
 * the wall time exists at all. */
static gint32
resolve_offset (GTimeZone *tz, gint64 wall, gboolean *ret_exists)
{
  gint32 before = offset_at (tz, wall - PROBE_SECONDS);
  gint32 after = offset_at (tz, wall + PROBE_SECONDS);

  *ret_exists = TRUE;
  if (offset_fits (tz, wall, before))
    return before;
  if (after != before && offset_fits (tz, wall, after))
    return after;
  *ret_exists = FALSE;
  return before;
}

GDateTime *
pd_workcal_local_instant (GTimeZone *tz, const GDate *date, guint minute)
{
  g_return_val_if_fail (tz != NULL, NULL);
  g_return_val_if_fail (g_date_valid (date), NULL);
  g_return_val_if_fail (minute <= MINUTES_PER_DAY, NULL);

  gint64 wall = local_seconds (date, minute);
  gboolean exists;
  gint32 offset = resolve_offset (tz, wall, &exists);

  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (wall - offset);
  if (utc == NULL)
    return NULL;
  return g_date_time_to_timezone (utc, tz);
}

/* Whether the offset changes anywhere near `date`: when it does not, every
 * wall minute of the day exists and the minute-by-minute scan is skipped. */
static gboolean
offset_changes_near (GTimeZone *tz, const GDate *date)
{
  gint64 midnight = local_seconds (date, 0);
  return offset_at (tz, midnight - PROBE_SECONDS)
         != offset_at (tz, midnight + SECONDS_PER_DAY + PROBE_SECONDS);
}

static void
append_window (GArray *windows, guint start_minute, guint end_minute)
{
  PdWindow window = { .start_minute = start_minute, .end_minute = end_minute };
  g_array_append_val (windows, window);
}

/* Whether wall minute `minute` of `date` exists in `tz`. */
static gboolean
wall_minute_exists (GTimeZone *tz, const GDate *date, guint minute)
{
  gboolean exists;

  resolve_offset (tz, local_seconds (date, minute), &exists);
  return exists;
}

/* The first second (UTC) with hi's offset, between lo and hi whose
 * offsets differ. */
static gint64
transition_between (GTimeZone *tz, gint64 lo, gint64 hi)
{
  gint32 target = offset_at (tz, hi);

  while (hi - lo > 1)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (offset_at (tz, mid) == target)
        hi = mid;
      else
        lo = mid;
    }
  return hi;
}

/* The runs of missing wall minutes of `date`, minute by minute. */
static void
scan_gaps (GTimeZone *tz, const GDate *date, GArray *gaps)
{
  PdWallGap gap = { .julian = g_date_get_julian (date) };
  gboolean in_gap = FALSE;
  guint found = 0;

  for (guint minute = 0; minute <= MINUTES_PER_DAY; minute++)
    {
      gboolean exists = minute == MINUTES_PER_DAY || wall_minute_exists (tz, date, minute);

      if (!exists && !in_gap)
        {
          in_gap = TRUE;
          gap.start_minute = minute;
        }
      else if (exists && in_gap)
        {
          in_gap = FALSE;
          gap.end_minute = minute;
          g_array_append_val (gaps, gap);
          found++;
        }
    }
  if (found == 0)
    {
      gap.start_minute = gap.end_minute = 0;
      g_array_append_val (gaps, gap);
    }
}

GArray *
pd_workcal_wall_gaps (GTimeZone *tz, const GDate *from, const GDate *to)
{
  GArray *gaps = g_array_new (FALSE, FALSE, sizeof (PdWallGap));

  g_return_val_if_fail (tz != NULL, gaps);
  g_return_val_if_fail (g_date_valid (from) && g_date_valid (to), gaps);

  for (GDate date = *from; g_date_compare (&date, to) <= 0; g_date_add_days (&date, 1))
    {
      gint64 midnight = local_seconds (&date, 0);
      gint64 lo = midnight - PROBE_SECONDS;
      gint64 hi = midnight + SECONDS_PER_DAY + PROBE_SECONDS;
      gint32 before = offset_at (tz, lo);
      gint32 after = offset_at (tz, hi);
      PdWallGap gap = { .julian = g_date_get_julian (&date) };

      if (before == after)
        continue;
      if (after > before)
        {
          /* A jump forward at T: wall times [T + before, T + after) are
           * missing. Checked at the run's edges; else minute by minute. */
          gint64 at = transition_between (tz, lo, hi);
          gint64 first = (at + before - midnight + 59) / 60;
          gint64 end = (at + after - midnight + 59) / 60;

          first = CLAMP (first, 0, (gint64) MINUTES_PER_DAY);
          end = CLAMP (end, 0, (gint64) MINUTES_PER_DAY);
          if (first < end
              && (wall_minute_exists (tz, &date, (guint) first) || wall_minute_exists (tz, &date, (guint) end - 1)
                  || (first > 0 && !wall_minute_exists (tz, &date, (guint) first - 1))
                  || (end < MINUTES_PER_DAY && !wall_minute_exists (tz, &date, (guint) end))))
            {
              scan_gaps (tz, &date, gaps);
              continue;
            }
          if (first < end)
            {
              gap.start_minute = (guint) first;
              gap.end_minute = (guint) end;
            }
        }
      g_array_append_val (gaps, gap);
    }
  return gaps;
}

void
pd_workcal_prepare (PdCampaign *campaign)
{
  g_return_if_fail (campaign != NULL && campaign->tz != NULL);
  if (campaign->wall_gaps == NULL)
    campaign->wall_gaps = pd_workcal_wall_gaps (campaign->tz, &campaign->start, &campaign->end);
}

/* The campaign's gaps of `date` ([*ret_first, *ret_end) in wall_gaps),
 * when its list covers the date: FALSE when it does not. */
static gboolean
listed_gaps (const PdCampaign *campaign, const GDate *date, guint *ret_first, guint *ret_end)
{
  guint32 julian;

  if (campaign->wall_gaps == NULL || g_date_compare (date, &campaign->start) < 0
      || g_date_compare (date, &campaign->end) > 0)
    return FALSE;
  julian = g_date_get_julian (date);
  *ret_first = *ret_end = 0;
  for (guint i = 0; i < campaign->wall_gaps->len; i++)
    {
      guint32 day = g_array_index (campaign->wall_gaps, PdWallGap, i).julian;

      if (day < julian)
        *ret_first = i + 1;
      if (day <= julian)
        *ret_end = i + 1;
    }
  return TRUE;
}

GArray *
pd_workcal_day_windows (const PdCampaign *campaign,
                        const PdRep *rep,
                        const GDate *date)
{
  GArray *windows = g_array_new (FALSE, FALSE, sizeof (PdWindow));
  guint first = 0, end = 0;

  g_return_val_if_fail (campaign != NULL && rep != NULL, windows);
  g_return_val_if_fail (g_date_valid (date), windows);

  if (rep->windows == NULL)
    return windows;

  gboolean listed = campaign->tz != NULL && listed_gaps (campaign, date, &first, &end);
  gboolean scan = campaign->tz != NULL && !listed && offset_changes_near (campaign->tz, date);
  for (guint i = 0; i < rep->windows->len; i++)
    {
      const PdWindow *window = &g_array_index (rep->windows, PdWindow, i);
      if (listed)
        {
          /* A DST day: the window less the day's missing minutes. */
          guint from = window->start_minute;
          for (guint k = first; k < end; k++)
            {
              const PdWallGap *gap = &g_array_index (campaign->wall_gaps, PdWallGap, k);
              if (gap->end_minute <= from || gap->start_minute >= window->end_minute
                  || gap->start_minute == gap->end_minute)
                continue;
              if (gap->start_minute > from)
                append_window (windows, from, gap->start_minute);
              from = MAX (from, gap->end_minute);
            }
          if (from < window->end_minute)
            append_window (windows, from, window->end_minute);
          continue;
        }
      if (!scan)
        {
          append_window (windows, window->start_minute, window->end_minute);
          continue;
        }

      /* A DST day outside the campaign's list: keep the runs of wall
       * minutes that exist. */
      gboolean in_run = FALSE;
      guint run_start = 0;
      for (guint minute = window->start_minute; minute < window->end_minute; minute++)
        {
          gboolean exists = wall_minute_exists (campaign->tz, date, minute);
          if (exists && !in_run)
            {
              in_run = TRUE;
              run_start = minute;
            }
          else if (!exists && in_run)
            {
              in_run = FALSE;
              append_window (windows, run_start, minute);
            }
        }
      if (in_run)
        append_window (windows, run_start, window->end_minute);
    }
  return windows;
}
