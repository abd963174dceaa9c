/* SPDX-License-Identifier: MIT
 *
 * calllist: a rep's call lists, day by day (include/prospectd/calllist.h
 * states the rules).
 *
 * The rep's prospects are sorted once into three queues: the follow-ups by
 * date, the retries in one first-in first-out queue per number of
 * attempts (so "fewest attempts first" is the lowest non-empty queue, and
 * within a queue the order is the order prospects were last called), the
 * new ones by priority and import order. A day takes from the queues in
 * that order; what the projection sends back (a prospect attempted once
 * more) joins the queue of its new number of attempts after the day, so
 * that no day names a prospect twice. The cost is the number of calls
 * listed plus the sort, whatever the length of the campaign.
 */
#define G_LOG_DOMAIN "prospectd-calllist"

#include "prospectd/calllist.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

void
pd_call_lists_free (PdCallLists *lists)
{
  if (lists == NULL)
    return;
  if (lists->blocks != NULL)
    g_array_unref (lists->blocks);
  if (lists->calls != NULL)
    g_array_unref (lists->calls);
  g_free (lists);
}

const char *
pd_call_reason_key (PdCallReason reason)
{
  switch (reason)
    {
    case PD_CALL_FOLLOW_UP:
      return "follow-up";
    case PD_CALL_RETRY:
      return "retry";
    case PD_CALL_NEW:
    default:
      return "new";
    }
}

const char *
pd_call_reason_text (PdCallReason reason)
{
  switch (reason)
    {
    case PD_CALL_FOLLOW_UP:
      return _("follow-up");
    case PD_CALL_RETRY:
      return _("retry");
    case PD_CALL_NEW:
    default:
      return _("new prospect");
    }
}

static unsigned long
plural_of (gint64 count)
{
  return count < 0 ? 0 : (unsigned long) MIN (count, (gint64) G_MAXINT);
}

char *
pd_call_block_heading (const PdCallBlock *list)
{
  g_return_val_if_fail (list != NULL, NULL);

  if ((gint64) list->listed >= list->contacts)
    return g_strdup (_("Whom to call:"));
  return g_strdup_printf (ngettext ("%" PRId64 " call: %u listed, %" PRId64 " without a prospect — import more",
                                    "%" PRId64 " calls: %u listed, %" PRId64 " without a prospect — import more",
                                    plural_of (list->contacts)),
                          list->contacts, list->listed, list->contacts - (gint64) list->listed);
}

guint
pd_call_projected_attempts (gint64 contacts_per_prospect, guint max_attempts)
{
  gint64 attempts = (contacts_per_prospect + 999999) / 1000000;

  if (max_attempts < 1)
    max_attempts = 1;
  if (attempts < 1)
    attempts = 1;
  return (guint) MIN (attempts, (gint64) max_attempts);
}

/* A date as a Julian day number, 0 for an invalid one (read from a copy:
 * GLib fills in a GDate's other half when asked). */
static guint32
julian_of (const GDate *date)
{
  GDate copy = *date;

  return g_date_valid (&copy) ? g_date_get_julian (&copy) : 0;
}

typedef struct {
  const PdCallCandidate *candidates;
  guint32 *follow_up;  /* julian, per candidate */
  guint32 *last_call;  /* julian, 0 = never, per candidate */
} SortContext;

static gint
compare_u32 (guint32 a, guint32 b)
{
  return a < b ? -1 : a > b;
}

static gint
compare_tail (const SortContext *context, guint a, guint b)
{
  const PdCallCandidate *ca = &context->candidates[a];
  const PdCallCandidate *cb = &context->candidates[b];
  gint order = compare_u32 (context->last_call[a], context->last_call[b]);

  if (order != 0)
    return order;
  if (ca->import_order != cb->import_order)
    return ca->import_order < cb->import_order ? -1 : 1;
  return compare_u32 (a, b);
}

static gint
compare_follow_ups (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const SortContext *context = data;
  guint a = *(const guint *) pa;
  guint b = *(const guint *) pb;
  gint order = compare_u32 (context->follow_up[a], context->follow_up[b]);

  return order != 0 ? order : compare_tail (context, a, b);
}

static gint
compare_retries (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const SortContext *context = data;
  guint a = *(const guint *) pa;
  guint b = *(const guint *) pb;
  gint order = compare_u32 (context->candidates[a].attempts, context->candidates[b].attempts);

  return order != 0 ? order : compare_tail (context, a, b);
}

static gint
compare_new (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const SortContext *context = data;
  guint a = *(const guint *) pa;
  guint b = *(const guint *) pb;
  gint order = compare_u32 (context->candidates[a].priority, context->candidates[b].priority);

  return order != 0 ? order : compare_tail (context, a, b);
}

/* A first-in first-out queue of candidate indices. */
typedef struct {
  GArray *items; /* guint */
  guint head;
} Queue;

