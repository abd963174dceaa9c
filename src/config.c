/* SPDX-License-Identifier: MIT
 *
 * config: campaign files and prospectd.conf, read with GKeyFile.
 *
 * Owns every rule about what a user may write: each key's syntax, range and
 * default, and the one error format that names the file, the group, the key,
 * the value and what was expected:
 *
 *   example.conf: [plan] accessibility_rate = 6: write a percentage, e.g. 6%
 *
 * Parsing builds a fresh PdCampaign and hands it over only when everything
 * validated, so a caller never sees half a campaign.
 */
#define G_LOG_DOMAIN "prospectd-config"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>

#include "prospectd/config.h"
#include "prospectd/format.h"

G_DEFINE_QUARK (pd-config-error-quark, pd_config_error)

/* Limits that keep every later computation inside 64 bits. */
#define MAX_AMOUNT_CENTS   G_GINT64_CONSTANT (100000000000000)  /* 10^12 units */
#define MAX_FACTOR         (G_GINT64_CONSTANT (10000) * PD_MILLI)
#define MAX_SPONTANEOUS    G_GINT64_CONSTANT (1000000000)
#define MAX_CAMPAIGN_DAYS  3660
#define MIN_YEAR           1970
#define MAX_YEAR           9999

#define DEFAULT_WINDOWS    "09:00-12:00, 14:00-17:00"

/* ------------------------------------------------------------ value parsers */

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

gboolean
pd_parse_amount (const char *text, gint64 *ret_cents, GError **error)
{
  gint64 cents = 0;

  switch (parse_fixed (text, 2, &cents))
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

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
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
static gboolean
parse_date_range (const char *text, PdDateRange *ret_range, GError **error)
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
static gboolean
valid_campaign_id (const char *name)
{
  if (name[0] == '\0' || name[0] == '.' || strlen (name) > 64 || strstr (name, "..") != NULL)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/* A rep's name as people write it: at most 64 letters (of any alphabet,
 * accents included), digits, '_', '-' and '.', not '.' first nor two in a
 * row. Names end up in file names, URLs and UIDs through
 * pd_rep_file_name(), which never yields '/'. */
static gboolean
valid_rep_name (const char *name)
{
  if (name[0] == '\0' || name[0] == '.' || strstr (name, "..") != NULL
      || !g_utf8_validate (name, -1, NULL) || g_utf8_strlen (name, -1) > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      /* Marks: the accents of a name typed decomposed (NFD). */
      if (!g_unichar_isalnum (c) && !g_unichar_ismark (c) && c != '_' && c != '-' && c != '.')
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------ lines */

/* A pre-scan of a configuration file's lines, before GKeyFile parses it:
 * GKeyFile keeps the last of two equal keys without a word and reports no
 * line numbers, and it reads "key = value # note" as the value "value #
 * note". This scan only checks, line by line, what GKeyFile cannot say:
 * a key set twice in one group (naming both lines), a comment after a
 * value or a [group] (comments go on their own line), a key before any
 * group and a line that is none of [group], key = value, # comment or
 * blank. The parsing itself stays GKeyFile's. */
static gboolean
check_lines (const char *path, const char *text, gsize length, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *group = NULL;
  const char *end = text + length;
  guint number = 0;

  for (const char *line = text; line < end; )
    {
      const char *newline = memchr (line, '\n', (gsize) (end - line));
      const char *line_end = newline != NULL ? newline : end;
      g_autofree char *raw = g_strndup (line, (gsize) (line_end - line));
      char *content;

      number++;
      line = newline != NULL ? newline + 1 : end;
      content = g_strstrip (raw);
      if (content[0] == '\0' || content[0] == '#')
        continue;

      if (content[0] == '[')
        {
          const char *close = strchr (content, ']');
          const char *after = close != NULL ? close + 1 : NULL;

          while (after != NULL && (*after == ' ' || *after == '\t'))
            after++;
          if (after != NULL && *after == '#')
            {
              g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                           _("%s: line %u: %s: a comment goes on its own line, starting with #"),
                           path, number, content);
              return FALSE;
            }
          if (after == NULL || *after != '\0')
            {
              g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                           _("%s: line %u: %s: write a group as [name] alone on its line"),
                           path, number, content);
              return FALSE;
            }
          g_free (group);
          group = g_strndup (content + 1, (gsize) (close - content - 1));
          continue;
        }

      const char *equals = strchr (content, '=');
      if (equals == NULL)
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                       _("%s: line %u: %s: expected key = value, a [group] or a # comment"),
                       path, number, content);
          return FALSE;
        }
      g_autofree char *key = g_strchomp (g_strndup (content, (gsize) (equals - content)));
      if (group == NULL)
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                       _("%s: line %u: %s: a key before any group; start with a [group] line"),
                       path, number, content);
          return FALSE;
        }
      for (const char *p = equals + 1; *p != '\0'; p++)
        if (*p == '#' && (p[-1] == ' ' || p[-1] == '\t'))
          {
            g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                         _("%s: line %u: [%s] %s: a comment goes on its own line, starting with #; "
                           "move \"%s\" to the line above"),
                         path, number, group, content, p);
            return FALSE;
          }

      /* GKeyFile keeps "key[fr]" aside as a translation, which no reader
       * here asks for: it would be ignored without a word. */
      if (strchr (key, '[') != NULL)
        {
          g_autofree char *plain = g_strndup (key, (gsize) (strchr (key, '[') - key));

          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                       _("%s: line %u: [%s] %s: translated keys (KEY[LANG]) are not read; write %s = VALUE"),
                       path, number, group, content, g_strchomp (plain));
          return FALSE;
        }

      /* The group as GKeyFile names it, then the key: no line holds a
       * newline, so the pair is unambiguous. */
      g_autofree char *slot = g_strdup_printf ("%s\n%s", group, key);
      gpointer first = g_hash_table_lookup (seen, slot);
      if (first != NULL)
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                       _("%s: line %u: [%s] %s: %s is already set on line %u; keep one of the two lines"),
                       path, number, group, content, key, GPOINTER_TO_UINT (first));
          return FALSE;
        }
      g_hash_table_insert (seen, g_steal_pointer (&slot), GUINT_TO_POINTER (number));
    }
  return TRUE;
}

