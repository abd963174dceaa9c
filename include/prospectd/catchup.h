/* SPDX-License-Identifier: MIT
 *
 * catchup: the schedule in force and the catch-up (docs/scheduling.md, rule 6), over
 * the store.
 *
 * The baseline is always recomputed from the campaign file; the store keeps
 * revisions as the day loads that differ from it. The schedule
 * in force is the latest catch-up revision rebuilt with
 * pd_schedule_from_days(), else the baseline. A catch-up freezes the days
 * up to and including `as_of` and re-spreads each rep's shortfall against
 * the baseline by pd_schedule_respread(): back on the curve by the next
 * checkpoint when capacity allows, else as early as it allows, each rep
 * on its own; the cumulative figures from the day after `as_of` are the
 * contacts logged to `as_of` plus the days ahead. The day a rep's count
 * restarts is stored with that count (PdRevisionDay.base). Shared by
 * `prospectctl reschedule` and the daemon's daily check.
 */
#pragma once

#include <glib.h>
#include "prospectd/config.h"
#include "prospectd/schedule.h"
#include "prospectd/store.h"

/* The schedule in force. `store` may be NULL (no database yet: the
 * baseline). The latest catch-up revision applies, but when a baseline
 * was saved after it (the campaign file changed), only to the days before
 * that baseline's first day. *ret_revision_time is when that revision was made; for the
 * baseline, `baseline_time` (the caller's choice, e.g. the campaign file's
 * modification time). Writes both outputs only on success. */
gboolean pd_catchup_current (PdStore *store,
                             const PdCampaign *campaign,
                             const PdSchedule *baseline,
                             gint64 baseline_time,
                             PdSchedule **ret_schedule,
                             gint64 *ret_revision_time,
                             GError **error);

/* pd_catchup_current() as a schedule of days only (schedule.h: blocks
 * NULL, pd_schedule_from_days_only()): the same days, the same errors
 * (each day is checked to fit), without holding the blocks. */
gboolean pd_catchup_current_days (PdStore *store,
                                  const PdCampaign *campaign,
                                  const PdSchedule *baseline,
                                  gint64 baseline_time,
                                  PdSchedule **ret_schedule,
                                  gint64 *ret_revision_time,
                                  GError **error);

/* A schedule's day loads as a revision to store: every day, or with a
 * `baseline` only the days whose load differs from it (a catch-up moves
 * a few reps' future days; at 1 000 reps a whole copy is 250 000 rows).
 * pd_catchup_current() reads a day missing from a revision as the
 * baseline's. */
PdRevision *pd_catchup_revision_new (const PdCampaign *campaign,
                                     const PdSchedule *schedule,
                                     const PdSchedule *baseline,
                                     PdRevisionKind kind,
                                     const GDate *as_of,
                                     gint64 created);

typedef struct {
  GArray *reps;         /* PdRespread per rep (schedule.h): shortfall, the day back on
                         * the curve, the contacts and days to it, what is uncovered */
  GArray *load_changed; /* gboolean per rep: its loads after as_of differ from the
                         * schedule in force before the catch-up */
  GArray *days_changed; /* gboolean per rep: any of its days (load or cumulative
                         * figure) differs from the schedule in force before */
  PdSchedule *schedule; /* the schedule the catch-up computed, owned: the one in
                         * force when changed (nothing re-read); NULL from
                         * pd_catchup_run_reps(), which patches it in place */
  gboolean changed;     /* FALSE when the result is the schedule already in force: nothing stored */
  gint64 revision_id;   /* the stored revision's id when changed, else 0 */
  gboolean by_other;    /* changed, but another process saved a revision since `parent`
                         * (pd_catchup_run_from()): nothing stored or patched here;
                         * revision_id is that process's latest, schedule NULL */
} PdCatchup;

void pd_catchup_free (PdCatchup *catchup);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCatchup, pd_catchup_free)

