/* SPDX-License-Identifier: MIT
 *
 * publish: renders each rep's feed and writes it only when it changed.
 *
 * The feed is streamed: ics renders it event by event into a feed writer
 * that compares it with the file on disk as it goes and writes only from
 * the first difference on, so memory is the previous file plus one event,
 * whatever the number of events. The previous file is read once and
 * serves both as the SEQUENCE/DTSTAMP reference and as the comparison.
 * This is the one way a feed file is written: export -o writes its file
 * as one such job (pd_publish_feed()).
 *
 * Each feed is a job in two steps: prepared (previous file read, feed
 * rendered, temporary file written and fsync'ed, or found unchanged), then
 * committed (renamed over the feed, directory fsync'ed). Jobs are
 * committed one after the other in rep order, by the calling thread; with
 * many feeds they are prepared ahead by worker threads, each with its own
 * renderer, so that rendering runs on every core and beside the fsyncs.
 * Committing in order keeps the outcome of writing the feeds one by one:
 * at the first failure, the feeds before it are replaced, that one and
 * those after it untouched, and the temporary files prepared for them
 * removed.
 */
#define G_LOG_DOMAIN "prospectd-publish"

#include <string.h>
#include <glib/gi18n.h>

#include "prospectd/feed.h"
#include "prospectd/ics-read.h"
#include "prospectd/ics-render.h"
#include "prospectd/publish.h"

/* Below this many feeds, one thread does everything (the daemon's usual
 * campaigns): no thread, no per-thread memory. */
#define PARALLEL_MIN_FEEDS 16
/* The most workers (each holds a renderer and a previous feed: about
 * 1.5 MiB at 1 000 events a feed), and how far (in feeds per worker) they
 * may run ahead of the commits: bounds the memory and the temporary files
 * in flight. */
#define MAX_WORKERS 4
#define AHEAD_PER_WORKER 4

static void
published_clear (gpointer data)
{
  PdPublished *published = data;

  g_free (published->rep);
  g_free (published->path);
}

/* A PdIcsWriteFunc into a GString. */
static gboolean
append_to_string (const char *data, gsize length, gpointer user_data, GError **error)
{
  (void) error;
  g_string_append_len (user_data, data, (gssize) length);
  return TRUE;
}

char *
pd_publish_render (const PdCampaign *campaign, const PdSchedule *schedule, const PdFeedCalls *calls,
                   guint rep_index, const char *previous_path, gint64 revision_time,
                   PdIcsVtimezoneSource vtimezone_source, GError **error)
{
  g_autofree char *previous = NULL;
  g_autoptr (GError) read_error = NULL;
  g_autoptr (PdIcsRenderer) renderer = NULL;
  g_autoptr (GString) text = NULL;

  /* A missing previous feed only means every event is new, as does one
   * that cannot be read or is too large to be ours; anything but a
   * regular file is refused rather than read (a FIFO, a device). */
  if (previous_path != NULL && !pd_feed_read (previous_path, &previous, NULL, &read_error)
      && g_error_matches (read_error, PD_FEED_ERROR, PD_FEED_ERROR_NOT_REGULAR))
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      return NULL;
    }
  renderer = pd_ics_renderer_new (campaign, schedule, vtimezone_source, error);
  if (renderer == NULL)
    return NULL;
  pd_ics_renderer_set_calls (renderer, calls);
  text = g_string_new (NULL);
  if (!pd_ics_renderer_render_to (renderer, rep_index, previous, revision_time, append_to_string, text, error))
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
write_to_feed (const char *data, gsize length, gpointer user_data, GError **error)
{
  return pd_feed_writer_write (user_data, data, length, error);
}

/* One rep's feed on its way to disk. */
typedef struct {
  guint rep_index;
  char *path;            /* owned */
  PdFeedWriter *writer;  /* owned; prepared */
  gboolean changed;
  GError *error;         /* the preparation's failure, owned */
  gboolean prepared;     /* the fields above are final (under the run's lock in parallel) */
} Job;