static void
queue_push (Queue *queue, guint candidate)
{
  if (queue->items == NULL)
    queue->items = g_array_new (FALSE, FALSE, sizeof (guint));
  if (queue->head > 0 && queue->head == queue->items->len)
    {
      g_array_set_size (queue->items, 0);
      queue->head = 0;
    }
  g_array_append_val (queue->items, candidate);
}

static gboolean
queue_pop (Queue *queue, guint *ret_candidate)
{
  if (queue->items == NULL || queue->head >= queue->items->len)
    return FALSE;
  *ret_candidate = g_array_index (queue->items, guint, queue->head++);
  return TRUE;
}

typedef struct {
  guint candidate;
  guint attempts; /* the queue it joins after the day */
} Pending;

PdCallLists *
pd_call_lists_build (const PdCallCandidate *candidates,
                     guint n_candidates,
                     const PdBlock *blocks,
                     guint n_blocks,
                     const PdCallRules *rules)
{
  g_autoptr (PdCallLists) lists = g_new0 (PdCallLists, 1);
  g_autofree guint32 *follow_up = NULL;
  g_autofree guint32 *last_call = NULL;
  g_autofree gboolean *done = NULL;
  g_autoptr (GArray) follow_ups = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) new_ones = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) retries = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  g_autoptr (GArray) held = g_array_new (FALSE, FALSE, sizeof (Pending));
  g_autoptr (GArray) day_calls = g_array_new (FALSE, FALSE, sizeof (PdListedCall));
  Queue *queues;
  SortContext context;
  guint max_attempts;
  guint projected;
  guint32 first_day;
  guint32 end_day;
  guint follow_next = 0;
  guint new_next = 0;

  g_return_val_if_fail (candidates != NULL || n_candidates == 0, NULL);
  g_return_val_if_fail (blocks != NULL || n_blocks == 0, NULL);
  g_return_val_if_fail (rules != NULL, NULL);

  max_attempts = MAX (rules->max_attempts, 1);
  projected = CLAMP (rules->projected_attempts, 1, max_attempts);
  first_day = julian_of (&rules->today);
  end_day = first_day + MAX (rules->horizon_days, 1);

  lists->blocks = g_array_sized_new (FALSE, TRUE, sizeof (PdCallBlock), n_blocks);
  lists->calls = g_array_new (FALSE, FALSE, sizeof (PdListedCall));
  g_array_set_size (lists->blocks, n_blocks);

  follow_up = g_new0 (guint32, MAX (n_candidates, 1));
  last_call = g_new0 (guint32, MAX (n_candidates, 1));
  done = g_new0 (gboolean, MAX (n_candidates, 1));
  for (guint i = 0; i < n_candidates; i++)
    {
      const PdCallCandidate *candidate = &candidates[i];

      last_call[i] = julian_of (&candidate->last_call);
      switch (candidate->kind)
        {
        case PD_CANDIDATE_LATENT:
          follow_up[i] = julian_of (&candidate->follow_up);
          if (follow_up[i] != 0)
            g_array_append_val (follow_ups, i);
          break;
        case PD_CANDIDATE_ATTEMPTED:
          if (candidate->attempts < max_attempts)
            g_array_append_val (retries, i);
          break;
        case PD_CANDIDATE_NEW:
          g_array_append_val (new_ones, i);
          break;
        case PD_CANDIDATE_OTHER:
        default:
          break;
        }
    }
  context.candidates = candidates;
  context.follow_up = follow_up;
  context.last_call = last_call;
  g_array_sort_with_data (follow_ups, compare_follow_ups, &context);
  g_array_sort_with_data (retries, compare_retries, &context);
  g_array_sort_with_data (new_ones, compare_new, &context);

  queues = g_new0 (Queue, max_attempts);
  for (guint i = 0; i < retries->len; i++)
    {
      guint candidate = g_array_index (retries, guint, i);

      queue_push (&queues[candidates[candidate].attempts], candidate);
    }

  for (guint b = 0; b < n_blocks;)
    {
      guint32 day = julian_of (&blocks[b].date);
      guint day_end = b;
      gint64 day_contacts = 0;
      guint listed_before = lists->calls->len;

      for (; day_end < n_blocks && julian_of (&blocks[day_end].date) == day; day_end++)
        day_contacts += MAX (blocks[day_end].contacts, 0);
      if (day < first_day || day >= end_day)
        {
          for (; b < day_end; b++)
            g_array_index (lists->blocks, PdCallBlock, b).contacts = blocks[b].contacts;
          continue;
        }

      g_array_set_size (day_calls, 0);
      g_array_set_size (pending, 0);
      g_array_set_size (held, 0);

      /* 1. follow-ups due by the day, oldest first (one called on or after
       * the day waits for a later day, where it is still the oldest). */
      while (follow_next < follow_ups->len && done[g_array_index (follow_ups, guint, follow_next)])
        follow_next++;
      for (guint i = follow_next; i < follow_ups->len && (gint64) day_calls->len < day_contacts; i++)
        {
          guint candidate = g_array_index (follow_ups, guint, i);
          PdListedCall call = { candidate, PD_CALL_FOLLOW_UP };

          if (follow_up[candidate] > day)
            break;
          if (done[candidate] || last_call[candidate] >= day)
            continue;
          done[candidate] = TRUE; /* assumed done */
          g_array_append_val (day_calls, call);
        }

      /* 2. retries, fewest attempts first; the called-today ones and the
       * day's own go back to their queue after the day. */
      for (guint attempts = 0; attempts < max_attempts && (gint64) day_calls->len < day_contacts; attempts++)
        {
          guint candidate;

          while ((gint64) day_calls->len < day_contacts && queue_pop (&queues[attempts], &candidate))
            {
              PdListedCall call = { candidate, PD_CALL_RETRY };

              if (last_call[candidate] >= day)
                {
                  Pending later = { candidate, attempts };

                  g_array_append_val (held, later); /* before the day's own */
                  continue;
                }
              g_array_append_val (day_calls, call);
              if (attempts + 1 < projected)
                {
                  Pending later = { candidate, attempts + 1 };

                  g_array_append_val (pending, later);
                }
            }
        }

      /* 3. new prospects, by priority then import order. */
      while ((gint64) day_calls->len < day_contacts && new_next < new_ones->len)
        {
          guint candidate = g_array_index (new_ones, guint, new_next++);
          PdListedCall call = { candidate, PD_CALL_NEW };

          g_array_append_val (day_calls, call);
          if (1 < projected)
            {
              Pending later = { candidate, 1 };

              g_array_append_val (pending, later);
            }
        }

      g_array_prepend_vals (pending, held->data, held->len);
      for (guint i = 0; i < pending->len; i++)
        {
          const Pending *later = &g_array_index (pending, Pending, i);

          queue_push (&queues[later->attempts], later->candidate);
        }

      /* The day's list cut into its blocks, in block order. */
      g_array_append_vals (lists->calls, day_calls->data, day_calls->len);
      for (guint next = listed_before; b < day_end; b++)
        {
          PdCallBlock *list = &g_array_index (lists->blocks, PdCallBlock, b);
          guint remaining = lists->calls->len - next;

          list->has_list = TRUE;
          list->contacts = blocks[b].contacts;
          list->first = next;
          list->listed = (guint) MIN ((gint64) remaining, MAX (blocks[b].contacts, 0));
          next += list->listed;
        }
    }

  for (guint i = 0; i < max_attempts; i++)
    if (queues[i].items != NULL)
      g_array_unref (queues[i].items);
  g_free (queues);
  return g_steal_pointer (&lists);
}

