/* SPDX-License-Identifier: MIT
 *
 * calllist: whom a rep calls in each block of a day, in order (the call
 * lists of docs/scheduling.md, "Call lists"). Pure: the rep's prospects
 * and blocks in, the lists out; "today" is a parameter.
 *
 * A day's list is, in this order:
 *  1. follow-ups: latent prospects whose follow-up date is on or before
 *     the day, the oldest date first;
 *  2. retries: prospects attempted but not reached yet, fewest attempts
 *     first, never one with max_attempts attempts or more;
 *  3. new prospects, by priority rank, then import order.
 * Ties go to the earlier last call (as given: callers that know only
 * today's calls give those), then to import order. A prospect whose last
 * call is dated on or after the day is not listed that day. The day's list holds at most the day's contacts (the sum of
 * its blocks'), never names a prospect twice, and is cut into the day's
 * blocks in block order, each block at most its contacts: when the pool
 * runs short, the last blocks are the short ones.
 *
 * Lists run from `today` over `horizon_days` calendar days; blocks outside
 * carry no list. Days after today are a projection in which every listed
 * prospect is assumed called once, nobody reached: a follow-up is assumed
 * done (it leaves the list until a call records a new date); a retry or a
 * new prospect is attempted once more, and comes back as a retry on a
 * later day until it has `projected_attempts` attempts (the plan's
 * contacts per prospect, at most max_attempts), after which it is assumed
 * reached. The plan's contacts then consume exactly its prospects to
 * contact. Prospects projected on the same day come back in that day's
 * order.
 */
#pragma once

#include <glib.h>
#include "prospectd/schedule.h"

/* Why a prospect is on a list. */
typedef enum {
  PD_CALL_FOLLOW_UP, /* a latent prospect whose follow-up date has come */
  PD_CALL_RETRY,     /* attempted, nobody reached yet */
  PD_CALL_NEW,       /* never called */
} PdCallReason;

/* What the lists need of a prospect's state. */
typedef enum {
  PD_CANDIDATE_NEW,       /* never called */
  PD_CANDIDATE_ATTEMPTED, /* called, nobody reached */
  PD_CANDIDATE_LATENT,    /* reached, to follow up on `follow_up` */
  PD_CANDIDATE_OTHER,     /* arid, active, proposal, won, lost: never listed */
} PdCandidateKind;

/* One of the rep's prospects. */
typedef struct {
  PdCandidateKind kind;
  guint attempts;        /* calls made so far */
  GDate follow_up;       /* latent: the follow-up date; otherwise unused */
  GDate last_call;       /* the last call's date; invalid: never called */
  guint priority;        /* rank in [prospects] priority, 0 first; G_MAXUINT: unranked */
  gint64 import_order;   /* the order prospects entered the file */
} PdCallCandidate;

/* How lists are made. */
typedef struct {
  GDate today;              /* the first day with a list */
  guint horizon_days;       /* days with a list, today included (>= 1) */
  guint max_attempts;       /* [plan] max_attempts (>= 1) */
  guint projected_attempts; /* attempts after which a projected prospect counts as
                             * reached: ceil(contacts per prospect), 1..max_attempts */
} PdCallRules;

/* Lists are made for PD_CALL_HORIZON_DAYS calendar days from today. */
#define PD_CALL_HORIZON_DAYS 7

/* One call on a list. */
typedef struct {
  guint candidate;       /* index into the candidates given */
  PdCallReason reason;
} PdListedCall;

/* One block's list: calls [first, first + listed) of PdCallLists.calls. */
typedef struct {
  gboolean has_list;     /* the block is in the lists' days */
  guint first;
  guint listed;          /* <= contacts */
  gint64 contacts;       /* the block's */
} PdCallBlock;

typedef struct {
  GArray *blocks; /* PdCallBlock, one per block given, in the same order, owned */
  GArray *calls;  /* PdListedCall, in call order, owned */
} PdCallLists;

void pd_call_lists_free (PdCallLists *lists);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCallLists, pd_call_lists_free)

/* The projected attempts of a campaign: ceil(contacts_per_prospect
 * millionths), at least 1, at most max_attempts. */
