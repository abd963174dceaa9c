/* SPDX-License-Identifier: MIT
 *
 * schedule: from a plan to daily call blocks (docs/scheduling.md).
 *
 * Pure and deterministic, so that tests can state exact blocks:
 *  1. contacts are split across reps by weight (largest remainder, ties to
 *     the earlier rep in the file);
 *  2. checkpoints make a piecewise target curve; each segment's contacts are
 *     spread evenly over the rep's available days in it, the remainder one
 *     each to the earliest days; a rep who starts after a segment's last
 *     day owes its contacts in the first segment they work in;
 *  3. a day's contacts become minutes (rounded up to whole minutes); they
 *     are shared among the day's windows in proportion to the windows'
 *     room, each window's share cut into blocks of at most max_block (at
 *     least one contact each) a `break` apart, the day's call minutes at
 *     most max_daily_calls (the exact rule: src/schedule.c, "blocks", and
 *     prospectd.conf(5));
 *  4. a day that does not fit is an error naming the day, load, capacity
 *     and the fixes;
 *  5. a catch-up brings a rep who is behind back on the baseline curve by
 *     the next checkpoint when the days' capacity allows, else as early as
 *     it allows; what the calendar cannot hold is reported, never an error.
 */
#pragma once

#include <glib.h>
#include "prospectd/campaign.h"
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
 * "2h", "1h30m", "45m".
 *
 * PD_SCHEDULE_ERROR_NO_DAYS, from pd_schedule_build():
 *   "rep bob: 63 contacts are due from 2027-01-04 to 2027-01-08 but the rep
 *   has no available day then. Move the checkpoint, or shorten the rep's
 *   days off."
 */

/* One rep's load on one available day. */
typedef struct {
  guint rep_index;    /* into campaign->reps */
  gboolean rebased;   /* a catch-up's first day: `cumulative` restarts here from
                       * the contacts logged before it (cumulative - contacts),
                       * not from the days before it */
  GDate date;         /* local date */
  gint64 contacts;    /* contacts planned that day (may be 0) */
  gint64 minutes;     /* call minutes that day */
  gint64 cumulative;  /* the rep's cumulative target at the end of that day: the
                       * days' contacts summed, except after a catch-up */
} PdDay;              /* 40 bytes, no padding: a team's year holds 250 000 */

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
  GArray *blocks;       /* PdBlock, by rep, date, index; none on a 0-contact day, owned;
                         * NULL in a schedule of days only (pd_schedule_from_days_only(),
                         * whose blocks pd_schedule_append_blocks() makes when needed) */
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
 * contacts. With campaign->history, the rep's days up to history_through
 * keep their loads, and the segments start the day after from what those
 * days add up to (a target below it gives its segment nothing). Reps are done in order, each its days then its blocks; the
 * first failure is returned. Returns a new schedule, or NULL with error
 * set (PD_SCHEDULE_ERROR) when a day does not fit or contacts fall in a
 * segment without an available day. */
PdSchedule *pd_schedule_build (const PdCampaign *campaign,
                               const PdPlan *plan,
                               GError **error);

/* Building a schedule a rep at a time: the split across reps and the
 * campaign's kept history prepared once, then each rep's days and blocks
 * when asked. A rep's days and blocks depend only on the campaign, the
 * plan and the rep's share, so they are those pd_schedule_build() gives
 * that rep, byte for byte: a command that shows one rep builds that rep
 * only, and a whole team can be written out a rep at a time. The builder
 * reads `campaign` (kept by the caller) until it is freed. */
typedef struct _PdScheduleBuilder PdScheduleBuilder;

PdScheduleBuilder *pd_schedule_builder_new (const PdCampaign *campaign, const PdPlan *plan);
void pd_schedule_builder_free (PdScheduleBuilder *builder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdScheduleBuilder, pd_schedule_builder_free)

/* A new schedule with every rep's share (rep_contacts) and no day yet,
 * to append reps to. */
PdSchedule *pd_schedule_builder_start (PdScheduleBuilder *builder);

/* A new schedule whose rep_contacts are every rep's and whose days and
 * blocks are rep `rep_index`'s only. NULL with error set when that rep's
 * days fail (the errors pd_schedule_build() would give for that rep). */
PdSchedule *pd_schedule_builder_rep (PdScheduleBuilder *builder, guint rep_index, GError **error);

/* Rep `rep_index`'s days only (no blocks), checked as
 * pd_schedule_builder_rep() checks them: NULL with the same error when a
 * day's blocks would not fit. Whether a day fits is remembered by what
 * decides it (its contacts, the rep's max_daily_calls, the room of each of
 * its windows), so that reps sharing windows work each kind of day out
 * once: for commands that read the days only (status). One thread at a
 * time per builder. */
PdSchedule *pd_schedule_builder_rep_days (PdScheduleBuilder *builder, guint rep_index, GError **error);

