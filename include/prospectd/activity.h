/* SPDX-License-Identifier: MIT
 *
 * activity: the sums of logged activity the core reads (a campaign's
 * totals, one day's, one rep's day). The store computes them from its
 * entries; progress and the reports take them as plain values.
 */
#pragma once

#include <glib.h>

/* Sums of the entries of a campaign. */
typedef struct {
  gint64 entries;       /* how many entries were summed */
  gint64 contacts;
  gint64 prospects;
  gint64 active;
  gint64 latent;
  gint64 arid;
  gint64 proposals;
  gint64 deals;
  gint64 revenue_cents;
} PdTotals;

/* The sums of one day. */
typedef struct {
  GDate date;
  PdTotals totals;
} PdDayTotals;

/* A rep's running sums to and including a day (schema 16 keeps them per
 * rep-day; pd_progress_running_sums() computes them from days): its
 * totals, and the sums the observed rates read from the rep-days that
 * carry their counts (include/prospectd/progress.h, PdRates). */
typedef struct {
  PdTotals totals;
  gint64 qualified_active;    /* active, of the days with prospects > 0 and active + latent + arid > 0 */
  gint64 qualified_prospects; /* prospects, of the same days */
  gint64 reached_contacts;    /* contacts, of the days with prospects > 0 and contacts > 0 */
  gint64 reached_prospects;   /* prospects, of the same days */
  gint64 won_deals;           /* deals, of the days with deals > 0 and revenue_cents > 0 */
  gint64 won_revenue_cents;   /* revenue_cents, of the same days */
} PdRunningSums;

/* One rep's running sums at its last logged day on or before a date. */
typedef struct {
  char *rep;            /* owned by the array */
  GDate date;           /* the rep's last logged day on or before the date asked */
  PdRunningSums sums;
} PdRepRunning;

/* One rep's running contacts at one of several dates asked. */
typedef struct {
  char *rep;            /* owned by the array */
  guint date_index;     /* which of the dates asked */
  gint64 contacts;      /* at the rep's last logged day on or before it */
} PdRepContactsAt;

/* Contacts logged by one rep on one day (a burn-up chart's points). */
typedef struct {
  char *rep;            /* owned by the array, shared by the rep's days: read only */
  GDate date;
  gint64 contacts;      /* that day's sum */
  gint64 cumulative;    /* the rep's sum up to and including that day */
  /* That day's other sums (the observed rates read them per rep-day). */
  gint64 prospects;
  gint64 active;
  gint64 latent;
  gint64 arid;
  gint64 proposals;
  gint64 deals;
  gint64 revenue_cents;
} PdDailyContacts;
