/* SPDX-License-Identifier: MIT
 *
 * progress: where a campaign stands on a given day, against its baseline.
 *
 * Pure: the campaign, its plan and baseline schedule, the logged activity
 * and "as of" come in; numbers come out. Everything "to date" includes the
 * as-of day itself (the figures of an evening check). "Behind" is always
 * judged against the baseline, never against a re-spread schedule:
 *
 *   behind    actual < planned x (1 - behind_threshold)
 *   ahead     actual > planned
 *   on_track  otherwise
 */
#pragma once

#include <glib.h>
#include "prospectd/config.h"
#include "prospectd/plan.h"
#include "prospectd/schedule.h"
#include "prospectd/store.h"

typedef enum {
  PD_PACE_AHEAD,
  PD_PACE_ON_TRACK,
  PD_PACE_BEHIND,
} PdPace;

typedef enum {
  PD_CHECKPOINT_MET,      /* date <= as_of and actual by then >= target */
  PD_CHECKPOINT_MISSED,   /* date <= as_of and actual by then < target */
  PD_CHECKPOINT_UPCOMING, /* date > as_of */
} PdCheckpointState;

typedef struct {
  GDate date;
  gint64 target;  /* cumulative contacts due by date (team: sum of reps) */
  gint64 actual;  /* cumulative contacts logged by date (or by as_of if upcoming) */
  PdCheckpointState state;
} PdCheckpointProgress;

/* One rep, or the team (rep_index == G_MAXUINT). */
typedef struct {
  guint rep_index;
  gint64 total;          /* contacts of the whole campaign */
  gint64 planned;        /* baseline cumulative to as_of */
  gint64 actual;         /* logged cumulative to as_of */
  gint64 gap;            /* actual - planned */
  gint64 gap_ppm;        /* gap / planned in millionths (0 when planned is 0) */
  PdPace pace;
  gint next_checkpoint;  /* index of the first checkpoint after as_of, or -1 */
  gint64 needed;         /* contacts still needed to meet it (>= 0) */
  gint64 days_left;      /* available days in (as_of, its date] (team: max over reps) */
  gint64 needed_per_day; /* needed / days_left rounded up; 0 when days_left is 0 */
  GDate projected_completion; /* at the pace so far; invalid when no pace yet
                               * (see pd_progress_compute) */
  GArray *checkpoints;   /* PdCheckpointProgress, one per campaign checkpoint, owned */
} PdRepProgress;

/* Observed funnel rates, each rounded down; has_* is FALSE when the
 * denominator is still 0. The accessibility rate and the average deal are
 * also FALSE when they come out as 0 (no active prospect, no revenue yet,
 * or below one millionth): a 0 rate cannot recompute the funnel. */
typedef struct {
  gboolean has_accessibility_rate;
  gint64 accessibility_rate;     /* active / prospects, millionths */
  gboolean has_contacts_per_prospect;
  gint64 contacts_per_prospect;  /* contacts / prospects, millionths */
  gboolean has_proposals_per_deal;
  gint64 proposals_per_deal;     /* proposals / deals, millionths */
  gboolean has_average_deal;
  gint64 average_deal_cents;     /* revenue / deals */
} PdRates;

typedef struct {
  GDate as_of;
  GPtrArray *reps;       /* PdRepProgress*, in campaign order, owned */
  PdRepProgress *team;   /* owned */
  PdTotals totals;       /* the team's logged totals to as_of */
  PdRates observed;
  gint64 revenue_cents;  /* won to as_of */
  /* The call time still needed: at the plan's rates (contacts left x
   * minutes per contact), and if the observed rates hold (the funnel
   * recomputed with each observed rate in place of the assumed one, minus
   * the contacts already made). */
  gint64 remaining_call_minutes_assumed;
  gint64 remaining_call_minutes;
  gint64 reprojected_contacts;   /* the whole campaign's contacts at observed rates */
  /* FALSE when the funnel at the observed rates does not fit in 64 bits;
   * reprojected_contacts and remaining_call_minutes then repeat the plan's
   * figures. */
  gboolean has_reprojection;
} PdProgress;

void pd_progress_free (PdProgress *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdProgress, pd_progress_free)

/* Computes the progress as of `as_of`. `daily` holds the logged contacts
 * per rep and day (PdDailyContacts, any order, several entries for a rep
 * and day are summed; days after as_of are ignored; reps not in the
 * campaign are ignored); `totals` the campaign's logged totals up to as_of
 * (team; NULL reads as zeros). The caller keeps every argument. Returns a
 * new PdProgress, free with pd_progress_free() (accepts NULL).
 *
 * - The team's figures are the sums of the reps'; its days_left is the
 *   most any rep has, its needed the team target minus the team actual.
 * - Projected completion: the rep's pace is actual / elapsed, elapsed being
 *   the rep's available days in [start, as_of] (at least 1, so contacts
 *   logged before the first available day still give a pace). With no
 *   contact yet it is invalid. With contacts left, it is the
 *   ceil (left x elapsed / actual)-th day after as_of that the rep can
 *   call by the campaign's weekday, holiday and day-off rules, counted past
 *   the campaign's end as well (invalid beyond year 9999). When the total
 *   is already reached it is the date of the entry that reached it (on or
 *   before as_of). The team's is the latest of the reps', invalid when any
 *   rep's is.
 * - Remaining call minutes subtract the team's actual (contacts of known
 *   reps to as_of), rounded up to whole minutes, never below 0. */
PdProgress *pd_progress_compute (const PdCampaign *campaign,
                                 const PdPlan *plan,
                                 const PdSchedule *baseline,
                                 const GDate *as_of,
                                 const GArray *daily,
                                 const PdTotals *totals);

/* "ahead", "on_track", "behind" / "met", "missed", "upcoming": the stable
 * names used in JSON. */
const char *pd_pace_name (PdPace pace);
const char *pd_checkpoint_state_name (PdCheckpointState state);

/* The rates observed in `totals` (any span of days: status --week uses
 * one week's), by the rules of PdRates. */
void pd_progress_observe (const PdTotals *totals, PdRates *ret_rates);
