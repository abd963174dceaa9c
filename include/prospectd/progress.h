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
#include "prospectd/campaign.h"
#include "prospectd/plan.h"
#include "prospectd/schedule.h"
#include "prospectd/activity.h"

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
  gint64 target;  /* cumulative contacts due by date: the baseline's then (the
                   * checkpoint's share of the rep's contacts; 0 before a rep's
                   * start); team: sum of reps */
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

/* Observed funnel rates, each rounded down, from the logged days of the
 * campaign's reps up to as_of. A rep-day is a rep's entries of one day,
 * summed. Each rate reads only what carries the counts it needs:
 *
 *   accessibility rate     active / prospects, over the rep-days that
 *                          qualify prospects (prospects > 0 and active +
 *                          latent + arid > 0); n: those prospects
 *   contacts per prospect  contacts / prospects, over the rep-days with
 *                          prospects (> 0) and contacts (> 0); a day of
 *                          calls alone says nothing of it; n: prospects
 *   proposals per deal     proposals / deals to date, of the reps who log
 *                          proposals (a deal is logged weeks after its
 *                          proposal, on a day of its own); n: deals
 *   average deal           revenue / deals, over the rep-days with deals
 *                          and revenue (> 0); n: deals
 *
 * has_* is FALSE when n is still 0. The accessibility rate and the average
 * deal are also FALSE when they come out as 0 (no active prospect, or
 * below one millionth): a 0 rate cannot recompute the funnel. */
typedef struct {
  gboolean has_accessibility_rate;
  gint64 accessibility_rate;     /* active / prospects, millionths */
  gboolean has_contacts_per_prospect;
  gint64 contacts_per_prospect;  /* contacts / prospects, millionths */
  gboolean has_proposals_per_deal;
  gint64 proposals_per_deal;     /* proposals / deals, millionths */
  gboolean has_average_deal;
  gint64 average_deal_cents;     /* revenue / deals */
  gint64 accessibility_n;        /* prospects behind the accessibility rate */
  gint64 contacts_per_prospect_n; /* prospects behind contacts per prospect */
  gint64 proposals_per_deal_n;   /* deals behind proposals per deal */
  gint64 average_deal_n;         /* deals behind the average deal */
  /* The numerators over those n (for intervals, rates.h): */
  gint64 accessibility_active;   /* active prospects of accessibility_n */
  gint64 contacts_per_prospect_contacts; /* contacts of contacts_per_prospect_n */
  gint64 proposals_per_deal_proposals;   /* proposals of proposals_per_deal_n */
  gint64 average_deal_revenue_cents;     /* revenue of average_deal_n */
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
  PdPlan reprojected;            /* the whole funnel at observed rates (the plan's
                                  * when has_reprojection is FALSE) */
  /* TRUE when the team is behind and the observed rates need fewer
   * contacts than the plan's curve to date: remaining_call_minutes is then
   * the call time of the gap to that curve, never 0 beside "behind". */
  gboolean remaining_at_least_gap;
  /* The rep whose projection is the team's (the last to finish), or -1. */
  gint team_projection_rep;
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
 * - Projected completion follows the plan's curve (the baseline): the
 *   rep keeps doing actual / planned of what the curve plans (1 while the
 *   curve has planned nothing yet). The contacts left then take the
 *   curve's next ceil (left x planned / actual) planned contacts: it is
 *   the first baseline day after as_of whose cumulative reaches planned +
 *   that. A rep on or ahead of the curve thus finishes by the end. Beyond
 *   the rep's total, the curve goes on past the end (or past as_of when
 *   the campaign is over) at its average, total / the rep's available days
 *   of the campaign: the ceil (beyond x days / total)-th day the rep can
 *   call by the campaign's weekday, holiday and day-off rules (invalid
 *   beyond year 9999). With no contact yet it is invalid. When the total
 *   is already reached it is the date of the entry that reached it (on or
 *   before as_of). The team's is the latest of the reps' (whose:
 *   team_projection_rep), invalid when any rep's is.
 * - Remaining call minutes subtract the team's actual (contacts of known
 *   reps to as_of), rounded up to whole minutes, never below 0; at the
 *   observed rates, never below the gap to the curve while the team is
 *   behind (remaining_at_least_gap).
 * - `totals` fills progress->totals and revenue_cents only: the observed
 *   rates read `daily`'s counts (PdRates). */
PdProgress *pd_progress_compute (const PdCampaign *campaign,
                                 const PdPlan *plan,
                                 const PdSchedule *baseline,
                                 const GDate *as_of,
                                 const GArray *daily,
                                 const PdTotals *totals);

