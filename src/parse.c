/* SPDX-License-Identifier: MIT
 *
 * parse: the value parsers of the configuration files and the command
 * line (amounts, decimals, percentages, durations, dates, times, call
 * windows, weekdays). Each returns FALSE with a message that says what was
 * expected, without the file/key prefix the readers add.
 */
#define G_LOG_DOMAIN "prospectd-config"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "prospectd/config.h"
#include "prospectd/parse.h"

/* Limits that keep every later computation inside 64 bits. */
#define MAX_AMOUNT_CENTS   G_GINT64_CONSTANT (100000000000000)  /* 10^12 units */
#define MIN_YEAR           1970
#define MAX_YEAR           9999

static gboolean
parse_error (GError **error, const char *message)
{
  g_set_error_literal (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID, message);
  return FALSE;
}

/* How a decimal number failed, so that each caller can say what it expects
 * in its own words (an amount, a factor, a percentage). */
typedef enum {
  FIXED_OK,
  FIXED_NEGATIVE,
  FIXED_SYNTAX,
  FIXED_DECIMALS,  /* more digits after the point than allowed */
  FIXED_TOO_LARGE, /* integer part above 10^12 */
} FixedResult;

#define MAX_INTEGER_PART G_GINT64_CONSTANT (1000000000000)

/* A non-negative decimal number ("3", "2.5", or "2,5" with a decimal comma)
 * with at most `decimals` significant digits after the point, returned scaled by
 * 10^decimals. The integer part is at most 10^12, so that the result fits
 * in 64 bits for every scale used here (at most 10^6). */
static FixedResult
parse_fixed (const char *text, guint decimals, gint64 *ret)
{
  const char *p = text;
  gint64 integer = 0;
  gint64 fraction = 0;
  guint digits = 0;
  guint fraction_digits = 0;
  gboolean too_large = FALSE;
  gboolean too_precise = FALSE;

  if (*p == '-')
    return FIXED_NEGATIVE;
  for (; g_ascii_isdigit (*p); p++, digits++)
    {
      if (integer > MAX_INTEGER_PART)
        too_large = TRUE;
      else
        integer = integer * 10 + (*p - '0');
    }
  if (*p == '.' || *p == ',')
    {
      p++;
      for (; g_ascii_isdigit (*p); p++, fraction_digits++)
        {
          /* Extra zeros change nothing: 60000.000 is still exact. */
          if (fraction_digits >= decimals)
            too_precise |= *p != '0';
          else
            fraction = fraction * 10 + (*p - '0');
        }
      if (fraction_digits == 0)
        digits = 0;
    }
  /* Syntax first: "12abc" is not a number, however many digits it has. */
  if (digits == 0 || *p != '\0')
    return FIXED_SYNTAX;
  if (too_large || integer > MAX_INTEGER_PART)
    return FIXED_TOO_LARGE;
  if (too_precise)
    return FIXED_DECIMALS;

  for (guint i = MIN (fraction_digits, decimals); i < decimals; i++)
    fraction *= 10;
  gint64 scale = 1;
  for (guint i = 0; i < decimals; i++)
    scale *= 10;
  *ret = integer * scale + fraction;
  return FIXED_OK;
}

/* "60 000" as French writes it: the integer part's digits in groups of
 * three separated by a space, U+00A0 or U+202F, which go; anything else
 * is left as it is (and refused by parse_fixed). */