/* A line is one guint32: its prospect's text handle, then its reason
 * in the low two bits. */
#define LINE_REASON_BITS 2
#define LINE_MAX_TEXTS (G_MAXUINT32 >> LINE_REASON_BITS)
G_STATIC_ASSERT (PD_CALL_NEW < (1 << LINE_REASON_BITS));

struct _PdFeedCalls {
  guint n_blocks;
  GArray *numbers;      /* guint, the block numbers with a list, increasing */
  GArray *blocks;       /* PdCallBlock, one per element of numbers */
  GArray *lines;        /* guint32, see LINE_REASON_BITS */
  GStringChunk *chunk;  /* the texts' bytes: never moved, never copied as they grow */
  GPtrArray *texts;     /* per handle: company, contact, phone, each ended by NUL ("": none), in chunk */
};

PdFeedCalls *
pd_feed_calls_new_sized (guint n_blocks, gsize text_chunk)
{
  PdFeedCalls *calls = g_new0 (PdFeedCalls, 1);

  calls->n_blocks = n_blocks;
  calls->numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  calls->blocks = g_array_new (FALSE, FALSE, sizeof (PdCallBlock));
  calls->lines = g_array_new (FALSE, FALSE, sizeof (guint32));
  calls->chunk = g_string_chunk_new (MAX (text_chunk, 1));
  calls->texts = g_ptr_array_new ();
  return calls;
}

PdFeedCalls *
pd_feed_calls_new (guint n_blocks)
{
  return pd_feed_calls_new_sized (n_blocks, 64 * 1024);
}

void
pd_feed_calls_free (PdFeedCalls *calls)
{
  if (calls == NULL)
    return;
  g_array_unref (calls->numbers);
  g_array_unref (calls->blocks);
  g_array_unref (calls->lines);
  g_string_chunk_free (calls->chunk);
  g_ptr_array_unref (calls->texts);
  g_free (calls);
}