/* The same progress built a rep at a time, so that a caller holds one
 * rep's baseline days and logged days, not the team's: every rep is
 * added once, in any order, then finish() gives what pd_progress_compute()
 * gives for the same days (the team's figures are the reps' summed; the
 * observed rates sum the rep-days of each rep). The builder reads
 * `campaign` and `plan` (kept by the caller) until it is freed. */
typedef struct _PdProgressBuilder PdProgressBuilder;

PdProgressBuilder *pd_progress_builder_new (const PdCampaign *campaign, const PdPlan *plan, const GDate *as_of);
void pd_progress_builder_free (PdProgressBuilder *builder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdProgressBuilder, pd_progress_builder_free)

/* Adds rep `rep_index`: `curve` is the rep's baseline curve
 * (pd_schedule_builder_rep_curve(), which answers as the rep's baseline
 * days do, without them); `daily` the rep's logged days only
 * (PdDailyContacts, any order; their rep names are not read; days after
 * as_of are ignored; NULL: none). */
void pd_progress_builder_add_rep (PdProgressBuilder *builder,
                                  guint rep_index,
                                  const PdScheduleCurve *curve,
                                  const GArray *daily);

/* A rep's logged side, as the progress reads it: its running sums to
 * as_of (the store keeps them, schema 16; pd_progress_running_sums()
 * computes them from days), its contacts to each checkpoint, and the day
 * its running contacts reached a number. */
typedef void (*PdReachedFunc) (gint64 contacts, GDate *ret_date, gpointer user_data);

typedef struct {
  PdRunningSums sums;                /* to as_of */
  const gint64 *checkpoint_contacts; /* one per campaign checkpoint: contacts to its date; read for
                                      * the checkpoints on or before as_of only (NULL: none, the
                                      * rep's past checkpoints reading 0 done: for a rep whose
                                      * checkpoints are not shown, the team's then given by
                                      * pd_progress_builder_set_team_checkpoint_contacts()) */
  PdReachedFunc reached;             /* sets the first day, on or before as_of, on which the rep's
                                      * running contacts reached `contacts` (invalid: none); called
                                      * only when sums.totals.contacts >= contacts (NULL: invalid) */
  gpointer reached_data;
} PdRepLogged;

/* Adds rep `rep_index` from its logged side (the same rep as
 * pd_progress_builder_add_rep() adds from its days); `logged` is read
 * during the call only. */
void pd_progress_builder_add_rep_logged (PdProgressBuilder *builder,
                                         guint rep_index,
                                         const PdScheduleCurve *curve,
                                         const PdRepLogged *logged);

/* The team's contacts to each campaign checkpoint (one per checkpoint,
 * read for those on or before as_of; copied), when the caller knows them
 * without every rep's (the team's logged days less those of the reps not
 * in the campaign): the team's past checkpoints then take them instead
 * of the reps' summed, and a rep whose own checkpoints are not shown
 * needs none of its own (PdRepLogged.checkpoint_contacts NULL). They must
 * be the campaign reps' contacts summed: the caller answers for it. */
void pd_progress_builder_set_team_checkpoint_contacts (PdProgressBuilder *builder, const gint64 *contacts);

/* The progress, once every rep is added; `totals` as for
 * pd_progress_compute(). The builder is spent: free it. */
PdProgress *pd_progress_builder_finish (PdProgressBuilder *builder, const PdTotals *totals);

/* The running sums of the days of `daily` (PdDailyContacts, any order)
 * of `rep` (its name as stored; every rep when NULL) dated on or before
 * `up_to` (all when NULL): what the store keeps per rep-day (schema 16,
 * PdRunningSums), computed from days, with the same saturating sums as
 * the progress. totals.entries stays 0 (the days do not carry it). Every
 * figure of the progress and of the observed rates goes through
 * pd_progress_running_sums_add_day(). */
void pd_progress_running_sums (const GArray *daily, const char *rep, const GDate *up_to,
                               PdRunningSums *ret_sums);
void pd_progress_running_sums_add_day (PdRunningSums *sums, const PdDailyContacts *day);

/* "ahead", "on_track", "behind" / "met", "missed", "upcoming": the stable
 * names used in JSON. */
const char *pd_pace_name (PdPace pace);
const char *pd_checkpoint_state_name (PdCheckpointState state);

/* The status as people read it ("on track", translated), for text and
 * the HTML report; JSON keeps pd_pace_name(). */
const char *pd_pace_text (PdPace pace);

/* The rates observed in the rep-days of `daily` (as for
 * pd_progress_compute()) dated from `from` (NULL: any day) to `to`, of
 * `rep` only when not NULL, by the rules of PdRates: any span of days
 * (status --week uses one week's). */
void pd_progress_observe (const PdCampaign *campaign, const GArray *daily, const GDate *from, const GDate *to,
                          const char *rep, PdRates *ret_rates);
