/* SPDX-License-Identifier: MIT
 *
 * parse: the value parsers of the configuration files (config.h) and of
 * the command line. Each returns FALSE with error set in PD_CONFIG_ERROR
 * (PD_CONFIG_ERROR_INVALID), its message saying what was expected
 * (without the file/key prefix the readers add).
 */
#pragma once

#include <glib.h>
#include "prospectd/campaign.h"

gboolean pd_parse_amount (const char *text, gint64 *ret_cents, GError **error);
gboolean pd_parse_decimal (const char *text, gint64 *ret_millionths, GError **error);
gboolean pd_parse_rate (const char *text, gint64 *ret_millionths, GError **error);
gboolean pd_parse_duration (const char *text, guint *ret_minutes, GError **error);
gboolean pd_parse_date (const char *text, GDate *ret_date, GError **error);
/* An instant in ISO 8601, e.g. 2027-01-04T08:50, 2027-01-04T08:50:00+01:00
 * or ...Z; without an offset, a wall time in `zone`. Writes Unix
 * microseconds to ret_usec. */
gboolean pd_parse_datetime (const char *text, GTimeZone *zone, gint64 *ret_usec, GError **error);
gboolean pd_parse_time_of_day (const char *text, guint *ret_minute, GError **error);
gboolean pd_parse_windows (const char *text, GArray **ret_windows, GError **error);
gboolean pd_parse_weekdays (const char *text, PdWeekdays *ret_weekdays, GError **error);
/* A date or an inclusive range of dates, 2027-02-15..2027-02-19. */
gboolean pd_parse_date_range (const char *text, PdDateRange *ret_range, GError **error);