/* ------------------------------------------------------------ campaign */

typedef struct {
  const char *path;
  GKeyFile *keyfile;
} Reader;

static gboolean
reject (const Reader *reader, const char *group, const char *key, const char *value,
        const char *expected, GError **error)
{
  if (value != NULL)
    g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID, "%s: [%s] %s = %s: %s",
                 reader->path, group, key, value, expected);
  else
    g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID, "%s: [%s] %s: %s",
                 reader->path, group, key, expected);
  return FALSE;
}

/* The stripped raw value of group/key, or NULL when absent. Raw so that a
 * value is shown to the user exactly as written. */
static char *
lookup (const Reader *reader, const char *group, const char *key)
{
  char *value = g_key_file_get_value (reader->keyfile, group, key, NULL);

  return value != NULL ? g_strstrip (value) : NULL;
}

static gboolean
require (const Reader *reader, const char *group, const char *key, const char *example,
         char **ret_value, GError **error)
{
  char *value = lookup (reader, group, key);

  if (value == NULL)
    {
      g_autofree char *expected = g_strdup_printf (_("missing; write e.g. %s = %s"), key, example);
      return reject (reader, group, key, NULL, expected, error);
    }
  *ret_value = value;
  return TRUE;
}

/* Runs one of the pd_parse_* functions on group/key and turns its message
 * into the file/group/key/value form. */
#define PARSE_KEY(reader, group, key, value, parser, out, error)            \
  G_STMT_START {                                                            \
    g_autoptr (GError) parse_error_ = NULL;                                 \
    if (!parser ((value), (out), &parse_error_))                            \
      return reject ((reader), (group), (key), (value), parse_error_->message, (error)); \
  } G_STMT_END

/* Levenshtein distance, for "did you mean". Long inputs are not typos. */
static guint
edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint row[65];

  if (la > 64 || lb > 64)
    return G_MAXUINT;
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0];
      row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }
  return row[lb];
}

/* The allowed name closest to `name` when it looks like a typo of it. */
static const char *
closest_name (const char *name, const char *const *allowed)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;

  for (guint i = 0; allowed[i] != NULL; i++)
    {
      guint distance = edit_distance (name, allowed[i]);
      if (distance < best_distance)
        {
          best = allowed[i];
          best_distance = distance;
        }
    }
  return best_distance <= MAX (strlen (name) / 4, 2) ? best : NULL;
}

static gboolean
check_keys (const Reader *reader, const char *group, const char *const *allowed, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (reader->keyfile, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!g_strv_contains (allowed, keys[i]))
      {
        g_autofree char *value = lookup (reader, group, keys[i]);
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);
        const char *guess = closest_name (keys[i], allowed);
        g_autofree char *expected =
          guess != NULL ? g_strdup_printf (_("unknown key; did you mean %s?"), guess)
                        : g_strdup_printf (_("unknown key; expected one of %s"), list);
        return reject (reader, group, keys[i], value, expected, error);
      }
  return TRUE;
}

/* The time zone database GLib reads: $TZDIR, else the system's. */
static const char *
zoneinfo_dir (void)
{
  const char *dir = g_getenv ("TZDIR");
  return dir != NULL && dir[0] == '/' ? dir : "/usr/share/zoneinfo";
}

/* TRUE when `name` is a zone of the IANA database (a file in it), not one
 * of the POSIX TZ strings GLib also accepts: "UTC+1" would silently mean
 * one hour *west* of Greenwich, and no calendar application knows it. */
static gboolean
iana_zone_exists (const char *name)
{
  g_autofree char *file = NULL;

  if (g_str_equal (name, "UTC"))
    return TRUE;
  if (name[0] == '\0' || name[0] == '/' || name[0] == '.' || strstr (name, "..") != NULL ||
      !g_ascii_isupper (name[0]))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("/_-+", *p) == NULL)
      return FALSE;
  file = g_build_filename (zoneinfo_dir (), name, NULL);
  return g_file_test (file, G_FILE_TEST_IS_REGULAR);
}

/* The machine's zone as an IANA name, or NULL: TZ (":Europe/Paris" or a
 * path into the zone database included), else what /etc/localtime names. */
static char *
local_zone_name (void)
{
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  const char *identifier = g_time_zone_get_identifier (local);
  const char *dir = zoneinfo_dir ();
  gsize dir_length = strlen (dir);

  if (identifier == NULL)
    return NULL;
  if (identifier[0] == ':')
    identifier++;
  if (strncmp (identifier, dir, dir_length) == 0 && identifier[dir_length] == '/')
    identifier += dir_length + 1;
  if (g_str_has_prefix (identifier, "posix/") || g_str_has_prefix (identifier, "right/"))
    identifier += strlen ("posix/");
  return iana_zone_exists (identifier) ? g_strdup (identifier) : NULL;
}