/* Runs a catch-up as of `as_of` (< campaign end) from what the caller
 * has read already: `current`, the schedule in force (pd_catchup_current()),
 * and `daily`, the day sums (PdDailyContacts) of the campaign up to
 * `as_of` (pd_store_daily_contacts(); later days are ignored). When the
 * result differs from `current` (someone is short, has made up an
 * earlier shortfall, or logged more since), stores the new revision (and
 * the baseline, the first time) with creation time `now`; the result's
 * schedule is then the schedule in force, as pd_catchup_current() would
 * read it back (its revision time is `now`). A rep the
 * calendar cannot bring back on the curve gets what fits; the rest is
 * PdRespread.uncovered, not an error. Errors: the store's, or a
 * PD_SCHEDULE_ERROR when the schedule in force no longer fits the
 * campaign (nothing is stored then). */
PdCatchup *pd_catchup_run (PdStore *store,
                           const PdCampaign *campaign,
                           const PdSchedule *baseline,
                           const PdSchedule *current,
                           const GArray *daily,
                           const GDate *as_of,
                           gint64 now,
                           GError **error);

/* pd_catchup_run() in two steps, so that a caller can free `current`
 * between them (at 1 000 reps a schedule takes some 40 MB):
 * pd_catchup_compute() is everything but the storing (revision_id 0,
 * nothing written); pd_catchup_store() then stores a changed result
 * (nothing when unchanged) and sets its revision_id; it reads
 * catchup->schedule, not `current`. Errors as pd_catchup_run(). */
PdCatchup *pd_catchup_compute (const PdCampaign *campaign,
                               const PdSchedule *baseline,
                               const PdSchedule *current,
                               const GArray *daily,
                               const GDate *as_of,
                               GError **error);
gboolean pd_catchup_store (PdStore *store,
                           const PdCampaign *campaign,
                           const PdSchedule *baseline,
                           PdCatchup *catchup,
                           const GDate *as_of,
                           gint64 now,
                           GError **error);

/* pd_catchup_run() for the reps whose activity changed, at the cost of
 * those reps: `in_force` is the schedule in force, in which every rep
 * not listed in `reps` (a gboolean per rep) already has the days
 * pd_catchup_run() would give it now (its activity unchanged since the
 * catch-up as of the same day that gave them, stored by this process as
 * the latest). Each listed rep is re-spread from `actual[r]`, the
 * contacts it logged up to `as_of`. When a rep's days change, the changed
 * reps' days are stored as the latest catch-up (created `now`; the other
 * reps' stored days kept: pd_store_save_catchup_reps()) and then patched
 * into `in_force` in place; catchup->schedule is NULL. The result
 * (changed, revision_id, load_changed, days_changed, and reps for the
 * listed reps) is what pd_catchup_run() would give. Errors as
 * pd_catchup_run(); nothing is stored or patched then. */
PdCatchup *pd_catchup_run_reps (PdStore *store,
                                const PdCampaign *campaign,
                                const PdSchedule *baseline,
                                PdSchedule *in_force,
                                const gboolean *reps,
                                const gint64 *actual,
                                const GDate *as_of,
                                gint64 now,
                                GError **error);

/* pd_catchup_run(), pd_catchup_store() and pd_catchup_run_reps() when
 * several daemons share the database: `parent` is the id of the campaign's latest revision
 * (pd_store_load_latest_head(); 0: none) that `current`/`in_force` came
 * from. The catch-up (and the baseline, the first time) is stored only if
 * no revision was saved since; else nothing is stored or patched, and
 * the result says what this process computed, with by_other TRUE and
 * revision_id the latest revision's id (the one stored by the process
 * that won: read it back). A catch-up for one campaign and day is so
 * stored once however many daemons evaluate the check at once. */
PdCatchup *pd_catchup_run_from (PdStore *store,
                                const PdCampaign *campaign,
                                const PdSchedule *baseline,
                                const PdSchedule *current,
                                gint64 parent,
                                const GArray *daily,
                                const GDate *as_of,
                                gint64 now,
                                GError **error);

gboolean pd_catchup_store_from (PdStore *store,
                                const PdCampaign *campaign,
                                const PdSchedule *baseline,
                                PdCatchup *catchup,
                                gint64 parent,
                                const GDate *as_of,
                                gint64 now,
                                GError **error);

