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

guint
pd_callbook_priority_rank (const PdCampaign *campaign, const PdProspect *prospect)
{
  guint64 rank = 0;

  if (campaign->priority == NULL)
    return 0;
  for (guint k = 0; k < campaign->priority->len; k++)
    {
      const PdPriority *clause = g_ptr_array_index (campaign->priority, k);
      guint n_values = clause->values != NULL ? g_strv_length (clause->values) : 0;
      g_autofree char *value = fold (pd_prospect_field (prospect, clause->attribute));
      guint position = n_values;

      for (guint v = 0; v < n_values; v++)
        {
          g_autofree char *wanted = fold (clause->values[v]);

          if (strcmp (wanted, value) == 0)
            {
              position = v;
              break;
            }
        }
      rank = rank * (n_values + 1) + position;
      if (rank >= G_MAXUINT - 1)
        return G_MAXUINT - 1;
    }
  return (guint) rank;
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

/* The set of prospect ids (gint64*) called on or after `today`. */
static GHashTable *
called_since (PdStore *store, const PdCampaign *campaign, const char *rep, const GDate *today, GError **error)
{
  g_autoptr (GPtrArray) calls = pd_store_list_calls (store, campaign->id, rep, 0, today, NULL, error);
  GHashTable *called;

  if (calls == NULL)
    return NULL;
  called = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < calls->len; i++)
    {
      const PdCall *call = g_ptr_array_index (calls, i);

      if (call->prospect > 0)
        g_hash_table_add (called, g_memdup2 (&call->prospect, sizeof call->prospect));
    }
  return called;
}

/* The lists of one rep from its prospects (taken). */
static PdRepCalls *
rep_calls_make (const PdCampaign *campaign, const PdSchedule *schedule, guint rep_index, GPtrArray *prospects,
                GHashTable *called, const GDate *today, guint horizon_days)
{
  PdRepCalls *calls = g_new0 (PdRepCalls, 1);
  g_autofree PdCallCandidate *candidates = g_new0 (PdCallCandidate, MAX (prospects->len, 1));
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  PdCallRules rules = { 0 };

  calls->rep_index = rep_index;
  calls->prospects = prospects;
  calls->blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  if (schedule->blocks != NULL)
    {
      /* The rep's blocks: a schedule holds them by rep, then date. */
      guint low = 0, high = schedule->blocks->len;

      while (low < high)
        {
          guint mid = low + (high - low) / 2;

          if (g_array_index (schedule->blocks, PdBlock, mid).rep_index < rep_index)
            low = mid + 1;
          else
            high = mid;
        }
      for (guint i = low; i < schedule->blocks->len; i++)
        {
          const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, i);

          if (block->rep_index != rep_index)
            break;
          g_array_append_val (calls->blocks, *block);
          g_array_append_val (numbers, i);
        }
    }
  calls->block_numbers = (guint *) (void *) g_array_free (numbers, FALSE);

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
      candidate->priority = pd_callbook_priority_rank (campaign, prospect);
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
  PdProspectFilter filter = { 0 };

  g_return_val_if_fail (campaign != NULL && schedule != NULL && today != NULL, NULL);
  g_return_val_if_fail (rep_index < campaign->reps->len, NULL);

  rep = g_ptr_array_index (campaign->reps, rep_index);
  filter.rep = rep->name;
  if (store == NULL)
    prospects = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  else
    {
      prospects = pd_store_list_prospects (store, campaign->id, &filter, error);
      if (prospects == NULL)
        return NULL;
      called = called_since (store, campaign, rep->name, today, error);
      if (called == NULL)
        return NULL;
    }
  return rep_calls_make (campaign, schedule, rep_index, g_steal_pointer (&prospects), called, today, horizon_days);
}

