/* SPDX-License-Identifier: MIT
 *
 * publish: renders each rep's feed and writes it only when it changed.
 *
 * The feed is streamed: ics renders it event by event into a feed writer
 * that compares it with the file on disk as it goes and writes only from
 * the first difference on, so memory is the previous file plus one event,
 * whatever the number of events. The previous file is read once and
 * serves both as the SEQUENCE/DTSTAMP reference and as the comparison.
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

static gboolean
write_to_feed (const char *data, gsize length, gpointer user_data, GError **error)
{
  return pd_feed_writer_write (user_data, data, length, error);
}

/* One rep's feed, rendered straight into its file. */
static gboolean
publish_one (const PdCampaign *campaign, const PdSchedule *schedule, guint rep_index,
             const char *path, gint64 revision_time, gboolean *ret_changed, GError **error)
{
  g_autofree char *previous = NULL;
  g_autoptr (GError) read_error = NULL;
  g_autoptr (PdFeedWriter) writer = NULL;
  gsize previous_length = 0;

  if (!g_file_get_contents (path, &previous, &previous_length, &read_error)
      && !g_error_matches (read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      /* Not a readable file: render in memory and let pd_feed_write()
       * report or overcome the problem, as it always has. */
      g_autofree char *text = pd_ics_render (campaign, schedule, rep_index, NULL, revision_time, error);

      return text != NULL && pd_feed_write (path, text, strlen (text), ret_changed, error);
    }
  writer = pd_feed_writer_new (path, previous, previous_length);
  return pd_ics_render_to (campaign, schedule, rep_index, previous, revision_time,
                           write_to_feed, writer, error)
         && pd_feed_writer_finish (writer, ret_changed, error);
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

      if (only_rep >= 0 && i != (guint) only_rep)
        continue;
      entry.path = pd_feed_path (feeds_dir, campaign->id, rep->name);
      if (entry.path == NULL)
        {
          g_set_error (error, PD_FEED_ERROR, PD_FEED_ERROR_INVALID,
                       _("Not a plain file name: campaign '%s', rep '%s'"), campaign->id, rep->name);
          return NULL;
        }
      if (!publish_one (campaign, schedule, i, entry.path, revision_time, &entry.changed, error))
        {
          g_free (entry.path);
          return NULL;
        }
      entry.rep = g_strdup (rep->name);
      g_array_append_val (published, entry);
    }
  return g_steal_pointer (&published);
}
