/* SPDX-License-Identifier: MIT
 *
 * format: numbers, money, rates and durations written for people.
 */
#define G_LOG_DOMAIN "prospectd-format"

#include <langinfo.h>
#include <string.h>
#include <glib/gi18n.h>

#include "prospectd/format.h"

/* How the calling thread's locale (LC_NUMERIC) writes numbers. The C
 * locale (no grouping, a decimal point) is "plain": prospectd's own forms,
 * the same in every release ("1 864", "2.5", "6%"). Any other locale gives
 * its decimal mark and its grouping character (fr_FR: "," and U+202F), and
 * the catalogue the spacing of units ("6 %", "62 h 16 min"). */
typedef struct {
  const char *radix;
  const char *group;
  gboolean plain;
} Numbers;

static Numbers
numbers_of_locale (void)
{
  Numbers n = { nl_langinfo (RADIXCHAR), nl_langinfo (THOUSEP), FALSE };

  if (n.radix == NULL || n.radix[0] == '\0')
    n.radix = ".";
  if (n.group == NULL)
    n.group = "";
  n.plain = g_str_equal (n.radix, ".") && n.group[0] == '\0';
  if (n.group[0] == '\0')
    n.group = " ";
  return n;
}

/* |value| without overflow at G_MININT64. */
static guint64
magnitude_of (gint64 value)
{
  return value < 0 ? (guint64) -(value + 1) + 1 : (guint64) value;
}

/* The digits of `magnitude` grouped by three with `group`. */
static void
append_grouped (GString *out, guint64 magnitude, const char *group)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude);
  gsize length = strlen (digits);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append (out, group);
      g_string_append_c (out, digits[i]);
    }
}

char *
pd_format_count (gint64 value)
{
  Numbers n = numbers_of_locale ();
  GString *out = g_string_new (value < 0 ? "-" : "");

  append_grouped (out, magnitude_of (value), n.group);
  return g_string_free (out, FALSE);
}

/* "6%", or as the catalogue puts a percent sign after a number ("6 %"). */
static char *
percent (const char *number)
{
  if (numbers_of_locale ().plain)
    return g_strconcat (number, "%", NULL);
  /* TRANSLATORS: a percentage; French puts a narrow no-break space
     (U+202F) before the sign: "%s %%". */
  return g_strdup_printf (_("%s%%"), number);
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
      g_string_append_printf (out, "%s%0*" G_GUINT64_FORMAT, numbers_of_locale ().radix, (int) decimals, fraction);
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
  g_autofree char *number = format_scaled (millionths, 4);
  return percent (number);
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
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT "%s%0*" G_GUINT64_FORMAT, sign, rounded / scale,
                          numbers_of_locale ().radix, (int) decimals, rounded % scale);
}

char *
pd_format_decimal_fixed (gint64 millionths, guint decimals)
{
  return format_fixed (millionths, 6, decimals);
}

char *
pd_format_rate_fixed (gint64 millionths, guint decimals)
{
  g_autofree char *number = format_fixed (millionths, 4, decimals);
  return percent (number);
}

char *
pd_format_percent_tenths (gint64 tenths)
{
  g_autofree char *number = format_fixed (tenths, 1, 1);
  return percent (number);
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
  Numbers n = numbers_of_locale ();
  g_autofree char *amount = rest != 0 ? g_strdup_printf ("%s%s%s%02u", sign, units, n.radix, rest)
                                      : g_strdup_printf ("%s%s", sign, units);
  const char *precedes = nl_langinfo (P_CS_PRECEDES);
  const char *spaced = nl_langinfo (P_SEP_BY_SPACE);

  if (n.plain)
    return g_strdup_printf ("%s %s", amount, symbol);
  /* Where the locale puts the symbol (fr_FR after, en_US before), a
   * no-break space between them when it wants one or the symbol is a code. */
  const char *space = (spaced != NULL && spaced[0] == 1) || g_ascii_isalpha (symbol[0]) ? "\u00a0" : "";
  if (precedes != NULL && precedes[0] == 1)
    return g_strdup_printf ("%s%s%s", symbol, space, amount);
  return g_strdup_printf ("%s\u00a0%s", amount, symbol);
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
  g_autofree char *signed_hours = g_strconcat (minutes < 0 ? "-" : "", hours, NULL);

  if (numbers_of_locale ().plain)
    return g_strdup_printf ("%s h %02u min", signed_hours, (guint) (magnitude % 60));
  /* TRANSLATORS: hours and minutes of call time, "62 h 16 min"; French
     joins number and unit with no-break spaces (U+00A0). */
  return g_strdup_printf (_("%s h %02u min"), signed_hours, (guint) (magnitude % 60));
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
pd_format_date_text (const GDate *date)
{
  char text[64];

  if (numbers_of_locale ().plain)
    return pd_format_date (date);
  /* TRANSLATORS: a date in a sentence, a strftime(3) format: "%Y-%m-%d"
     in English, "%d/%m/%Y" in French. */
  if (g_date_strftime (text, sizeof text, _("%Y-%m-%d"), date) == 0)
    return pd_format_date (date);
  return g_strdup (text);
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
