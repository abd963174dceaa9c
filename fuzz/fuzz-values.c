/* SPDX-License-Identifier: MIT
 *
 * libFuzzer target: every parser of a user-typed value (config.h). The
 * first byte picks the parser, the rest is the text (NUL-terminated, as
 * GKeyFile hands values over). Each input must be accepted with a value
 * within the documented range, or rejected with a GError and the output
 * untouched.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prospectd/config.h"
#include "prospectd/parse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(condition) do { if (!(condition)) abort (); } while (0)

/* TRUE with no error, or FALSE with one. */
static void
check_outcome (gboolean ok, GError *error)
{
  CHECK (ok ? error == NULL : (error != NULL && error->message != NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (size == 0)
    return 0;
  text = g_strndup ((const char *) data + 1, size - 1);

  switch (data[0] % 8)
    {
    case 0:
      {
        gint64 cents = -1;

        ok = pd_parse_amount (text, &cents, &error);
        CHECK (ok ? cents >= 0 : cents == -1);
        break;
      }
    case 1:
      {
        gint64 millionths = -1;

        ok = pd_parse_decimal (text, &millionths, &error);
        CHECK (ok ? millionths >= 0 : millionths == -1);
        break;
      }
    case 2:
      {
        gint64 millionths = -1;

        ok = pd_parse_rate (text, &millionths, &error);
        CHECK (ok ? millionths >= 0 : millionths == -1);
        break;
      }
    case 3:
      {
        guint minutes = G_MAXUINT;

        ok = pd_parse_duration (text, &minutes, &error);
        CHECK (ok ? minutes != G_MAXUINT : minutes == G_MAXUINT);
        break;
      }
    case 4:
      {
        GDate date;

        g_date_clear (&date, 1);
        ok = pd_parse_date (text, &date, &error);
        CHECK (ok ? g_date_valid (&date) : !g_date_valid (&date));
        break;
      }
    case 5:
      {
        guint minute = G_MAXUINT;

        ok = pd_parse_time_of_day (text, &minute, &error);
        CHECK (ok ? minute <= 24 * 60 : minute == G_MAXUINT);
        break;
      }
    case 6:
      {
        GArray *windows = NULL;

        ok = pd_parse_windows (text, &windows, &error);
        CHECK (ok == (windows != NULL));
        for (guint i = 0; windows != NULL && i < windows->len; i++)
          {
            const PdWindow *window = &g_array_index (windows, PdWindow, i);

            CHECK (window->start_minute < window->end_minute);
            CHECK (window->end_minute <= 24 * 60);
            if (i > 0)
              CHECK (g_array_index (windows, PdWindow, i - 1).end_minute <= window->start_minute);
          }
        if (windows != NULL)
          g_array_unref (windows);
        break;
      }
    default:
      {
        PdWeekdays weekdays = 0;

        ok = pd_parse_weekdays (text, &weekdays, &error);
        CHECK (ok ? weekdays != 0 && weekdays < 0x80 : weekdays == 0);
        break;
      }
    }
  check_outcome (ok, error);
  return 0;
}
