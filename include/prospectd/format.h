/* SPDX-License-Identifier: MIT
 *
 * format: how prospectd writes numbers, money, rates and durations for
 * people (and in JSON where an exact decimal matters). Pure but for the
 * calling thread's locale: under the C locale (and for JSON and CSV, which
 * run under pd_language_enter_plain_numbers()) the forms below; under
 * another, its decimal mark and grouping (fr_FR: "1 864", "2,5", "6 %",
 * "60 000 €", "62 h 16 min", with U+202F and U+00A0 spaces). Dates
 * (pd_format_date), durations the campaign file accepts
 * (pd_format_duration) and times of day never change: they are values.
 */
#pragma once

#include <glib.h>

/* 1864 -> "1 864" (space-grouped thousands, as in the method's tables). */
char *pd_format_count (gint64 value);

/* Millionths as the shortest exact decimal: 2500000 -> "2.5". */
char *pd_format_decimal (gint64 millionths);

/* A rate in millionths of 1 as a percentage: 45000 -> "4.5%". */
char *pd_format_rate (gint64 millionths);

/* A measured value (millionths) with a fixed number of decimals, rounded
 * half away from zero: (2960000, 2) -> "2.96", (2000000, 2) -> "2.00".
 * decimals is at most 6. */
char *pd_format_decimal_fixed (gint64 millionths, guint decimals);

/* A measured rate (millionths of 1) as a percentage with a fixed number of
 * decimals, rounded: (196428, 1) -> "19.6%", (240000, 1) -> "24.0%".
 * decimals is at most 4. */
char *pd_format_rate_fixed (gint64 millionths, guint decimals);

/* Tenths of a percent as a percentage with one decimal, for any gint64:
 * 167 -> "16.7%", -200 -> "-20.0%" (fr_FR: "16,7 %"). */
char *pd_format_percent_tenths (gint64 tenths);

/* Cents with the currency: (6000000, "EUR") -> "60 000 €",
 * (125050, "USD") -> "1 250.50 USD". */
char *pd_format_money (gint64 cents, const char *currency);

/* Minutes as a duration the campaign file accepts: 90 -> "1h30m",
 * 120 -> "2h", 45 -> "45m", 0 -> "0m". */
char *pd_format_duration (gint64 minutes);

/* Minutes as hours and minutes for people: 3728 -> "62 h 08 min". */
char *pd_format_hours (gint64 minutes);

/* Wall-clock minute of the day: 540 -> "09:00". */
char *pd_format_time_of_day (guint minute);

/* A GDate as YYYY-MM-DD. */
char *pd_format_date (const GDate *date);

/* A date in a sentence, as the locale's catalogue writes it: YYYY-MM-DD
 * under the C locale, DD/MM/YYYY in French. */
char *pd_format_date_text (const GDate *date);

/* UTF-8 `text` followed by spaces up to `width` characters (printf's
 * "%-12s" counts bytes, so "hélène" would come out two short). */
char *pd_format_pad (const char *text, guint width);