guint pd_call_projected_attempts (gint64 contacts_per_prospect, guint max_attempts);

/* The lists of one rep's blocks. `blocks` are the rep's (one rep_index),
 * ordered by date then index, as a schedule holds them; `candidates` the
 * rep's prospects, in any order. Returns new lists (one PdCallBlock per
 * block). */
PdCallLists *pd_call_lists_build (const PdCallCandidate *candidates,
                                  guint n_candidates,
                                  const PdBlock *blocks,
                                  guint n_blocks,
                                  const PdCallRules *rules);

/* The untranslated key of a reason: "follow-up", "retry", "new" (JSON, CSV). */
const char *pd_call_reason_key (PdCallReason reason);

/* The reason for people, in the thread's language: "follow-up", "retry",
 * "new prospect". A static string. */
const char *pd_call_reason_text (PdCallReason reason);

/* The heading of a block's list, in the thread's language: "Whom to
 * call:", or when the block lists fewer calls than its contacts "12
 * calls: 8 listed, 4 without a prospect — import more". A new string. */
char *pd_call_block_heading (const PdCallBlock *list);

/* What a feed's event shows of one call: a view into a PdFeedCalls,
 * whose strings it points to. */
typedef struct {
  const char *company;   /* never NULL */
  const char *contact;   /* NULL: none */
  const char *phone;     /* E.164 ("+33123456789"), NULL: none */
  PdCallReason reason;
} PdCallLine;

/* The call lists of a campaign's feeds, for the blocks of the schedule
 * they were made for (block numbers: indices in schedule->blocks). Held
 * compactly, for every rep at once: the blocks with a list only, each
 * line as the index of its prospect's text and its reason, each listed
 * prospect's text once however many lines name it (about 90 bytes a
 * prospect and 8 a line). */
typedef struct _PdFeedCalls PdFeedCalls;

/* New lists for a schedule of `n_blocks` blocks: no block with a list,
 * no line. */
PdFeedCalls *pd_feed_calls_new (guint n_blocks);
/* The same, its texts' storage grown `text_chunk` bytes at a time
 * (pd_feed_calls_new(): 64 KiB, for a whole campaign's lists) for lists
 * kept by the thousand (one rep's each). */
PdFeedCalls *pd_feed_calls_new_sized (guint n_blocks, gsize text_chunk);
void pd_feed_calls_free (PdFeedCalls *calls);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdFeedCalls, pd_feed_calls_free)

/* Stores one prospect's text (contact, phone: NULL or "" for none) and
 * returns its handle for pd_feed_calls_add_line(). */
guint pd_feed_calls_add_text (PdFeedCalls *calls, const char *company, const char *contact, const char *phone);

/* Gives block `block_number` (< n_blocks, greater than the block given
 * before) a list for `contacts` calls; the lines added after it, up to
 * the next block, are its list. */
void pd_feed_calls_add_block (PdFeedCalls *calls, guint block_number, gint64 contacts);

/* Appends a line to the last block given: the prospect of `text` (a
 * handle of pd_feed_calls_add_text()), called for `reason`. */
void pd_feed_calls_add_line (PdFeedCalls *calls, guint text, PdCallReason reason);

/* The number of blocks of the schedule the lists were made for. */
guint pd_feed_calls_n_blocks (const PdFeedCalls *calls);

/* The list of block `block_number`, or NULL when it has none; its lines
 * are [first, first + listed). Valid until the next change. */
const PdCallBlock *pd_feed_calls_block (const PdFeedCalls *calls, guint block_number);

/* The same, for blocks asked in increasing order (a feed's): `*cursor`
 * (0 before the first lookup) keeps where the last one ended, so that
 * the blocks without a list between two lists cost a comparison. */
const PdCallBlock *pd_feed_calls_block_from (const PdFeedCalls *calls, guint block_number, guint *cursor);

/* The number of lines, every block's. */
guint pd_feed_calls_n_lines (const PdFeedCalls *calls);

/* Line `index` (< pd_feed_calls_n_lines()). */
PdCallLine pd_feed_calls_line (const PdFeedCalls *calls, guint index);
