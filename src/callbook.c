/* SPDX-License-Identifier: MIT
 *
 * callbook: a campaign's call lists from the prospects in the store.
 *
 * The store gives the prospects (one read for a rep, or one for the whole
 * campaign when every feed is written) and the calls made on the first
 * listed day; calllist does the ordering. A prospect whose call is dated
 * today or later counts as called today (calllist leaves it out of
 * today's list); the lists know no other call date, so retries with as
 * many attempts go in import order.
 */
#define G_LOG_DOMAIN "prospectd-callbook"

#include "prospectd/callbook.h"
#include "prospectd/store-prospects.h"

#include <string.h>

void
pd_rep_calls_free (PdRepCalls *calls)
{
  if (calls == NULL)
    return;
  if (calls->blocks != NULL)
    g_array_unref (calls->blocks);
  g_free (calls->block_numbers);
  pd_call_lists_free (calls->lists);
  if (calls->prospects != NULL)
    g_ptr_array_unref (calls->prospects);
  g_free (calls);
}

/* `text` without case or accents (NFD, marks dropped, casefolded). */
static char *
fold (const char *text)
{
  g_autofree char *decomposed = NULL;
  g_autoptr (GString) bare = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("");
  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFD);
  bare = g_string_new (NULL);
  for (const char *p = decomposed; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_ismark (c))
        g_string_append_unichar (bare, c);
    }
  return g_utf8_casefold (g_strstrip (bare->str), -1);
}

/* The most values a clause remembers the position of: an attribute of
 * a few values (sectors, sizes) is folded once a value; one of as many
 * values as prospects (cities, companies) is folded once a prospect
 * past this many, without holding them all. */
#define RANK_CACHE_MAX 1024

/* One clause of [prospects] priority, its values folded once. */
typedef struct {
  const PdPriority *clause;
  guint n_values;
  char **folded;         /* the clause's values, folded, owned */
  GHashTable *positions; /* a prospect's value as stored -> its position + 1, owned */
  guint null_position;   /* a prospect without the attribute: position + 1, 0 until known */
} RankClause;

/* The ranks of a campaign's prospects in its [prospects] priority. */
typedef struct {
  GArray *clauses;           /* RankClause */
  gboolean needs_attributes; /* a clause names an attribute that is no column */
  gboolean needs_sources;    /* a clause names the source */
} Ranker;

/* Whether pd_prospect_field() reads `name` from a column of the
 * prospects' table. */
static gboolean
is_column (const char *name)
{
  static const char *const columns[] = { "company", "contact", "city", "postcode", "sector", "size" };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (g_str_equal (name, columns[i]))
      return TRUE;
  return FALSE;
}

static void
rank_clause_clear (gpointer data)
{
  RankClause *clause = data;

  g_strfreev (clause->folded);
  g_hash_table_unref (clause->positions);
}

static Ranker *
ranker_new (const PdCampaign *campaign)
{
  Ranker *ranker = g_new0 (Ranker, 1);

  ranker->clauses = g_array_new (FALSE, TRUE, sizeof (RankClause));
  g_array_set_clear_func (ranker->clauses, rank_clause_clear);
  for (guint k = 0; campaign->priority != NULL && k < campaign->priority->len; k++)
    {
      RankClause clause = { 0 };

      clause.clause = g_ptr_array_index (campaign->priority, k);
      clause.n_values = clause.clause->values != NULL ? g_strv_length (clause.clause->values) : 0;
      clause.folded = g_new0 (char *, clause.n_values + 1);
      for (guint v = 0; v < clause.n_values; v++)
        clause.folded[v] = fold (clause.clause->values[v]);
      clause.positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      if (g_str_equal (clause.clause->attribute, "source"))
        ranker->needs_sources = TRUE;
      else if (!is_column (clause.clause->attribute))
        ranker->needs_attributes = TRUE;
      g_array_append_val (ranker->clauses, clause);
    }
  return ranker;
}

static void
ranker_free (Ranker *ranker)
{
  if (ranker == NULL)
    return;
  g_array_unref (ranker->clauses);
  g_free (ranker);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Ranker, ranker_free)

