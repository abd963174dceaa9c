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