static gboolean
read_campaign_group (const Reader *r, PdCampaign *c, GError **error)
{
  static const char *const keys[] = { "name", "start", "end", "timezone", "currency", NULL };
  const char *g = "campaign";
  g_autofree char *start = NULL, *end = NULL, *name = NULL, *tz = NULL, *currency = NULL;

  if (!check_keys (r, g, keys, error))
    return FALSE;

  name = lookup (r, g, "name");
  if (name != NULL && name[0] == '\0')
    return reject (r, g, "name", name, _("write the campaign's name, e.g. New customers Q1 2027"), error);
  /* The name reaches terminals, tables, notifications and X-WR-CALNAME:
   * no escape sequence, bell or line break may ride along. */
  for (const char *p = name; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_autofree char *shown = g_strescape (name, NULL);
        g_autofree char *expected = g_strdup_printf (_("a control character (U+%04X) in the name; write plain text"),
                                                     g_utf8_get_char (p));
        return reject (r, g, "name", shown, expected, error);
      }
  c->name = name != NULL ? g_steal_pointer (&name) : g_strdup (c->id);

  if (!require (r, g, "start", "2027-01-04", &start, error))
    return FALSE;
  PARSE_KEY (r, g, "start", start, pd_parse_date, &c->start, error);
  if (!require (r, g, "end", "2027-03-31", &end, error))
    return FALSE;
  PARSE_KEY (r, g, "end", end, pd_parse_date, &c->end, error);
  if (g_date_compare (&c->end, &c->start) < 0)
    {
      g_autofree char *expected = g_strdup_printf (_("must not be before start (%s)"), start);
      return reject (r, g, "end", end, expected, error);
    }
  if (g_date_days_between (&c->start, &c->end) >= MAX_CAMPAIGN_DAYS)
    return reject (r, g, "end", end, _("a campaign lasts at most ten years"), error);

  tz = lookup (r, g, "timezone");
  if (tz == NULL)
    {
      /* Default: this machine's zone, when it has an IANA name. */
      g_autofree char *local = local_zone_name ();

      c->tz = local != NULL ? g_time_zone_new_identifier (local) : NULL;
      c->timezone = c->tz != NULL ? g_steal_pointer (&local) : g_strdup ("UTC");
      if (c->tz == NULL)
        c->tz = g_time_zone_new_utc ();
    }
  else
    {
      c->tz = iana_zone_exists (tz) ? g_time_zone_new_identifier (tz) : NULL;
      if (c->tz == NULL)
        return reject (r, g, "timezone", tz, _("unknown time zone; write an IANA name, e.g. Europe/Paris"), error);
      c->timezone = g_steal_pointer (&tz);
    }

  currency = lookup (r, g, "currency");
  if (currency == NULL)
    currency = g_strdup ("EUR");
  if (strlen (currency) != 3 || !g_ascii_isupper (currency[0]) ||
      !g_ascii_isupper (currency[1]) || !g_ascii_isupper (currency[2]))
    return reject (r, g, "currency", currency, _("write a three-letter ISO 4217 code, e.g. EUR"), error);
  c->currency = g_steal_pointer (&currency);
  return TRUE;
}

/* A positive decimal factor of [plan]. */
static gboolean
read_factor (const Reader *r, const char *key, const char *example, gint64 *ret, GError **error)
{
  g_autofree char *value = NULL;

  if (!require (r, "plan", key, example, &value, error))
    return FALSE;
  PARSE_KEY (r, "plan", key, value, pd_parse_decimal, ret, error);
  if (*ret <= 0)
    return reject (r, "plan", key, value, _("must be more than 0"), error);
  if (*ret > MAX_FACTOR)
    return reject (r, "plan", key, value, _("is too large (at most 10000)"), error);
  return TRUE;
}

static gboolean
read_amount (const Reader *r, const char *key, const char *example, gint64 *ret, GError **error)
{
  g_autofree char *value = NULL;

  if (!require (r, "plan", key, example, &value, error))
    return FALSE;
  PARSE_KEY (r, "plan", key, value, pd_parse_amount, ret, error);
  if (*ret <= 0)
    return reject (r, "plan", key, value, _("must be more than 0"), error);
  return TRUE;
}

static gboolean
read_plan_group (const Reader *r, PdCampaign *c, GError **error)
{
  static const char *const keys[] = {
    "objective", "average_deal", "proposals_per_deal", "compensation_factor",
    "spontaneous_prospects", "accessibility_rate", "contacts_per_prospect",
    "minutes_per_contact", "rounding", NULL
  };
  const char *g = "plan";
  PdPlanInput *plan = &c->plan;
  g_autofree char *spontaneous = NULL, *rate = NULL, *rounding = NULL;

  if (!g_key_file_has_group (r->keyfile, g))
    return reject (r, g, "objective", NULL, _("missing; write e.g. objective = 60000"), error);
  if (!check_keys (r, g, keys, error) ||
      !read_amount (r, "objective", "60000", &plan->objective_cents, error) ||
      !read_amount (r, "average_deal", "20000", &plan->average_deal_cents, error) ||
      !read_factor (r, "proposals_per_deal", "3", &plan->proposals_per_deal, error) ||
      !read_factor (r, "compensation_factor", "4", &plan->compensation_factor, error))
    return FALSE;

  spontaneous = lookup (r, g, "spontaneous_prospects");
  plan->spontaneous_prospects = 0;
  if (spontaneous != NULL)
    {
      gint64 value;
      PARSE_KEY (r, g, "spontaneous_prospects", spontaneous, pd_parse_decimal, &value, error);
      if (value % PD_MILLI != 0)
        return reject (r, g, "spontaneous_prospects", spontaneous,
                       _("write a whole number of prospects, e.g. 8"), error);
      if (value / PD_MILLI > MAX_SPONTANEOUS)
        return reject (r, g, "spontaneous_prospects", spontaneous, _("is too large"), error);
      plan->spontaneous_prospects = value / PD_MILLI;
    }

  if (!require (r, g, "accessibility_rate", "6%", &rate, error))
    return FALSE;
  PARSE_KEY (r, g, "accessibility_rate", rate, pd_parse_rate, &plan->accessibility_rate, error);
  if (plan->accessibility_rate <= 0)
    return reject (r, g, "accessibility_rate", rate, _("must be more than 0%"), error);

  if (!read_factor (r, "contacts_per_prospect", "4", &plan->contacts_per_prospect, error) ||
      !read_factor (r, "minutes_per_contact", "2", &plan->minutes_per_contact, error))
    return FALSE;

  rounding = lookup (r, g, "rounding");
  if (rounding == NULL || g_str_equal (rounding, "up"))
    plan->rounding = PD_ROUNDING_UP;
  else if (g_str_equal (rounding, "down"))
    plan->rounding = PD_ROUNDING_DOWN;
  else
    return reject (r, g, "rounding", rounding, _("write up or down"), error);
  return TRUE;
}