/* The position of `value` among the clause's values (n_values: none). */
static guint
clause_position (RankClause *clause, const char *value)
{
  gpointer known = value != NULL ? g_hash_table_lookup (clause->positions, value)
                                 : GUINT_TO_POINTER (clause->null_position);
  g_autofree char *folded = NULL;
  guint position = clause->n_values;

  if (known != NULL)
    return GPOINTER_TO_UINT (known) - 1;
  folded = fold (value);
  for (guint v = 0; v < clause->n_values; v++)
    if (strcmp (clause->folded[v], folded) == 0)
      {
        position = v;
        break;
      }
  if (value == NULL)
    clause->null_position = position + 1;
  else if (g_hash_table_size (clause->positions) < RANK_CACHE_MAX)
    g_hash_table_insert (clause->positions, g_strdup (value), GUINT_TO_POINTER (position + 1));
  return position;
}

static guint
ranker_rank (Ranker *ranker, const PdProspect *prospect)
{
  guint64 rank = 0;

  for (guint k = 0; k < ranker->clauses->len; k++)
    {
      RankClause *clause = &g_array_index (ranker->clauses, RankClause, k);
      guint position = clause_position (clause, pd_prospect_field (prospect, clause->clause->attribute));

      rank = rank * (clause->n_values + 1) + position;
      if (rank >= G_MAXUINT - 1)
        return G_MAXUINT - 1;
    }
  return (guint) rank;
}

guint
pd_callbook_priority_rank (const PdCampaign *campaign, const PdProspect *prospect)
{
  g_autoptr (Ranker) ranker = ranker_new (campaign);

  return ranker_rank (ranker, prospect);
}

static PdCandidateKind
kind_of (const PdProspect *prospect)
{
  switch (prospect->state)
    {
    case PD_PROSPECT_NEW:
      return PD_CANDIDATE_NEW;
    case PD_PROSPECT_ATTEMPTED:
      return PD_CANDIDATE_ATTEMPTED;
    case PD_PROSPECT_LATENT:
      return PD_CANDIDATE_LATENT;
    default:
      return PD_CANDIDATE_OTHER;
    }
}

static guint
max_attempts_of (const PdCampaign *campaign)
{
  return campaign->max_attempts > 0 ? (guint) MIN (campaign->max_attempts, (gint64) 1000) : 13;
}

/* The set of the rep's prospect ids (gint64*) called on or after
 * `today`, by whomever. */
static GHashTable *
called_since (PdStore *store, const PdCampaign *campaign, const char *rep, const GDate *today, GError **error)
{
  g_autoptr (GArray) ids = pd_store_list_called (store, campaign->id, rep, today, error);
  GHashTable *called;

  if (ids == NULL)
    return NULL;
  called = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (called, g_memdup2 (&g_array_index (ids, gint64, i), sizeof (gint64)));
  return called;
}

/* Where rep r's blocks are in `schedule` (by rep, then date): its
 * first's index, and how many. */
static void
rep_blocks (const PdSchedule *schedule, guint r, guint *ret_first, guint *ret_n)
{
  guint low = 0, high = schedule->blocks != NULL ? schedule->blocks->len : 0, end;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (g_array_index (schedule->blocks, PdBlock, mid).rep_index < r)
        low = mid + 1;
      else
        high = mid;
    }
  for (end = low; schedule->blocks != NULL && end < schedule->blocks->len
                  && g_array_index (schedule->blocks, PdBlock, end).rep_index == r;
       end++)
    ;
  *ret_first = low;
  *ret_n = end - low;
}

/* What a rep's lists are made from: its prospects (`filter`, whose rep
 * names it) and the set of those called on or after `today`. */
static gboolean
read_rep (PdStore *store, const PdCampaign *campaign, const PdProspectFilter *filter, const GDate *today,
          GPtrArray **ret_prospects, GHashTable **ret_called, GError **error)
{
  g_autoptr (GPtrArray) prospects = pd_store_list_prospects (store, campaign->id, filter, error);

  if (prospects == NULL || (*ret_called = called_since (store, campaign, filter->rep, today, error)) == NULL)
    return FALSE;
  *ret_prospects = g_steal_pointer (&prospects);
  return TRUE;
}

/* The lists of one rep from its prospects (taken) over its `n_blocks`
 * blocks `blocks` (of rep rep_index, in a schedule's order), numbered
 * from `first_number`. */
