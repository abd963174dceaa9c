/* SPDX-License-Identifier: MIT
 *
 * store-prospects: the prospect file in the store (schema 11,
 * docs/storage.md, docs/prospects.md): prospects with their attributes
 * and the sources they were found in, and the calls made to them. The
 * same functions on both backends (src/store-prospects.c for SQLite,
 * src/store-pg-prospects.c for PostgreSQL), the same checks
 * (store-common.c).
 *
 * On PostgreSQL, row-level security gives a rep's login its own
 * prospects (rep = its rep) and their calls, sources and attributes
 * only; a manager's login sees everything. A prospect of no rep is seen
 * by managers only.
 */
#pragma once

#include <glib.h>

#include "prospectd/prospect.h"
#include "prospectd/store.h"

/* Which prospects a listing gives; every field is optional (zeroed: all). */
typedef struct {
  gboolean by_state;
  PdProspectState state;   /* with by_state */
  const char *rep;         /* NULL: every rep's (and no rep's) */
  const char *source;      /* NULL: any; else found in that source */
  GDate due;               /* valid: latent prospects whose follow-up is on or before it */
  gboolean uncalled;       /* only prospects never called (attempts 0) and not spontaneous */
  gboolean keys_only;      /* without their attributes: what matching needs (an import of a large file) */
  gboolean without_sources; /* without their sources (sources left empty): what call lists need */
} PdProspectFilter;

/* Stores an import in one transaction. `prospects` (PdProspect*): those
 * with id 0 are new: inserted with their attributes and sources, state,
 * attempts, follow-up, spontaneous, prescriber, recommended_by and rep
 * as given, each the next import_order of the campaign (the order of
 * the array); those with an id are known: only their sources are
 * recorded (a source and line recorded already adds nothing). On
 * success writes the new prospects' ids into their id fields, and the
 * number of prospects and of source rows added to ret_added and
 * ret_sources_added (each may be NULL). Errors: PD_STORE_ERROR_NOT_FOUND
 * (unknown campaign, or a known id that is not a prospect of the
 * campaign the login sees), PD_STORE_ERROR_INVALID (an empty company, a
 * follow-up that is not a date, an empty source), or a backend error (a
 * rep's login storing another rep's prospect: PD_STORE_ERROR_IO); nothing
 * is written then. */
gboolean pd_store_import_prospects (PdStore *store,
                                    const char *campaign,
                                    GPtrArray *prospects,
                                    gint64 *ret_added,
                                    gint64 *ret_sources_added,
                                    GError **error);

/* The prospects of an import one at a time, for a file too large to be
 * held as prospects: the next one (borrowed until the next call), or NULL
 * at the end, or NULL with error set (the import fails, nothing is
 * written). `restart`: from the first one again (the first call of each
 * attempt: a transaction that lost a race is run again). */
typedef PdProspect *(*PdProspectFeed) (gpointer data, gboolean restart, GError **error);

/* pd_store_import_prospects() of the prospects `feed` gives, in one
 * transaction, without writing their ids back; the same checks and
 * errors, and the feed's own. PostgreSQL receives them in batches of
 * statements over arrays, not row by row. */
gboolean pd_store_import_feed (PdStore *store,
                               const char *campaign,
                               PdProspectFeed feed,
                               gpointer data,
                               gint64 *ret_added,
                               gint64 *ret_sources_added,
                               GError **error);

/* The prospects of `campaign` that `filter` (NULL: all) lets through, in
 * import order, each with its attributes and sources. Returns a new
 * GPtrArray of PdProspect* (owned), or NULL with error set. */
GPtrArray *pd_store_list_prospects (PdStore *store,
                                    const char *campaign,
                                    const PdProspectFilter *filter,
                                    GError **error);

/* Each prospect of `campaign` the login sees, in import order, with its
 * sources but not its attributes (what an import matches against), given
 * to `func` one at a time (borrowed for the call) rather than held all at
 * once (PostgreSQL's through cursors, a thousand rows at a time). An
 * unknown campaign has none. FALSE with error set on a
 * store error. */
typedef void (*PdProspectFunc) (const PdProspect *prospect, gpointer data);
gboolean pd_store_foreach_prospect (PdStore *store,
                                    const char *campaign,
                                    PdProspectFunc func,
                                    gpointer data,
                                    GError **error);

/* How many prospects `campaign` holds (those the login sees), and how
 * many of them are spontaneous, into ret_prospects and ret_spontaneous
 * (each may be NULL). Reads no prospect. */