static void
job_clear (Job *job)
{
  g_clear_pointer (&job->path, g_free);
  /* An uncommitted writer removes its temporary file. */
  g_clear_pointer (&job->writer, pd_feed_writer_free);
  g_clear_error (&job->error);
}

/* Renders the feed straight into a writer on its file and prepares it.
 * A file too large to be a previous feed is replaced without being read
 * or compared (every event is then new); one that cannot be read (no
 * regular file, an error) is the job's error, reported at its commit. */
static void
job_prepare (Job *job, PdIcsRenderer *renderer, gint64 revision_time)
{
  g_autofree char *previous = NULL;
  g_autoptr (GError) read_error = NULL;
  g_autoptr (PdFeedWriter) writer = NULL;
  gsize previous_length = 0;

  if (!pd_feed_read (job->path, &previous, &previous_length, &read_error)
      && !g_error_matches (read_error, PD_FEED_ERROR, PD_FEED_ERROR_TOO_LARGE))
    {
      job->error = g_steal_pointer (&read_error);
      return;
    }
  writer = pd_feed_writer_new (job->path, previous, previous_length);
  if (pd_ics_renderer_render_to (renderer, job->rep_index, previous, revision_time,
                                 write_to_feed, writer, &job->error)
      && pd_feed_writer_prepare (writer, &job->changed, &job->error))
    job->writer = g_steal_pointer (&writer);
}

/* The fsync of the directory that makes the renames done since the last
 * one durable (renames of feeds committed one after the other share it). */
static gboolean
sync_pending (char **pending_directory, GError **error)
{
  g_autofree char *directory = g_steal_pointer (pending_directory);

  return directory == NULL || pd_feed_sync_directory (directory, error);
}

/* Makes a prepared job's feed the file on disk, or reports its failure.
 * The fsync of the directory after the rename is left pending in
 * *pending_directory (see sync_pending()); it is done first when this job
 * fails, since it belongs to the feeds before. */
static gboolean
job_commit (Job *job, char **pending_directory, GError **error)
{
  g_autoptr (GError) job_error = NULL;
  const char *directory = NULL;

  if (job->error != NULL)
    job_error = g_steal_pointer (&job->error);
  else if (pd_feed_writer_rename (job->writer, &directory, &job_error) && directory != NULL)
    {
      if (*pending_directory != NULL && strcmp (*pending_directory, directory) != 0
          && !sync_pending (pending_directory, error))
        return FALSE;
      if (*pending_directory == NULL)
        *pending_directory = g_strdup (directory);
    }
  if (job_error == NULL)
    return TRUE;
  if (!sync_pending (pending_directory, error))
    return FALSE;
  g_propagate_error (error, g_steal_pointer (&job_error));
  return FALSE;
}

/* ------------------------------------------------------------ parallel */

/* Workers take jobs in rep order and prepare them; the calling thread
 * commits them in the same order as they become prepared. */
typedef struct {
  Job *jobs;
  guint n_jobs;
  gint64 revision_time;
  GMutex lock;
  GCond changed;         /* a job prepared, a job committed, or stop */
  guint next;            /* the next job to take */
  guint committed;       /* jobs before it are committed */
  guint ahead;           /* how many jobs past `committed` may be taken */
  gboolean stop;         /* a commit failed: take no more jobs */
} Run;

typedef struct {
  Run *run;
  PdIcsRenderer *renderer; /* owned by the caller, used by this worker only */
} Worker;

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;
  Run *run = worker->run;

  for (;;)
    {
      Job *job;

      g_mutex_lock (&run->lock);
      while (!run->stop && run->next < run->n_jobs && run->next >= run->committed + run->ahead)
        g_cond_wait (&run->changed, &run->lock);
      if (run->stop || run->next >= run->n_jobs)
        {
          g_mutex_unlock (&run->lock);
          return NULL;
        }
      job = &run->jobs[run->next++];
      g_mutex_unlock (&run->lock);

      job_prepare (job, worker->renderer, run->revision_time);

      g_mutex_lock (&run->lock);
      job->prepared = TRUE;
      g_cond_broadcast (&run->changed);
      g_mutex_unlock (&run->lock);
    }
}