static PdRepCalls *
rep_calls_make (const PdCampaign *campaign, Ranker *ranker, const PdBlock *blocks, guint n_blocks,
                guint first_number, guint rep_index, GPtrArray *prospects, GHashTable *called, const GDate *today,
                guint horizon_days)
{
  PdRepCalls *calls = g_new0 (PdRepCalls, 1);
  g_autofree PdCallCandidate *candidates = g_new0 (PdCallCandidate, MAX (prospects->len, 1));
  PdCallRules rules = { 0 };

  calls->rep_index = rep_index;
  calls->prospects = prospects;
  calls->blocks = g_array_sized_new (FALSE, FALSE, sizeof (PdBlock), n_blocks);
  if (n_blocks > 0)
    g_array_append_vals (calls->blocks, blocks, n_blocks);
  calls->block_numbers = g_new (guint, MAX (n_blocks, 1));
  for (guint b = 0; b < n_blocks; b++)
    calls->block_numbers[b] = first_number + b;

  for (guint i = 0; i < prospects->len; i++)
    {
      const PdProspect *prospect = g_ptr_array_index (prospects, i);
      PdCallCandidate *candidate = &candidates[i];

      candidate->kind = prospect->spontaneous && prospect->state == PD_PROSPECT_NEW ? PD_CANDIDATE_OTHER
                                                                                   : kind_of (prospect);
      candidate->attempts = (guint) CLAMP (prospect->attempts, 0, G_MAXINT);
      candidate->follow_up = prospect->follow_up;
      g_date_clear (&candidate->last_call, 1);
      if (called != NULL && g_hash_table_contains (called, &prospect->id))
        candidate->last_call = *today;
      candidate->priority = ranker_rank (ranker, prospect);
      candidate->import_order = prospect->import_order;
    }

  rules.today = *today;
  rules.horizon_days = horizon_days;
  rules.max_attempts = max_attempts_of (campaign);
  rules.projected_attempts = pd_call_projected_attempts (campaign->plan.contacts_per_prospect,
                                                         rules.max_attempts);
  calls->lists = pd_call_lists_build (candidates, prospects->len, (const PdBlock *) (void *) calls->blocks->data,
                                      calls->blocks->len, &rules);
  return calls;
}

PdRepCalls *
pd_callbook_rep (PdStore *store, const PdCampaign *campaign, const PdSchedule *schedule, guint rep_index,
                 const GDate *today, guint horizon_days, GError **error)
{
  const PdRep *rep;
  g_autoptr (GPtrArray) prospects = NULL;
  g_autoptr (GHashTable) called = NULL;
  g_autoptr (Ranker) ranker = NULL;
  PdProspectFilter filter = { 0 };
  guint first, n_blocks;

  g_return_val_if_fail (campaign != NULL && schedule != NULL && today != NULL, NULL);
  g_return_val_if_fail (rep_index < campaign->reps->len, NULL);

  rep = g_ptr_array_index (campaign->reps, rep_index);
  filter.rep = rep->name;
  if (store == NULL)
    prospects = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  else if (!read_rep (store, campaign, &filter, today, &prospects, &called, error))
    return NULL;
  ranker = ranker_new (campaign);
  rep_blocks (schedule, rep_index, &first, &n_blocks);
  return rep_calls_make (campaign, ranker,
                         n_blocks > 0 ? &g_array_index (schedule->blocks, PdBlock, first) : NULL, n_blocks, first,
                         rep_index, g_steal_pointer (&prospects), called, today, horizon_days);
}

/* The feed's lines of one rep's lists: each listed prospect's text
 * stored once, its lines pointing to it. */
static void
add_lines (PdFeedCalls *feed, const PdRepCalls *calls)
{
  g_autofree guint *texts = g_new (guint, MAX (calls->prospects->len, 1));

  for (guint i = 0; i < calls->prospects->len; i++)
    texts[i] = G_MAXUINT;
  for (guint b = 0; b < calls->blocks->len; b++)
    {
      const PdCallBlock *list = &g_array_index (calls->lists->blocks, PdCallBlock, b);

      if (!list->has_list)
        continue;
      pd_feed_calls_add_block (feed, calls->block_numbers[b], list->contacts);
      for (guint i = list->first; i < list->first + list->listed; i++)
        {
          const PdListedCall *call = &g_array_index (calls->lists->calls, PdListedCall, i);

          if (texts[call->candidate] == G_MAXUINT)
            {
              const PdProspect *prospect = g_ptr_array_index (calls->prospects, call->candidate);
              g_autofree char *contact = NULL;

              if (prospect->first_name != NULL && prospect->contact != NULL)
                contact = g_strdup_printf ("%s %s", prospect->first_name, prospect->contact);
              texts[call->candidate] = pd_feed_calls_add_text (
                feed, prospect->company,
                contact != NULL ? contact : prospect->contact != NULL ? prospect->contact : prospect->first_name,
                prospect->phone != NULL ? prospect->phone : prospect->mobile);
            }
          pd_feed_calls_add_line (feed, texts[call->candidate], call->reason);
        }
    }
}

