/* SPDX-License-Identifier: MIT
 *
 * publish: renders each rep's feed and writes it only when it changed.
 */
#define G_LOG_DOMAIN "prospectd-publish"

#include <string.h>
#include <glib/gi18n.h>

#include "prospectd/feed.h"
#include "prospectd/ics.h"
#include "prospectd/publish.h"

static void
published_clear (gpointer data)
{
  PdPublished *published = data;

  g_free (published->rep);
  g_free (published->path);
}

char *
pd_publish_render (const PdCampaign *campaign, const PdSchedule *schedule, guint rep_index,
                   const char *previous_path, gint64 revision_time, GError **error)
{
  g_autofree char *previous = NULL;

  /* A missing or unreadable previous feed only means every event is new. */
  if (previous_path != NULL)
    g_file_get_contents (previous_path, &previous, NULL, NULL);
  return pd_ics_render (campaign, schedule, rep_index, previous, revision_time, error);
}

GArray *
pd_publish_feeds (const PdCampaign *campaign, const PdSchedule *schedule, const char *feeds_dir,
                  gint only_rep, gint64 revision_time, GError **error)
{
  g_autoptr (GArray) published = g_array_new (FALSE, TRUE, sizeof (PdPublished));

  g_array_set_clear_func (published, published_clear);
  for (guint i = 0; i < campaign->reps->len; i++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, i);
      PdPublished entry = { 0 };
      g_autofree char *text = NULL;

      if (only_rep >= 0 && i != (guint) only_rep)
        continue;
      entry.path = pd_feed_path (feeds_dir, campaign->id, rep->name);
      text = pd_publish_render (campaign, schedule, i, entry.path, revision_time, error);
      if (text == NULL || !pd_feed_write (entry.path, text, strlen (text), &entry.changed, error))
        {
          g_free (entry.path);
          return NULL;
        }
      entry.rep = g_strdup (rep->name);
      g_array_append_val (published, entry);
    }
  return g_steal_pointer (&published);
}
