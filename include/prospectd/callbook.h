/* SPDX-License-Identifier: MIT
 *
 * callbook: the call lists of a campaign's reps as the store holds their
 * prospects. Reads each rep's prospects and the calls already made on the
 * first listed day, turns them into calllist's candidates (state,
 * attempts, follow-up, rank in [prospects] priority, import order) and
 * lists them over the rep's blocks (include/prospectd/calllist.h states
 * the order and the projection). Used by `prospectctl calls`, by the
 * feeds (each block's DESCRIPTION) and by `status` (the file's
 * shortfall).
 */
#pragma once

#include <glib.h>

#include "prospectd/calllist.h"
#include "prospectd/campaign.h"
#include "prospectd/prospect.h"
#include "prospectd/schedule.h"
#include "prospectd/store.h"

/* One rep's lists. */
typedef struct {
  guint rep_index;
  GArray *blocks;        /* PdBlock, the rep's blocks of the schedule (copies), in order, owned */
  guint *block_numbers;  /* per element of `blocks`, its index in schedule->blocks, owned */
  PdCallLists *lists;    /* one PdCallBlock per element of `blocks`, owned */
  GPtrArray *prospects;  /* PdProspect*: the rep's prospects (the candidates' order), owned */
} PdRepCalls;

void pd_rep_calls_free (PdRepCalls *calls);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdRepCalls, pd_rep_calls_free)

/* The rank of `prospect` in the campaign's [prospects] priority: the
 * clauses in order, each by the position of the prospect's value of the
 * clause's attribute among the clause's values (compared without case or
 * accents; a value not listed after all of them). 0 is the first;
 * G_MAXUINT - 1 at most. */
guint pd_callbook_priority_rank (const PdCampaign *campaign, const PdProspect *prospect);

/* The lists of rep `rep_index`'s blocks of `schedule` from `today` over
 * `horizon_days` days (calllist.h), from its prospects in `store`
 * (NULL: none yet). Returns new lists, or NULL with error set (a store
 * error). */
PdRepCalls *pd_callbook_rep (PdStore *store,
                             const PdCampaign *campaign,
                             const PdSchedule *schedule,
                             guint rep_index,
                             const GDate *today,
                             guint horizon_days,
                             GError **error);

/* The call lists of the feeds (PD_CALL_HORIZON_DAYS from today) of
 * every rep, or of the reps whose entry in `reps` (one per campaign rep)
 * is TRUE, for pd_ics_renderer_set_calls(): the campaign's prospects
 * read at once, then listed a rep at a time (each rep's freed once
 * listed). A campaign whose file holds
 * no prospect at all (or `store` NULL) gets no list: its feeds are those
 * of a campaign followed by day counts (`log`) alone. NULL with error set
 * on a store error. */
PdFeedCalls *pd_callbook_feed_calls (PdStore *store,
                                     const PdCampaign *campaign,
                                     const PdSchedule *schedule,
                                     const gboolean *reps,
                                     const GDate *today,
                                     GError **error);

/* The call lists of rep `rep_index`'s feed alone, as
 * pd_callbook_feed_calls() makes them for every rep when the campaign's
 * file holds a prospect (the caller asks pd_store_any_prospect()), for
 * `n_blocks` blocks `blocks` of that rep (in a schedule's order): list k
 * is that of blocks[k] (pd_feed_calls_n_blocks() is n_blocks). The blocks
 * of the days from `today` over PD_CALL_HORIZON_DAYS days are those
 * with a list, and the lists of theirs: the others may be left out.
 * Reads that rep's prospects and calls only. NULL with error set on a
 * store error. */
PdFeedCalls *pd_callbook_rep_feed_calls (PdStore *store,
                                         const PdCampaign *campaign,
                                         guint rep_index,
                                         const PdBlock *blocks,
                                         guint n_blocks,
                                         const GDate *today,
                                         GError **error);

/* The prospects the campaign's file holds for its reps to contact: every
 * prospect of the campaign but the spontaneous ones (the plan's prospects
 * to contact do not count those). -1 with error set on a store error. */
gint64 pd_callbook_file_size (PdStore *store, const PdCampaign *campaign, GError **error);
