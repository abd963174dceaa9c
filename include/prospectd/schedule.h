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
 *  3. a day's contacts become minutes (rounded up to whole minutes); they
 *     are shared among the day's windows in proportion to the windows'
 *     room, each window's share cut into blocks of at most max_block (at
 *     least one contact each) a `break` apart, the day's call minutes at
 *     most max_daily_calls (the exact rule: src/schedule.c, "blocks", and
 *     prospectd.conf(5));
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

/* The error messages (translatable; shown here in English):
 *
 * PD_SCHEDULE_ERROR_INFEASIBLE, for the first day (rep order, then date)
 * whose minutes exceed its capacity = min(the day's window minutes,
 * max_daily_calls):
 *   "2027-01-04: rep alice needs 498 min of calls but the day holds 60 min
 *   (call windows 09:00-12:00, 14:00-17:00; max_daily_calls 1h). Lengthen
 *   the call windows, add reps, or raise max_daily_calls."
 * The windows are that day's (a DST gap shows as two windows; "none" when
 * the day has none); max_daily_calls is written as in the campaign file:
 * "2h", "1h30m", "45m". pd_schedule_respread() appends
 *   " Catching up needs 3.8 h of calls a day from 2027-03-01 to 2027-03-31."
 * the rep's minutes on its days from `from` to the end, divided by the
 * number of those days, in hours rounded up to a tenth (always with a '.'),
 * and the first and last of those days.
 *
 * PD_SCHEDULE_ERROR_NO_DAYS, from pd_schedule_build():
 *   "rep bob: 63 contacts are due from 2027-01-04 to 2027-01-08 but the rep
 *   has no available day then. Move the checkpoint, or shorten the rep's
 *   days off."
 * and from pd_schedule_respread():
 *   "rep alice: 12 contacts to catch up but the rep has no available day
 *   left from 2027-04-01 to the campaign's end (2027-03-31)."
 */

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
  gint64 contacts;    /* of this block, at least 1; the day's blocks sum to the day's
                       * contacts. end - start = ceil(contacts x minutes per contact). */
  gint64 day_contacts;
  gint64 cumulative;  /* the rep's cumulative target at the end of that day */
} PdBlock;

typedef struct {
  GArray *rep_contacts; /* gint64, one per rep: the rep's share of the plan, owned */
  GArray *days;         /* PdDay, by rep, then date: every available day, owned */
  GArray *blocks;       /* PdBlock, by rep, date, index; none on a 0-contact day, owned */
} PdSchedule;

/* Frees a schedule and its arrays; NULL is accepted. */
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

/* The baseline schedule of a plan (only plan->contacts is read). Segment
 * k of a rep holds the rep's available days in (checkpoint k-1, checkpoint
 * k], the first from the campaign's start, and target_k - target_(k-1)
 * contacts. Reps are done in order, each its days then its blocks; the
 * first failure is returned. Returns a new schedule, or NULL with error
 * set (PD_SCHEDULE_ERROR) when a day does not fit or contacts fall in a
 * segment without an available day. */
PdSchedule *pd_schedule_build (const PdCampaign *campaign,
                               const PdPlan *plan,
                               GError **error);

/* Catch-up (rule 5). Days before `from` are copied from `current` (frozen
 * history). From `from` on, each rep's days carry the baseline's load plus
 * shortfalls[rep] (>= 0) spread evenly over the rep's available days in
 * [from, end], the remainder one each to the earliest days. When a day does
 * not fit, the error (PD_SCHEDULE_ERROR_INFEASIBLE) says how many hours a
 * day the remaining load would need.
 *
 * `current` may be `baseline` or an earlier re-spread. `shortfalls` has one
 * entry per rep, judged against the baseline; NULL means nobody is behind,
 * a negative entry counts as 0. The result's rep_contacts are the
 * baseline's (the plan's shares); its cumulative counts run on from the
 * frozen history, so after the end they are the history plus the baseline's
 * remaining load plus the shortfall. A shortfall with no available day left
 * is PD_SCHEDULE_ERROR_NO_DAYS. Returns a new schedule or NULL with error
 * set. */
PdSchedule *pd_schedule_respread (const PdCampaign *campaign,
                                  const PdSchedule *baseline,
                                  const PdSchedule *current,
                                  const GDate *from,
                                  const gint64 *shortfalls,
                                  GError **error);

/* The rep's planned cumulative contacts at the end of `date` (0 before the
 * first day, the rep's total after the last): the cumulative of the rep's
 * last day on or before `date`; 0 for an unknown rep. */
gint64 pd_schedule_planned_to_date (const PdSchedule *schedule,
                                    guint rep_index,
                                    const GDate *date);

/* Rebuilds a schedule from stored day loads (a saved revision): every
 * available day of the baseline gets the load given for (rep_index, date),
 * 0 when none is given; loads for days the baseline does not have are
 * ignored. Minutes, cumulative counts and blocks follow the same rules as
 * pd_schedule_build, so the same loads give the same blocks. Returns NULL
 * with PD_SCHEDULE_ERROR_INFEASIBLE when a day does not fit. */
PdSchedule *pd_schedule_from_days (const PdCampaign *campaign,
                                   const PdSchedule *baseline,
                                   const PdDay *days,
                                   guint n_days,
                                   GError **error);