guint
pd_feed_calls_add_text (PdFeedCalls *calls, const char *company, const char *contact, const char *phone)
{
  const char *texts[] = { company, contact, phone };
  gsize lengths[G_N_ELEMENTS (texts)];
  gsize total = 0;
  g_autofree char *joined = NULL;
  char *next;

  g_return_val_if_fail (calls != NULL, 0);
  g_return_val_if_fail (calls->texts->len < LINE_MAX_TEXTS, 0);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      lengths[i] = texts[i] != NULL ? strlen (texts[i]) : 0;
      total += lengths[i] + 1;
    }
  next = joined = g_malloc (total);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      if (lengths[i] > 0)
        memcpy (next, texts[i], lengths[i]);
      next[lengths[i]] = '\0';
      next += lengths[i] + 1;
    }
  g_ptr_array_add (calls->texts, g_string_chunk_insert_len (calls->chunk, joined, (gssize) total));
  return calls->texts->len - 1;
}

void
pd_feed_calls_add_block (PdFeedCalls *calls, guint block_number, gint64 contacts)
{
  PdCallBlock list = { 0 };

  g_return_if_fail (calls != NULL);
  g_return_if_fail (block_number < calls->n_blocks);
  g_return_if_fail (calls->numbers->len == 0
                    || block_number > g_array_index (calls->numbers, guint, calls->numbers->len - 1));

  list.has_list = TRUE;
  list.first = calls->lines->len;
  list.contacts = contacts;
  g_array_append_val (calls->numbers, block_number);
  g_array_append_val (calls->blocks, list);
}

void
pd_feed_calls_add_line (PdFeedCalls *calls, guint text, PdCallReason reason)
{
  guint32 line;

  g_return_if_fail (calls != NULL && calls->blocks->len > 0);
  g_return_if_fail (text < calls->texts->len);
  g_return_if_fail ((guint) reason < (1 << LINE_REASON_BITS));

  line = (guint32) text << LINE_REASON_BITS | (guint32) reason;
  g_array_append_val (calls->lines, line);
  g_array_index (calls->blocks, PdCallBlock, calls->blocks->len - 1).listed++;
}

guint
pd_feed_calls_n_blocks (const PdFeedCalls *calls)
{
  g_return_val_if_fail (calls != NULL, 0);
  return calls->n_blocks;
}

/* The first list at or after `low` whose block number is at least
 * `block_number` (numbers->len: none). */
static guint
lower_bound (const PdFeedCalls *calls, guint low, guint block_number)
{
  guint high = calls->numbers->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (g_array_index (calls->numbers, guint, mid) < block_number)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

const PdCallBlock *
pd_feed_calls_block_from (const PdFeedCalls *calls, guint block_number, guint *cursor)
{
  guint at;

  g_return_val_if_fail (calls != NULL && cursor != NULL, NULL);

  at = MIN (*cursor, calls->numbers->len);
  if (at < calls->numbers->len && g_array_index (calls->numbers, guint, at) < block_number)
    at = lower_bound (calls, at, block_number);
  else if (at > 0 && g_array_index (calls->numbers, guint, at - 1) >= block_number)
    at = lower_bound (calls, 0, block_number); /* asked out of order */
  *cursor = at;
  if (at < calls->numbers->len && g_array_index (calls->numbers, guint, at) == block_number)
    return &g_array_index (calls->blocks, PdCallBlock, at);
  return NULL;
}

const PdCallBlock *
pd_feed_calls_block (const PdFeedCalls *calls, guint block_number)
{
  guint cursor = 0;

  g_return_val_if_fail (calls != NULL, NULL);
  return pd_feed_calls_block_from (calls, block_number, &cursor);
}

guint
pd_feed_calls_n_lines (const PdFeedCalls *calls)
{
  g_return_val_if_fail (calls != NULL, 0);
  return calls->lines->len;
}

/* The text at `*next`, NULL for an empty one; moves `*next` past it. */
static const char *
text_at (const char **next)
{
  const char *text = *next;
  gsize length = strlen (text);

  *next += length + 1;
  return length > 0 ? text : NULL;
}

PdCallLine
pd_feed_calls_line (const PdFeedCalls *calls, guint index)
{
  PdCallLine line = { "", NULL, NULL, PD_CALL_NEW };
  guint32 stored;
  const char *next;

  g_return_val_if_fail (calls != NULL && index < calls->lines->len, line);

  stored = g_array_index (calls->lines, guint32, index);
  next = g_ptr_array_index (calls->texts, stored >> LINE_REASON_BITS);
  line.company = text_at (&next);
  if (line.company == NULL)
    line.company = "";
  line.contact = text_at (&next);
  line.phone = text_at (&next);
  line.reason = (PdCallReason) (stored & ((1u << LINE_REASON_BITS) - 1));
  return line;
}