typedef struct {
  PdWeekdays workdays;
  GArray *windows;   /* PdWindow, owned */
  guint max_daily_minutes;
} CalendarDefaults;

static gboolean
read_windows_key (const Reader *r, const char *group, const char *value, GArray **ret, GError **error)
{
  PARSE_KEY (r, group, "call_windows", value, pd_parse_windows, ret, error);
  return TRUE;
}

static gboolean
read_duration_key (const Reader *r, const char *group, const char *key, guint fallback,
                   gboolean zero_allowed, guint *ret, GError **error)
{
  g_autofree char *value = lookup (r, group, key);

  if (value == NULL)
    {
      *ret = fallback;
      return TRUE;
    }
  PARSE_KEY (r, group, key, value, pd_parse_duration, ret, error);
  if (*ret == 0 && !zero_allowed)
    return reject (r, group, key, value, _("must be more than 0m"), error);
  return TRUE;
}

static gboolean
read_holidays (const Reader *r, PdCampaign *c, const char *value, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (value, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *item = g_strstrip (parts[i]);
      PdDateRange range;
      g_autoptr (GError) local_error = NULL;

      if (g_ascii_strcasecmp (item, "fr") == 0)
        {
          c->holidays_fr = TRUE;
          continue;
        }
      if (!parse_date_range (item, &range, &local_error))
        return reject (r, "calendar", "holidays", value,
                       _("write dates, ranges (2027-05-03..2027-05-07) or the set fr, comma-separated"),
                       error);
      for (GDate d = range.first; g_date_compare (&d, &range.last) <= 0; g_date_add_days (&d, 1))
        {
          g_array_append_val (c->holidays, d);
          if (c->holidays->len > 100000)
            return reject (r, "calendar", "holidays", value, _("too many holidays"), error);
        }
    }
  return TRUE;
}

static gboolean
read_calendar_group (const Reader *r, PdCampaign *c, CalendarDefaults *defaults, GError **error)
{
  static const char *const keys[] = {
    "workdays", "call_windows", "holidays", "max_daily_calls", "max_block", "break", "reminder", NULL
  };
  const char *g = "calendar";
  g_autofree char *workdays = NULL, *windows = NULL, *holidays = NULL;

  if (!check_keys (r, g, keys, error))
    return FALSE;

  workdays = lookup (r, g, "workdays");
  defaults->workdays = PD_WEEKDAY_BIT (G_DATE_MONDAY) | PD_WEEKDAY_BIT (G_DATE_TUESDAY) |
                       PD_WEEKDAY_BIT (G_DATE_WEDNESDAY) | PD_WEEKDAY_BIT (G_DATE_THURSDAY) |
                       PD_WEEKDAY_BIT (G_DATE_FRIDAY);
  if (workdays != NULL)
    PARSE_KEY (r, g, "workdays", workdays, pd_parse_weekdays, &defaults->workdays, error);

  windows = lookup (r, g, "call_windows");
  if (windows == NULL)
    pd_parse_windows (DEFAULT_WINDOWS, &defaults->windows, NULL);
  else if (!read_windows_key (r, g, windows, &defaults->windows, error))
    return FALSE;

  holidays = lookup (r, g, "holidays");
  if (holidays != NULL && holidays[0] != '\0' && !read_holidays (r, c, holidays, error))
    return FALSE;

  /* Without a cap, the windows are the limit. */
  if (!read_duration_key (r, g, "max_daily_calls", 24 * 60, FALSE, &defaults->max_daily_minutes, error) ||
      !read_duration_key (r, g, "max_block", 90, FALSE, &c->max_block_minutes, error) ||
      !read_duration_key (r, g, "break", 10, TRUE, &c->break_minutes, error) ||
      !read_duration_key (r, g, "reminder", 10, TRUE, &c->reminder_minutes, error))
    return FALSE;

  /* A block holds at least one contact: a shorter max_block would make
   * blocks of no contact ([plan] is read before [calendar]). */
  if ((gint64) c->max_block_minutes * PD_MILLI < c->plan.minutes_per_contact)
    {
      g_autofree char *value = lookup (r, g, "max_block");
      g_autofree char *per_contact = pd_format_decimal (c->plan.minutes_per_contact);
      g_autofree char *expected =
        g_strdup_printf (_("a block must hold at least one contact: write at least "
                           "minutes_per_contact (%s minutes), e.g. 90m"), per_contact);
      return reject (r, g, "max_block", value, expected, error);
    }
  return TRUE;
}