/* A rep's baseline curve without its days (docs/scheduling.md, "A rep's
 * curve"): what pd_schedule_builder_rep_days() gives that rep, read
 * through the rules instead of its 250 days. Each segment's days take
 * q + 1 contacts on their first r available days and q on the others, so
 * the cumulative at a date is the segments before plus k x q + min (k, r)
 * for the k available days of its segment up to it. The rep's available
 * days in [start, end] are one sorted array per calendar (start, workdays
 * and days off), kept by the builder and shared by the reps that have
 * it: each question below is a binary search. Kept history (campaign
 * history) is the rep's kept loads on its available days, summed. The
 * curve borrows from the builder: free it before the builder. */
typedef struct _PdScheduleCurve PdScheduleCurve;

/* Rep `rep_index`'s curve, or NULL with the error
 * pd_schedule_builder_rep_days() gives for that rep (the same text, the
 * same first day that does not fit: whether a day fits is asked once per
 * shape of day and load, of the first day of each shape in each run of
 * equal loads). One thread at a time per builder. */
PdScheduleCurve *pd_schedule_builder_rep_curve (PdScheduleBuilder *builder, guint rep_index, GError **error);
void pd_schedule_curve_free (PdScheduleCurve *curve);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdScheduleCurve, pd_schedule_curve_free)

/* The rep's share of the plan (its days' contacts without history). */
gint64 pd_schedule_curve_total (const PdScheduleCurve *curve);

/* pd_schedule_planned_to_date() of the rep's days: the cumulative of its
 * last available day on or before `date`, 0 before the first. */
gint64 pd_schedule_curve_planned_to_date (const PdScheduleCurve *curve, const GDate *date);

/* pd_schedule_curve_planned_to_date() at each of `dates` (n of them,
 * ascending: one walk over the rep's days) added to `planned` (one per
 * date). */
void pd_schedule_curve_add_planned_to_dates (const PdScheduleCurve *curve,
                                             const GDate *dates,
                                             guint n,
                                             gint64 *planned);

/* The first of the rep's days after `after` whose cumulative reaches
 * `target`, into ret_date; FALSE (ret_date invalid) when none does. Kept
 * loads are never negative (the store checks it), so the cumulative never
 * goes down. */
gboolean pd_schedule_curve_day_reaching (const PdScheduleCurve *curve,
                                         const GDate *after,
                                         gint64 target,
                                         GDate *ret_date);

/* The rep's available days in [from, to] (clamped to the campaign), as
 * pd_workcal_available_days() counts them; 0 when from > to. */
guint pd_schedule_curve_available_days (const PdScheduleCurve *curve, const GDate *from, const GDate *to);

/* Appends rep `rep_index`'s days and blocks to `schedule`, after those
 * already there (reps appended in increasing order keep a schedule's
 * order). FALSE with error set as pd_schedule_builder_rep(); the rep's
 * days may then be partly appended. */
gboolean pd_schedule_builder_append (PdScheduleBuilder *builder,
                                     guint rep_index,
                                     PdSchedule *schedule,
                                     GError **error);

/* What a catch-up gives one rep (pd_schedule_respread). */
typedef struct {
  gint64 actual;      /* contacts logged before `from` */
  gint64 shortfall;   /* the baseline's cumulative before `from` minus actual, >= 0 */
  gint checkpoint;    /* the first checkpoint on or after `from` (index), -1 when none */
  gboolean on_time;   /* back on the curve by that checkpoint */
  GDate back_on;      /* the day the rep is back on the baseline curve; invalid when
                       * not behind, or when the calendar cannot hold the shortfall */
  guint days;         /* available days from `from` to back_on (or to the end) */
  gint64 contacts;    /* contacts planned on those days */
  gint64 most;        /* the most contacts on one of those days */
  gint64 uncovered;   /* contacts the calendar cannot hold before the end */
} PdRespread;

/* Catch-up (rule 5). Days before `from` are copied from `current` (frozen
 * history, cumulative figures included). From `from` on, each rep's
 * cumulative figures are `actual[rep]` (the contacts logged before
 * `from`) plus the days ahead. A rep whose actual is below the baseline's
 * cumulative before `from` is behind by the difference, its shortfall:
 *
 *  - when the rep's available days up to the next checkpoint (the first
 *    on or after `from`; the end is the last) can hold the contacts still
 *    due by it, baseline cumulative there minus actual, those contacts are
 *    spread evenly over those days, the remainder one each to the earliest,
 *    a day over its capacity keeping only what fits and the rest spread
 *    over the others the same way; the rep is back on the curve on the
 *    last of those days, and follows the baseline's loads after it;
 *  - else every day takes what its capacity holds until the rep's
 *    cumulative meets the baseline's (that day takes just what meets it),
 *    and follows the baseline's loads after it; when it never does, the
 *    contacts still missing at the end are `uncovered`.
 *
 * A day's capacity is the most contacts whose blocks fit it (rule 3).
 * A rep who is not behind keeps the baseline's loads. `actual` NULL
 * means every rep is exactly on the baseline. `current` may be `baseline`
 * or an earlier re-spread, or a schedule of days only (the history's
 * blocks are then made from its days). The result's rep_contacts are the baseline's.
 * ret_reps, when not NULL, receives a new GArray of PdRespread, one per
 * rep. Returns a new schedule, or NULL with error set when a day of the
 * frozen history or of the baseline no longer fits (the campaign changed). */