static char *
ungroup (const char *text)
{
  static const char *const separators[] = { " ", "\u00a0", "\u202f" };
  GString *out = g_string_new ("");
  const char *p = text;
  guint group = 0;
  gboolean grouped = FALSE;

  while (*p != '\0')
    {
      gsize separator = 0;

      for (guint i = 0; i < G_N_ELEMENTS (separators) && separator == 0; i++)
        if (g_str_has_prefix (p, separators[i]))
          separator = strlen (separators[i]);
      if (separator == 0)
        {
          if (!g_ascii_isdigit (*p))
            break;
          g_string_append_c (out, *p++);
          group++;
          continue;
        }
      /* A separator: after 1 to 3 digits (3 after another separator),
       * before exactly three digits. */
      if (group == 0 || group > 3 || (grouped && group != 3)
          || !g_ascii_isdigit (p[separator]) || !g_ascii_isdigit (p[separator + 1])
          || !g_ascii_isdigit (p[separator + 2]) || g_ascii_isdigit (p[separator + 3]))
        return g_string_free (out, TRUE), g_strdup (text);
      p += separator;
      group = 0;
      grouped = TRUE;
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

gboolean
pd_parse_amount (const char *text, gint64 *ret_cents, GError **error)
{
  gint64 cents = 0;
  g_autofree char *digits = ungroup (text);

  switch (parse_fixed (digits, 2, &cents))
    {
    case FIXED_OK:
      break;
    case FIXED_NEGATIVE:
      return parse_error (error, _("must not be negative"));
    case FIXED_DECIMALS:
      return parse_error (error, _("write at most 2 decimals (cents), e.g. 1250.50"));
    case FIXED_TOO_LARGE:
      return parse_error (error, _("is too large (at most 1000000000000)"));
    case FIXED_SYNTAX:
    default:
      return parse_error (error, _("write an amount, e.g. 60000 or 1250.50"));
    }
  if (cents > MAX_AMOUNT_CENTS)
    return parse_error (error, _("is too large (at most 1000000000000)"));
  *ret_cents = cents;
  return TRUE;
}

gboolean
pd_parse_decimal (const char *text, gint64 *ret_millionths, GError **error)
{
  gint64 millionths = 0;

  switch (parse_fixed (text, 6, &millionths))
    {
    case FIXED_OK:
      break;
    case FIXED_NEGATIVE:
      return parse_error (error, _("must not be negative"));
    case FIXED_DECIMALS:
      return parse_error (error, _("write at most 6 decimals"));
    case FIXED_TOO_LARGE:
      return parse_error (error, _("is too large"));
    case FIXED_SYNTAX:
    default:
      return parse_error (error, _("write a number, e.g. 3 or 2.5"));
    }
  *ret_millionths = millionths;
  return TRUE;
}

gboolean
pd_parse_rate (const char *text, gint64 *ret_millionths, GError **error)
{
  gsize length = strlen (text);
  g_autofree char *number = NULL;
  gint64 percent = 0;

  if (length == 0 || text[length - 1] != '%')
    return parse_error (error, _("write a percentage, e.g. 6%"));
  number = g_strndup (text, length - 1);
  /* "6 %" as French writes it: a space, or a no-break one (U+00A0,
   * U+202F), before the sign. */
  if (g_str_has_suffix (number, "\u00a0"))
    number[strlen (number) - strlen ("\u00a0")] = '\0';
  else if (g_str_has_suffix (number, "\u202f"))
    number[strlen (number) - strlen ("\u202f")] = '\0';
  g_strchomp (number);
  /* A percentage with 4 decimals is a rate in millionths. */
  switch (parse_fixed (number, 4, &percent))
    {
    case FIXED_OK:
      break;
    case FIXED_NEGATIVE:
      return parse_error (error, _("must not be negative"));
    case FIXED_DECIMALS:
      return parse_error (error, _("write at most 4 decimals, e.g. 4.5%"));
    case FIXED_TOO_LARGE:
      return parse_error (error, _("must be at most 100%"));
    case FIXED_SYNTAX:
    default:
      return parse_error (error, _("write a percentage, e.g. 6% or 4.5%"));
    }
  if (percent > 100 * 10000)
    return parse_error (error, _("must be at most 100%"));
  *ret_millionths = percent;
  return TRUE;
}

gboolean
pd_parse_duration (const char *text, guint *ret_minutes, GError **error)
{
  const char *p = text;
  guint64 minutes = 0;
  gboolean seen_hours = FALSE;
  gboolean seen_minutes = FALSE;

  if (*p == '\0')
    return parse_error (error, _("write a duration, e.g. 2h, 90m or 1h30m"));
  while (*p != '\0')
    {
      guint64 value = 0;
      guint digits = 0;

      for (; g_ascii_isdigit (*p); p++, digits++)
        if (digits < 6)
          value = value * 10 + (guint64) (*p - '0');
      if (digits == 0 || digits > 5)
        return parse_error (error, _("write a duration, e.g. 2h, 90m or 1h30m"));
      if (*p == 'h' && !seen_hours && !seen_minutes)
        {
          minutes += value * 60;
          seen_hours = TRUE;
        }
      else if (*p == 'm' && !seen_minutes)
        {
          minutes += value;
          seen_minutes = TRUE;
        }
      else
        return parse_error (error, _("write a duration, e.g. 2h, 90m or 1h30m"));
      p++;
      while (*p == ' ')
        p++;
    }
  if (minutes > 24 * 60)
    return parse_error (error, _("must be at most 24h"));
  *ret_minutes = (guint) minutes;
  return TRUE;
}

gboolean
pd_parse_date (const char *text, GDate *ret_date, GError **error)
{
  guint year, month, day;
  int consumed = 0;

  if (strlen (text) != 10 ||
      sscanf (text, "%4u-%2u-%2u%n", &year, &month, &day, &consumed) != 3 ||
      consumed != 10 || text[4] != '-' || text[7] != '-' ||
      !g_ascii_isdigit (text[5]) || !g_ascii_isdigit (text[8]) ||
      !g_ascii_isdigit (text[0]))
    return parse_error (error, _("write a date as YYYY-MM-DD, e.g. 2027-01-04"));
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 ||
      !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return parse_error (error, _("is not a valid date (YYYY-MM-DD, years 1970 to 9999)"));
  g_date_clear (ret_date, 1);
  g_date_set_dmy (ret_date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}

gboolean
pd_parse_datetime (const char *text, GTimeZone *zone, gint64 *ret_usec, GError **error)
{
  g_autofree char *full = NULL;
  g_autoptr (GDateTime) instant = NULL;
  gsize length = strlen (text);

  /* GLib wants seconds: "2027-01-04T08:50" (and with an offset after the
   * minutes) gets ":00". */
  if (length >= 16 && text[10] == 'T' && text[13] == ':' && text[16] != ':')
    full = g_strdup_printf ("%.16s:00%s", text, text + 16);
  instant = g_date_time_new_from_iso8601 (full != NULL ? full : text, zone);
  if (instant == NULL)
    return parse_error (error, _("expected an ISO 8601 date and time, e.g. 2027-01-04T08:50 or "
                                 "2027-01-04T08:50:00+01:00"));
  *ret_usec = g_date_time_to_unix (instant) * G_USEC_PER_SEC + g_date_time_get_microsecond (instant);
  return TRUE;
}

gboolean
pd_parse_time_of_day (const char *text, guint *ret_minute, GError **error)
{
  if (strlen (text) != 5 || !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      text[2] != ':' || !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return parse_error (error, _("write a time as HH:MM, e.g. 09:00"));
  guint hours = (guint) (text[0] - '0') * 10 + (guint) (text[1] - '0');
  guint minutes = (guint) (text[3] - '0') * 10 + (guint) (text[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
    return parse_error (error, _("is not a time of day (00:00 to 24:00)"));
  *ret_minute = hours * 60 + minutes;
  return TRUE;
}

static gint
compare_windows (gconstpointer a, gconstpointer b)
{
  const PdWindow *wa = a, *wb = b;
  return (gint) wa->start_minute - (gint) wb->start_minute;
}

gboolean
pd_parse_windows (const char *text, GArray **ret_windows, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr (GArray) windows = g_array_new (FALSE, TRUE, sizeof (PdWindow));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      g_auto (GStrv) ends = g_strsplit (part, "-", -1);
      PdWindow window;

      if (g_strv_length (ends) != 2 ||
          !pd_parse_time_of_day (g_strstrip (ends[0]), &window.start_minute, NULL) ||
          !pd_parse_time_of_day (g_strstrip (ends[1]), &window.end_minute, NULL))
        return parse_error (error, _("write call windows as HH:MM-HH:MM, comma-separated, e.g. 09:00-12:00, 14:00-17:00"));
      if (window.end_minute <= window.start_minute)
        return parse_error (error, _("a window must end after it starts, e.g. 09:00-17:00"));
      g_array_append_val (windows, window);
    }
  if (windows->len == 0)
    return parse_error (error, _("write call windows as HH:MM-HH:MM, comma-separated, e.g. 09:00-12:00, 14:00-17:00"));
  g_array_sort (windows, compare_windows);
  for (guint i = 1; i < windows->len; i++)
    if (g_array_index (windows, PdWindow, i).start_minute <
        g_array_index (windows, PdWindow, i - 1).end_minute)
      return parse_error (error, _("call windows must not overlap"));
  *ret_windows = g_steal_pointer (&windows);
  return TRUE;
}

static int
weekday_from_name (const char *name)
{
  static const char *const names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
  /* French writes lun-ven. */
  static const char *const french[] = { "lun", "mar", "mer", "jeu", "ven", "sam", "dim" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0 || g_ascii_strcasecmp (name, french[i]) == 0)
      return (int) i + G_DATE_MONDAY;
  return 0;
}

gboolean
pd_parse_weekdays (const char *text, PdWeekdays *ret_weekdays, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  PdWeekdays weekdays = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto (GStrv) ends = g_strsplit (g_strstrip (parts[i]), "-", -1);
      guint n = g_strv_length (ends);
      int first = n >= 1 ? weekday_from_name (g_strstrip (ends[0])) : 0;
      int last = n == 2 ? weekday_from_name (g_strstrip (ends[1])) : first;

      if (n < 1 || n > 2 || first == 0 || last == 0)
        return parse_error (error, _("write days as mon-fri or mon, wed, fri"));
      if (last < first)
        return parse_error (error, _("a day range runs from Monday to Sunday, e.g. mon-fri"));
      for (int d = first; d <= last; d++)
        weekdays |= PD_WEEKDAY_BIT (d);
    }
  if (weekdays == 0)
    return parse_error (error, _("write days as mon-fri or mon, wed, fri"));
  *ret_weekdays = weekdays;
  return TRUE;
}

/* A date or an inclusive range "YYYY-MM-DD..YYYY-MM-DD". */
gboolean
pd_parse_date_range (const char *text, PdDateRange *ret_range, GError **error)
{
  const char *dots = strstr (text, "..");
  PdDateRange range;

  if (dots == NULL)
    {
      if (!pd_parse_date (text, &range.first, error))
        return FALSE;
      range.last = range.first;
    }
  else
    {
      g_autofree char *first = g_strstrip (g_strndup (text, (gsize) (dots - text)));
      g_autofree char *last = g_strstrip (g_strdup (dots + 2));

      if (!pd_parse_date (first, &range.first, NULL) || !pd_parse_date (last, &range.last, NULL))
        return parse_error (error, _("write a date or a range, e.g. 2027-02-15..2027-02-19"));
      if (g_date_compare (&range.last, &range.first) < 0)
        return parse_error (error, _("a range must end on or after its first day"));
    }
  *ret_range = range;
  return TRUE;
}

/* A campaign id is a file name: ASCII letters, digits, '_', '-', '.'. */