static gboolean
read_checkpoints_group (const Reader *r, PdCampaign *c, GError **error)
{
  const char *g = "checkpoints";
  g_auto (GStrv) keys = g_key_file_get_keys (r->keyfile, g, NULL, NULL);
  PdCheckpoint last = { .share = 0 };
  gboolean end_listed = FALSE;

  g_date_clear (&last.date, 1);
  g_date_set_julian (&last.date, g_date_get_julian (&c->start));
  g_date_subtract_days (&last.date, 1);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = lookup (r, g, keys[i]);
      PdCheckpoint checkpoint;
      g_autoptr (GError) local_error = NULL;

      if (!pd_parse_date (keys[i], &checkpoint.date, &local_error))
        {
          /* A well-formed key that names no real day (2027-02-29) deserves
           * to hear that, not the syntax again. */
          gboolean date_like = strlen (keys[i]) == 10 && keys[i][4] == '-' && keys[i][7] == '-';
          g_autofree char *expected =
            date_like ? g_strdup_printf (_("%s is not a valid date"), keys[i])
                      : g_strdup (_("a checkpoint is a date, written YYYY-MM-DD = share, e.g. 2027-01-29 = 25%"));
          return reject (r, g, keys[i], value, expected, error);
        }
      PARSE_KEY (r, g, keys[i], value, pd_parse_rate, &checkpoint.share, error);
      if (checkpoint.share <= 0)
        return reject (r, g, keys[i], value, _("must be more than 0%"), error);
      if (g_date_compare (&checkpoint.date, &c->start) < 0 || g_date_compare (&checkpoint.date, &c->end) > 0)
        {
          g_autofree char *start = pd_format_date (&c->start), *end = pd_format_date (&c->end);
          g_autofree char *expected = g_strdup_printf (_("the date is outside the campaign (%s to %s)"),
                                                       start, end);
          return reject (r, g, keys[i], value, expected, error);
        }
      if (g_date_compare (&checkpoint.date, &last.date) <= 0)
        return reject (r, g, keys[i], value, _("checkpoints must be listed in date order"), error);
      if (checkpoint.share <= last.share)
        {
          g_autofree char *previous = pd_format_date (&last.date);
          g_autofree char *expected =
            g_strdup_printf (_("must be more than the share due at the previous checkpoint (%s)"), previous);
          return reject (r, g, keys[i], value, expected, error);
        }
      if (g_date_compare (&checkpoint.date, &c->end) == 0)
        {
          if (checkpoint.share != 100 * 10000)
            return reject (r, g, keys[i], value, _("the end date is a 100% checkpoint"), error);
          end_listed = TRUE;
        }
      else if (checkpoint.share >= 100 * 10000)
        return reject (r, g, keys[i], value,
                       _("must be less than 100% (the end date is the 100% checkpoint)"), error);
      g_array_append_val (c->checkpoints, checkpoint);
      last = checkpoint;
    }

  if (!end_listed)
    {
      PdCheckpoint end = { .date = c->end, .share = PD_MILLI };
      g_array_append_val (c->checkpoints, end);
    }
  return TRUE;
}

static gboolean
read_rep_group (const Reader *r, PdCampaign *c, const char *group, const char *name,
                GError **error)
{
  static const char *const keys[] = { "days_off", "workdays", "call_windows", "max_daily_calls", "start", NULL };
  PdRep *rep = (PdRep *) pd_campaign_find_rep (c, name, NULL);
  g_autofree char *days_off = NULL, *workdays = NULL, *windows = NULL, *start = NULL;

  if (rep == NULL)
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                   _("%s: [%s]: no rep called '%s' in [reps]"), r->path, group, name);
      return FALSE;
    }
  if (!check_keys (r, group, keys, error))
    return FALSE;

  days_off = lookup (r, group, "days_off");
  if (days_off != NULL && days_off[0] != '\0')
    {
      g_auto (GStrv) parts = g_strsplit (days_off, ",", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          PdDateRange range;
          PARSE_KEY (r, group, "days_off", g_strstrip (parts[i]), parse_date_range, &range, error);
          g_array_append_val (rep->days_off, range);
        }
    }
  start = lookup (r, group, "start");
  if (start != NULL)
    {
      PARSE_KEY (r, group, "start", start, pd_parse_date, &rep->start, error);
      if (g_date_compare (&rep->start, &c->start) < 0 || g_date_compare (&rep->start, &c->end) > 0)
        {
          g_autofree char *first = pd_format_date (&c->start);
          g_autofree char *last = pd_format_date (&c->end);
          g_autofree char *expected = g_strdup_printf (_("must be a day of the campaign, from %s to %s"), first, last);
          return reject (r, group, "start", start, expected, error);
        }
      (void) g_date_get_julian (&rep->start); /* both forms filled: read-only from here */
      rep->start_given = TRUE;
    }
  workdays = lookup (r, group, "workdays");
  if (workdays != NULL)
    PARSE_KEY (r, group, "workdays", workdays, pd_parse_weekdays, &rep->workdays, error);
  windows = lookup (r, group, "call_windows");
  if (windows != NULL)
    {
      GArray *parsed = NULL;
      if (!read_windows_key (r, group, windows, &parsed, error))
        return FALSE;
      g_array_unref (rep->windows);
      rep->windows = parsed;
    }
  return read_duration_key (r, group, "max_daily_calls", rep->max_daily_minutes, FALSE,
                            &rep->max_daily_minutes, error);
}