/* How many workers prepare `n_jobs` feeds: none (the calling thread does
 * it all) below PARALLEL_MIN_FEEDS, else two per processor — a worker
 * spends about as long waiting for its fsync() as rendering, and fsyncs
 * that run together share the file system's journal commits. */
static guint
workers_for (guint n_jobs, guint max_threads)
{
  guint workers = max_threads != 0 ? max_threads
                  : n_jobs >= PARALLEL_MIN_FEEDS ? 2 * g_get_num_processors () : 1;

  workers = MIN (MIN (workers, (guint) MAX_WORKERS), n_jobs);
  return workers > 1 ? workers : 0;
}

/* Prepares and commits `jobs` in order; returns FALSE with error set at
 * the first job that failed, after which no job is committed. */
static gboolean
run_jobs (const PdCampaign *campaign, const PdSchedule *schedule, const PdFeedCalls *calls, Job *jobs,
          guint n_jobs, gint64 revision_time, PdIcsVtimezoneSource vtimezone_source, guint max_threads,
          GError **error)
{
  g_autoptr (PdIcsRenderer) renderer = NULL;
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  g_autofree Worker *workers = NULL;
  guint n_workers = workers_for (n_jobs, max_threads);
  Run run = { jobs, n_jobs, revision_time, { 0 }, { 0 }, 0, 0, 0, FALSE };
  g_autofree char *pending_directory = NULL;
  gboolean ok = TRUE;

  if (n_jobs == 0)
    return TRUE;
  renderer = pd_ics_renderer_new (campaign, schedule, vtimezone_source, error);
  if (renderer == NULL)
    return FALSE;
  pd_ics_renderer_set_calls (renderer, calls);

  if (n_workers == 0)
    {
      /* One feed after the other: read, render, write, fsync, rename,
       * fsync of the directory. */
      for (guint i = 0; i < n_jobs && ok; i++)
        {
          job_prepare (&jobs[i], renderer, revision_time);
          ok = job_commit (&jobs[i], &pending_directory, error)
               && sync_pending (&pending_directory, error);
        }
      return ok;
    }

  /* Every renderer (and the zone they share) is made here, before any
   * thread starts. */
  workers = g_new0 (Worker, n_workers);
  for (guint w = 0; w < n_workers; w++)
    {
      workers[w].run = &run;
      workers[w].renderer = pd_ics_renderer_new (campaign, schedule, vtimezone_source, NULL);
      if (workers[w].renderer != NULL)
        pd_ics_renderer_set_calls (workers[w].renderer, calls);
    }
  g_mutex_init (&run.lock);
  g_cond_init (&run.changed);
  run.ahead = AHEAD_PER_WORKER * n_workers;
  for (guint w = 0; w < n_workers; w++)
    {
      GThread *thread = NULL;

      /* (A renderer cannot fail where `renderer` did not: same zone.) */
      if (workers[w].renderer != NULL)
        thread = g_thread_try_new ("pd-publish", worker_main, &workers[w], NULL);
      if (thread != NULL)
        g_ptr_array_add (threads, thread);
    }

  for (guint i = 0; i < n_jobs && ok; i++)
    {
      g_mutex_lock (&run.lock);
      if (threads->len == 0 && run.next == i)
        {
          /* No thread could start: prepare the job here. */
          run.next++;
          g_mutex_unlock (&run.lock);
          job_prepare (&jobs[i], renderer, revision_time);
          g_mutex_lock (&run.lock);
          jobs[i].prepared = TRUE;
        }
      if (!jobs[i].prepared && pending_directory != NULL)
        {
          /* Nothing to rename yet: make the renames so far durable while
           * the workers prepare the next feeds. */
          g_mutex_unlock (&run.lock);
          ok = sync_pending (&pending_directory, error);
          g_mutex_lock (&run.lock);
        }
      while (ok && !jobs[i].prepared)
        g_cond_wait (&run.changed, &run.lock);
      g_mutex_unlock (&run.lock);

      ok = ok && job_commit (&jobs[i], &pending_directory, error);
      if (ok && i + 1 == n_jobs)
        ok = sync_pending (&pending_directory, error);

      g_mutex_lock (&run.lock);
      run.committed = i + 1;
      run.stop = !ok;
      g_cond_broadcast (&run.changed);
      g_mutex_unlock (&run.lock);
    }

  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));
  for (guint w = 0; w < n_workers; w++)
    pd_ics_renderer_free (workers[w].renderer);
  g_cond_clear (&run.changed);
  g_mutex_clear (&run.lock);
  return ok;
}

