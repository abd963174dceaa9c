/* SPDX-License-Identifier: MIT
 *
 * format: numbers, money, rates and durations written for people.
 */
#define G_LOG_DOMAIN "prospectd-format"

#include <string.h>

#include "prospectd/format.h"

/* |value| without overflow at G_MININT64. */
static guint64
magnitude_of (gint64 value)
{
  return value < 0 ? (guint64) -(value + 1) + 1 : (guint64) value;
}

char *
pd_format_count (gint64 value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude_of (value));
  GString *out = g_string_new (value < 0 ? "-" : "");
  gsize length = strlen (digits);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* value / 10^decimals as the shortest exact decimal. */
static char *
format_scaled (gint64 value, guint decimals)
{
  gint64 scale = 1;
  for (guint i = 0; i < decimals; i++)
    scale *= 10;

  guint64 magnitude = magnitude_of (value);
  guint64 integer = magnitude / (guint64) scale;
  guint64 fraction = magnitude % (guint64) scale;
  GString *out = g_string_new (value < 0 ? "-" : "");

  g_string_append_printf (out, "%" G_GUINT64_FORMAT, integer);
  if (fraction != 0)
    {
      g_string_append_printf (out, ".%0*" G_GUINT64_FORMAT, (int) decimals, fraction);
      while (out->str[out->len - 1] == '0')
        g_string_truncate (out, out->len - 1);
    }
  return g_string_free (out, FALSE);
}

char *
pd_format_decimal (gint64 millionths)
{
  return format_scaled (millionths, 6);
}

char *
pd_format_rate (gint64 millionths)
{
  g_autofree char *percent = format_scaled (millionths, 4);
  return g_strconcat (percent, "%", NULL);
}

/* value (in units of 10^-scale_digits) rounded half away from zero to
 * `decimals` decimals, written with exactly that many. */
static char *
format_fixed (gint64 value, guint scale_digits, guint decimals)
{
  guint64 step = 1, scale = 1;

  g_return_val_if_fail (decimals <= scale_digits, g_strdup ("?"));
  for (guint i = 0; i < scale_digits - decimals; i++)
    step *= 10;
  for (guint i = 0; i < decimals; i++)
    scale *= 10;

  guint64 magnitude = magnitude_of (value);
  guint64 rounded = magnitude / step + (magnitude % step >= (step + 1) / 2 && step > 1 ? 1 : 0);
  const char *sign = value < 0 && rounded > 0 ? "-" : "";

  if (decimals == 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT, sign, rounded);
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT, sign, rounded / scale,
                          (int) decimals, rounded % scale);
}

char *
pd_format_decimal_fixed (gint64 millionths, guint decimals)
{
  return format_fixed (millionths, 6, decimals);
}

char *
pd_format_rate_fixed (gint64 millionths, guint decimals)
{
  g_autofree char *percent = format_fixed (millionths, 4, decimals);
  return g_strconcat (percent, "%", NULL);
}

char *
pd_format_money (gint64 cents, const char *currency)
{
  /* The sign goes on the whole amount: -50 cents is "-0.50", not "0.50". */
  guint64 magnitude = magnitude_of (cents);
  g_autofree char *units = pd_format_count ((gint64) (magnitude / 100));
  guint rest = (guint) (magnitude % 100);
  const char *sign = cents < 0 ? "-" : "";
  const char *symbol = g_str_equal (currency, "EUR") ? "€" : currency;

  if (rest != 0)
    return g_strdup_printf ("%s%s.%02u %s", sign, units, rest, symbol);
  return g_strdup_printf ("%s%s %s", sign, units, symbol);
}

char *
pd_format_duration (gint64 minutes)
{
  guint64 magnitude = magnitude_of (minutes);
  const char *sign = minutes < 0 ? "-" : "";

  if (magnitude >= 60 && magnitude % 60 == 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT "h", sign, magnitude / 60);
  if (magnitude > 60)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT "h%02" G_GUINT64_FORMAT "m", sign,
                            magnitude / 60, magnitude % 60);
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT "m", sign, magnitude);
}

char *
pd_format_hours (gint64 minutes)
{
  guint64 magnitude = magnitude_of (minutes);
  g_autofree char *hours = pd_format_count ((gint64) (magnitude / 60));

  return g_strdup_printf ("%s%s h %02u min", minutes < 0 ? "-" : "", hours, (guint) (magnitude % 60));
}

char *
pd_format_time_of_day (guint minute)
{
  return g_strdup_printf ("%02u:%02u", minute / 60, minute % 60);
}

char *
pd_format_date (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date));
}

char *
pd_format_pad (const char *text, guint width)
{
  glong length = g_utf8_strlen (text, -1);
  GString *padded = g_string_new (text);

  for (glong i = length; i < (glong) width; i++)
    g_string_append_c (padded, ' ');
  return g_string_free (padded, FALSE);
}
