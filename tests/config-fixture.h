/* SPDX-License-Identifier: MIT
 *
 * config-fixture: what the tests of the configuration readers
 * (test-config.c, test-parse.c, test-campaign.c, test-config-daemon.c)
 * share: the smallest campaign file, a campaign parsed or the test fails,
 * exact dates and windows, and a scratch tree removed whole. Each test file
 * uses some of these helpers (G_GNUC_UNUSED).
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "prospectd/config.h"

/* The smallest campaign there is: only what has no default. */
G_GNUC_UNUSED static const char minimal[] =
  "[campaign]\n"
  "start = 2027-01-04\n"
  "end = 2027-03-31\n"
  "[plan]\n"
  "objective = 60000\n"
  "average_deal = 20000\n"
  "proposals_per_deal = 3\n"
  "compensation_factor = 4\n"
  "accessibility_rate = 6%\n"
  "contacts_per_prospect = 4\n"
  "minutes_per_contact = 2\n"
  "[reps]\n"
  "alice = 1\n";

G_GNUC_UNUSED static PdCampaign *
parse_ok (const char *path, const char *text)
{
  g_autoptr (GError) error = NULL;
  PdCampaign *campaign = pd_config_parse_campaign (path, text, strlen (text), &error);

  if (campaign == NULL)
    fail_msg ("%s: %s", path, error->message);
  return campaign;
}

G_GNUC_UNUSED static void
assert_date (const GDate *date, int year, int month, int day)
{
  assert_true (g_date_valid (date));
  assert_int_equal (g_date_get_year (date), year);
  assert_int_equal (g_date_get_month (date), month);
  assert_int_equal (g_date_get_day (date), day);
}

G_GNUC_UNUSED static void
assert_windows (GArray *windows, guint count, ...)
{
  va_list args;

  assert_non_null (windows);
  assert_int_equal (windows->len, count);
  va_start (args, count);
  for (guint i = 0; i < count; i++)
    {
      const PdWindow *w = &g_array_index (windows, PdWindow, i);
      assert_int_equal (w->start_minute, va_arg (args, guint));
      assert_int_equal (w->end_minute, va_arg (args, guint));
    }
  va_end (args);
}

#define MON_FRI (PD_WEEKDAY_BIT (G_DATE_MONDAY) | PD_WEEKDAY_BIT (G_DATE_TUESDAY) | \
                 PD_WEEKDAY_BIT (G_DATE_WEDNESDAY) | PD_WEEKDAY_BIT (G_DATE_THURSDAY) | \
                 PD_WEEKDAY_BIT (G_DATE_FRIDAY))

G_GNUC_UNUSED static int
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  return g_rmdir (path);
}