PdSchedule *pd_schedule_respread (const PdCampaign *campaign,
                                  const PdSchedule *baseline,
                                  const PdSchedule *current,
                                  const GDate *from,
                                  const gint64 *actual,
                                  GArray **ret_reps,
                                  GError **error);

/* One rep's part of pd_schedule_respread(), the same figures: the rep's
 * days from `from` on (its history before `from` being `current`'s) are
 * appended to `days`, their blocks to `blocks`, and its PdRespread written
 * to ret_respread. `actual` is the contacts the rep logged before `from`.
 * A catch-up that re-spreads only the reps whose activity changed calls
 * it for each of them. Returns FALSE with error set as
 * pd_schedule_respread() (the arrays may then hold part of the days). */
gboolean pd_schedule_respread_rep (const PdCampaign *campaign,
                                   const PdSchedule *baseline,
                                   const PdSchedule *current,
                                   const GDate *from,
                                   guint rep_index,
                                   gint64 actual,
                                   GArray *days,
                                   GArray *blocks,
                                   PdRespread *ret_respread,
                                   GError **error);

/* Replaces, in place, the days of `rep_index` dated `from` or later by
 * `days` (that rep's, dated `from` or later, in order, as
 * pd_schedule_respread_rep() gives them), leaving the blocks alone (see
 * pd_schedule_make_blocks()); the other reps' days only move. */
void pd_schedule_replace_days_ahead (PdSchedule *schedule,
                                     guint rep_index,
                                     const GDate *from,
                                     const GArray *days);

/* Replaces the schedule's blocks (freed first) by those of its days, as
 * pd_schedule_from_days() makes them, in an array of exactly their
 * number (each day's blocks are made twice: counted, then kept). Returns
 * FALSE with PD_SCHEDULE_ERROR_INFEASIBLE when a day does not fit; the
 * schedule then has no block. */
gboolean pd_schedule_make_blocks (const PdCampaign *campaign,
                                  PdSchedule *schedule,
                                  GError **error);

/* Replaces, in place, the days and blocks of `rep_index` dated `from` or
 * later by `days` and `blocks` (that rep's, dated `from` or later, in
 * order, as pd_schedule_respread_rep() gives them); the other reps' spans
 * only move. A schedule of days only gets the days (`blocks` unused). */
void pd_schedule_replace_ahead (PdSchedule *schedule,
                                guint rep_index,
                                const GDate *from,
                                const GArray *days,
                                const GArray *blocks);

/* The most contacts of `rep_index` that fit on `date` (rule 3: their
 * blocks fit the day's windows and max_daily_calls). */
gint64 pd_schedule_day_capacity (const PdCampaign *campaign,
                                 guint rep_index,
                                 const GDate *date);

/* The rep's planned cumulative contacts at the end of `date` (0 before the
 * first day, the rep's total after the last): the cumulative of the rep's
 * last day on or before `date`; 0 for an unknown rep. */
gint64 pd_schedule_planned_to_date (const PdSchedule *schedule,
                                    guint rep_index,
                                    const GDate *date);

/* Rebuilds a schedule from stored day loads (a saved revision): every
 * available day of the baseline gets the load given for (rep_index, date),
 * 0 when none is given; loads for days the baseline does not have are
 * ignored. A load with `rebased` set restarts the rep's cumulative count
 * there: its day's cumulative is the load's `cumulative`, and the days
 * after it add to it. Minutes, cumulative counts and blocks follow the same rules as
 * pd_schedule_build, so the same loads give the same blocks. Returns NULL
 * with PD_SCHEDULE_ERROR_INFEASIBLE when a day does not fit. */
PdSchedule *pd_schedule_from_days (const PdCampaign *campaign,
                                   const PdSchedule *baseline,
                                   const PdDay *days,
                                   guint n_days,
                                   GError **error);

/* pd_schedule_from_days() without its blocks: a schedule of days only
 * (blocks NULL), the same days. Every day's blocks are still made, a rep
 * at a time, to check that the day fits (the same error); only a rep's
 * are held at once (at 1 000 reps a year's blocks take 25 MiB, twice
 * the days). */
PdSchedule *pd_schedule_from_days_only (const PdCampaign *campaign,
                                        const PdSchedule *baseline,
                                        const PdDay *days,
                                        guint n_days,
                                        GError **error);

/* Appends to `blocks` the blocks of `days` (n_days of them, any reps, by
 * rep then date), as pd_schedule_make_blocks() and
 * pd_schedule_from_days() make them from those days: a schedule of days
 * only gives the blocks of some of its reps or days when asked, the same
 * blocks, field by field. FALSE with PD_SCHEDULE_ERROR_INFEASIBLE at the
 * first day that does not fit (its blocks not appended; those of the days
 * before it are). */
gboolean pd_schedule_append_blocks (const PdCampaign *campaign,
                                    const PdDay *days,
                                    guint n_days,
                                    GArray *blocks,
                                    GError **error);
