/* SPDX-License-Identifier: MIT
 *
 * catchup: the schedule in force and the catch-up (DESIGN.md rule 5), over
 * the store.
 *
 * The baseline is always recomputed from the campaign file; the store keeps
 * revisions as full day loads (every rep, every available day). The schedule
 * in force is the latest catch-up revision rebuilt with
 * pd_schedule_from_days(), else the baseline. A catch-up freezes the days
 * up to and including `as_of`, re-spreads each rep's shortfall against the
 * baseline over their remaining available days, and stores the result.
 * Shared by `prospectctl reschedule` and the daemon's daily check.
 */
#pragma once

#include <glib.h>
#include "prospectd/config.h"
#include "prospectd/schedule.h"
#include "prospectd/store.h"

/* The schedule in force. `store` may be NULL (no database yet: the
 * baseline). *ret_revision_time is when that revision was made; for the
 * baseline, `baseline_time` (the caller's choice, e.g. the campaign file's
 * modification time). Writes both outputs only on success. */
gboolean pd_catchup_current (PdStore *store,
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
  GArray *actual;       /* gint64 per rep: contacts logged up to as_of */
  GArray *shortfalls;   /* gint64 per rep: max(0, baseline planned - actual) */
  GArray *days_left;    /* guint per rep: available days after as_of */
  PdSchedule *schedule; /* the new schedule in force, owned */
  gboolean changed;     /* FALSE when the result is the schedule already in force: nothing stored */
} PdCatchup;

void pd_catchup_free (PdCatchup *catchup);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCatchup, pd_catchup_free)

/* Runs a catch-up as of `as_of` (< campaign end) and, when the result
 * differs from the schedule in force (someone is short, or has made up an
 * earlier shortfall), stores the new revision (and the baseline, the first time) with
 * creation time `now`. Errors: the store's, or PD_SCHEDULE_ERROR_INFEASIBLE
 * whose message says how many hours a day catching up would take (nothing
 * is stored then). */
PdCatchup *pd_catchup_run (PdStore *store,
                           const PdCampaign *campaign,
                           const PdSchedule *baseline,
                           const GDate *as_of,
                           gint64 now,
                           GError **error);
