/* SPDX-License-Identifier: MIT
 *
 * store-common: what every backend of include/prospectd/store.h shares
 * (src/store-common.c): the checks made on the arguments before anything is
 * written, so that every backend refuses the same input with the same
 * PD_STORE_ERROR_INVALID message, and the clock for "created" times.
 * Backend-neutral: no SQL, no library of a backend.
 */
#pragma once

#include <string.h>

#include <glib.h>
#include <glib/gi18n.h>

#include "prospectd/store.h"
#include "prospectd/store-prospects.h"

/* INVALID unless `value` is a non-empty string; `what` names it in the
 * message ("campaign id"). */
gboolean store_check_name (const char *value, const char *what, GError **error);

/* INVALID unless `date` is a valid date of years 1 to 9999; `what` names
 * it in the message ("end"). */
gboolean store_check_date (const GDate *date, const char *what, GError **error);
/* `dates` as text, each checked (store_check_date()): a JSON array of
 * strings (`json`) or a PostgreSQL array literal. NULL with error set. */
char *store_dates_text (const GDate *dates, guint n_dates, gboolean json, GError **error);
/* The clear functions of arrays of PdRepRunning and PdRepContactsAt
 * (their rep strings). */
void store_clear_rep_running (gpointer data);
void store_clear_rep_contacts (gpointer data);

/* An entry's campaign and rep named, its date valid, no count negative. */
gboolean store_check_activity (const PdActivity *activity, GError **error);

/* A revision's campaign named, its as-of date valid, a known kind, and each
 * day with a rep, a valid date, contacts >= 0 and a base >= -1. */
gboolean store_check_revision (const PdRevision *revision, GError **error);

/* A prospect to store (schema 11): company named, a known state,
 * attempts >= 0, every source named with a line >= 0. Known prospects
 * (id > 0) of an import carry only sources: only those are checked. */
gboolean store_check_prospect (const PdProspect *prospect, GError **error);

/* A call to record: campaign and rep named, a prospect id > 0, a valid
 * date, a known outcome, revenue >= 0, a follow-up invalid or valid. */
gboolean store_check_call (const PdCall *call, GError **error);

/* Now in Unix seconds: the "created" time of what is written. */
gint64 store_now_seconds (void);

/* What stands for a password in pd_store_display_name(). */
#define STORE_PASSWORD_MASK "***"

/* ---------------------------------------------------- dates as text
 *
 * Both backends exchange dates as text YYYY-MM-DD (SQLite keeps them so, a
 * TEXT column that sorts in date order for years 1 to 9999; PostgreSQL's
 * date type reads and writes that form with DateStyle ISO). Inline:
 * parse_date() runs once per row of the status reads (a million rows in
 * make bench). */

#define DATE_TEXT_SIZE sizeof "YYYY-MM-DD"

/* YYYY-MM-DD, which sorts as text in date order for years 1 to 9999. */
static inline void
format_date (const GDate *date, char text[DATE_TEXT_SIZE])
{
  g_snprintf (text, DATE_TEXT_SIZE, "%04u-%02u-%02u",
              (unsigned) g_date_get_year (date),
              (unsigned) g_date_get_month (date),
              (unsigned) g_date_get_day (date));
}

/* A date read back from the database; CORRUPT when it is not one. */
static inline gboolean
parse_date (const unsigned char *text, GDate *ret_date, GError **error)
{
  unsigned year = 0, month = 0, day = 0;
  const char *s = (const char *) text;

  if (s != NULL && strlen (s) == DATE_TEXT_SIZE - 1
      && g_ascii_isdigit (s[0]) && g_ascii_isdigit (s[1])
      && g_ascii_isdigit (s[2]) && g_ascii_isdigit (s[3]) && s[4] == '-'
      && g_ascii_isdigit (s[5]) && g_ascii_isdigit (s[6]) && s[7] == '-'
      && g_ascii_isdigit (s[8]) && g_ascii_isdigit (s[9]))
    {
      year = (unsigned) ((s[0] - '0') * 1000 + (s[1] - '0') * 100
                         + (s[2] - '0') * 10 + (s[3] - '0'));
      month = (unsigned) ((s[5] - '0') * 10 + (s[6] - '0'));
      day = (unsigned) ((s[8] - '0') * 10 + (s[9] - '0'));
    }
  if (year < 1 || month < 1 || month > 12
      || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
                   _("Invalid date in the database: '%s'"), s != NULL ? s : "");
      return FALSE;
    }
  g_date_clear (ret_date, 1);
  g_date_set_dmy (ret_date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}