static gboolean
read_reps (const Reader *r, PdCampaign *c, const CalendarDefaults *defaults, GError **error)
{
  const char *g = "reps";
  g_auto (GStrv) names = g_key_file_get_keys (r->keyfile, g, NULL, NULL);

  if (names == NULL || names[0] == NULL)
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                   _("%s: [reps]: no rep; list at least one, e.g. alice = 1"), r->path);
      return FALSE;
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *value = lookup (r, g, names[i]);
      PdRep *rep;
      gint64 weight;

      g_autofree char *name = valid_rep_name (names[i]) ? pd_rep_normalize (names[i]) : NULL;
      if (name == NULL || !valid_rep_name (name))
        return reject (r, g, names[i], value,
                       _("a rep's name is at most 64 letters (any alphabet), digits, '_', '-' and '.' "
                         "(not first, not two in a row)"), error);
      if (pd_campaign_find_rep (c, name, NULL) != NULL)
        return reject (r, g, names[i], value,
                       _("the same name as an earlier rep, written with other character codes; "
                         "list each rep once"), error);
      PARSE_KEY (r, g, names[i], value, pd_parse_decimal, &weight, error);
      if (weight <= 0)
        return reject (r, g, names[i], value, _("a rep's weight must be more than 0, e.g. 1 or 0.5"), error);
      if (weight > MAX_FACTOR)
        return reject (r, g, names[i], value, _("is too large (at most 10000)"), error);

      rep = g_new0 (PdRep, 1);
      rep->name = g_steal_pointer (&name);
      rep->weight = weight;
      rep->workdays = defaults->workdays;
      rep->windows = g_array_copy (defaults->windows);
      rep->max_daily_minutes = defaults->max_daily_minutes;
      rep->days_off = g_array_new (FALSE, TRUE, sizeof (PdDateRange));
      g_ptr_array_add (c->reps, rep);
      g_hash_table_insert (c->rep_index, rep->name, GUINT_TO_POINTER (c->reps->len));
    }
  if (c->reps->len > 100000)
    return reject (r, g, names[0], NULL, _("too many reps (at most 100000)"), error);
  return TRUE;
}

static gboolean
read_alerts_group (const Reader *r, PdCampaign *c, GError **error)
{
  static const char *const keys[] = { "behind_threshold", "daily_check", NULL };
  const char *g = "alerts";
  g_autofree char *threshold = lookup (r, g, "behind_threshold");
  g_autofree char *daily = lookup (r, g, "daily_check");

  if (!check_keys (r, g, keys, error))
    return FALSE;
  c->behind_threshold = 100000;
  if (threshold != NULL)
    {
      PARSE_KEY (r, g, "behind_threshold", threshold, pd_parse_rate, &c->behind_threshold, error);
      if (c->behind_threshold >= PD_MILLI)
        return reject (r, g, "behind_threshold", threshold, _("must be less than 100%"), error);
    }
  c->daily_check_minute = 17 * 60 + 30;
  if (daily != NULL)
    {
      if (!pd_parse_time_of_day (daily, &c->daily_check_minute, NULL) || c->daily_check_minute >= 24 * 60)
        return reject (r, g, "daily_check", daily, _("write a time of day from 00:00 to 23:59, e.g. 17:30"), error);
    }
  return TRUE;
}

static char *
campaign_id_from_path (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, ".conf"))
    base[strlen (base) - strlen (".conf")] = '\0';
  return g_steal_pointer (&base);
}

PdCampaign *
pd_config_parse_campaign (const char *path, const char *text, gsize length, GError **error)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (PdCampaign) c = g_new0 (PdCampaign, 1);
  g_auto (GStrv) groups = NULL;
  CalendarDefaults defaults = { 0 };
  Reader r = { path, keyfile };
  const char *invalid = NULL;
  gboolean ok;

  if (!g_utf8_validate (text, (gssize) length, &invalid))
    {
      guint line = 1;
      for (const char *p = text; p < invalid; p++)
        line += *p == '\n';
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                   *invalid == '\0' ? _("%s: line %u: a NUL byte; a campaign file is text")
                                    : _("%s: line %u: not UTF-8 text; save the file as UTF-8"),
                   path, line);
      return NULL;
    }
  if (!check_lines (path, text, length, error))
    return NULL;
  if (!g_key_file_load_from_data (keyfile, text, length, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX, "%s: %s", path, local_error->message);
      return NULL;
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      static const char *const known[] = { "campaign", "plan", "calendar", "checkpoints", "reps", "alerts", NULL };
      if (!g_strv_contains (known, groups[i]) && !g_str_has_prefix (groups[i], "rep "))
        {
          const char *guess = closest_name (groups[i], known);
          if (guess != NULL)
            g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                         _("%s: [%s]: unknown group; did you mean [%s]?"), path, groups[i], guess);
          else
            g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                         _("%s: [%s]: unknown group; expected [campaign], [plan], [calendar], "
                           "[checkpoints], [reps], [rep NAME] or [alerts]"), path, groups[i]);
          return NULL;
        }
    }

  c->id = campaign_id_from_path (path);
  c->path = g_strdup (path);
  c->holidays = g_array_new (FALSE, TRUE, sizeof (GDate));
  c->checkpoints = g_array_new (FALSE, TRUE, sizeof (PdCheckpoint));
  c->reps = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_rep_free);
  c->rep_index = g_hash_table_new (g_str_hash, g_str_equal);

  if (!g_key_file_has_group (keyfile, "campaign"))
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                   _("%s: [campaign]: missing; a campaign needs at least its start and end dates"), path);
      return NULL;
    }

  ok = read_campaign_group (&r, c, error) &&
       read_plan_group (&r, c, error) &&
       read_calendar_group (&r, c, &defaults, error) &&
       read_checkpoints_group (&r, c, error) &&
       read_reps (&r, c, &defaults, error);
  for (guint i = 0; ok && groups[i] != NULL; i++)
    if (g_str_has_prefix (groups[i], "rep "))
      {
        /* A copy: the group's own name must stay as written ("rep  bob")
         * for its keys to be found. */
        g_autofree char *name = g_strstrip (g_strdup (groups[i] + strlen ("rep ")));
        ok = read_rep_group (&r, c, groups[i], name, error);
      }
  ok = ok && read_alerts_group (&r, c, error);
  g_clear_pointer (&defaults.windows, g_array_unref);
  if (!ok)
    return NULL;
  return g_steal_pointer (&c);
}