GArray *
pd_publish_feeds_threaded (const PdCampaign *campaign, const PdSchedule *schedule, const char *feeds_dir,
                           const gboolean *reps, gint64 revision_time, PdIcsVtimezoneSource vtimezone_source,
                           guint max_threads, GError **error)
{
  return pd_publish_feeds_with_calls (campaign, schedule, NULL, feeds_dir, reps, revision_time, vtimezone_source,
                                      max_threads, error);
}

GArray *
pd_publish_feeds_with_calls (const PdCampaign *campaign, const PdSchedule *schedule, const PdFeedCalls *calls,
                             const char *feeds_dir, const gboolean *reps, gint64 revision_time,
                             PdIcsVtimezoneSource vtimezone_source, guint max_threads, GError **error)
{
  g_autoptr (GArray) published = g_array_new (FALSE, TRUE, sizeof (PdPublished));
  g_autoptr (GArray) jobs = g_array_new (FALSE, TRUE, sizeof (Job));
  g_autoptr (GError) path_error = NULL;
  gboolean ok;

  g_return_val_if_fail (campaign != NULL && schedule != NULL && feeds_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_array_set_clear_func (published, published_clear);
  g_array_set_clear_func (jobs, (GDestroyNotify) job_clear);

  /* The feeds up to the first rep whose name cannot be a file: they are
   * written, then that rep is the error, as when written one by one. */
  for (guint i = 0; i < campaign->reps->len; i++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, i);
      Job job = { 0 };

      if (reps != NULL && !reps[i])
        continue;
      job.rep_index = i;
      job.path = pd_feed_path (feeds_dir, campaign->id, rep->name);
      if (job.path == NULL)
        {
          g_set_error (&path_error, PD_FEED_ERROR, PD_FEED_ERROR_INVALID,
                       _("Not a plain file name: campaign '%s', rep '%s'"), campaign->id, rep->name);
          break;
        }
      g_array_append_val (jobs, job);
    }

  if (jobs->len > 0)
    {
      g_autofree char *directory = g_path_get_dirname (g_array_index (jobs, Job, 0).path);

      pd_feed_remove_stale_temps (directory, NULL);
    }
  ok = run_jobs (campaign, schedule, calls, (Job *) (void *) jobs->data, jobs->len, revision_time,
                 vtimezone_source, max_threads, error);
  if (ok && path_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&path_error));
      ok = FALSE;
    }
  if (!ok)
    return NULL;

  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = &g_array_index (jobs, Job, i);
      PdPublished entry = { 0 };

      entry.rep = g_strdup (((const PdRep *) g_ptr_array_index (campaign->reps, job->rep_index))->name);
      entry.path = g_steal_pointer (&job->path);
      entry.changed = job->changed;
      g_array_append_val (published, entry);
    }
  return g_steal_pointer (&published);
}

