/* SPDX-License-Identifier: MIT
 *
 * schedule: from a plan to daily call blocks (DESIGN.md "Scheduling rules").
 *
 * Pure and deterministic, so that tests can state exact blocks:
 *  1. contacts are split across reps by weight (largest remainder, ties to
 *     the earlier rep in the file);
 *  2. checkpoints make a piecewise target curve; each segment's contacts are
 *     spread evenly over the rep's available days in it, the remainder one
 *     each to the earliest days;
 *  3. a day's contacts become minutes (rounded up to whole minutes); blocks
 *     fill the day's windows in order from each window's start, each at most
 *     max_block, the day at most max_daily_calls;
 *  4. a day that does not fit is an error naming the day, load, capacity
 *     and the fixes;
 *  5. catch-up re-spreads a shortfall over the remaining available days.
 */
#pragma once

#include <glib.h>
#include "prospectd/config.h"
#include "prospectd/plan.h"

#define PD_SCHEDULE_ERROR (pd_schedule_error_quark ())
GQuark pd_schedule_error_quark (void);

typedef enum {
  PD_SCHEDULE_ERROR_INFEASIBLE, /* a day's load exceeds its capacity */
  PD_SCHEDULE_ERROR_NO_DAYS,    /* contacts due in a segment with no available day */
} PdScheduleError;

/* One rep's load on one available day. */
typedef struct {
  guint rep_index;    /* into campaign->reps */
  GDate date;         /* local date */
  gint64 contacts;    /* contacts planned that day (may be 0) */
  gint64 minutes;     /* call minutes that day */
  gint64 cumulative;  /* the rep's contacts planned up to and including that day */
} PdDay;

/* One call block. Times are local wall-clock minutes on `date`. */
typedef struct {
  guint rep_index;
  GDate date;
  guint index;        /* 1-based within the rep's day */
  guint start_minute;
  guint end_minute;   /* exclusive; end - start <= max_block */
  gint64 contacts;    /* of this block; the day's blocks sum to the day's contacts */
  gint64 day_contacts;
  gint64 cumulative;  /* the rep's cumulative target at the end of that day */
} PdBlock;

typedef struct {
  GArray *rep_contacts; /* gint64, one per rep: the rep's share of the plan */
  GArray *days;         /* PdDay, by rep, then date: every available day */
  GArray *blocks;       /* PdBlock, by rep, date, index */
} PdSchedule;

void pd_schedule_free (PdSchedule *schedule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSchedule, pd_schedule_free)

/* Splits `contacts` across the campaign's reps by weight (largest
 * remainder). Returns a new GArray of gint64, one per rep. */
GArray *pd_schedule_split (const PdCampaign *campaign, gint64 contacts);

/* The rep's cumulative contact target at checkpoint k (0-based into
 * campaign->checkpoints): rep_contacts x share, rounded up. */
gint64 pd_schedule_checkpoint_target (const PdCampaign *campaign,
                                      guint checkpoint_index,
                                      gint64 rep_contacts);

/* The baseline schedule of a plan. Returns NULL with error set when a day
 * does not fit or contacts fall in a segment without an available day. */
PdSchedule *pd_schedule_build (const PdCampaign *campaign,
                               const PdPlan *plan,
                               GError **error);

/* Catch-up (rule 5). Days before `from` are copied from `current` (frozen
 * history). From `from` on, each rep's days carry the baseline's load plus
 * shortfalls[rep] (>= 0) spread evenly over the rep's available days in
 * [from, end], the remainder one each to the earliest days. When a day does
 * not fit, the error (PD_SCHEDULE_ERROR_INFEASIBLE) says how many hours a
 * day the remaining load would need. */
PdSchedule *pd_schedule_respread (const PdCampaign *campaign,
                                  const PdSchedule *baseline,
                                  const PdSchedule *current,
                                  const GDate *from,
                                  const gint64 *shortfalls,
                                  GError **error);

/* The rep's planned cumulative contacts at the end of `date` (0 before the
 * first day, the rep's total after the last). */
gint64 pd_schedule_planned_to_date (const PdSchedule *schedule,
                                    guint rep_index,
                                    const GDate *date);