/* Far above any hand-written campaign; keeps a wrong path (a log, a disk
 * image) from being read whole. */
#define MAX_CAMPAIGN_FILE_BYTES (1024 * 1024)

typedef enum {
  READ_OK,
  READ_ERRNO,       /* *ret_errno says why */
  READ_NOT_REGULAR,
  READ_TOO_LARGE,
} ReadResult;

/* Reads a configuration file: opened once, checked on that descriptor
 * (a regular file; never blocking on a FIFO) and read from it, at most
 * `max` bytes, so that what was checked is what is read, whatever
 * replaces the path meanwhile or whatever size the file claims. */
static ReadResult
read_config_file (const char *path, gsize max, char **ret_text, gsize *ret_length, int *ret_errno)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  struct stat info;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

  if (fd < 0)
    {
      *ret_errno = errno;
      return READ_ERRNO;
    }
  if (fstat (fd, &info) != 0)
    {
      *ret_errno = errno;
      close (fd);
      return READ_ERRNO;
    }
  if (!S_ISREG (info.st_mode))
    {
      close (fd);
      return READ_NOT_REGULAR;
    }
  text = g_malloc (max + 2);
  for (;;)
    {
      gssize got = read (fd, text + length, max + 1 - length);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          *ret_errno = errno;
          close (fd);
          return READ_ERRNO;
        }
      if (got == 0)
        break;
      length += (gsize) got;
      if (length > max)
        {
          close (fd);
          return READ_TOO_LARGE;
        }
    }
  close (fd);
  text[length] = '\0';
  *ret_text = g_steal_pointer (&text);
  *ret_length = length;
  return READ_OK;
}

PdCampaign *
pd_config_load_campaign (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  int saved_errno = 0;

  switch (read_config_file (path, MAX_CAMPAIGN_FILE_BYTES, &text, &length, &saved_errno))
    {
    case READ_OK:
      return pd_config_parse_campaign (path, text, length, error);
    case READ_NOT_REGULAR:
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                   _("%s: not a regular file; name a campaign file"), path);
      return NULL;
    case READ_TOO_LARGE:
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                   _("%s: too large for a campaign file (at most 1 MiB)"), path);
      return NULL;
    case READ_ERRNO:
    default:
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO, _("%s: cannot read: %s"),
                   path, g_strerror (saved_errno));
      return NULL;
    }
}

/* ------------------------------------------------------------ daemon config */

static char *
expand_home (const char *path)
{
  if (g_str_equal (path, "~"))
    return g_strdup (g_get_home_dir ());
  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);
  return g_strdup (path);
}

void
pd_daemon_config_free (PdDaemonConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_free (config->campaigns_dir);
  g_free (config->database);
  g_free (config->feeds_dir);
  g_strfreev (config->notify_reps);
  g_free (config->listen);
  g_free (config);
}

static gboolean
read_path (const Reader *r, const char *key, char **inout, GError **error)
{
  g_autofree char *value = lookup (r, "daemon", key);

  if (value == NULL)
    return TRUE;
  if (value[0] == '\0')
    return reject (r, "daemon", key, value, _("write a path, e.g. ~/.local/share/prospectd"), error);
  g_free (*inout);
  *inout = expand_home (value);
  if (!g_path_is_absolute (*inout))
    {
      /* Relative paths are relative to the configuration file. */
      g_autofree char *dir = g_path_get_dirname (r->path);
      g_autofree char *absolute_dir = g_canonicalize_filename (dir, NULL);
      char *absolute = g_canonicalize_filename (*inout, absolute_dir);
      g_free (*inout);
      *inout = absolute;
    }
  return TRUE;
}