PdCatchup *pd_catchup_run_reps_from (PdStore *store,
                                     const PdCampaign *campaign,
                                     const PdSchedule *baseline,
                                     PdSchedule *in_force,
                                     gint64 parent,
                                     const gboolean *reps,
                                     const gint64 *actual,
                                     const GDate *as_of,
                                     gint64 now,
                                     GError **error);

/* pd_catchup_run_from() of the whole team at the cost of one rep: the
 * catch-up is made a rep at a time in `in_force` (the schedule in force,
 * as pd_catchup_current() gives it), never beside it. Its blocks are
 * freed first; each rep is re-spread from the contacts it logged up to
 * `as_of` in `daily` (as pd_catchup_compute() reads them), its days
 * patched in place and, when they changed, added to the revision; the
 * revision is stored (and the baseline, the first time) when something
 * changed; then the blocks are made again from the days, in an array of
 * their number (pd_schedule_make_blocks()), unless `in_force` is a
 * schedule of days only (blocks NULL), which stays one. The result (changed,
 * revision_id, by_other, reps, load_changed, days_changed) is what
 * pd_catchup_run_from() would give; catchup->schedule is NULL: `in_force`
 * is the schedule in force from then on. When it returns NULL, or with
 * by_other set, `in_force` is no longer the schedule in force of any
 * revision: the caller reads it again. */
PdCatchup *pd_catchup_run_in_place_from (PdStore *store,
                                         const PdCampaign *campaign,
                                         const PdSchedule *baseline,
                                         PdSchedule *in_force,
                                         gint64 parent,
                                         const GArray *daily,
                                         const GDate *as_of,
                                         gint64 now,
                                         GError **error);

/* What a rep's catch-up is, in one sentence (translated), the same in
 * `prospectctl reschedule` and the daemon's notification; NULL when the
 * rep is not behind. The three forms:
 *   "back on target by 2027-04-30 (334 contacts): 278 contacts over 10
 *   working days, at most 28 a day."
 *   "at full capacity, back on target on 2027-05-12 (400 contacts), after
 *   the 2027-04-30 checkpoint: 344 contacts over 18 working days, at most
 *   25 a day."
 *   "at full capacity to the end: 300 contacts over 30 working days, at
 *   most 15 a day; 200 contacts left uncovered."
 * The target is the contacts logged plus those planned to that day. */
char *pd_catchup_describe (const PdCampaign *campaign,
                           const PdRespread *respread);

/* Sets the start of each rep whose campaign file gives none to the day
 * the rep first appeared in `campaign`, as the store records it (the
 * campaign's start for the reps of a campaign recorded for the first
 * time, else the day, `today`, the daemon or a command that writes first
 * loaded the file with that rep). With `record`, a rep not recorded yet is
 * recorded (and the campaign, when it is not yet); without it nothing is
 * written and such a rep starts `today`. Call it before building the
 * baseline. Errors: the store's. */
gboolean pd_catchup_rep_starts (PdStore *store,
                                PdCampaign *campaign,
                                const GDate *today,
                                gboolean record,
                                GError **error);

/* Past days keep the schedule that was in force on them: the store keeps
 * the baseline's loads of every day (a baseline revision, saved the first
 * time this is called with `record` for the campaign). This gives the
 * campaign those loads for the days before `today` (campaign->history),
 * so that pd_schedule_build() re-plans only today and the days after it
 * from the file. With `record`, when that differs from the stored
 * baseline (the file changed), it is stored as a new baseline revision
 * whose as_of is `today`, created `now`; without it nothing is written.
 * Call it after pd_catchup_rep_starts() and before building the baseline.
 * A file whose plan or schedule fails is left alone (its command reports
 * it). Errors: the store's. */
gboolean pd_catchup_freeze_past (PdStore *store,
                                 PdCampaign *campaign,
                                 const GDate *today,
                                 gint64 now,
                                 gboolean record,
                                 GError **error);