/* Rep r's lists for its feed over its `n_blocks` blocks `blocks`,
 * numbered from `first_number`: its prospects read by its name, without
 * attributes or sources unless the priority names them (the feeds'
 * lines need neither). NULL with error set on a store error. */
static PdRepCalls *
feed_rep_calls (PdStore *store, const PdCampaign *campaign, Ranker *ranker, const PdBlock *blocks, guint n_blocks,
                guint first_number, guint r, const GDate *today, GError **error)
{
  const PdRep *rep = g_ptr_array_index (campaign->reps, r);
  PdProspectFilter filter = { 0 };
  g_autoptr (GPtrArray) prospects = NULL;
  g_autoptr (GHashTable) called = NULL;

  filter.rep = rep->name;
  filter.keys_only = !ranker->needs_attributes;
  filter.without_sources = !ranker->needs_sources;
  if (!read_rep (store, campaign, &filter, today, &prospects, &called, error))
    return NULL;
  return rep_calls_make (campaign, ranker, blocks, n_blocks, first_number, r, g_steal_pointer (&prospects), called,
                         today, PD_CALL_HORIZON_DAYS);
}

PdFeedCalls *
pd_callbook_feed_calls (PdStore *store, const PdCampaign *campaign, const PdSchedule *schedule,
                        const gboolean *reps, const GDate *today, GError **error)
{
  g_autoptr (PdFeedCalls) feed = NULL;
  g_autoptr (Ranker) ranker = NULL;
  gboolean any = FALSE;

  g_return_val_if_fail (campaign != NULL && schedule != NULL && today != NULL, NULL);

  feed = pd_feed_calls_new (schedule->blocks != NULL ? schedule->blocks->len : 0);
  if (store == NULL)
    return g_steal_pointer (&feed);
  /* No prospect at all in the file (none of any rep, none without a
   * rep): the feeds are those of a campaign followed by day counts
   * (`log`) alone, without lists, known without reading each rep's. */
  if (!pd_store_any_prospect (store, campaign->id, &any, error))
    return NULL;
  if (!any)
    return g_steal_pointer (&feed);

  /* A rep at a time, each freed once listed: the memory is one rep's
   * prospects and the lists' lines. */
  ranker = ranker_new (campaign);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      g_autoptr (PdRepCalls) calls = NULL;
      guint first, n_blocks;

      if (reps != NULL && !reps[r])
        continue;
      rep_blocks (schedule, r, &first, &n_blocks);
      calls = feed_rep_calls (store, campaign, ranker,
                              n_blocks > 0 ? &g_array_index (schedule->blocks, PdBlock, first) : NULL, n_blocks,
                              first, r, today, error);
      if (calls == NULL)
        return NULL;
      add_lines (feed, calls);
    }
  return g_steal_pointer (&feed);
}

PdFeedCalls *
pd_callbook_rep_feed_calls (PdStore *store, const PdCampaign *campaign, guint rep_index, const PdBlock *blocks,
                            guint n_blocks, const GDate *today, GError **error)
{
  g_autoptr (Ranker) ranker = NULL;
  g_autoptr (PdRepCalls) calls = NULL;
  PdFeedCalls *feed;

  g_return_val_if_fail (store != NULL && campaign != NULL && today != NULL, NULL);
  g_return_val_if_fail (rep_index < campaign->reps->len && (blocks != NULL || n_blocks == 0), NULL);

  ranker = ranker_new (campaign);
  calls = feed_rep_calls (store, campaign, ranker, blocks, n_blocks, 0, rep_index, today, error);
  if (calls == NULL)
    return NULL;
  /* A rep's texts are a few KiB: kept in small chunks (a daemon keeps
   * every rep's lists at once). */
  feed = pd_feed_calls_new_sized (n_blocks, 1024);
  add_lines (feed, calls);
  return feed;
}

gint64
pd_callbook_file_size (PdStore *store, const PdCampaign *campaign, GError **error)
{
  gint64 prospects = 0, spontaneous = 0;

  if (store == NULL)
    return 0;
  if (!pd_store_count_prospects (store, campaign->id, &prospects, &spontaneous, error))
    return -1;
  return prospects - spontaneous;
}
