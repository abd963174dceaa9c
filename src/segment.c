/* SPDX-License-Identifier: MIT
 *
 * segment: include/prospectd/segment.h — the prospects' figures per
 * source, sector, city or attribute.
 */
#define G_LOG_DOMAIN "prospectd-segment"

#include <string.h>

#include "prospectd/plan.h"
#include "prospectd/segment.h"

static void
segment_clear (gpointer data)
{
  g_free (((PdSegment *) data)->name);
}

/* Byte order, "" (no value) last. */
static gint
compare_segments (gconstpointer a, gconstpointer b)
{
  const char *x = ((const PdSegment *) a)->name, *y = ((const PdSegment *) b)->name;

  if (x[0] == '\0' || y[0] == '\0')
    return (x[0] == '\0') - (y[0] == '\0');
  return strcmp (x, y);
}

static gint64
add_saturated (gint64 a, gint64 b)
{
  return a > G_MAXINT64 - b ? G_MAXINT64 : a + b;
}

static void
count (GArray *segments, GHashTable *index, const char *name, const PdProspect *prospect)
{
  gpointer found;
  PdSegment *s;

  if (!g_hash_table_lookup_extended (index, name, NULL, &found))
    {
      PdSegment fresh = { .name = g_strdup (name) };

      g_array_append_val (segments, fresh);
      found = GUINT_TO_POINTER (segments->len - 1);
      g_hash_table_insert (index, g_strdup (name), found);
    }
  s = &g_array_index (segments, PdSegment, GPOINTER_TO_UINT (found));
  s->prospects++;
  s->contacts = add_saturated (s->contacts, MAX (prospect->attempts, 0));
  switch (prospect->state)
    {
    case PD_PROSPECT_ARID:
      s->arid++;
      s->reached++;
      break;
    case PD_PROSPECT_LATENT:
      s->latent++;
      s->reached++;
      break;
    case PD_PROSPECT_ACTIVE:
    case PD_PROSPECT_PROPOSAL:
    case PD_PROSPECT_WON:
    case PD_PROSPECT_LOST:
      s->active++;
      s->reached++;
      break;
    default:
      break;
    }
}

GArray *
pd_segments_compute (const GPtrArray *prospects, const char *by)
{
  GArray *segments = g_array_new (FALSE, TRUE, sizeof (PdSegment));
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean by_source = g_str_equal (by, "source");

  g_return_val_if_fail (prospects != NULL && by != NULL, segments);
  g_array_set_clear_func (segments, segment_clear);
  for (guint i = 0; i < prospects->len; i++)
    {
      const PdProspect *prospect = g_ptr_array_index (prospects, i);

      if (prospect->spontaneous)
        continue;
      if (by_source && prospect->sources != NULL && prospect->sources->len > 0)
        {
          /* Each source once, however many of its lines the prospect is. */
          g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

          for (guint k = 0; k < prospect->sources->len; k++)
            {
              const PdProspectSource *source = g_ptr_array_index (prospect->sources, k);

              if (g_hash_table_add (seen, source->source))
                count (segments, index, source->source, prospect);
            }
        }
      else
        {
          const char *value = by_source ? NULL : pd_prospect_field (prospect, by);

          count (segments, index, value != NULL ? value : "", prospect);
        }
    }
  g_array_sort (segments, compare_segments);
  for (guint i = 0; i < segments->len; i++)
    {
      PdSegment *s = &g_array_index (segments, PdSegment, i);

      s->has_accessibility = s->reached > 0
        && pd_muldiv (s->active, PD_MILLI, s->reached, PD_ROUNDING_DOWN, &s->accessibility_rate);
      s->has_contacts_per_prospect = s->reached > 0
        && pd_muldiv (s->contacts, PD_MILLI, s->reached, PD_ROUNDING_DOWN, &s->contacts_per_prospect);
    }
  return segments;
}