static void
add_lines (PdFeedCalls *feed, const PdRepCalls *calls)
{
  for (guint b = 0; b < calls->blocks->len; b++)
    {
      const PdCallBlock *list = &g_array_index (calls->lists->blocks, PdCallBlock, b);
      PdCallBlock *out = &g_array_index (feed->blocks, PdCallBlock, calls->block_numbers[b]);

      *out = *list;
      out->first = feed->lines->len;
      for (guint i = list->first; i < list->first + list->listed; i++)
        {
          const PdListedCall *call = &g_array_index (calls->lists->calls, PdListedCall, i);
          const PdProspect *prospect = g_ptr_array_index (calls->prospects, call->candidate);
          PdCallLine line = { 0 };

          line.company = g_strdup (prospect->company);
          if (prospect->first_name != NULL && prospect->contact != NULL)
            line.contact = g_strdup_printf ("%s %s", prospect->first_name, prospect->contact);
          else
            line.contact = g_strdup (prospect->contact != NULL ? prospect->contact : prospect->first_name);
          line.phone = g_strdup (prospect->phone != NULL ? prospect->phone : prospect->mobile);
          line.reason = call->reason;
          g_array_append_val (feed->lines, line);
        }
    }
}

static void
prospects_unref (gpointer prospects)
{
  if (prospects != NULL)
    g_ptr_array_unref (prospects);
}

PdFeedCalls *
pd_callbook_feed_calls (PdStore *store, const PdCampaign *campaign, const PdSchedule *schedule,
                        const gboolean *reps, const GDate *today, GError **error)
{
  g_autoptr (PdFeedCalls) feed = NULL;
  g_autoptr (GPtrArray) prospects = NULL;
  g_autoptr (GHashTable) called = NULL;
  g_autoptr (GPtrArray) by_rep = NULL;

  g_return_val_if_fail (campaign != NULL && schedule != NULL && today != NULL, NULL);

  feed = pd_feed_calls_new (schedule->blocks != NULL ? schedule->blocks->len : 0);
  if (store == NULL)
    return g_steal_pointer (&feed);
  /* The campaign's file in one read (a read by rep scans the campaign's
   * prospects each time), shared out by rep. */
  prospects = pd_store_list_prospects (store, campaign->id, NULL, error);
  if (prospects == NULL)
    return NULL;
  if (prospects->len == 0)
    return g_steal_pointer (&feed); /* no prospect file: feeds as without lists */
  called = called_since (store, campaign, NULL, today, error);
  if (called == NULL)
    return NULL;

  by_rep = g_ptr_array_new_with_free_func (prospects_unref);
  for (guint r = 0; r < campaign->reps->len; r++)
    g_ptr_array_add (by_rep, g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free));
  for (guint i = 0; i < prospects->len; i++)
    {
      PdProspect *prospect = g_ptr_array_index (prospects, i);
      guint rep_index;

      if (prospect->rep == NULL || pd_campaign_find_rep (campaign, prospect->rep, &rep_index) == NULL
          || (reps != NULL && !reps[rep_index]))
        continue;
      g_ptr_array_add (g_ptr_array_index (by_rep, rep_index), g_steal_pointer (&prospects->pdata[i]));
    }
  g_clear_pointer (&prospects, g_ptr_array_unref); /* the others' */

  for (guint r = 0; r < campaign->reps->len; r++)
    {
      GPtrArray *rep_prospects;
      g_autoptr (PdRepCalls) calls = NULL;

      if (reps != NULL && !reps[r])
        continue;
      /* Each rep's prospects go to its lists, freed with them. */
      rep_prospects = g_steal_pointer (&by_rep->pdata[r]);
      calls = rep_calls_make (campaign, schedule, r, rep_prospects, called, today, PD_CALL_HORIZON_DAYS);
      add_lines (feed, calls);
    }
  return g_steal_pointer (&feed);
}

gint64
pd_callbook_file_size (PdStore *store, const PdCampaign *campaign, GError **error)
{
  g_autoptr (GPtrArray) prospects = NULL;
  gint64 size = 0;

  if (store == NULL)
    return 0;
  prospects = pd_store_list_prospects (store, campaign->id, NULL, error);
  if (prospects == NULL)
    return -1;
  for (guint i = 0; i < prospects->len; i++)
    size += !((const PdProspect *) g_ptr_array_index (prospects, i))->spontaneous;
  return size;
}