PdDaemonConfig *
pd_config_load_daemon (const char *path, GError **error)
{
  g_autoptr (PdDaemonConfig) config = g_new0 (PdDaemonConfig, 1);
  g_autofree char *default_path = g_build_filename (g_get_user_config_dir (), "prospectd", "prospectd.conf", NULL);
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *notify = NULL, *notifications = NULL, *listen = NULL;
  g_auto (GStrv) groups = NULL;
  Reader r = { NULL, keyfile };
  static const char *const daemon_keys[] = { "campaigns", "database", "feeds", "notify", "notifications", NULL };
  static const char *const feeds_keys[] = { "listen", "max_connections", NULL };

  config->campaigns_dir = g_build_filename (g_get_user_config_dir (), "prospectd", "campaigns", NULL);
  config->database = g_build_filename (g_get_user_data_dir (), "prospectd", "prospectd.db", NULL);
  config->feeds_dir = g_build_filename (g_get_user_data_dir (), "prospectd", "feeds", NULL);
  config->notify_reps = g_new0 (char *, 2);
  config->notify_reps[0] = g_strdup ("*");
  config->notifications = TRUE;
  config->listen = g_strdup ("");
  config->max_connections = 32;

  if (path == NULL)
    {
      if (!g_file_test (default_path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&config);
      path = default_path;
    }
  config->path = g_strdup (path);
  r.path = config->path;

  g_autofree char *contents = NULL;
  gsize length = 0;
  int saved_errno = 0;
  switch (read_config_file (path, MAX_CAMPAIGN_FILE_BYTES, &contents, &length, &saved_errno))
    {
    case READ_OK:
      break;
    case READ_NOT_REGULAR:
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                   _("%s: not a regular file; name a configuration file"), path);
      return NULL;
    case READ_TOO_LARGE:
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                   _("%s: too large for a configuration file (at most 1 MiB)"), path);
      return NULL;
    case READ_ERRNO:
    default:
      /* The system's words ("No such file or directory"), as for a
       * campaign file. */
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO, "%s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (!check_lines (path, contents, length, error))
    return NULL;
  if (!g_key_file_load_from_data (keyfile, contents, length, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, PD_CONFIG_ERROR,
                   g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE)
                     ? PD_CONFIG_ERROR_SYNTAX : PD_CONFIG_ERROR_IO,
                   "%s: %s", path, local_error->message);
      return NULL;
    }
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (!g_str_equal (groups[i], "daemon") && !g_str_equal (groups[i], "feeds"))
      {
        g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                     _("%s: [%s]: unknown group; expected [daemon] or [feeds]"), path, groups[i]);
        return NULL;
      }
  if (!check_keys (&r, "daemon", daemon_keys, error) || !check_keys (&r, "feeds", feeds_keys, error) ||
      !read_path (&r, "campaigns", &config->campaigns_dir, error) ||
      !read_path (&r, "database", &config->database, error) ||
      !read_path (&r, "feeds", &config->feeds_dir, error))
    return NULL;

  notify = lookup (&r, "daemon", "notify");
  if (notify != NULL)
    {
      g_auto (GStrv) names = g_strsplit (notify, ",", -1);
      g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; names[i] != NULL; i++)
        {
          const char *name = g_strstrip (names[i]);
          if (name[0] == '\0')
            continue;
          if (!g_str_equal (name, "*") && !valid_rep_name (name))
            {
              reject (&r, "daemon", "notify", notify,
                      _("write rep names separated by commas, * for all, or nothing for none"), error);
              return NULL;
            }
          /* Compared with the campaigns' names, which are NFC. */
          g_ptr_array_add (kept, g_str_equal (name, "*") ? g_strdup (name) : pd_rep_normalize (name));
        }
      g_ptr_array_add (kept, NULL);
      g_strfreev (config->notify_reps);
      config->notify_reps = (char **) g_ptr_array_steal (kept, NULL);
    }

  notifications = lookup (&r, "daemon", "notifications");
  if (notifications != NULL)
    {
      if (g_str_equal (notifications, "on") || g_str_equal (notifications, "true"))
        config->notifications = TRUE;
      else if (g_str_equal (notifications, "off") || g_str_equal (notifications, "false"))
        config->notifications = FALSE;
      else
        {
          reject (&r, "daemon", "notifications", notifications, _("write on or off"), error);
          return NULL;
        }
    }

  listen = lookup (&r, "feeds", "listen");
  if (listen != NULL)
    {
      g_free (config->listen);
      config->listen = g_steal_pointer (&listen);
    }

  g_autofree char *max_connections = lookup (&r, "feeds", "max_connections");
  if (max_connections != NULL)
    {
      guint64 value = 0;
      if (!g_ascii_string_to_unsigned (max_connections, 10, 1, 1024, &value, NULL))
        {
          reject (&r, "feeds", "max_connections", max_connections, _("write a whole number from 1 to 1024"), error);
          return NULL;
        }
      config->max_connections = (guint) value;
    }
  return g_steal_pointer (&config);
}

/* For g_ptr_array_sort(), which passes pointers to the elements. */
static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

char *
pd_config_resolve_campaign (const PdDaemonConfig *config, const char *campaign, GError **error)
{
  if (campaign == NULL)
    {
      g_autoptr (GDir) dir = g_dir_open (config->campaigns_dir, 0, NULL);
      g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".conf") && name[0] != '.')
          g_ptr_array_add (ids, g_strndup (name, strlen (name) - strlen (".conf")));
      if (ids->len == 1)
        {
          g_autofree char *file = g_strconcat (g_ptr_array_index (ids, 0), ".conf", NULL);
          return g_build_filename (config->campaigns_dir, file, NULL);
        }
      if (ids->len == 0)
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                       _("no campaign in %s; name a campaign file"), config->campaigns_dir);
          return NULL;
        }
      /* The ids to choose from, in a stable order. */
      g_ptr_array_sort (ids, compare_ids);
      g_ptr_array_add (ids, NULL);
      g_autofree char *list = g_strjoinv (", ", (char **) ids->pdata);
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                   _("several campaigns in %s (%s); name one"), config->campaigns_dir, list);
      return NULL;
    }

  if (strchr (campaign, '/') == NULL && g_str_has_suffix (campaign, ".conf")
      && !g_file_test (campaign, G_FILE_TEST_EXISTS))
    {
      /* A bare file name not found here: the campaigns directory's
       * (`prospectctl schedule example.conf` after installing). */
      g_autofree char *path = g_build_filename (config->campaigns_dir, campaign, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                       _("%s: no such campaign file, here or in %s"), campaign, config->campaigns_dir);
          return NULL;
        }
      return g_steal_pointer (&path);
    }

  if (strchr (campaign, '/') != NULL || g_str_has_suffix (campaign, ".conf"))
    {
      if (!g_file_test (campaign, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                       _("%s: no such campaign file"), campaign);
          return NULL;
        }
      return g_strdup (campaign);
    }

  if (!valid_campaign_id (campaign))
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID,
                   _("'%s' is not a campaign id or file"), campaign);
      return NULL;
    }
  g_autofree char *file = g_strconcat (campaign, ".conf", NULL);
  g_autofree char *path = g_build_filename (config->campaigns_dir, file, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO,
                   _("no campaign '%s' (looked for %s)"), campaign, path);
      return NULL;
    }
  return g_steal_pointer (&path);
}