gboolean pd_store_count_prospects (PdStore *store,
                                   const char *campaign,
                                   gint64 *ret_prospects,
                                   gint64 *ret_spontaneous,
                                   GError **error);

/* Whether `campaign` holds any prospect (that the login sees), into
 * *ret_any: one look at the index, whatever their number. */
gboolean pd_store_any_prospect (PdStore *store,
                                const char *campaign,
                                gboolean *ret_any,
                                GError **error);

/* Whose call lists may have changed (schema 17). Every prospect added,
 * changed or removed, every attribute or source of a prospect, every
 * call made to a prospect (added, removed, moved to another prospect or
 * date) moves the change mark of the prospect's (campaign, rep) past
 * every mark before it (a prospect moved to another rep moves both; a
 * prospect of no rep none). Apart from pd_store_activity_changes()'s: a
 * prospect's change re-spreads no one. Writes the store's latest mark (0
 * when none moved yet) to ret_mark and, when ret_reps is not NULL, the
 * reps of `campaign` whose mark is past `since` (a new NULL-terminated
 * array, in no particular order, each rep once). Read the mark before
 * what it is about: asked again with it, the store names what changed
 * in between. Errors: the backend's; nothing is written then. */
gboolean pd_store_prospect_changes (PdStore *store,
                                    const char *campaign,
                                    gint64 since,
                                    gint64 *ret_mark,
                                    GStrv *ret_reps,
                                    GError **error);

/* The ids (gint64) of rep `rep`'s prospects in `campaign` with a call
 * dated on or after `from`, whoever made it, each once, in increasing
 * order. A new GArray, or NULL with error set. */
GArray *pd_store_list_called (PdStore *store,
                              const char *campaign,
                              const char *rep,
                              const GDate *from,
                              GError **error);

/* Prospect `id` of `campaign` into ret_prospect (a new PdProspect).
 * Errors: PD_STORE_ERROR_NOT_FOUND (none the login sees), or a backend
 * error. */
gboolean pd_store_get_prospect (PdStore *store,
                                const char *campaign,
                                gint64 id,
                                PdProspect **ret_prospect,
                                GError **error);

/* Gives prospect ids[i] to reps[i] (NULL: nobody), n of them, in one
 * transaction. Errors: NOT_FOUND when an id is not a prospect of the
 * campaign; nothing is written then. */
gboolean pd_store_set_prospect_reps (PdStore *store,
                                     const char *campaign,
                                     const gint64 *ids,
                                     const char *const *reps,
                                     guint n,
                                     GError **error);

/* Erases a person: prospect `id` with its attributes and sources; its
 * calls stay (the day counts derived from them keep their numbers) with
 * neither prospect (0) nor note. One transaction. Errors: NOT_FOUND. */
gboolean pd_store_erase_prospect (PdStore *store, const char *campaign, gint64 id, GError **error);

/* Records one call and moves its prospect, in one transaction: reads
 * prospect call->prospect, decides its new state with pd_prospect_move()
 * (call->follow_up valid: a follow-up given), inserts the call with the
 * states before and after, and updates the prospect: state, attempts + 1,
 * follow-up (the call's when given; cleared when the state leaves
 * latent), rep (the call's, when the prospect had none). On success
 * writes the call's id to ret_id and the prospect as it now is to
 * ret_prospect (each may be NULL). Errors: PD_STORE_ERROR_NOT_FOUND (no
 * such prospect in the campaign, for this login), PD_STORE_ERROR_INVALID
 * (an illegal move: the message is pd_prospect_move()'s; an empty rep,
 * an invalid date, a negative revenue), or a backend error; nothing is
 * written then. The caller checks the date against the campaign. */
gboolean pd_store_record_call (PdStore *store,
                               const PdCall *call,
                               gint64 *ret_id,
                               PdProspect **ret_prospect,
                               GError **error);

/* The calls of `campaign`, only `rep`'s when not NULL, only prospect
 * `prospect`'s when > 0, dated from `from` to `to` (inclusive, either
 * NULL: unbounded), by date then id. A new GPtrArray of PdCall* (owned),
 * or NULL with error set. */
GPtrArray *pd_store_list_calls (PdStore *store,
                                const char *campaign,
                                const char *rep,
                                gint64 prospect,
                                const GDate *from,
                                const GDate *to,
                                GError **error);