gboolean
pd_publish_feed (const PdCampaign *campaign, const PdSchedule *schedule, const PdFeedCalls *calls,
                 guint rep_index, const char *path, gint64 revision_time, PdIcsVtimezoneSource vtimezone_source,
                 gboolean *ret_changed, GError **error)
{
  Job job = { 0 };
  gboolean ok;

  g_return_val_if_fail (campaign != NULL && schedule != NULL && path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  {
    g_autofree char *directory = g_path_get_dirname (path);
    g_autofree char *base_name = g_path_get_basename (path);

    pd_feed_remove_stale_temps (directory, base_name);
  }
  job.rep_index = rep_index;
  job.path = g_strdup (path);
  ok = run_jobs (campaign, schedule, calls, &job, 1, revision_time, vtimezone_source, 1, error);
  if (ok && ret_changed != NULL)
    *ret_changed = job.changed;
  job_clear (&job);
  return ok;
}

GArray *
pd_publish_feeds (const PdCampaign *campaign, const PdSchedule *schedule, const char *feeds_dir,
                  const gboolean *reps, gint64 revision_time, PdIcsVtimezoneSource vtimezone_source,
                  GError **error)
{
  return pd_publish_feeds_threaded (campaign, schedule, feeds_dir, reps, revision_time, vtimezone_source, 0,
                                    error);
}

/* ------------------------------------------------------------ preview */

static gboolean
same_event (const PdIcsEvent *a, const PdIcsEvent *b)
{
  return g_strcmp0 (a->tzid, b->tzid) == 0 && a->utc == b->utc
         && g_date_compare (&a->start_date, &b->start_date) == 0 && a->start_minute == b->start_minute
         && g_date_valid (&a->end_date) == g_date_valid (&b->end_date)
         && (!g_date_valid (&a->end_date) || g_date_compare (&a->end_date, &b->end_date) == 0)
         && a->end_minute == b->end_minute && a->dtstamp == b->dtstamp && a->sequence == b->sequence
         && g_strcmp0 (a->summary, b->summary) == 0 && g_strcmp0 (a->description, b->description) == 0
         && a->has_alarm == b->has_alarm && a->alarm_minutes == b->alarm_minutes;
}

gboolean
pd_publish_preview (const PdCampaign *campaign, const PdSchedule *schedule, const PdFeedCalls *calls,
                    guint rep_index, const char *path, gint64 revision_time,
                    PdIcsVtimezoneSource vtimezone_source, PdFeedChanges *ret_changes, GError **error)
{
  g_autofree char *previous = NULL;
  g_autoptr (PdIcsRenderer) renderer = NULL;
  g_autoptr (GString) rendered = g_string_new (NULL);
  const char *text = NULL;
  g_autoptr (GArray) before = NULL;
  g_autoptr (GArray) after = NULL;
  g_autoptr (GHashTable) by_uid = g_hash_table_new (g_str_hash, g_str_equal);
  PdFeedChanges changes = { 0 };

  g_return_val_if_fail (campaign != NULL && schedule != NULL && path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* As a write would: a missing or unreadable file means every event is new. */
  if (!g_file_get_contents (path, &previous, NULL, NULL))
    previous = NULL;
  renderer = pd_ics_renderer_new (campaign, schedule, vtimezone_source, error);
  if (renderer != NULL)
    pd_ics_renderer_set_calls (renderer, calls);
  if (renderer == NULL
      || !pd_ics_renderer_render_to (renderer, rep_index, previous, revision_time, append_to_string, rendered,
                                     error))
    return FALSE;
  text = rendered->str;
  if ((after = pd_ics_parse_events (text, error)) == NULL)
    return FALSE;
  changes.events = after->len;
  changes.changed = previous == NULL || strcmp (previous, text) != 0;
  /* A previous file that is not a readable feed has no event to keep. */
  if (previous != NULL)
    before = pd_ics_parse_events (previous, NULL);
  for (guint i = 0; before != NULL && i < before->len; i++)
    {
      PdIcsEvent *event = &g_array_index (before, PdIcsEvent, i);
      g_hash_table_insert (by_uid, event->uid, event);
    }
  for (guint i = 0; i < after->len; i++)
    {
      const PdIcsEvent *event = &g_array_index (after, PdIcsEvent, i);
      const PdIcsEvent *old = g_hash_table_lookup (by_uid, event->uid);

      if (old == NULL)
        changes.added++;
      else
        {
          if (!same_event (old, event))
            changes.modified++;
          g_hash_table_remove (by_uid, event->uid);
        }
    }
  changes.removed = g_hash_table_size (by_uid);
  *ret_changes = changes;
  return TRUE;
}
