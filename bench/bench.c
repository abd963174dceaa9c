/* SPDX-License-Identifier: MIT
 *
 * bench: prospectd measured at the scale of a large sales organisation,
 * each figure beside its floor (the cheapest way the same libraries do the
 * same job) and its target. Run by `make bench`, never by
 * `make check`: it prints one table and never fails on a missed target.
 *
 * The organisation is synthetic, from a seeded PRNG (nothing downloaded):
 * 1 000 reps of weights 0.70 to 1.30, a one-year campaign (2027-01-04 to
 * 2027-12-31, mon-fri, holidays = fr, two call windows, 6 checkpoints), a
 * tenth of the reps with a week off. Everything is written under one
 * mkdtemp() directory, removed at the end.
 *
 * Each measurement that reports a peak RSS runs in a child forked from
 * this small parent, and resets the kernel's high-water mark (clear_refs 5)
 * just before the measured step: "peak" is VmHWM after the step, "step" is
 * VmHWM minus VmRSS before it.
 *
 * Usage: bench PROSPECTCTL EMPTY_MAIN [PROSPECTD]; environment BENCH_RUNS
 * (default 5), BENCH_ONLY (letters of the sections to run, e.g. "ab"),
 * BENCH_REPS (default 1000), BENCH_KEEP (set: keep the work directory),
 * BENCH_IMPORT_ROWS (section (k): default 100 000);
 * section (h): BENCH_BASELINE_PROSPECTD, BENCH_LOAD_SECONDS (see there).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libical/ical.h>
#include <math.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <poll.h>

#include "prospectd/callbook.h"
#include "prospectd/catchup.h"
#include "prospectd/config.h"
#include "prospectd/ics.h"
#include "prospectd/ics-zone.h"
#include "prospectd/ics-render.h"
#include "prospectd/plan.h"
#include "prospectd/publish.h"
#include "prospectd/schedule.h"
#include "prospectd/store.h"
#include "prospectd/store-prospects.h"
#include "prospectd/workcal.h"

extern char **environ;

#define SEED 20270104u
#define ACTIVITY_ROWS 1000000
#define PROCESS_SAMPLES 50
#define COMMIT_SAMPLES 200
#define QUERY_SAMPLES 20
#define QUERY_BUDGET 2.0
#define REVISION_TIME G_GINT64_CONSTANT (1798761600) /* 2027-01-01T00:00:00Z */

static guint runs = 5;
static guint n_reps = 1000;
static const char *only = "abcdefghijkl";
static char *work_dir;
static char *campaign_text;

/* ------------------------------------------------------------- helpers */

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* A field of /proc/self/status in KiB (VmRSS, VmHWM). */
static double
status_kib (const char *field)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return NAN;
  line = strstr (text, field);
  if (line == NULL)
    return NAN;
  return g_ascii_strtod (line + strlen (field) + 1, NULL);
}

/* Resets VmHWM to the current VmRSS (Linux >= 4.0). */
static void
reset_peak (void)
{
  int fd = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);

  if (fd >= 0)
    {
      if (write (fd, "5", 1) != 1)
        g_printerr ("bench: cannot reset VmHWM: %s\n", g_strerror (errno));
      close (fd);
    }
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

typedef struct {
  double median, min, max;
} Stat;

static Stat
stat_of (const double *values, guint n)
{
  g_autofree double *sorted = g_memdup2 (values, n * sizeof *values);
  Stat s = { NAN, NAN, NAN };

  if (n == 0)
    return s;
  qsort (sorted, n, sizeof *sorted, compare_doubles);
  s.min = sorted[0];
  s.max = sorted[n - 1];
  s.median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return s;
}

/* Runs `func` in a forked child that sends back up to 16 doubles. */
typedef guint (*ChildFunc) (double *ret_values, gpointer data);

static guint
in_child (ChildFunc func, gpointer data, double *ret_values)
{
  int fds[2];
  pid_t pid;
  int status;
  gssize got = 0;

  if (pipe (fds) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      double values[16] = { 0 };
      guint n;

      close (fds[0]);
      n = func (values, data);
      if (write (fds[1], values, n * sizeof (double)) < 0)
        _exit (1);
      _exit (0);
    }
  close (fds[1]);
  for (;;)
    {
      gssize r = read (fds[0], (char *) ret_values + got, 16 * sizeof (double) - (gsize) got);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      got += r;
    }
  close (fds[0]);
  waitpid (pid, &status, 0);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("bench: a measurement child failed");
  return (guint) got / sizeof (double);
}

/* ------------------------------------------------------------- the table */

static void
row (const char *what, Stat s, double scale, const char *unit, int decimals, const char *target)
{
  char median[32], range[48];

  g_snprintf (median, sizeof median, "%.*f %s", decimals, s.median * scale, unit);
  g_snprintf (range, sizeof range, "%.*f–%.*f", decimals, s.min * scale, decimals, s.max * scale);
  printf ("%-44s %14s  %-22s %s\n", what, median, range, target != NULL ? target : "");
}

static void
heading (const char *text)
{
  printf ("\n%s\n", text);
}

/* ------------------------------------------------------ the organisation */

static char *
organisation_new (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
  GString *text = g_string_new (NULL);

  g_string_append (text,
                   "# Synthetic organisation of the benchmark (seeded PRNG).\n"
                   "[campaign]\nname = Benchmark 2027\nstart = 2027-01-04\nend = 2027-12-31\n"
                   "timezone = Europe/Paris\ncurrency = EUR\n\n"
                   "[plan]\n");
  /* 0.04 contacts per euro of objective with these factors; about 2
   * blocks a working day per rep (120 to 160 minutes of a 4 h cap). */
  g_string_append_printf (text, "objective = %u\n", n_reps * 375000u);
  g_string_append (text,
                   "average_deal = 20000\nproposals_per_deal = 3\ncompensation_factor = 4\n"
                   "spontaneous_prospects = 8\naccessibility_rate = 6%\n"
                   "contacts_per_prospect = 4\nminutes_per_contact = 2\n\n"
                   "[calendar]\nworkdays = mon-fri\ncall_windows = 09:00-12:00, 14:00-17:00\n"
                   "holidays = fr\nmax_daily_calls = 4h\nmax_block = 90m\nreminder = 10m\n\n"
                   "[checkpoints]\n2027-02-26 = 15%\n2027-04-30 = 32%\n2027-06-30 = 50%\n"
                   "2027-08-31 = 64%\n2027-10-29 = 80%\n2027-11-30 = 91%\n\n[reps]\n");
  for (guint i = 1; i <= n_reps; i++)
    {
      gint32 weight = g_rand_int_range (rand, 70, 131); /* hundredths */

      g_string_append_printf (text, "rep%04u = %d.%02d\n", i, weight / 100, weight % 100);
    }
  for (guint i = 7; i <= n_reps; i += 10)
    {
      /* A week off, Monday to Friday, somewhere between March and October. */
      GDate first;
      char date[16], last_date[16];

      g_date_clear (&first, 1);
      g_date_set_dmy (&first, 1, G_DATE_MARCH, 2027);
      g_date_add_days (&first, 7 * (guint) g_rand_int_range (rand, 0, 30));
      while (g_date_get_weekday (&first) != G_DATE_MONDAY)
        g_date_add_days (&first, 1);
      g_date_strftime (date, sizeof date, "%Y-%m-%d", &first);
      g_date_add_days (&first, 4);
      g_date_strftime (last_date, sizeof last_date, "%Y-%m-%d", &first);
      g_string_append_printf (text, "\n[rep rep%04u]\ndays_off = %s..%s\n", i, date, last_date);
    }
  return g_string_free (text, FALSE);
}

typedef struct {
  PdCampaign *campaign;
  PdPlan plan;
  PdSchedule *schedule;
} Org;

static void
org_load (Org *org)
{
  g_autoptr (GError) error = NULL;

  org->campaign = pd_config_parse_campaign ("bench.conf", campaign_text, strlen (campaign_text), &error);
  if (org->campaign == NULL || !pd_plan_compute (&org->campaign->plan, &org->plan, &error))
    g_error ("bench: %s", error->message);
  pd_workcal_prepare (org->campaign);
  org->schedule = pd_schedule_build (org->campaign, &org->plan, &error);
  if (org->schedule == NULL)
    g_error ("bench: %s", error->message);
}

static void
org_clear (Org *org)
{
  g_clear_pointer (&org->schedule, pd_schedule_free);
  g_clear_pointer (&org->campaign, pd_campaign_free);
}

/* ----------------------------------------------- (a) plan and schedule */

static guint
measure_plan (double *values, gpointer data)
{
  Org org = { 0 };
  double start;

  (void) data;
  reset_peak ();
  start = now_seconds ();
  org_load (&org);
  values[0] = now_seconds () - start;
  values[1] = status_kib ("VmHWM:");
  values[2] = org.schedule->blocks->len;
  values[3] = org.schedule->days->len;
  values[4] = org.plan.contacts;
  org_clear (&org);
  return 5;
}

static void
section_plan (void)
{
  g_autofree double *time = g_new0 (double, runs);
  g_autofree double *peak = g_new0 (double, runs);
  double values[16];

  for (guint i = 0; i < runs; i++)
    {
      in_child (measure_plan, NULL, values);
      time[i] = values[0];
      peak[i] = values[1];
    }
  heading ("(a) plan + schedule of the whole organisation");
  printf ("    %.0f contacts, %.0f rep-days, %.0f call blocks\n", values[4], values[3], values[2]);
  row ("plan + schedule, time", stat_of (time, runs), 1e3, "ms", 0, "(no target)");
  row ("plan + schedule, peak RSS (process)", stat_of (peak, runs), 1.0 / 1024, "MiB", 1, "(no target)");
}

/* ------------------------------------------------------------ (b) export */

/* The floor: the same events built and serialized by libical one VEVENT
 * at a time (build, icalcomponent_as_ical_string_r, free), nothing kept. */
static gsize
serialize_floor (const Org *org)
{
  icaltimezone *zone = icaltimezone_get_builtin_timezone (org->campaign->timezone);
  icaltimezone *utc = icaltimezone_get_utc_timezone ();
  gsize bytes = 0;

  for (guint i = 0; i < org->schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (org->schedule->blocks, PdBlock, i);
      const PdRep *rep = g_ptr_array_index (org->campaign->reps, block->rep_index);
      icalcomponent *event = icalcomponent_new (ICAL_VEVENT_COMPONENT);
      icalcomponent *alarm = icalcomponent_new (ICAL_VALARM_COMPONENT);
      struct icaltimetype start = icaltime_null_time (), end;
      struct icaltriggertype trigger = { 0 };
      char uid[128], summary[64], description[256];
      char *text;

      g_snprintf (uid, sizeof uid, "%04u%02u%02u-%u-%s@%s.prospectd",
                  (guint) g_date_get_year (&block->date), (guint) g_date_get_month (&block->date),
                  (guint) g_date_get_day (&block->date), block->index, rep->name, org->campaign->id);
      g_snprintf (summary, sizeof summary, "Call block — %" G_GINT64_FORMAT " contacts", block->contacts);
      g_snprintf (description, sizeof description,
                  "This block: %" G_GINT64_FORMAT " contacts\nToday: %" G_GINT64_FORMAT " contacts\n"
                  "Cumulative target by the end of the day: %" G_GINT64_FORMAT " contacts\n"
                  "Next checkpoint: 2027-12-31, %" G_GINT64_FORMAT " contacts cumulative",
                  block->contacts, block->day_contacts, block->cumulative, block->cumulative);
      start.year = g_date_get_year (&block->date);
      start.month = g_date_get_month (&block->date);
      start.day = g_date_get_day (&block->date);
      start.hour = (int) block->start_minute / 60;
      start.minute = (int) block->start_minute % 60;
      end = start;
      end.hour = (int) block->end_minute / 60;
      end.minute = (int) block->end_minute % 60;
      start = icaltime_set_timezone (&start, zone);
      end = icaltime_set_timezone (&end, zone);

      icalcomponent_set_uid (event, uid);
      icalcomponent_set_dtstamp (event, icaltime_from_timet_with_zone ((time_t) REVISION_TIME, 0, utc));
      icalcomponent_set_sequence (event, 0);
      icalcomponent_set_dtstart (event, start);
      icalcomponent_set_dtend (event, end);
      icalcomponent_set_summary (event, summary);
      icalcomponent_set_description (event, description);
      icalcomponent_add_property (event, icalproperty_new_categories ("Prospecting"));
      icalcomponent_add_property (event, icalproperty_new_transp (ICAL_TRANSP_OPAQUE));
      trigger.time = icaltime_null_time ();
      trigger.duration = icaldurationtype_null_duration ();
      trigger.duration.is_neg = 1;
      trigger.duration.minutes = 10;
      icalcomponent_add_property (alarm, icalproperty_new_action (ICAL_ACTION_DISPLAY));
      icalcomponent_add_property (alarm, icalproperty_new_trigger (trigger));
      icalcomponent_add_property (alarm, icalproperty_new_description (summary));
      icalcomponent_add_component (event, alarm);

      text = icalcomponent_as_ical_string_r (event);
      bytes += strlen (text);
      icalmemory_free_buffer (text);
      icalcomponent_free (event);
    }
  return bytes;
}

static double
feed_bytes (const char *feeds_dir)
{
  g_autofree char *dir = g_build_filename (feeds_dir, "bench", NULL);
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  double total = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf info;

      if (g_stat (path, &info) == 0)
        total += (double) info.st_size;
    }
  return total;
}

static void
remove_feeds (const char *feeds_dir)
{
  g_autofree char *dir = g_build_filename (feeds_dir, "bench", NULL);
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
  g_rmdir (feeds_dir);
}

static gboolean
count_bytes (const char *text, gsize length, gpointer user_data, GError **error)
{
  (void) text;
  (void) error;
  *(gsize *) user_data += length;
  return TRUE;
}

static guint
measure_export (double *values, gpointer data)
{
  const char *feeds_dir = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) published = NULL;
  Org org = { 0 };
  double start, rss;
  guint changed = 0;

  org_load (&org);

  /* A first export: every feed new. */
  rss = status_kib ("VmRSS:");
  reset_peak ();
  start = now_seconds ();
  published = pd_publish_feeds (org.campaign, org.schedule, feeds_dir, NULL, REVISION_TIME, NULL, &error);
  values[0] = now_seconds () - start;
  if (published == NULL)
    g_error ("bench: %s", error->message);
  values[1] = status_kib ("VmHWM:");
  values[2] = values[1] - rss;
  values[3] = org.schedule->blocks->len;
  values[4] = feed_bytes (feeds_dir);
  g_clear_pointer (&published, g_array_unref);

  /* The daily re-plan of an unchanged schedule: every previous feed read
   * back, nothing written. */
  rss = status_kib ("VmRSS:");
  reset_peak ();
  start = now_seconds ();
  published = pd_publish_feeds (org.campaign, org.schedule, feeds_dir, NULL, REVISION_TIME + 86400, NULL, &error);
  values[5] = now_seconds () - start;
  if (published == NULL)
    g_error ("bench: %s", error->message);
  values[6] = status_kib ("VmHWM:");
  values[7] = values[6] - rss;
  for (guint i = 0; i < published->len; i++)
    changed += g_array_index (published, PdPublished, i).changed;
  values[8] = changed;
  remove_feeds (feeds_dir);

  /* The renderer alone, in one thread, as pd_publish_feeds uses it (one
   * PdIcsRenderer for every rep, no previous feed, no file): the same
   * work as the floor, plus the feed's own text. */
  {
    gsize bytes = 0;
    PdIcsRenderer *renderer;

    start = now_seconds ();
    renderer = pd_ics_renderer_new (org.campaign, org.schedule, NULL, &error);
    if (renderer == NULL)
      g_error ("bench: %s", error->message);
    for (guint i = 0; i < org.campaign->reps->len; i++)
      if (!pd_ics_renderer_render_to (renderer, i, NULL, REVISION_TIME, count_bytes, &bytes, &error))
        g_error ("bench: %s", error->message);
    pd_ics_renderer_free (renderer);
    values[13] = now_seconds () - start;
  }

  /* The floor, in the same process. */
  rss = status_kib ("VmRSS:");
  reset_peak ();
  start = now_seconds ();
  values[12] = (double) serialize_floor (&org);
  values[9] = now_seconds () - start;
  values[10] = status_kib ("VmHWM:");
  values[11] = values[10] - rss;
  org_clear (&org);
  pd_ics_zone_shutdown ();
  return 14;
}

static void
section_export (void)
{
  g_autofree char *feeds_dir = g_build_filename (work_dir, "feeds", NULL);
  g_autofree double *rate = g_new0 (double, runs);
  g_autofree double *peak = g_new0 (double, runs);
  g_autofree double *step = g_new0 (double, runs);
  g_autofree double *again = g_new0 (double, runs);
  g_autofree double *again_peak = g_new0 (double, runs);
  g_autofree double *floor_rate = g_new0 (double, runs);
  g_autofree double *floor_peak = g_new0 (double, runs);
  g_autofree double *floor_step = g_new0 (double, runs);
  g_autofree double *ratio = g_new0 (double, runs);
  g_autofree double *render = g_new0 (double, runs);
  g_autofree double *render_ratio = g_new0 (double, runs);
  double values[16];
  char target[96];
  Stat s;

  for (guint i = 0; i < runs; i++)
    {
      in_child (measure_export, feeds_dir, values);
      rate[i] = values[3] / values[0];
      peak[i] = values[1];
      step[i] = values[2];
      again[i] = values[3] / values[5];
      again_peak[i] = values[7];
      floor_rate[i] = values[3] / values[9];
      floor_peak[i] = values[10];
      floor_step[i] = values[11];
      ratio[i] = rate[i] / floor_rate[i];
      render[i] = values[3] / values[13];
      render_ratio[i] = render[i] / floor_rate[i];
      if (values[8] != 0)
        g_printerr ("bench: the unchanged re-export rewrote %.0f feeds\n", values[8]);
    }
  heading ("(b) feed export of every rep (pd_publish_feeds: ics + feed, fsync'ed files)");
  printf ("    %.0f events in %u feeds, %.1f MiB written; floor output %.1f MiB; %u processors\n",
          values[3], n_reps, values[4] / 1048576, values[12] / 1048576, g_get_num_processors ());
  row ("export, events/s", stat_of (rate, runs), 1e-3, "k/s", 1, "");
  row ("libical floor (one VEVENT at a time), events/s", stat_of (floor_rate, runs), 1e-3, "k/s", 1,
       "(floor; ~60 k/s measured in the issue)");
  s = stat_of (ratio, runs);
  g_snprintf (target, sizeof target, "target >= 1.00x: %s", s.median >= 1.0 ? "met" : "MISSED");
  row ("export / floor", s, 1, "x", 2, target);
  row ("render only (one thread, no file), events/s", stat_of (render, runs), 1e-3, "k/s", 1, "");
  row ("render only / floor", stat_of (render_ratio, runs), 1, "x", 2, "");
  s = stat_of (step, runs);
  g_snprintf (target, sizeof target, "target <= 16 MiB: %s", s.median / 1024 <= 16 ? "met" : "MISSED");
  row ("export, peak RSS above its start", s, 1.0 / 1024, "MiB", 1, target);
  row ("export, peak RSS (process)", stat_of (peak, runs), 1.0 / 1024, "MiB", 1, "");
  row ("floor, peak RSS above its start", stat_of (floor_step, runs), 1.0 / 1024, "MiB", 1,
       "(floor; 5.3 MiB process in the issue)");
  row ("floor, peak RSS (process)", stat_of (floor_peak, runs), 1.0 / 1024, "MiB", 1, "");
  row ("unchanged re-export (daily re-plan), events/s", stat_of (again, runs), 1e-3, "k/s", 1,
       "(0 feeds rewritten)");
  row ("unchanged re-export, peak RSS above start", stat_of (again_peak, runs), 1.0 / 1024, "MiB", 1, "");
}

/* ------------------------------------------------------ (l) call lists */

/* The CPU time (user + system) of this process so far, every thread's. */
static double
process_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + (double) usage.ru_stime.tv_sec
         + usage.ru_stime.tv_usec / 1e6;
}

/* The organisation with a prospect file: LIST_PER_REP prospects a rep
 * (six in ten new, of four sectors; a quarter attempted 1 to 6 times;
 * one in ten latent, follow-ups from February to March; the rest arid),
 * new ones of the sector industrie first, then services. The lists are
 * those of Monday 2027-03-01 and the six days after it. */
#define LIST_PER_REP 200
#define LIST_TODAY_DAY 1
#define LIST_TODAY_MONTH 3

static char *
lists_campaign_text (void)
{
  return g_strconcat (campaign_text, "\n[prospects]\npriority = sector = industrie, services\n", NULL);
}

static void
lists_org_load (Org *org)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = lists_campaign_text ();

  org->campaign = pd_config_parse_campaign ("bench.conf", text, strlen (text), &error);
  if (org->campaign == NULL || !pd_plan_compute (&org->campaign->plan, &org->plan, &error))
    g_error ("bench: %s", error->message);
  pd_workcal_prepare (org->campaign);
  org->schedule = pd_schedule_build (org->campaign, &org->plan, &error);
  if (org->schedule == NULL)
    g_error ("bench: %s", error->message);
}

/* A SQLite store holding the organisation's prospect file. */
static char *
lists_store_build (const PdCampaign *campaign)
{
  static const char *const sectors[] = { "industrie", "services", "commerce", "santé" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED + 12);
  char *path = g_build_filename (work_dir, "lists.db", NULL);
  PdStore *store = pd_store_open (path, &error);

  if (store == NULL || !pd_store_ensure_campaign (store, campaign->id, campaign->name, &error))
    g_error ("bench: %s", error->message);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, r);
      g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);

      for (guint i = 0; i < LIST_PER_REP; i++)
        {
          PdProspect *p = pd_prospect_new ();
          gint32 kind = g_rand_int_range (rand, 0, 100);

          p->company = g_strdup_printf ("Établissements Lefèvre %04u-%03u SARL", r + 1, i + 1);
          p->contact = g_strdup ("Dupré-Lefèvre");
          p->first_name = g_strdup ("Hélène");
          p->phone = g_strdup_printf ("+331%08u", (r * LIST_PER_REP + i) % 100000000u);
          p->rep = g_strdup (rep->name);
          p->sector = g_strdup (sectors[g_rand_int_range (rand, 0, 4)]);
          if (kind < 60)
            p->state = PD_PROSPECT_NEW;
          else if (kind < 85)
            {
              p->state = PD_PROSPECT_ATTEMPTED;
              p->attempts = g_rand_int_range (rand, 1, 7);
            }
          else if (kind < 95)
            {
              p->state = PD_PROSPECT_LATENT;
              p->attempts = 2;
              g_date_set_dmy (&p->follow_up, 15, G_DATE_FEBRUARY, 2027);
              g_date_add_days (&p->follow_up, (guint) g_rand_int_range (rand, 0, 45));
            }
          else
            {
              p->state = PD_PROSPECT_ARID;
              p->attempts = 1;
            }
          pd_prospect_add_source (p, "salon", (gint64) i + 2);
          p->created = REVISION_TIME;
          g_ptr_array_add (batch, p);
        }
      if (!pd_store_import_prospects (store, campaign->id, batch, NULL, NULL, &error))
        g_error ("bench: %s", error->message);
    }
  pd_store_close (store);
  return path;
}

static GDate
lists_today (void)
{
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, LIST_TODAY_DAY, LIST_TODAY_MONTH, 2027);
  return today;
}

/* values: 0 lists (read + order) s, 1 its peak above start KiB, 2 calls
 * listed, 3 read only s, 4 publish without s, 5 publish with s, 6 the
 * publishing's peak above start with lists KiB, 7 without, 8 events,
 * 9 bytes without, 10 bytes with, 11 lists CPU s, 12 publish without
 * CPU s, 13 publish with CPU s. */
static guint
measure_lists (double *values, gpointer data)
{
  const char *db_path = data;
  g_autofree char *plain_dir = g_build_filename (work_dir, "feeds-plain", NULL);
  g_autofree char *lists_dir = g_build_filename (work_dir, "feeds-lists", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdFeedCalls) calls = NULL;
  g_autoptr (GArray) published = NULL;
  PdStore *store;
  Org org = { 0 };
  GDate today = lists_today ();
  double start, rss, cpu;

  lists_org_load (&org);
  store = pd_store_open (db_path, &error);
  if (store == NULL)
    g_error ("bench: %s", error->message);

  /* A day's call lists (and the six after it) of every rep, first in
   * this process, the heap's free memory returned beforehand: the peak
   * above start is then what the lists take, not what an earlier read
   * left free in the heap. */
  malloc_trim (0);
  rss = status_kib ("VmRSS:");
  reset_peak ();
  cpu = process_cpu_seconds ();
  start = now_seconds ();
  calls = pd_callbook_feed_calls (store, org.campaign, org.schedule, NULL, &today, &error);
  values[0] = now_seconds () - start;
  values[11] = process_cpu_seconds () - cpu;
  if (calls == NULL)
    g_error ("bench: %s", error->message);
  values[1] = status_kib ("VmHWM:") - rss;
  values[2] = pd_feed_calls_n_lines (calls);

  /* The store's part alone: the campaign's prospects read, nothing ordered. */
  start = now_seconds ();
  {
    g_autoptr (GPtrArray) prospects = pd_store_list_prospects (store, org.campaign->id, NULL, &error);

    if (prospects == NULL)
      g_error ("bench: %s", error->message);
  }
  values[3] = now_seconds () - start;
  pd_store_close (store);

  /* Publishing the organisation without, then with, the lists. */
  rss = status_kib ("VmRSS:");
  reset_peak ();
  cpu = process_cpu_seconds ();
  start = now_seconds ();
  published = pd_publish_feeds_with_calls (org.campaign, org.schedule, NULL, plain_dir, NULL, REVISION_TIME, NULL,
                                           0, &error);
  values[4] = now_seconds () - start;
  values[12] = process_cpu_seconds () - cpu;
  if (published == NULL)
    g_error ("bench: %s", error->message);
  values[7] = status_kib ("VmHWM:") - rss;
  g_clear_pointer (&published, g_array_unref);
  rss = status_kib ("VmRSS:");
  reset_peak ();
  cpu = process_cpu_seconds ();
  start = now_seconds ();
  published = pd_publish_feeds_with_calls (org.campaign, org.schedule, calls, lists_dir, NULL, REVISION_TIME, NULL,
                                           0, &error);
  values[5] = now_seconds () - start;
  values[13] = process_cpu_seconds () - cpu;
  if (published == NULL)
    g_error ("bench: %s", error->message);
  values[6] = status_kib ("VmHWM:") - rss;
  values[8] = org.schedule->blocks->len;
  values[9] = feed_bytes (plain_dir);
  values[10] = feed_bytes (lists_dir);
  remove_feeds (plain_dir);
  remove_feeds (lists_dir);
  org_clear (&org);
  pd_ics_zone_shutdown ();
  return 14;
}

static void
section_lists (void)
{
  g_autofree double *lists = g_new0 (double, runs);
  g_autofree double *lists_peak = g_new0 (double, runs);
  g_autofree double *read = g_new0 (double, runs);
  g_autofree double *plain = g_new0 (double, runs);
  g_autofree double *with = g_new0 (double, runs);
  g_autofree double *ratio = g_new0 (double, runs);
  g_autofree double *with_peak = g_new0 (double, runs);
  g_autofree double *plain_peak = g_new0 (double, runs);
  g_autofree double *lists_cpu = g_new0 (double, runs);
  g_autofree double *plain_cpu = g_new0 (double, runs);
  g_autofree double *with_cpu = g_new0 (double, runs);
  g_autofree double *cpu_ratio = g_new0 (double, runs);
  g_autofree char *db_path = NULL;
  double values[16];
  double build_start = now_seconds ();
  char target[96];
  Org org = { 0 };
  Stat s;

  heading ("(l) call lists: a day's lists of every rep, and publishing the organisation with them");
  lists_org_load (&org);
  db_path = lists_store_build (org.campaign);
  printf ("    %u prospects (%u a rep) imported in %.1f s (outside the measurement); lists of 2027-03-01 + 6 days\n",
          org.campaign->reps->len * LIST_PER_REP, LIST_PER_REP, now_seconds () - build_start);
  org_clear (&org);
  for (guint i = 0; i < runs; i++)
    {
      in_child (measure_lists, db_path, values);
      lists[i] = values[0];
      lists_peak[i] = values[1];
      read[i] = values[3];
      plain[i] = values[4];
      with[i] = values[5];
      ratio[i] = values[5] / values[4];
      with_peak[i] = values[6];
      plain_peak[i] = values[7];
      lists_cpu[i] = values[11];
      plain_cpu[i] = values[12];
      with_cpu[i] = values[13];
      cpu_ratio[i] = values[13] / values[12];
    }
  printf ("    %.0f calls listed; %.0f events a publish, %.1f MiB without lists, %.1f MiB with\n",
          values[2], values[8], values[9] / 1048576, values[10] / 1048576);
  row ("reading the prospect file (store only)", stat_of (read, runs), 1, "s", 2, "(floor)");
  s = stat_of (lists, runs);
  g_snprintf (target, sizeof target, "target <= 2 s: %s", s.median <= 2 ? "met" : "MISSED");
  row ("call lists of 1 000 reps (read + order)", s, 1, "s", 2, target);
  row ("call lists, CPU (user + system)", stat_of (lists_cpu, runs), 1, "s", 2, "(about the time on an idle machine)");
  s = stat_of (lists_peak, runs);
  g_snprintf (target, sizeof target, "target <= 16 MiB: %s", s.median / 1024 <= 16 ? "met" : "MISSED");
  row ("call lists, peak RSS above start", s, 1.0 / 1024, "MiB", 1, target);
  row ("publish without lists", stat_of (plain, runs), 1, "s", 2, "(reference, same run)");
  row ("publish with lists", stat_of (with, runs), 1, "s", 2, "");
  s = stat_of (ratio, runs);
  g_snprintf (target, sizeof target, "target <= 1.10x: %s", s.median <= 1.10 ? "met" : "MISSED");
  row ("publish with / without lists", s, 1, "x", 2, target);
  row ("publish without lists, CPU (every thread)", stat_of (plain_cpu, runs), 1, "s", 2, "(reference)");
  row ("publish with lists, CPU (every thread)", stat_of (with_cpu, runs), 1, "s", 2, "");
  row ("publish with / without lists, CPU", stat_of (cpu_ratio, runs), 1, "x", 2, "(the code's cost, whatever the load)");
  row ("publish without, peak RSS above start", stat_of (plain_peak, runs), 1.0 / 1024, "MiB", 1, "(reference)");
  row ("publish with, peak RSS above start", stat_of (with_peak, runs), 1.0 / 1024, "MiB", 1, "");
  g_unlink (db_path);
}

/* ------------------------------------------------------------ (c) status */

static void
exec_or_die (sqlite3 *db, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("bench: %s: %s", sql, message);
}

/* The store of 1 000 000 rows, built once per run: (c) and (j) read the
 * same one (a second build would meet the first's tables). */
static char *
store_build (void)
{
  char *path = g_build_filename (work_dir, "activity.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED + 1);
  PdStore *store;
  sqlite3 *db;
  sqlite3_stmt *real, *floor;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  store = pd_store_open (path, &error);
  if (store == NULL || !pd_store_ensure_campaign (store, "bench", "Benchmark 2027", &error))
    g_error ("bench: %s", error->message);
  pd_store_close (store);

  if (sqlite3_open (path, &db) != SQLITE_OK)
    g_error ("bench: cannot open %s", path);
  /* The store's triggers keep per-day sums (schema 4): each row updates a
   * random one of 340 000 days. A page cache that holds them (this
   * connection only, not the measured ones) fills the store in about half
   * the time. */
  /* The rows are made in a table of the bench's own, then logged in
   * date order, as reps log them: each rep's running sums (schema 16)
   * then take the new day's row only, where a back-dated entry moves
   * the rep's later days. */
  exec_or_die (db, "PRAGMA foreign_keys = ON;"
                   "PRAGMA cache_size = -262144;"
                   "CREATE TABLE floor_activity (rep TEXT NOT NULL, date TEXT NOT NULL,"
                   " contacts INTEGER NOT NULL);"
                   "CREATE TEMP TABLE fill_activity (rep, date, contacts, prospects, active, latent, arid,"
                   " proposals, deals, revenue_cents);"
                   "BEGIN IMMEDIATE");
  sqlite3_prepare_v2 (db,
                      "INSERT INTO fill_activity VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                      -1, &real, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO floor_activity VALUES (?1, ?2, ?3)", -1, &floor, NULL);
  for (guint i = 0; i < ACTIVITY_ROWS; i++)
    {
      char rep[16], date[16];
      GDate day;
      gint64 contacts = g_rand_int_range (rand, 0, 40);
      gint64 prospects = contacts / 4;

      g_snprintf (rep, sizeof rep, "rep%04u", (guint) g_rand_int_range (rand, 1, (gint32) n_reps + 1));
      g_date_clear (&day, 1);
      g_date_set_dmy (&day, 4, G_DATE_JANUARY, 2027);
      g_date_add_days (&day, (guint) g_rand_int_range (rand, 0, 362));
      g_date_strftime (date, sizeof date, "%Y-%m-%d", &day);
      sqlite3_bind_text (real, 1, rep, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (real, 2, date, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (real, 3, contacts);
      sqlite3_bind_int64 (real, 4, prospects);
      sqlite3_bind_int64 (real, 5, prospects / 4);
      sqlite3_bind_int64 (real, 6, prospects / 4);
      sqlite3_bind_int64 (real, 7, prospects - 2 * (prospects / 4));
      sqlite3_bind_int64 (real, 8, g_rand_int_range (rand, 0, 100) < 3);
      sqlite3_bind_int64 (real, 9, g_rand_int_range (rand, 0, 1000) < 3);
      sqlite3_bind_int64 (real, 10, 0);
      if (sqlite3_step (real) != SQLITE_DONE)
        g_error ("bench: insert: %s", sqlite3_errmsg (db));
      sqlite3_reset (real);
      sqlite3_bind_text (floor, 1, rep, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (floor, 2, date, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (floor, 3, contacts);
      if (sqlite3_step (floor) != SQLITE_DONE)
        g_error ("bench: insert: %s", sqlite3_errmsg (db));
      sqlite3_reset (floor);
    }
  sqlite3_finalize (real);
  sqlite3_finalize (floor);
  exec_or_die (db, "INSERT INTO activity (campaign, rep, date, contacts, prospects, active, latent, arid,"
                   " proposals, deals, revenue_cents, created)"
                   " SELECT 'bench', rep, date, contacts, prospects, active, latent, arid, proposals, deals,"
                   " revenue_cents, 1798761600 FROM fill_activity ORDER BY date, rowid;"
                   "DROP TABLE fill_activity;"
                   "COMMIT;"
                   "CREATE INDEX floor_by_rep_date ON floor_activity (rep, date, contacts);"
                   "ANALYZE floor_activity;"
                   "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);
  return path;
}

/* The campaign's checkpoints in the bench's organisation: a status as of
 * the last day reads each rep's running sums at each of them. */
static const char *const checkpoint_days[] = { "2027-02-26", "2027-04-30", "2027-06-30", "2027-08-31",
                                               "2027-10-29", "2027-11-30" };

/* Median seconds of up to QUERY_SAMPLES calls (at least 3, else as many
 * as fit in QUERY_BUDGET seconds) of the real store's status reads, as
 * `prospectctl status` makes them since schema 16: the team's totals and
 * days (the chart, and the team's checkpoints), every rep's running sums
 * at the as-of day (the team's line needs every rep), and at each
 * checkpoint every rep's (`status --json`, which shows them) or, with
 * `rep` (--rep's rep), that rep's alone. With `every_day`, the read of
 * before: the totals and every rep-day (pd_store_daily_contacts). */
static double
time_real (PdStore *store, const char *rep, gboolean every_day)
{
  double samples[QUERY_SAMPLES];
  double spent = 0;
  guint n = 0;
  GDate as_of;

  g_date_clear (&as_of, 1);
  g_date_set_dmy (&as_of, 31, G_DATE_DECEMBER, 2027);
  for (; n < QUERY_SAMPLES && (n < 3 || spent < QUERY_BUDGET); n++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) daily = NULL;
      g_autoptr (GArray) team = NULL;
      g_autoptr (GArray) at = NULL;
      PdTotals totals;
      double start = now_seconds ();

      if (!pd_store_totals (store, "bench", every_day ? rep : NULL, &as_of, &totals, &error))
        g_error ("bench: %s", error->message);
      if (every_day)
        {
          if ((daily = pd_store_daily_contacts (store, "bench", rep, &as_of, &error)) == NULL)
            g_error ("bench: %s", error->message);
        }
      else
        {
          if ((team = pd_store_day_totals (store, "bench", NULL, NULL, &as_of, &error)) == NULL
              || (at = pd_store_running_at (store, "bench", &as_of, &error)) == NULL)
            g_error ("bench: %s", error->message);
          {
            /* The checkpoints, as status reads them: every rep's at once,
             * or --rep's rep's a look-up each. */
            GDate dates[G_N_ELEMENTS (checkpoint_days)];
            g_autoptr (GArray) then = NULL;

            for (guint k = 0; k < G_N_ELEMENTS (checkpoint_days); k++)
              {
                g_date_clear (&dates[k], 1);
                g_date_set_parse (&dates[k], checkpoint_days[k]);
              }
            for (guint k = 0; rep != NULL && k < G_N_ELEMENTS (dates); k++)
              {
                PdRunningSums sums;

                if (!pd_store_rep_running_at (store, "bench", rep, &dates[k], &sums, &error))
                  g_error ("bench: %s", error->message);
              }
            if (rep == NULL
                && (then = pd_store_running_contacts_at (store, "bench", dates, G_N_ELEMENTS (dates), &error)) == NULL)
              g_error ("bench: %s", error->message);
          }
        }
      samples[n] = now_seconds () - start;
      spent += samples[n];
    }
  return stat_of (samples, n).median;
}

/* The floor: one statement on the covering index, every row read. */
static double
time_floor (sqlite3 *db, const char *rep)
{
  double samples[QUERY_SAMPLES];
  double spent = 0;
  guint n = 0;
  sqlite3_stmt *stmt;

  sqlite3_prepare_v2 (db,
                      rep != NULL
                        ? "SELECT date, sum(contacts) FROM floor_activity"
                          " WHERE rep = ?1 AND date <= '2027-12-31' GROUP BY date"
                        : "SELECT rep, date, sum(contacts) FROM floor_activity"
                          " WHERE date <= '2027-12-31' GROUP BY rep, date",
                      -1, &stmt, NULL);
  for (; n < QUERY_SAMPLES && (n < 3 || spent < QUERY_BUDGET); n++)
    {
      double start = now_seconds ();
      gint64 sum = 0;

      if (rep != NULL)
        sqlite3_bind_text (stmt, 1, rep, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        sum += sqlite3_column_int64 (stmt, rep != NULL ? 1 : 2);
      sqlite3_reset (stmt);
      samples[n] = now_seconds () - start;
      spent += samples[n];
      (void) sum;
    }
  sqlite3_finalize (stmt);
  return stat_of (samples, n).median;
}

static double run_process (char **argv);
static void run_ctl (const char *prospectctl, const char *dir, const char *const *args, double *ret_seconds,
                     double *ret_peak_kib);
static GPtrArray *ctl_argv (const char *prospectctl, const char *dir, const char *const *args);
static void ctl_argv_free (GPtrArray *argv);
static double peak_ctl (const char *prospectctl, const char *dir, const char *const *args);
static void remove_tree (const char *path);

static void
section_status (const char *prospectctl)
{
  g_autofree char *path = NULL;
  g_autofree double *rep_real = g_new0 (double, runs);
  g_autofree double *rep_floor = g_new0 (double, runs);
  g_autofree double *team_real = g_new0 (double, runs);
  g_autofree double *team_floor = g_new0 (double, runs);
  g_autofree double *rep_ratio = g_new0 (double, runs);
  g_autofree double *team_ratio = g_new0 (double, runs);
  double build_start = now_seconds ();
  char target[96];
  Stat s;

  g_autofree double *team_before = g_new0 (double, runs);
  g_autofree double *team_ratio_before = g_new0 (double, runs);

  path = store_build ();
  heading ("(c) status reads over 1 000 000 activity rows (the running sums kept since schema 16)");
  printf ("    store filled in %.1f s (one transaction, outside the measurement)\n",
          now_seconds () - build_start);
  for (guint i = 0; i < runs; i++)
    {
      g_autoptr (GError) error = NULL;
      PdStore *store = pd_store_open (path, &error);
      sqlite3 *db;

      if (store == NULL)
        g_error ("bench: %s", error->message);
      sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
      rep_real[i] = time_real (store, "rep0500", FALSE);
      rep_floor[i] = time_floor (db, "rep0500");
      team_real[i] = time_real (store, NULL, FALSE);
      team_before[i] = time_real (store, NULL, TRUE);
      team_floor[i] = time_floor (db, NULL);
      rep_ratio[i] = rep_real[i] / rep_floor[i];
      team_ratio[i] = team_real[i] / team_floor[i];
      team_ratio_before[i] = team_before[i] / team_floor[i];
      sqlite3_close (db);
      pd_store_close (store);
    }
  /* --rep reads what the team's line needs: every rep's sums at the
   * as-of day (at the checkpoints the rep's alone). */
  row ("status --rep, real store", stat_of (rep_real, runs), 1e3, "ms", 2, "");
  row ("one rep's rows, floor (covering index, ANALYZE)", stat_of (rep_floor, runs), 1e3, "ms", 2,
       "(floor; 0.4–0.9 ms in the issue)");
  row ("status --rep, real / one rep's floor", stat_of (rep_ratio, runs), 1, "x", 2,
       "(the team's line reads every rep)");
  s = stat_of (team_real, runs);
  g_snprintf (target, sizeof target, "target <= 50 ms: %s", s.median <= 0.050 ? "met" : "MISSED");
  row ("team, real store: totals, days, each rep at as-of + 6 checkpoints", s, 1e3, "ms", 1, target);
  row ("team, every rep-day (the read before schema 16)", stat_of (team_before, runs), 1e3, "ms", 1,
       "(reference: 110.4 ms quiet, session 7)");
  row ("team, floor (covering index, ANALYZE)", stat_of (team_floor, runs), 1e3, "ms", 1,
       "(floor of the read before; 27–41 ms in the issue)");
  row ("team, real / floor", stat_of (team_ratio, runs), 1, "x", 2, "");
  row ("team, every rep-day / floor", stat_of (team_ratio_before, runs), 1, "x", 2, "");

  /* What a manager meets: the whole team's status as a process, over the
   * same store (progress of 1 000 reps, checkpoints, the burn-up chart). */
  {
    g_autofree char *dir = g_build_filename (work_dir, "status-campaigns", NULL);
    g_autofree char *campaign = g_build_filename (dir, "bench.conf", NULL);
    g_autofree char *config = g_build_filename (work_dir, "status.conf", NULL);
    g_autofree char *text = g_strdup_printf ("[daemon]\ncampaigns = %s\ndatabase = %s\n", dir, path);
    g_autofree double *process = g_new0 (double, runs);
    char *argv[] = { (char *) prospectctl, "--config", config, "status", "bench", "--as-of", "2027-12-31", NULL };

    g_mkdir_with_parents (dir, 0700);
    g_file_set_contents (campaign, campaign_text, -1, NULL);
    g_file_set_contents (config, text, -1, NULL);
    for (guint i = 0; i < runs; i++)
      process[i] = run_process (argv);
    row ("prospectctl status, whole team, process", stat_of (process, runs), 1e3, "ms", 0, "(no target)");
  }
}

/* --------------------------------------------------- (d) whole processes */

static double
run_process (char **argv)
{
  posix_spawn_file_actions_t actions;
  double start;
  pid_t pid;
  int status;

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen (&actions, 2, "/dev/null", O_WRONLY, 0);
  start = now_seconds ();
  if (posix_spawn (&pid, argv[0], &actions, NULL, argv, environ) != 0)
    g_error ("bench: cannot run %s", argv[0]);
  waitpid (pid, &status, 0);
  start = now_seconds () - start;
  posix_spawn_file_actions_destroy (&actions);
  if (!WIFEXITED (status) || (WEXITSTATUS (status) != 0 && WEXITSTATUS (status) != 3))
    g_error ("bench: %s %s exited with %d", argv[0], argv[3], WEXITSTATUS (status));
  return start;
}

static void
section_processes (const char *prospectctl, const char *empty_main)
{
  g_autofree char *dir = g_build_filename (work_dir, "cli", NULL);
  g_autofree char *campaigns = g_build_filename (dir, "campaigns", NULL);
  g_autofree char *config = g_build_filename (dir, "prospectd.conf", NULL);
  g_autofree char *config_text = NULL;
  g_autofree char *example = NULL;
  g_autofree char *example_copy = g_build_filename (campaigns, "example.conf", NULL);
  double empty[PROCESS_SAMPLES], log[PROCESS_SAMPLES], status[PROCESS_SAMPLES];
  double log_ratio[PROCESS_SAMPLES], status_ratio[PROCESS_SAMPLES];
  char *empty_argv[] = { (char *) empty_main, NULL };
  /* A day after the clock is refused, and a rep's day holds at most 24
   * hours of calls: the clock is set after the week, and the runs go round
   * its five days (11 runs of 16 contacts a day fit its call windows). */
  char log_date[] = "2027-01-05";
  char *log_argv[] = { (char *) prospectctl, "--config", config, "log", "example", "--now", "2027-01-08T18:00",
                       "--rep", "alice", "--contacts", "16", "--prospects", "4", "--date", log_date, NULL };
  char *status_argv[] = { (char *) prospectctl, "--config", config, "status", "example",
                          "--as-of", "2027-01-08", NULL };
  char target[96];
  Stat s;

  g_mkdir_with_parents (campaigns, 0700);
  if (!g_file_get_contents ("config/campaigns/example.conf", &example, NULL, NULL))
    g_error ("bench: run from the source tree (config/campaigns/example.conf)");
  g_file_set_contents (example_copy, example, -1, NULL);
  config_text = g_strdup_printf ("[daemon]\ncampaigns = %s\ndatabase = %s/prospectd.db\nfeeds = %s/feeds\n",
                                 campaigns, dir, dir);
  g_file_set_contents (config, config_text, -1, NULL);

  run_process (log_argv); /* creates the database: not measured */
  for (guint i = 0; i < PROCESS_SAMPLES; i++)
    {
      /* Interleaved, so that a slow moment of the machine hits all three. */
      empty[i] = run_process (empty_argv);
      log_date[9] = (char) ('4' + i % 5);
      log[i] = run_process (log_argv);
      status[i] = run_process (status_argv);
      log_ratio[i] = log[i] / empty[i];
      status_ratio[i] = status[i] / empty[i];
    }
  heading ("(d) whole processes, example campaign (median of 50, interleaved)");
  row ("empty main linked to the same libraries", stat_of (empty, PROCESS_SAMPLES), 1e3, "ms", 2,
       "(floor; ~9 ms in the issue)");
  row ("prospectctl log (one commit)", stat_of (log, PROCESS_SAMPLES), 1e3, "ms", 2, "");
  row ("prospectctl log / floor", stat_of (log_ratio, PROCESS_SAMPLES), 1, "x", 2, "");
  row ("prospectctl status", stat_of (status, PROCESS_SAMPLES), 1e3, "ms", 2, "");
  s = stat_of (status_ratio, PROCESS_SAMPLES);
  g_snprintf (target, sizeof target, "target <= 2x: %s", s.median <= 2 ? "met" : "MISSED");
  row ("prospectctl status / floor", s, 1, "x", 2, target);
}

/* ---------------------------------------------------- (e) one commit */

static void
section_commit (void)
{
  g_autofree double *per_run = g_new0 (double, runs);
  g_autofree double *all = g_new0 (double, runs * COMMIT_SAMPLES);

  for (guint r = 0; r < runs; r++)
    {
      g_autofree char *path = g_strdup_printf ("%s/commit-%u.db", work_dir, r);
      g_autoptr (GError) error = NULL;
      double samples[COMMIT_SAMPLES];
      PdStore *store = pd_store_open (path, &error);
      PdActivity activity = { 0 };

      if (store == NULL || !pd_store_ensure_campaign (store, "bench", "Benchmark 2027", &error))
        g_error ("bench: %s", error->message);
      activity.campaign = "bench";
      activity.rep = "rep0001";
      g_date_clear (&activity.date, 1);
      g_date_set_dmy (&activity.date, 5, G_DATE_JANUARY, 2027);
      activity.contacts = 16;
      activity.prospects = 4;
      activity.created = REVISION_TIME;
      for (guint i = 0; i < COMMIT_SAMPLES; i++)
        {
          double start = now_seconds ();

          if (!pd_store_add_activity (store, &activity, NULL, &error))
            g_error ("bench: %s", error->message);
          samples[i] = now_seconds () - start;
          all[r * COMMIT_SAMPLES + i] = samples[i];
        }
      per_run[r] = stat_of (samples, COMMIT_SAMPLES).median;
      pd_store_close (store);
    }
  heading ("(e) one logged outcome: pd_store_add_activity (WAL, synchronous=NORMAL, BEGIN IMMEDIATE)");
  row ("commit, median of each run's 200", stat_of (per_run, runs), 1e6, "us", 1,
       "(floor; 32 us in the issue)");
  row ("commit, all samples", stat_of (all, runs * COMMIT_SAMPLES), 1e6, "us", 1, "");
}

/* ------------------------------------------------------- (f) the daemon */

static pid_t
spawn_logged (char **argv, const char *log_path)
{
  posix_spawn_file_actions_t actions;
  pid_t pid;

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen (&actions, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2 (&actions, 1, 2);
  if (posix_spawn (&pid, argv[0], &actions, NULL, argv, environ) != 0)
    pid = -1;
  posix_spawn_file_actions_destroy (&actions);
  return pid;
}

/* Voluntary + involuntary context switches of every thread of `pid`. */
static double
context_switches (pid_t pid)
{
  g_autofree char *tasks = g_strdup_printf ("/proc/%d/task", (int) pid);
  g_autoptr (GDir) dir = g_dir_open (tasks, 0, NULL);
  const char *name;
  double total = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/status", tasks, name);
      g_autofree char *text = NULL;
      const char *field;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      if ((field = strstr (text, "voluntary_ctxt_switches:")) != NULL)
        total += g_ascii_strtod (field + strlen ("voluntary_ctxt_switches:"), NULL);
      if ((field = strstr (text, "nonvoluntary_ctxt_switches:")) != NULL)
        total += g_ascii_strtod (field + strlen ("nonvoluntary_ctxt_switches:"), NULL);
    }
  return total;
}

static double
process_kib (pid_t pid, const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, field)) == NULL)
    return NAN;
  return g_ascii_strtod (line + strlen (field) + 1, NULL);
}

/* The CPU seconds (user and system, every thread) process `pid` used so
 * far: fields 14 and 15 of /proc/PID/stat, after the command's ")". */
static double
pid_cpu_seconds (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *rest;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (rest = strrchr (text, ')')) == NULL)
    return NAN;
  fields = g_strsplit (rest + 2, " ", -1);
  /* rest + 2 starts at field 3 (the state). */
  if (g_strv_length (fields) < 13)
    return NAN;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / (double) sysconf (_SC_CLK_TCK);
}

static guint
count_in_file (const char *path, const char *needle)
{
  g_autofree char *text = NULL;
  guint n = 0;

  if (g_file_get_contents (path, &text, NULL, NULL))
    for (const char *at = strstr (text, needle); at != NULL; at = strstr (at + 1, needle))
      n++;
  return n;
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && strstr (text, needle) != NULL;
}

/* The count `perf stat -x,` wrote for its one event. "<not counted>"
 * means the event was never enabled: no thread of the process ran during
 * the window, so it made no system call. */
static double
perf_total (const char *path)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NAN;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "raw_syscalls:sys_enter") != NULL)
      return g_str_has_prefix (lines[i], "<not counted>") ? 0 : g_ascii_strtod (lines[i], NULL);
  return NAN;
}

/* The calls strace -c counted: its "total" line. */
static double
strace_total (const char *path)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NAN;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_suffix (g_strstrip (lines[i]), "total"))
      {
        g_auto (GStrv) fields = g_strsplit_set (lines[i], " \t", -1);
        guint seen = 0;

        for (guint k = 0; fields[k] != NULL; k++)
          if (*fields[k] != '\0' && ++seen == 4)
            return g_ascii_strtod (fields[k], NULL);
      }
  return 0; /* no system call at all: strace prints an empty table */
}

/* Commits what `prospectctl log` commits (contacts on 2027-01-08) through
 * `store`, and returns the seconds from the commit's return to `feed`
 * being replaced (polled every poll_usec), or NAN when the feed is missing
 * or not replaced within `timeout` seconds. */
static double
log_and_time (PdStore *store, const char *campaign, const char *rep, gint64 contacts, const char *feed,
              double timeout, gulong poll_usec)
{
  PdActivity activity = { .campaign = (char *) campaign, .rep = (char *) rep, .contacts = contacts };
  g_autoptr (GError) error = NULL;
  GStatBuf before, now;
  double done;

  g_date_clear (&activity.date, 1);
  g_date_set_dmy (&activity.date, 8, G_DATE_JANUARY, 2027);
  if (g_stat (feed, &before) != 0)
    return NAN;
  if (!pd_store_add_activity (store, &activity, NULL, &error))
    g_error ("bench: %s", error->message);
  done = now_seconds ();
  while (now_seconds () - done <= timeout)
    {
      if (g_stat (feed, &now) == 0
          && (now.st_ino != before.st_ino || now.st_mtim.tv_nsec != before.st_mtim.tv_nsec
              || now.st_mtim.tv_sec != before.st_mtim.tv_sec))
        return now_seconds () - done;
      g_usleep (poll_usec);
    }
  return NAN;
}

static void
section_daemon (const char *prospectd)
{
  g_autofree char *dir = g_build_filename (work_dir, "daemon", NULL);
  g_autofree char *campaigns = g_build_filename (dir, "campaigns", NULL);
  g_autofree char *config = g_build_filename (dir, "prospectd.conf", NULL);
  g_autofree char *log_path = g_build_filename (dir, "prospectd.log", NULL);
  g_autofree char *strace_path = g_build_filename (dir, "strace.txt", NULL);
  g_autofree char *feed = g_build_filename (dir, "feeds", "c01", "alice.ics", NULL);
  g_autofree char *example = NULL;
  g_autofree char *strace = g_find_program_in_path ("strace");
  g_autofree char *perf = g_find_program_in_path ("perf");
  g_autofree char *perf_path = g_build_filename (dir, "perf.txt", NULL);
  const char *calls_tool = NULL;
  const char *idle_env = g_getenv ("BENCH_IDLE_SECONDS");
  guint idle = idle_env != NULL ? (guint) MAX (1, atoi (idle_env)) : 60;
  char *daemon_argv[] = { (char *) prospectd, "--config", config, "--now", "2027-01-08T18:00", NULL };
  double reactions[5];
  guint n_reactions = 0;
  double switches_before, switches, calls = NAN, rss, hwm;
  char target[96];
  pid_t pid;
  int status;

  heading ("(f) the daemon: 10 example campaigns, --now 2027-01-08T18:00, no notification server");
  g_mkdir_with_parents (campaigns, 0700);
  if (!g_file_get_contents ("config/campaigns/example.conf", &example, NULL, NULL))
    g_error ("bench: run from the source tree (config/campaigns/example.conf)");
  for (guint i = 1; i <= 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/c%02u.conf", campaigns, i);

      g_file_set_contents (name, example, -1, NULL);
    }
  {
    g_autofree char *text = g_strdup_printf ("[daemon]\ncampaigns = %s\ndatabase = %s/prospectd.db\n"
                                             "feeds = %s/feeds\nnotify =\n[feeds]\nlisten =\n",
                                             campaigns, dir, dir);
    g_file_set_contents (config, text, -1, NULL);
  }

  pid = spawn_logged (daemon_argv, log_path);
  for (guint i = 0; pid > 0 && i < 300 && !file_contains (log_path, "next wake-up at"); i++)
    g_usleep (100000);
  if (pid <= 0 || !file_contains (log_path, "next wake-up at"))
    {
      printf ("    prospectd did not start (see its log); skipped\n");
      if (pid > 0)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
        }
      return;
    }
  g_usleep (2 * G_USEC_PER_SEC);

  /* Idle: nothing is due before Monday's reminders. Context switches
   * first, untraced (ptrace itself switches), then system calls. */
  switches_before = context_switches (pid);
  g_usleep ((gulong) idle * G_USEC_PER_SEC);
  switches = context_switches (pid) - switches_before;
  /* System calls: perf counts the raw_syscalls tracepoint without
   * stopping the process; strace (ptrace) interrupts the daemon's poll()
   * when it attaches and detaches, which counts about a dozen calls of its
   * own. perf needs root or kernel.perf_event_paranoid <= -1. */
  if (perf != NULL)
    {
      g_autofree char *pid_text = g_strdup_printf ("%d", (int) pid);
      g_autofree char *seconds = g_strdup_printf ("%u", idle);
      char *perf_argv[] = { perf, "stat", "-x,", "-o", perf_path, "-e", "raw_syscalls:sys_enter",
                            "-p", pid_text, "--", "sleep", seconds, NULL };
      g_autofree char *perf_log = g_build_filename (dir, "perf.log", NULL);
      pid_t counter = spawn_logged (perf_argv, perf_log);

      if (counter > 0 && waitpid (counter, &status, 0) == counter && WIFEXITED (status)
          && WEXITSTATUS (status) == 0)
        {
          calls = perf_total (perf_path);
          calls_tool = "perf stat";
        }
    }
  if (isnan (calls) && strace != NULL)
    {
      g_autofree char *pid_text = g_strdup_printf ("%d", (int) pid);
      char *strace_argv[] = { strace, "-c", "-f", "-q", "-o", strace_path, "-p", pid_text, NULL };
      g_autofree char *strace_log = g_build_filename (dir, "strace.log", NULL);
      pid_t tracer = spawn_logged (strace_argv, strace_log);

      g_usleep ((gulong) idle * G_USEC_PER_SEC);
      if (tracer > 0)
        {
          kill (tracer, SIGINT);
          waitpid (tracer, &status, 0);
          calls = strace_total (strace_path);
          calls_tool = "strace -c -f";
        }
    }
  rss = process_kib (pid, "VmRSS:");
  hwm = process_kib (pid, "VmHWM:");

  /* Reaction: this process (another process than the daemon) commits
   * what `prospectctl log` commits, through the same call; the time runs
   * from the commit's return to the feed file being replaced. The
   * connection stays open, so the daemon cannot rely on the writer
   * closing the WAL at exit. */
  {
    g_autofree char *db = g_build_filename (dir, "prospectd.db", NULL);
    g_autoptr (GError) error = NULL;
    PdStore *store = pd_store_open (db, &error);

    for (guint i = 0; store != NULL && i < G_N_ELEMENTS (reactions); i++)
      {
        double seconds = log_and_time (store, "c01", "alice", 10 + i, feed, 5, 500);

        if (isnan (seconds))
          break;
        reactions[n_reactions++] = seconds;
        g_usleep (300000);
      }
    pd_store_close (store);
  }
  if (g_getenv ("BENCH_KEEP_STRACE") != NULL)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (strace_path, &text, NULL, NULL))
        printf ("%s", text);
    }
  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);

  printf ("    over %u idle seconds:\n", idle);
  g_snprintf (target, sizeof target, "target 0: %s", calls == 0 ? "met" : "MISSED");
  {
    char count[32];

    g_autofree char *label = g_strdup_printf ("system calls (%s)", calls_tool != NULL ? calls_tool : "no perf, no strace");

    g_snprintf (count, sizeof count, isnan (calls) ? "n/a" : "%.0f", calls);
    printf ("%-44s %14s  %-22s %s\n", label, count, "", calls_tool != NULL ? target : "");
  }
  g_snprintf (target, sizeof target, "target 0: %s", switches == 0 ? "met" : "MISSED");
  printf ("%-44s %14.0f  %-22s %s\n", "context switches (all threads)", switches, "", target);
  g_snprintf (target, sizeof target, "target <= 14 MB: %s", rss * 1024 <= 14e6 ? "met" : "MISSED");
  printf ("%-44s %10.1f MiB  %-22s %s\n", "VmRSS", rss / 1024, "", target);
  printf ("%-44s %10.1f MiB\n", "VmHWM", hwm / 1024);
  if (n_reactions > 0)
    {
      Stat s = stat_of (reactions, n_reactions);

      g_snprintf (target, sizeof target, "target <= 100 ms: %s (%u of 5)", s.median <= 0.1 ? "met" : "MISSED",
                  n_reactions);
      row ("reaction: log commit -> feed rewritten", s, 1e3, "ms", 1, target);
    }
  else
    printf ("%-44s %14s\n", "reaction: log commit -> feed rewritten", "none in 5 s");
}

/* (g) The daemon running the benchmark's organisation: the first
 * evaluation (everyone is behind on the Friday evening: a catch-up for
 * every rep, every feed written), then the reaction to one rep's log, ten
 * times, then a reload (SIGHUP) with every file unchanged; the same for
 * an organisation of 5 reps, measured the same way, for the ratio. Then
 * both again with a prospect file (PROSPECTS_PER_REP new prospects each,
 * written into the database before the daemon starts), whose call lists
 * every feed shows. */
#define LARGE_LOGS 10
#define PROSPECTS_PER_REP 20

typedef struct {
  gboolean ok;
  double first;                 /* seconds */
  double rss, hwm_first;        /* KiB, after the first evaluation */
  double hwm_logs;              /* KiB, after the logs */
  double reload, reload_cpu;    /* seconds: a SIGHUP with every file unchanged, wall and CPU */
  double hwm_reload;            /* KiB, after it */
  double reactions[LARGE_LOGS]; /* seconds */
  guint n_reactions;
  double db_mib;
} DaemonOrg;

/* `per_rep` new prospects for each of the `reps` reps of campaign
 * "bench" in the database at `db` (made if needed), as an import leaves
 * them. */
static void
add_prospects (const char *db, guint reps, guint per_rep)
{
  g_autoptr (GError) error = NULL;
  PdStore *store = pd_store_open (db, &error);
  sqlite3 *raw;
  sqlite3_stmt *insert;
  guint order = 0;

  if (store == NULL || !pd_store_ensure_campaign (store, "bench", "Benchmark 2027", &error))
    g_error ("bench: %s", error->message);
  pd_store_close (store);
  if (sqlite3_open (db, &raw) != SQLITE_OK)
    g_error ("bench: cannot open %s", db);
  exec_or_die (raw, "BEGIN IMMEDIATE");
  sqlite3_prepare_v2 (raw,
                      "INSERT INTO prospects (campaign, rep, company, contact, phone, import_order, created)"
                      " VALUES ('bench', ?1, ?2, ?3, ?4, ?5, 1798761600)",
                      -1, &insert, NULL);
  for (guint r = 1; r <= reps; r++)
    for (guint k = 0; k < per_rep; k++)
      {
        char rep[16], company[32], contact[32], phone[16];

        order++;
        g_snprintf (rep, sizeof rep, "rep%04u", r);
        g_snprintf (company, sizeof company, "Entreprise %06u", order);
        g_snprintf (contact, sizeof contact, "Contact %06u", order);
        g_snprintf (phone, sizeof phone, "+3314%07u", order);
        sqlite3_bind_text (insert, 1, rep, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (insert, 2, company, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (insert, 3, contact, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (insert, 4, phone, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64 (insert, 5, order);
        if (sqlite3_step (insert) != SQLITE_DONE)
          g_error ("bench: insert: %s", sqlite3_errmsg (raw));
        sqlite3_reset (insert);
      }
  sqlite3_finalize (insert);
  exec_or_die (raw, "COMMIT");
  sqlite3_close (raw);
}

static DaemonOrg
daemon_org_run (const char *prospectd, const char *name, const char *text, guint reps, guint prospects_per_rep)
{
  g_autofree char *dir = g_build_filename (work_dir, name, NULL);
  g_autofree char *campaigns = g_build_filename (dir, "campaigns", NULL);
  g_autofree char *campaign = g_build_filename (campaigns, "bench.conf", NULL);
  g_autofree char *config = g_build_filename (dir, "prospectd.conf", NULL);
  g_autofree char *log_path = g_build_filename (dir, "prospectd.log", NULL);
  g_autofree char *db = g_build_filename (dir, "prospectd.db", NULL);
  g_autofree char *feed = g_build_filename (dir, "feeds", "bench", "rep0001.ics", NULL);
  char *daemon_argv[] = { (char *) prospectd, "--config", config, "--now", "2027-01-08T18:00", NULL };
  DaemonOrg org = { 0 };
  double start;
  g_autoptr (GError) error = NULL;
  PdStore *store;
  pid_t pid;
  int status;

  g_mkdir_with_parents (campaigns, 0700);
  g_file_set_contents (campaign, text, -1, NULL);
  {
    g_autofree char *conf = g_strdup_printf ("[daemon]\ncampaigns = %s\ndatabase = %s\nfeeds = %s/feeds\n"
                                             "notify =\n[feeds]\nlisten =\n", campaigns, db, dir);
    g_file_set_contents (config, conf, -1, NULL);
  }
  if (prospects_per_rep > 0)
    add_prospects (db, reps, prospects_per_rep);
  start = now_seconds ();
  pid = spawn_logged (daemon_argv, log_path);
  while (pid > 0 && !file_contains (log_path, "next wake-up at") && now_seconds () - start < 900)
    g_usleep (20000);
  org.first = now_seconds () - start;
  if (pid <= 0 || !file_contains (log_path, "next wake-up at"))
    {
      if (pid > 0)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
        }
      return org;
    }
  org.ok = TRUE;
  org.rss = process_kib (pid, "VmRSS:");
  org.hwm_first = process_kib (pid, "VmHWM:");

  store = pd_store_open (db, &error);
  for (guint i = 0; store != NULL && i < LARGE_LOGS; i++)
    {
      guint wakeups = count_in_file (log_path, "next wake-up at");
      double seconds = log_and_time (store, "bench", "rep0001", 5 + i, feed, 300, 1000);

      if (isnan (seconds))
        break;
      org.reactions[org.n_reactions++] = seconds;
      /* Let the evaluation finish before the next commit, and the
       * daemon's 100 ms between re-plans for commits pass. */
      for (guint k = 0; k < 6000 && count_in_file (log_path, "next wake-up at") <= wakeups; k++)
        g_usleep (5000);
      g_usleep (150000);
    }
  pd_store_close (store);
  org.hwm_logs = process_kib (pid, "VmHWM:");
  /* A reload (SIGHUP) with every file as it was: until its evaluation
   * is done. */
  {
    guint wakeups = count_in_file (log_path, "next wake-up at");
    double cpu = pid_cpu_seconds (pid);

    start = now_seconds ();
    kill (pid, SIGHUP);
    while (count_in_file (log_path, "next wake-up at") <= wakeups && now_seconds () - start < 300)
      g_usleep (5000);
    org.reload = now_seconds () - start;
    org.reload_cpu = pid_cpu_seconds (pid) - cpu;
    org.hwm_reload = process_kib (pid, "VmHWM:");
  }
  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    GStatBuf db_stat = { 0 }, wal_stat = { 0 };

    g_stat (db, &db_stat);
    g_stat (wal, &wal_stat);
    org.db_mib = (double) (db_stat.st_size + wal_stat.st_size) / (1024 * 1024);
  }
  return org;
}

static void
section_daemon_large (const char *prospectd)
{
  g_autofree char *small_text = NULL;
  guint reps = n_reps;
  char target[64];
  DaemonOrg large, small, large_lists, small_lists;

  heading ("(g) the daemon running the whole organisation (one campaign), --now 2027-01-08T18:00");
  large = daemon_org_run (prospectd, "daemon-large", campaign_text, reps, 0);
  n_reps = 5;
  small_text = organisation_new ();
  n_reps = reps;
  small = daemon_org_run (prospectd, "daemon-small", small_text, 5, 0);
  large_lists = daemon_org_run (prospectd, "daemon-large-lists", campaign_text, reps, PROSPECTS_PER_REP);
  small_lists = daemon_org_run (prospectd, "daemon-small-lists", small_text, 5, PROSPECTS_PER_REP);
  if (!large.ok)
    {
      printf ("    prospectd did not finish its first evaluation (see its log); skipped\n");
      return;
    }
  printf ("%-44s %10.1f s                           (no target)\n",
          "first evaluation (1000 catch-ups, all feeds)", large.first);
  printf ("%-44s %10.1f MiB\n", "VmRSS after it", large.rss / 1024);
  g_snprintf (target, sizeof target, "target <= 64 MiB: %s", large.hwm_first <= 64 * 1024 ? "met" : "MISSED");
  printf ("%-44s %10.1f MiB                         %s\n", "VmHWM after it", large.hwm_first / 1024, target);
  if (large.n_reactions > 0)
    {
      Stat s = stat_of (large.reactions, large.n_reactions);
      g_autofree char *what = g_strdup_printf ("reaction: one rep's log -> its feed (%u logs)", large.n_reactions);

      g_snprintf (target, sizeof target, "target <= 100 ms: %s", s.median <= 0.1 ? "met" : "MISSED");
      row (what, s, 1e3, "ms", 1, target);
      if (small.ok && small.n_reactions > 0)
        {
          Stat t = stat_of (small.reactions, small.n_reactions);
          Stat ratio = { s.median / t.median, s.min / t.min, s.max / t.max };

          row ("the same, 5 reps", t, 1e3, "ms", 1, "");
          g_snprintf (target, sizeof target, "target <= 2x: %s", ratio.median <= 2 ? "met" : "MISSED");
          row ("1000 reps / 5 reps", ratio, 1, "x", 2, target);
        }
    }
  else
    printf ("%-44s %14s\n", "reaction: one rep's log -> its feed", "none in 300 s");
  g_snprintf (target, sizeof target, "target <= 64 MiB: %s", large.hwm_logs <= 64 * 1024 ? "met" : "MISSED");
  g_autofree char *after = g_strdup_printf ("VmHWM after the %u logs", large.n_reactions);
  printf ("%-44s %10.1f MiB                         %s\n", after, large.hwm_logs / 1024, target);
  printf ("%-44s %10.2f s    %.2f s of CPU          (no target)\n", "reload (SIGHUP), the same files", large.reload,
          large.reload_cpu);
  g_snprintf (target, sizeof target, "target <= 64 MiB: %s", large.hwm_reload <= 64 * 1024 ? "met" : "MISSED");
  printf ("%-44s %10.1f MiB                         %s\n", "VmHWM after it", large.hwm_reload / 1024, target);
  printf ("%-44s %10.1f MiB   (%u catch-up revisions)\n", "database after it (with its WAL)", large.db_mib,
          1 + large.n_reactions);

  /* With a prospect file: every feed shows its call lists. */
  printf ("    with a prospect file, %u new prospects per rep:\n", PROSPECTS_PER_REP);
  if (large_lists.ok && large_lists.n_reactions > 0)
    {
      Stat s = stat_of (large_lists.reactions, large_lists.n_reactions);

      g_snprintf (target, sizeof target, "target <= 100 ms: %s", s.median <= 0.1 ? "met" : "MISSED");
      row ("reaction with call lists, 1000 reps", s, 1e3, "ms", 1, target);
      if (small_lists.ok && small_lists.n_reactions > 0)
        {
          Stat t = stat_of (small_lists.reactions, small_lists.n_reactions);
          Stat ratio = { s.median / t.median, s.min / t.min, s.max / t.max };

          row ("the same, 5 reps", t, 1e3, "ms", 1, "");
          g_snprintf (target, sizeof target, "target <= 2x: %s", ratio.median <= 2 ? "met" : "MISSED");
          row ("1000 reps / 5 reps, with call lists", ratio, 1, "x", 2, target);
        }
      g_snprintf (target, sizeof target, "target <= 64 MiB: %s", large_lists.hwm_logs <= 64 * 1024 ? "met" : "MISSED");
      printf ("%-44s %10.1f MiB                         %s\n", "VmHWM after the logs, with call lists",
              large_lists.hwm_logs / 1024, target);
    }
  else
    printf ("%-44s %14s\n", "reaction with call lists", "none");
}

/* ------------------------------------ (h) the feed server beside a re-plan */

/* Section (h) measures the feed server of a daemon running the whole
 * organisation with [feeds] listen on loopback: how long a feed GET
 * takes while the daemon re-plans everyone (its first evaluation, then a
 * reload by SIGHUP) and when idle, then how many 304s and 200s per
 * second 100 concurrent clients get, beside bench/ref-server.py (Python's
 * ThreadingHTTPServer reading and hashing the same file per request) and
 * beside their floor (a minimal C server answering a fixed 304).
 * BENCH_BASELINE_PROSPECTD names another prospectd (e.g. one built from
 * an older commit) measured the same way in the same run; BENCH_LOAD_SECONDS
 * (default 3) is the length of each load. */

#define SERVE_CLIENTS 100
#define SERVE_MAX_CONNECTIONS 400 /* a quarter (one address's share) >= SERVE_CLIENTS */
#define PROBE_PAUSE_USEC 10000
#define IDLE_PROBES 200

static guint
free_loopback_port (void)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  guint port = 0;

  if (fd >= 0 && bind (fd, (struct sockaddr *) &address, sizeof address) == 0
      && getsockname (fd, (struct sockaddr *) &address, &length) == 0)
    port = ntohs (address.sin_port);
  if (fd >= 0)
    close (fd);
  return port;
}

/* One request on a new connection to 127.0.0.1:port, read until the
 * server closes: its status code; 0 when it could not connect, 1 when no
 * status came back. When ret_etag is given, the answer's ETag (newly
 * allocated) is written there. */
static guint
http_once (guint port, const char *request, char **ret_etag)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((guint16) port),
                                  .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  struct timeval timeout = { .tv_sec = 30 };
  char buffer[65536];
  gsize length = strlen (request);
  gboolean first = TRUE;
  guint status = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ssize_t got;

  if (fd < 0)
    return 0;
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    {
      close (fd);
      return 0;
    }
  for (gsize sent = 0; sent < length;)
    {
      ssize_t n = send (fd, request + sent, length - sent, MSG_NOSIGNAL);
      if (n <= 0)
        break;
      sent += (gsize) n;
    }
  /* The head is in the first read's bytes (an answer's head is small);
   * the rest is read to the end and dropped. */
  while ((got = recv (fd, buffer, sizeof buffer - 1, 0)) > 0)
    if (first)
      {
        first = FALSE;
        buffer[got] = '\0';
        if (g_str_has_prefix (buffer, "HTTP/1.") && got > 12)
          status = (guint) atoi (buffer + 9);
        if (ret_etag != NULL)
          {
            const char *etag = strstr (buffer, "\r\nETag: ");
            if (etag != NULL)
              *ret_etag = g_strndup (etag + 8, strcspn (etag + 8, "\r\n"));
          }
      }
  close (fd);
  return status;
}

typedef struct {
  guint port;
  char *request;
  gint stop;          /* atomic */
  GArray *latencies;  /* seconds of each answered request */
} Probe;

/* One request at a time, a short pause between, until told to stop. */
static gpointer
probe_thread (gpointer data)
{
  Probe *probe = data;

  while (!g_atomic_int_get (&probe->stop))
    {
      double start = now_seconds ();
      guint status = http_once (probe->port, probe->request, NULL);

      if (status >= 100)
        {
          double seconds = now_seconds () - start;
          g_array_append_val (probe->latencies, seconds);
        }
      g_usleep (status == 0 ? 2000 : PROBE_PAUSE_USEC);
    }
  return NULL;
}

/* The p-th percentile (0..100) of `values`, nearest rank. */
static double
percentile (GArray *values, double p)
{
  g_autofree double *sorted = NULL;
  guint rank;

  if (values->len == 0)
    return NAN;
  sorted = g_memdup2 (values->data, values->len * sizeof (double));
  qsort (sorted, values->len, sizeof (double), compare_doubles);
  rank = (guint) ceil (p / 100 * values->len);
  return sorted[CLAMP (rank, 1u, values->len) - 1];
}

typedef struct {
  guint port;
  const char *request;
  double until;
  guint answered; /* with the expected status */
  guint expected;
  guint other;
} Loader;

static gpointer
load_thread (gpointer data)
{
  Loader *loader = data;

  while (now_seconds () < loader->until)
    {
      guint status = http_once (loader->port, loader->request, NULL);

      if (status == loader->expected)
        loader->answered++;
      else
        loader->other++;
    }
  return NULL;
}

/* Requests per second answered with `expected` by SERVE_CLIENTS clients
 * for `seconds`; *ret_other counts the other outcomes. */
static double
load_rate (guint port, const char *request, guint expected, double seconds, guint *ret_other)
{
  Loader loaders[SERVE_CLIENTS];
  GThread *threads[SERVE_CLIENTS];
  double start = now_seconds ();
  guint answered = 0, other = 0;

  for (guint i = 0; i < SERVE_CLIENTS; i++)
    {
      loaders[i] = (Loader) { .port = port, .request = request, .until = start + seconds, .expected = expected };
      threads[i] = g_thread_new ("load", load_thread, &loaders[i]);
    }
  for (guint i = 0; i < SERVE_CLIENTS; i++)
    {
      g_thread_join (threads[i]);
      answered += loaders[i].answered;
      other += loaders[i].other;
    }
  *ret_other = other;
  return answered / (now_seconds () - start);
}

typedef struct {
  gboolean ran;
  double first_p50, first_p99, reload_p50, reload_p99, idle_p50, idle_p99;
  guint first_n, reload_n;
  GArray *rate_304, *rate_200;
  guint other;
  char *feed;      /* the feed served, for the reference */
  char *target;    /* its request target */
  pid_t pid;       /* the daemon, left running for the rates */
  guint port;
  char *request, *conditional;
} ServeResult;

/* Stops the daemon `r` measured, if still running. */
static void
serve_result_stop (ServeResult *r)
{
  int status;

  if (r->pid > 0)
    {
      kill (r->pid, SIGTERM);
      waitpid (r->pid, &status, 0);
      r->pid = 0;
    }
}

static void
serve_result_clear (ServeResult *r)
{
  serve_result_stop (r);
  g_clear_pointer (&r->rate_304, g_array_unref);
  g_clear_pointer (&r->rate_200, g_array_unref);
  g_clear_pointer (&r->feed, g_free);
  g_clear_pointer (&r->target, g_free);
  g_clear_pointer (&r->request, g_free);
  g_clear_pointer (&r->conditional, g_free);
}

/* One run of the rates of the daemon `r` left running: 304s
 * (If-None-Match with the feed's ETag), then 200s. */
static void
measure_rates (ServeResult *r, double load_seconds)
{
  guint other = 0;
  double rate;

  if (r->conditional == NULL)
    return;
  rate = load_rate (r->port, r->conditional, 304, load_seconds, &other);
  g_array_append_val (r->rate_304, rate);
  r->other += other;
  rate = load_rate (r->port, r->request, 200, load_seconds, &other);
  g_array_append_val (r->rate_200, rate);
  r->other += other;
}

static void
probe_start (Probe *probe, GThread **ret_thread)
{
  g_array_set_size (probe->latencies, 0);
  g_atomic_int_set (&probe->stop, 0);
  *ret_thread = g_thread_new ("probe", probe_thread, probe);
}

static void
probe_stop (Probe *probe, GThread *thread)
{
  g_atomic_int_set (&probe->stop, 1);
  g_thread_join (thread);
}

static Stat
stat_of_array (GArray *values)
{
  return stat_of ((const double *) (gpointer) values->data, values->len);
}

/* Whether the child `pid` is still running (else it is reaped). */
static gboolean
still_running (pid_t pid)
{
  int status;

  return pid > 0 && waitpid (pid, &status, WNOHANG) == 0;
}

/* rep0001's token, made by `prospectctl feed-url` (the program beside
 * `prospectd`, so that a baseline's database has its own schema), or
 * NULL. */
static char *
make_token (const char *prospectd, const char *config)
{
  g_autofree char *dir = g_path_get_dirname (prospectd);
  g_autofree char *prospectctl = g_build_filename (dir, "prospectctl", NULL);
  char *argv[] = { prospectctl, (char *) "--config", (char *) config, (char *) "feed-url", (char *) "bench",
                   (char *) "--rep", (char *) "rep0001", NULL };
  g_autofree char *out = NULL;
  const char *token;
  int status;

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL) || (token = strstr (out, "token=")) == NULL)
    return NULL;
  token += strlen ("token=");
  return g_strndup (token, strspn (token, "0123456789abcdef"));
}

/* Runs `prospectd` on the organisation in `name` under work_dir, and
 * measures its feed server's latencies; the daemon is left running for
 * measure_rates() (serve_result_stop() ends it). */
static void
measure_server (const char *prospectd, const char *name, ServeResult *r)
{
  g_autofree char *dir = g_build_filename (work_dir, name, NULL);
  g_autofree char *campaigns = g_build_filename (dir, "campaigns", NULL);
  g_autofree char *campaign = g_build_filename (campaigns, "bench.conf", NULL);
  g_autofree char *config = g_build_filename (dir, "prospectd.conf", NULL);
  g_autofree char *log_path = g_build_filename (dir, "prospectd.log", NULL);
  g_autofree char *db = g_build_filename (dir, "prospectd.db", NULL);
  g_autofree char *token = NULL, *etag = NULL;
  char *request;
  char *daemon_argv[] = { (char *) prospectd, "--config", config, "--now", "2027-01-08T18:00", NULL };
  Probe probe = { 0 };
  GThread *thread = NULL;
  guint port = free_loopback_port ();
  guint wakeups;
  double start;
  pid_t pid;
  int status;

  g_mkdir_with_parents (campaigns, 0700);
  g_file_set_contents (campaign, campaign_text, -1, NULL);
  {
    g_autofree char *text = g_strdup_printf ("[daemon]\ncampaigns = %s\ndatabase = %s\nfeeds = %s/feeds\n"
                                             "notify =\n[feeds]\nlisten = 127.0.0.1:%u\nmax_connections = %u\n",
                                             campaigns, db, dir, port, SERVE_MAX_CONNECTIONS);
    g_file_set_contents (config, text, -1, NULL);
  }
  /* rep0001's feed URL, made before the daemon starts. */
  token = make_token (prospectd, config);
  if (token == NULL)
    {
      printf ("    %s: no prospectctl beside it made a feed URL; skipped\n", prospectd);
      return;
    }
  r->target = g_strdup_printf ("/feeds/bench/rep0001.ics?token=%s", token);
  r->feed = g_build_filename (dir, "feeds", "bench", "rep0001.ics", NULL);
  request = r->request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", r->target);
  r->port = port;

  /* During the first evaluation (a catch-up for everyone, every feed
   * written): requests from as soon as the server listens. */
  probe.port = port;
  probe.request = request;
  probe.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  pid = spawn_logged (daemon_argv, log_path);
  probe_start (&probe, &thread);
  start = now_seconds ();
  while (still_running (pid) && !file_contains (log_path, "next wake-up at") && now_seconds () - start < 900)
    g_usleep (20000);
  probe_stop (&probe, thread);
  if (!still_running (pid) || !file_contains (log_path, "next wake-up at"))
    {
      printf ("    %s did not finish its first evaluation (see %s); skipped\n", prospectd, log_path);
      if (still_running (pid))
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
        }
      g_array_unref (probe.latencies);
      return;
    }
  r->ran = TRUE;
  r->first_n = probe.latencies->len;
  r->first_p50 = percentile (probe.latencies, 50);
  r->first_p99 = percentile (probe.latencies, 99);

  /* During a reload (SIGHUP): every campaign loaded again and everyone
   * re-planned. */
  wakeups = count_in_file (log_path, "next wake-up at");
  probe_start (&probe, &thread);
  g_usleep (50000);
  kill (pid, SIGHUP);
  start = now_seconds ();
  while (still_running (pid) && count_in_file (log_path, "next wake-up at") <= wakeups
         && now_seconds () - start < 900)
    g_usleep (20000);
  probe_stop (&probe, thread);
  r->reload_n = probe.latencies->len;
  r->reload_p50 = percentile (probe.latencies, 50);
  r->reload_p99 = percentile (probe.latencies, 99);

  /* Idle. */
  g_array_set_size (probe.latencies, 0);
  for (guint i = 0; i < IDLE_PROBES; i++)
    {
      double begin = now_seconds ();

      if (http_once (port, request, NULL) >= 100)
        {
          double seconds = now_seconds () - begin;
          g_array_append_val (probe.latencies, seconds);
        }
    }
  r->idle_p50 = percentile (probe.latencies, 50);
  r->idle_p99 = percentile (probe.latencies, 99);
  g_array_unref (probe.latencies);

  /* For the rates (measure_rates()): the feed's ETag. */
  if (http_once (port, request, &etag) == 200 && etag != NULL)
    {
      r->conditional = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: %s\r\n\r\n",
                                        r->target, etag);
      r->rate_304 = g_array_new (FALSE, FALSE, sizeof (double));
      r->rate_200 = g_array_new (FALSE, FALSE, sizeof (double));
    }
  r->pid = pid;
}

/* bench/ref-server.py serving `feed`: the 304 and 200 rates as above. */
static gboolean
measure_reference (const char *feed, double load_seconds, GArray *rate_304, GArray *rate_200, guint *ret_other)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *port_path = g_build_filename (work_dir, "ref-server.port", NULL);
  g_autofree char *text = NULL, *etag = NULL, *request = NULL, *conditional = NULL;
  char *argv[] = { (char *) "/usr/bin/python3", (char *) "bench/ref-server.py", (char *) feed, NULL };
  guint port = 0;
  pid_t pid;
  int status;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (argv[1], G_FILE_TEST_EXISTS))
    return FALSE;
  pid = spawn_logged (argv, port_path);
  for (guint i = 0; pid > 0 && i < 200 && port == 0; i++)
    {
      g_usleep (50000);
      g_clear_pointer (&text, g_free);
      if (g_file_get_contents (port_path, &text, NULL, NULL) && strchr (text, '\n') != NULL)
        port = (guint) atoi (text);
    }
  if (port == 0)
    {
      if (pid > 0)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
        }
      return FALSE;
    }
  request = g_strdup ("GET /feed.ics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  if (http_once (port, request, &etag) == 200 && etag != NULL)
    {
      conditional = g_strdup_printf ("GET /feed.ics HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: %s\r\n\r\n", etag);
      for (guint i = 0; i < runs; i++)
        {
          guint other = 0;
          double rate = load_rate (port, conditional, 304, load_seconds, &other);

          g_array_append_val (rate_304, rate);
          *ret_other += other;
          rate = load_rate (port, request, 200, load_seconds, &other);
          g_array_append_val (rate_200, rate);
          *ret_other += other;
        }
    }
  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);
  return rate_200->len > 0;
}

/* The floor of a 304 on these sockets: a minimal server on a thread of
 * its own (as the feed server is), one poll() loop: accept, read the
 * request head, send a fixed 304 head the size of the feed server's,
 * close. No parsing, no lookup, no log line: what any server answering
 * one request per connection pays at least. */
typedef struct {
  int listener;
  gint stop; /* atomic */
} FloorServer;

#define FLOOR_ANSWER                                                                                         \
  "HTTP/1.1 304 Not Modified\r\nConnection: close\r\nDate: Mon, 30 Nov 2026 05:01:45 GMT\r\n"              \
  "ETag: \"7692bf1e749d83e91ab8c07f40c83d50\"\r\nLast-Modified: Mon, 30 Nov 2026 05:01:44 GMT\r\n"            \
  "Cache-Control: private, max-age=300\r\nAccept-Ranges: none\r\n\r\n"

static gpointer
floor_thread (gpointer data)
{
  FloorServer *floor_server = data;
  GArray *fds = g_array_new (FALSE, FALSE, sizeof (struct pollfd));
  struct pollfd listening = { .fd = floor_server->listener, .events = POLLIN };
  char buffer[16384];

  g_array_append_val (fds, listening);
  while (!g_atomic_int_get (&floor_server->stop))
    {
      struct pollfd *polled;

      if (poll ((struct pollfd *) (gpointer) fds->data, fds->len, 100) <= 0)
        continue;
      polled = (struct pollfd *) (gpointer) fds->data;
      for (guint i = fds->len; i-- > 1;)
        {
          ssize_t got;

          if (polled[i].revents == 0)
            continue;
          got = recv (polled[i].fd, buffer, sizeof buffer, MSG_DONTWAIT);
          if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
          if (got > 0 && g_strstr_len (buffer, got, "\r\n\r\n") == NULL)
            continue; /* a head in several reads: not from our clients */
          if (got > 0)
            send (polled[i].fd, FLOOR_ANSWER, strlen (FLOOR_ANSWER), MSG_NOSIGNAL);
          close (polled[i].fd);
          g_array_remove_index_fast (fds, i);
          polled = (struct pollfd *) (gpointer) fds->data;
        }
      if (polled[0].revents & POLLIN)
        for (int fd; (fd = accept4 (floor_server->listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;)
          {
            struct pollfd client = { .fd = fd, .events = POLLIN };
            g_array_append_val (fds, client);
          }
    }
  for (guint i = 1; i < fds->len; i++)
    close (g_array_index (fds, struct pollfd, i).fd);
  g_array_unref (fds);
  return NULL;
}

/* One run of the floor's 304 rate, measured as the feed server's. */
static gboolean
measure_floor (double load_seconds, GArray *rate_304, guint *ret_other)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t length = sizeof address;
  FloorServer floor_server = { .listener = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) };
  g_autofree char *request = NULL;
  GThread *thread;

  if (floor_server.listener < 0 || bind (floor_server.listener, (struct sockaddr *) &address, sizeof address) != 0
      || listen (floor_server.listener, 1024) != 0
      || getsockname (floor_server.listener, (struct sockaddr *) &address, &length) != 0)
    {
      if (floor_server.listener >= 0)
        close (floor_server.listener);
      return FALSE;
    }
  thread = g_thread_new ("floor", floor_thread, &floor_server);
  request = g_strdup ("GET /feed.ics HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: \"7692bf1e749d83e91ab8c07f40c83d50\"\r\n\r\n");
  {
    guint other = 0;
    double rate = load_rate (ntohs (address.sin_port), request, 304, load_seconds, &other);

    g_array_append_val (rate_304, rate);
    *ret_other += other;
  }
  g_atomic_int_set (&floor_server.stop, 1);
  g_thread_join (thread);
  close (floor_server.listener);
  return TRUE;
}

static void
print_latencies (const char *label, const ServeResult *r)
{
  char what[64];

  g_snprintf (what, sizeof what, "%s: during the first evaluation", label);
  printf ("%-44s %8.1f / %6.1f ms (%u GETs)  p99 <= 50 ms\n", what, r->first_p50 * 1e3, r->first_p99 * 1e3,
          r->first_n);
  g_snprintf (what, sizeof what, "%s: during a reload (SIGHUP)", label);
  printf ("%-44s %8.1f / %6.1f ms (%u GETs)  p99 <= 50 ms\n", what, r->reload_p50 * 1e3, r->reload_p99 * 1e3,
          r->reload_n);
  g_snprintf (what, sizeof what, "%s: idle", label);
  printf ("%-44s %8.1f / %6.1f ms (%u GETs)\n", what, r->idle_p50 * 1e3, r->idle_p99 * 1e3, IDLE_PROBES);
}

static void
section_serve (const char *prospectd)
{
  const char *baseline = g_getenv ("BENCH_BASELINE_PROSPECTD");
  const char *seconds_env = g_getenv ("BENCH_LOAD_SECONDS");
  double load_seconds = seconds_env != NULL ? MAX (0.5, g_ascii_strtod (seconds_env, NULL)) : 3.0;
  ServeResult now = { 0 }, before = { 0 };
  g_autoptr (GArray) ref_304 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) ref_200 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) floor_304 = g_array_new (FALSE, FALSE, sizeof (double));
  guint ref_other = 0, floor_other = 0;
  double today_304;
  char target[96];

  heading ("(h) the feed server beside a re-plan of the whole organisation (listen on loopback)");
  /* Left running, idle (its next wake-up is hours away), while the
   * baseline is measured. */
  measure_server (prospectd, "serve", &now);
  if (baseline != NULL && g_file_test (baseline, G_FILE_TEST_IS_EXECUTABLE))
    measure_server (baseline, "serve-baseline", &before);
  if (!now.ran)
    {
      serve_result_clear (&now);
      serve_result_clear (&before);
      return;
    }
  /* The rates: this prospectd, the baseline and the floor in turn, run
   * after run, so that the machine's load weighs on each alike. */
  for (guint i = 0; i < runs; i++)
    {
      measure_rates (&now, load_seconds);
      if (before.ran)
        measure_rates (&before, load_seconds);
      measure_floor (load_seconds, floor_304, &floor_other);
    }
  serve_result_stop (&now);
  serve_result_stop (&before);
  printf ("feed GET, p50 / p99 (rep0001's feed; a 404 until it is written)\n");
  print_latencies ("this prospectd", &now);
  if (before.ran)
    print_latencies ("baseline", &before);
  measure_reference (now.feed, load_seconds, ref_304, ref_200, &ref_other);

  printf ("%u concurrent clients, %.1f s each, one request per connection (runs: %u)\n", SERVE_CLIENTS,
          load_seconds, runs);
  /* Today's 304 rate: the baseline's, measured above, or the issue's
   * figure (same machine, before the ETag cache). */
  today_304 = before.ran && before.rate_304 != NULL ? stat_of_array (before.rate_304).median : 377;
  if (now.rate_304 != NULL)
    {
      g_snprintf (target, sizeof target, ">= %.0f/s (10x %s %.0f/s)", 10 * today_304,
                  before.ran ? "baseline" : "the issue's", today_304);
      row ("304s/s, this prospectd", stat_of_array (now.rate_304), 1, "/s", 0, target);
    }
  if (before.ran && before.rate_304 != NULL)
    row ("304s/s, baseline", stat_of_array (before.rate_304), 1, "/s", 0, "");
  if (ref_304->len > 0)
    row ("304s/s, Python ThreadingHTTPServer", stat_of_array (ref_304), 1, "/s", 0, "(reference)");
  if (floor_304->len > 0)
    {
      g_snprintf (target, sizeof target, "(floor: accept, read, a fixed 304, close%s)",
                  floor_other > 0 ? "; some answers lost" : "");
      row ("304s/s, a minimal C server", stat_of_array (floor_304), 1, "/s", 0, target);
      if (now.rate_304 != NULL)
        printf ("%-44s %10.2f\n", "this prospectd's 304s / the floor's",
                stat_of_array (now.rate_304).median / stat_of_array (floor_304).median);
    }
  if (now.rate_200 != NULL)
    {
      if (ref_200->len > 0)
        g_snprintf (target, sizeof target, ">= %.0f/s (1x Python)", stat_of_array (ref_200).median);
      else
        g_strlcpy (target, "(no python3: no reference)", sizeof target);
      row ("200s/s, this prospectd", stat_of_array (now.rate_200), 1, "/s", 0, target);
    }
  if (before.ran && before.rate_200 != NULL)
    row ("200s/s, baseline", stat_of_array (before.rate_200), 1, "/s", 0, "");
  if (ref_200->len > 0)
    row ("200s/s, Python ThreadingHTTPServer", stat_of_array (ref_200), 1, "/s", 0, "(reference)");
  printf ("%-44s %8u / %u / %u   (this / baseline / Python)\n", "answers of another status or none", now.other,
          before.other, ref_other);
  serve_result_clear (&now);
  serve_result_clear (&before);
}

/* ------------------------------------------- (i) one rep's commands */

/* An organisation of `reps` reps (the generator above, resized) in its own
 * directory: the campaign file, a prospectd.conf, and a database where
 * every rep logged every working day from the start to `through`, and
 * which holds the campaign's baseline, as every database a daemon or a
 * `log` has opened does (the commands compare the file with it). */
static char *
org_dir_new (guint reps, const char *through)
{
  guint saved = n_reps;
  g_autofree char *name = g_strdup_printf ("org-%u-%s", reps, through);
  char *dir = g_build_filename (work_dir, name, NULL);
  g_autofree char *campaigns = g_build_filename (dir, "campaigns", NULL);
  g_autofree char *campaign = g_build_filename (campaigns, "bench.conf", NULL);
  g_autofree char *db_path = g_build_filename (dir, "prospectd.db", NULL);
  g_autofree char *config = g_build_filename (dir, "prospectd.conf", NULL);
  g_autofree char *feeds = g_build_filename (dir, "feeds", NULL);
  g_autofree char *config_text = g_strdup_printf ("[daemon]\ncampaigns = %s\ndatabase = %s\nfeeds = %s\n",
                                                  campaigns, db_path, feeds);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED + 2);
  PdStore *store;
  sqlite3 *db;
  sqlite3_stmt *insert;
  GDate day, last;

  n_reps = reps;
  text = organisation_new ();
  n_reps = saved;
  g_mkdir_with_parents (campaigns, 0700);
  g_file_set_contents (campaign, text, -1, NULL);
  g_file_set_contents (config, config_text, -1, NULL);
  store = pd_store_open (db_path, &error);
  if (store == NULL || !pd_store_ensure_campaign (store, "bench", "Benchmark 2027", &error))
    g_error ("bench: %s", error->message);
  pd_store_close (store);
  if (sqlite3_open (db_path, &db) != SQLITE_OK)
    g_error ("bench: cannot open %s", db_path);
  exec_or_die (db, "PRAGMA cache_size = -65536; BEGIN IMMEDIATE");
  sqlite3_prepare_v2 (db,
                      "INSERT INTO activity (campaign, rep, date, contacts, prospects, active,"
                      " latent, arid, proposals, deals, revenue_cents, created)"
                      " VALUES ('bench', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1798761600)",
                      -1, &insert, NULL);
  g_date_clear (&last, 1);
  g_date_set_parse (&last, through);
  for (guint r = 1; r <= reps; r++)
    {
      char rep[16];

      g_snprintf (rep, sizeof rep, "rep%04u", r);
      g_date_clear (&day, 1);
      g_date_set_dmy (&day, 4, G_DATE_JANUARY, 2027);
      for (; g_date_compare (&day, &last) <= 0; g_date_add_days (&day, 1))
        {
          char date[16];
          gint64 contacts = g_rand_int_range (rand, 20, 60);
          gint64 prospects = contacts / 4;

          if (g_date_get_weekday (&day) > G_DATE_FRIDAY)
            continue;
          g_date_strftime (date, sizeof date, "%Y-%m-%d", &day);
          sqlite3_bind_text (insert, 1, rep, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (insert, 2, date, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (insert, 3, contacts);
          sqlite3_bind_int64 (insert, 4, prospects);
          sqlite3_bind_int64 (insert, 5, prospects / 4);
          sqlite3_bind_int64 (insert, 6, prospects / 4);
          sqlite3_bind_int64 (insert, 7, prospects - 2 * (prospects / 4));
          sqlite3_bind_int64 (insert, 8, g_rand_int_range (rand, 0, 100) < 3);
          sqlite3_bind_int64 (insert, 9, g_rand_int_range (rand, 0, 1000) < 3);
          sqlite3_bind_int64 (insert, 10, 0);
          if (sqlite3_step (insert) != SQLITE_DONE)
            g_error ("bench: insert: %s", sqlite3_errmsg (db));
          sqlite3_reset (insert);
        }
    }
  sqlite3_finalize (insert);
  exec_or_die (db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);

  /* The baseline, recorded as the first command that writes records it
   * (pd_ctl_record_campaign). */
  {
    g_autoptr (PdCampaign) loaded = pd_config_load_campaign (campaign, &error);
    GDate start;

    if (loaded == NULL)
      g_error ("bench: %s", error->message);
    pd_workcal_prepare (loaded);
    start = loaded->start;
    store = pd_store_open (db_path, &error);
    if (store == NULL || !pd_catchup_rep_starts (store, loaded, &start, TRUE, &error)
        || !pd_catchup_freeze_past (store, loaded, &start, 1798761600, TRUE, &error))
      g_error ("bench: %s", error->message);
    pd_store_close (store);
  }
  return dir;
}

/* ------------------------------------------- (k) importing a prospect file */

/* Section (k): `prospectctl prospects import` of a 100 000-row CSV file as
 * a French spreadsheet writes it (';', CRLF, a header in French) into a
 * campaign of the organisation's reps whose store already holds 50 000
 * prospects from another file; 10 % of the rows are prospects of that
 * other file written otherwise (the phone as +33 (0)1..., the company
 * with a legal form), so that they are matched, not added. Each run
 * imports into a fresh copy of the same store. Beside it, in the same
 * run, the floor: libcsv alone parsing the same bytes (no callback work),
 * in this process; the peak of a file twice as long (what a row more
 * costs: the memory must grow by the rows' keys, not by the rows); and
 * the same import on PostgreSQL (a throwaway cluster of
 * tests/pg-cluster.sh, a new database holding the other file per run). */

static guint import_rows = 100000;

/* Row `i` of a prospect file; `other_form`: the same prospect written
 * as another file would. */
static void
prospect_row (GString *out, guint i, gboolean other_form)
{
  static const char *const sectors[] = { "industrie", "services", "commerce", "bâtiment", "transport" };
  static const char *const cities[] = { "Lyon", "Villeurbanne", "Vénissieux", "Bron", "Saint-Priest" };
  guint number = 10000000u + i;

  if (other_form)
    g_string_append_printf (out, "Entreprise %u SARL;Nom%u;;+33 (0)1 %02u %02u %02u %02u;;%s;69%03u;%s;%u;Sud\r\n",
                            i, i, number / 1000000 % 100, number / 10000 % 100, number / 100 % 100, number % 100,
                            cities[i % 5], i % 1000, sectors[i % 5], 5 + i % 200);
  else
    g_string_append_printf (out, "Entreprise %u;Nom%u;Prénom%u;01 %02u %02u %02u %02u;contact%u@exemple.fr;%s;69%03u;"
                            "%s;%u;\"Note %u; rappeler\"\r\n",
                            i, i, i, number / 1000000 % 100, number / 10000 % 100, number / 100 % 100, number % 100,
                            i, cities[i % 5], i % 1000, sectors[i % 5], 5 + i % 200, i);
}

static void
count_field (void *field, size_t length, void *data)
{
  (void) field;
  (void) length;
  ++*(guint64 *) data;
}

static void
count_row (int terminator, void *data)
{
  (void) terminator;
  (void) data;
}

/* The store at db_path made `base` again, without -wal or -shm. */
static void
fresh_copy (const char *db_path, const char *base, gsize base_length)
{
  for (const char *suffix = ""; suffix != NULL; suffix = g_str_equal (suffix, "") ? "-wal"
                                                   : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *path = g_strconcat (db_path, suffix, NULL);
      g_unlink (path);
    }
  g_file_set_contents (db_path, base, (gssize) base_length, NULL);
}

static char *pg_bench_database (const char *name);

/* The measured file: a header and `n` rows, every tenth one a prospect of
 * the other file (of `n_first` rows) written otherwise. */
static void
measured_file (const char *path, guint n, guint n_first)
{
  g_autoptr (GString) text = g_string_new ("Société;Nom;Prénom;Téléphone;E-mail;Ville;Code postal;Secteur;"
                                           "Effectif;Commentaire\r\n");
  guint duplicates = n / 10;

  for (guint i = 0; i < n; i++)
    {
      if (i % 10 == 0)
        prospect_row (text, (i / 10) * (n_first / MAX (duplicates, 1)) % n_first, TRUE);
      else
        prospect_row (text, n_first + i, FALSE);
    }
  g_file_set_contents (path, text->str, (gssize) text->len, NULL);
}

/* CPU time (user + system) of the children between two getrusage(). */
static double
children_cpu (const struct rusage *before, const struct rusage *after)
{
  return (double) (after->ru_utime.tv_sec - before->ru_utime.tv_sec + after->ru_stime.tv_sec
                   - before->ru_stime.tv_sec)
         + (double) (after->ru_utime.tv_usec - before->ru_utime.tv_usec + after->ru_stime.tv_usec
                     - before->ru_stime.tv_usec) / 1e6;
}

static void
section_import (const char *prospectctl)
{
  g_autofree char *dir = g_build_filename (work_dir, "import", NULL);
  g_autofree char *campaigns = g_build_filename (dir, "campaigns", NULL);
  g_autofree char *campaign = g_build_filename (campaigns, "bench.conf", NULL);
  g_autofree char *db_path = g_build_filename (dir, "prospectd.db", NULL);
  g_autofree char *base_path = g_build_filename (dir, "base.db", NULL);
  g_autofree char *config = g_build_filename (dir, "prospectd.conf", NULL);
  g_autofree char *first = g_build_filename (dir, "annuaire.csv", NULL);
  g_autofree char *second = g_build_filename (dir, "salon.csv", NULL);
  g_autofree char *twice_as_long = g_build_filename (dir, "salon-double.csv", NULL);
  g_autofree char *pg_dir = g_build_filename (work_dir, "import-pg", NULL);
  g_autofree char *pg_campaigns = g_build_filename (pg_dir, "campaigns", NULL);
  g_autofree char *pg_campaign = g_build_filename (pg_campaigns, "bench.conf", NULL);
  g_autofree char *pg_config = g_build_filename (pg_dir, "prospectd.conf", NULL);
  g_autofree char *config_text = g_strdup_printf ("[daemon]\ncampaigns = %s\ndatabase = %s\nfeeds = %s/feeds\n",
                                                  campaigns, db_path, dir);
  g_autoptr (GString) text = g_string_new ("Société;Nom;Prénom;Téléphone;E-mail;Ville;Code postal;Secteur;"
                                           "Effectif;Commentaire\r\n");
  g_autofree double *parse = g_new0 (double, runs);
  g_autofree double *time = g_new0 (double, runs);
  g_autofree double *cpu = g_new0 (double, runs);
  g_autofree double *peak = g_new0 (double, runs);
  g_autofree double *pg_time = g_new0 (double, runs);
  g_autofree double *pg_cpu = g_new0 (double, runs);
  g_autofree char *base = NULL;
  g_autofree char *measured = NULL;
  gsize base_length = 0, measured_length = 0;
  const char *import_first[] = { "prospects", "import", "bench", first, "--source", "annuaire", NULL };
  const char *import_second[] = { "prospects", "import", "bench", second, "--source", "salon", NULL };
  const char *import_double[] = { "prospects", "import", "bench", twice_as_long, "--source", "salon", NULL };
  guint n_first = import_rows / 2, duplicates = import_rows / 10, pg_runs = 0;
  double start = now_seconds (), seconds, kib, peak_double;
  Stat t, p, pg;
  char target[160];

  if (g_getenv ("BENCH_IMPORT_ROWS") != NULL)
    import_rows = MAX (10, (guint) atoi (g_getenv ("BENCH_IMPORT_ROWS")));
  n_first = import_rows / 2;
  duplicates = import_rows / 10;
  g_mkdir_with_parents (campaigns, 0700);
  g_file_set_contents (campaign, campaign_text, -1, NULL);
  g_file_set_contents (config, config_text, -1, NULL);
  /* The other file: n_first prospects, imported once before the runs. */
  for (guint i = 0; i < n_first; i++)
    prospect_row (text, i, FALSE);
  g_file_set_contents (first, text->str, (gssize) text->len, NULL);
  /* The measured file, and one twice as long for the memory's slope. */
  measured_file (second, import_rows, n_first);
  measured_file (twice_as_long, 2 * import_rows, n_first);
  if (!g_file_get_contents (second, &measured, &measured_length, NULL))
    g_error ("bench: cannot read %s", second);
  run_ctl (prospectctl, dir, import_first, &seconds, &kib);
  if (!g_file_get_contents (db_path, &base, &base_length, NULL))
    g_error ("bench: cannot read %s", db_path);
  g_file_set_contents (base_path, base, (gssize) base_length, NULL);

  heading ("(k) importing a prospect file (prospectctl process; libcsv alone in this process)");
  printf ("    %u rows (%.1f MiB, ';', CRLF), %u of them prospects of a %u-row file already imported"
          " (%.1f s, outside the measurement), %u reps\n",
          import_rows, measured_length / 1048576.0, duplicates, n_first, now_seconds () - start, n_reps);
  for (guint i = 0; i < runs; i++)
    {
      struct csv_parser parser;
      struct rusage before, after;
      guint64 fields = 0;
      double parse_start;
      GPtrArray *argv = ctl_argv (prospectctl, dir, import_second);

      /* Time and CPU (the children's usage around the one run), then the
       * peak under `bench --peak`, each into a fresh copy of the store
       * holding the other file. */
      fresh_copy (db_path, base, base_length);
      getrusage (RUSAGE_CHILDREN, &before);
      time[i] = run_process ((char **) argv->pdata + 2);
      getrusage (RUSAGE_CHILDREN, &after);
      ctl_argv_free (argv);
      cpu[i] = children_cpu (&before, &after);
      fresh_copy (db_path, base, base_length);
      peak[i] = peak_ctl (prospectctl, dir, import_second);

      parse_start = now_seconds ();
      csv_init (&parser, CSV_STRICT | CSV_STRICT_FINI);
      csv_set_delim (&parser, ';');
      csv_parse (&parser, measured, measured_length, count_field, count_row, &fields);
      csv_fini (&parser, count_field, count_row, &fields);
      csv_free (&parser);
      parse[i] = now_seconds () - parse_start;
      if (fields != (guint64) (import_rows + 1) * 10)
        g_error ("bench: libcsv read %" G_GUINT64_FORMAT " fields", fields);
    }
  /* The peak of the file twice as long, into the same store. */
  fresh_copy (db_path, base, base_length);
  peak_double = peak_ctl (prospectctl, dir, import_double);

  row ("libcsv alone, parsing the file (floor)", stat_of (parse, runs), 1e3, "ms", 1, "");
  t = stat_of (time, runs);
  g_snprintf (target, sizeof target, "target <= 5 s: %s", t.median <= 5 ? "met" : "MISSED");
  row ("prospects import, time", t, 1, "s", 2, target);
  row ("prospects import, CPU (user + system)", stat_of (cpu, runs), 1, "s", 2,
       "(about the time on an idle machine)");
  p = stat_of (peak, runs);
  row ("prospects import, peak RSS (process)", p, 1.0 / 1024, "MiB", 1, "");
  {
    /* What one row more costs at the peak: the slope between the file
     * and the file twice as long (the store and the known prospects the
     * same). */
    double per_row = (peak_double - p.median) * 1024.0 / import_rows;
    Stat one = { per_row, per_row, per_row };

    printf ("    the same import of %u rows: peak RSS %.1f MiB\n", 2 * import_rows, peak_double / 1024);
    g_snprintf (target, sizeof target, "target <= 512 B (the rows' keys, not the rows): %s",
                per_row <= 512 ? "met" : "MISSED");
    row ("prospects import, peak RSS per row more", one, 1, "B", 0, target);
  }

  /* PostgreSQL: the same import into a database holding the same other
   * file, a new database per run. */
  g_mkdir_with_parents (pg_campaigns, 0700);
  g_file_set_contents (pg_campaign, campaign_text, -1, NULL);
  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *name = g_strdup_printf ("bench_k_%u", i);
      g_autofree char *uri = pg_bench_database (name);
      g_autofree char *pg_text = NULL;
      struct rusage before, after;
      GPtrArray *argv;

      if (uri == NULL)
        break;
      pg_text = g_strdup_printf ("[daemon]\ncampaigns = %s\ndatabase = %s\nfeeds = %s/feeds\n", pg_campaigns, uri,
                                 pg_dir);
      g_file_set_contents (pg_config, pg_text, -1, NULL);
      run_process ((char **) (const char *[]) { prospectctl, "--config", pg_config, "prospects", "import", "bench",
                                                first, "--source", "annuaire", NULL });
      argv = ctl_argv (prospectctl, pg_dir, import_second);
      getrusage (RUSAGE_CHILDREN, &before);
      pg_time[i] = run_process ((char **) argv->pdata + 2);
      getrusage (RUSAGE_CHILDREN, &after);
      ctl_argv_free (argv);
      pg_cpu[i] = children_cpu (&before, &after);
      pg_runs++;
    }
  if (pg_runs > 0)
    {
      pg = stat_of (pg_time, pg_runs);
      g_snprintf (target, sizeof target, "target <= 2x SQLite's (%.2f s): %s", 2 * t.median,
                  pg.median <= 2 * t.median ? "met" : "MISSED");
      row ("prospects import, PostgreSQL, time", pg, 1, "s", 2, target);
      row ("prospects import, PostgreSQL, CPU (client)", stat_of (pg_cpu, pg_runs), 1, "s", 2,
           "(prospectctl only: the server's is not counted)");
    }
}

/* `bench --peak COMMAND ARGS...`: runs COMMAND in a child forked from
 * this fresh, small process and writes its peak RSS (KiB, wait4's
 * ru_maxrss) to descriptor 3. A process spawned straight from the bench
 * would report the bench's own resident set instead when that is larger:
 * exec records the high-water mark of the memory it replaces, and
 * posix_spawn's child shares the bench's. */
static int
peak_main (char **argv)
{
  struct rusage usage;
  char text[32];
  pid_t pid = fork ();
  int status;

  if (pid < 0)
    return 1;
  if (pid == 0)
    {
      execv (argv[0], argv);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) != pid)
    return 1;
  g_snprintf (text, sizeof text, "%ld\n", usage.ru_maxrss);
  if (write (3, text, strlen (text)) < 0)
    return 1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}

/* The argv of `bench --peak prospectctl --config DIR/prospectd.conf
 * ARGS...` (strings borrowed but the two first); run_process() takes it
 * from its third element on, prospectctl alone. */
static GPtrArray *
ctl_argv (const char *prospectctl, const char *dir, const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, g_file_read_link ("/proc/self/exe", NULL));
  g_ptr_array_add (argv, (gpointer) "--peak");
  g_ptr_array_add (argv, (gpointer) prospectctl);
  g_ptr_array_add (argv, (gpointer) "--config");
  g_ptr_array_add (argv, g_build_filename (dir, "prospectd.conf", NULL));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

static void
ctl_argv_free (GPtrArray *argv)
{
  g_free (argv->pdata[0]);
  g_free (argv->pdata[4]);
  g_ptr_array_free (argv, TRUE);
}

/* Runs prospectctl --config DIR/prospectd.conf ARGS... under `bench
 * --peak` (stdout and stderr to /dev/null): its peak RSS in KiB (the
 * whole process). */
static double
peak_ctl (const char *prospectctl, const char *dir, const char *const *args)
{
  GPtrArray *argv = ctl_argv (prospectctl, dir, args);
  char text[32] = "";
  int fds[2];
  posix_spawn_file_actions_t actions;
  pid_t pid;
  int status;
  gssize got;

  if (pipe (fds) != 0)
    g_error ("bench: pipe: %s", g_strerror (errno));
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen (&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2 (&actions, fds[1], 3);
  if (posix_spawn (&pid, argv->pdata[0], &actions, NULL, (char **) argv->pdata, environ) != 0)
    g_error ("bench: cannot run %s", (char *) argv->pdata[0]);
  close (fds[1]);
  got = read (fds[0], text, sizeof text - 1);
  text[MAX (got, 0)] = '\0';
  close (fds[0]);
  waitpid (pid, &status, 0);
  posix_spawn_file_actions_destroy (&actions);
  if (!WIFEXITED (status) || (WEXITSTATUS (status) != 0 && WEXITSTATUS (status) != 3))
    g_error ("bench: prospectctl %s exited with %d", args[0], WEXITSTATUS (status));
  ctl_argv_free (argv);
  return g_ascii_strtod (text, NULL);
}

/* Runs prospectctl --config DIR/prospectd.conf ARGS... (stdout and stderr
 * to /dev/null): its wall time in seconds, then again under `bench
 * --peak` for its peak RSS in KiB (the whole process). */
static void
run_ctl (const char *prospectctl, const char *dir, const char *const *args, double *ret_seconds,
         double *ret_peak_kib)
{
  GPtrArray *argv = ctl_argv (prospectctl, dir, args);

  *ret_seconds = run_process ((char **) argv->pdata + 2);
  ctl_argv_free (argv);
  *ret_peak_kib = peak_ctl (prospectctl, dir, args);
}

/* BENCH_RUNS runs of one command: median time and peak. */
static void
measure_ctl (const char *prospectctl, const char *dir, const char *const *args, Stat *ret_time, Stat *ret_peak)
{
  g_autofree double *time = g_new0 (double, runs);
  g_autofree double *peak = g_new0 (double, runs);

  for (guint i = 0; i < runs; i++)
    run_ctl (prospectctl, dir, args, &time[i], &peak[i]);
  *ret_time = stat_of (time, runs);
  *ret_peak = stat_of (peak, runs);
}

static void
section_one_rep (const char *prospectctl)
{
  const char *status_rep[] = { "status", "bench", "--rep", "rep0003", "--as-of", "2027-06-30", NULL };
  const char *schedule_rep[] = { "schedule", "bench", "--rep", "rep0003", NULL };
  const char *calls_rep[] = { "calls", "bench", "--rep", "rep0003", "--now", "2027-06-30T08:00", NULL };
  const char *today_rep[] = { "today", "bench", "--rep", "rep0003", "--now", "2027-06-30T08:00", NULL };
  const char *log_rep[] = { "log", "bench", "--rep", "rep0003", "--contacts", "1", "--now", "2027-06-30T20:00",
                            NULL };
  const char *schedule_json[] = { "schedule", "bench", "--json", NULL };
  const char *status_year[] = { "status", "bench", "--as-of", "2027-12-31", NULL };
  double start = now_seconds ();
  g_autofree char *small = org_dir_new (5, "2027-06-30");
  g_autofree char *large = org_dir_new (n_reps, "2027-06-30");
  g_autofree char *year = org_dir_new (200, "2027-12-31");
  Stat small_time, large_time, peak, time;
  char target[128];

  heading ("(i) one rep's commands, and the team's schedule --json streamed (prospectctl processes)");
  printf ("    5 and %u reps logging every working day to 2027-06-30, 200 reps to 2027-12-31:"
          " made in %.1f s (outside the measurement)\n", n_reps, now_seconds () - start);

  measure_ctl (prospectctl, small, status_rep, &small_time, &peak);
  row ("status --rep, 5 reps", small_time, 1e3, "ms", 1, "");
  measure_ctl (prospectctl, large, status_rep, &large_time, &peak);
  g_snprintf (target, sizeof target, "target <= 2x the 5-rep time (%.1f ms): %s", 2e3 * small_time.median,
              large_time.median <= 2 * small_time.median ? "met" : "MISSED");
  row ("status --rep, whole organisation", large_time, 1e3, "ms", 1, target);
  row ("status --rep, whole organisation, peak RSS", peak, 1.0 / 1024, "MiB", 1, "(no target)");

  measure_ctl (prospectctl, small, schedule_rep, &small_time, &peak);
  row ("schedule --rep, 5 reps", small_time, 1e3, "ms", 1, "");
  measure_ctl (prospectctl, large, schedule_rep, &large_time, &peak);
  g_snprintf (target, sizeof target, "target <= 2x the 5-rep time (%.1f ms): %s", 2e3 * small_time.median,
              large_time.median <= 2 * small_time.median ? "met" : "MISSED");
  row ("schedule --rep, whole organisation", large_time, 1e3, "ms", 1, target);
  row ("schedule --rep, whole organisation, peak RSS", peak, 1.0 / 1024, "MiB", 1, "(no target)");

  /* The other commands about one rep (issue 14 point 5: calls and the
   * rep's day cost one rep too). */
  measure_ctl (prospectctl, small, calls_rep, &small_time, &peak);
  row ("calls --rep, 5 reps", small_time, 1e3, "ms", 1, "");
  measure_ctl (prospectctl, large, calls_rep, &large_time, &peak);
  g_snprintf (target, sizeof target, "target <= 2x the 5-rep time (%.1f ms): %s", 2e3 * small_time.median,
              large_time.median <= 2 * small_time.median ? "met" : "MISSED");
  row ("calls --rep, whole organisation", large_time, 1e3, "ms", 1, target);
  measure_ctl (prospectctl, small, today_rep, &small_time, &peak);
  row ("today --rep, 5 reps", small_time, 1e3, "ms", 1, "");
  measure_ctl (prospectctl, large, today_rep, &large_time, &peak);
  g_snprintf (target, sizeof target, "target <= 2x the 5-rep time (%.1f ms): %s", 2e3 * small_time.median,
              large_time.median <= 2 * small_time.median ? "met" : "MISSED");
  row ("today --rep, whole organisation", large_time, 1e3, "ms", 1, target);

  measure_ctl (prospectctl, large, schedule_json, &time, &peak);
  row ("schedule --json, whole organisation, time", time, 1, "s", 2, "(no target; 9.2 s in the issue)");
  g_snprintf (target, sizeof target, "target <= 32 MiB: %s", peak.median <= 32 * 1024 ? "met" : "MISSED");
  row ("schedule --json, whole organisation, peak RSS", peak, 1.0 / 1024, "MiB", 1, target);

  {
    g_autofree double *export_time = g_new0 (double, runs);
    g_autofree double *export_peak = g_new0 (double, runs);
    g_autofree char *feeds = g_build_filename (year, "feeds", NULL);
    const char *export_all[] = { "export", "bench", NULL };

    for (guint i = 0; i < runs; i++)
      {
        remove_tree (feeds); /* every feed written each time */
        run_ctl (prospectctl, year, export_all, &export_time[i], &export_peak[i]);
      }
    row ("export, 200-rep year, time", stat_of (export_time, runs), 1, "s", 2, "(no target)");
    peak = stat_of (export_peak, runs);
    g_snprintf (target, sizeof target, "target <= 16 MiB: %s", peak.median <= 16 * 1024 ? "met" : "MISSED");
    row ("export, 200-rep year, peak RSS (process)", peak, 1.0 / 1024, "MiB", 1, target);
  }
  measure_ctl (prospectctl, year, status_year, &time, &peak);
  row ("status, 200-rep year, time", time, 1e3, "ms", 0, "(no target)");
  g_snprintf (target, sizeof target, "target <= 16 MiB: %s", peak.median <= 16 * 1024 ? "met" : "MISSED");
  row ("status, 200-rep year, peak RSS (process)", peak, 1.0 / 1024, "MiB", 1, target);

  /* Last: it writes (a contact of rep0003's on 30 June, each run). */
  measure_ctl (prospectctl, small, log_rep, &small_time, &peak);
  row ("log, one rep's day, 5 reps", small_time, 1e3, "ms", 1, "");
  measure_ctl (prospectctl, large, log_rep, &large_time, &peak);
  g_snprintf (target, sizeof target, "target <= 2x the 5-rep time (%.1f ms): %s", 2e3 * small_time.median,
              large_time.median <= 2 * small_time.median ? "met" : "MISSED");
  row ("log, one rep's day, whole organisation", large_time, 1e3, "ms", 1, target);
}

/* ------------------------------------------- (j) team mode on PostgreSQL */

/* A throwaway PostgreSQL cluster (tests/pg-cluster.sh: a temporary
 * directory, its Unix socket there, no TCP; stopped by its watchdog when
 * this process ends) and a new database in it. Returns its URI, or NULL
 * (said) when the cluster cannot start. */
static char *
pg_bench_database (const char *name)
{
  static gboolean started;
  char *start_argv[] = { "tests/pg-cluster.sh", "start", NULL, NULL };
  char *create_argv[] = { "tests/pg-cluster.sh", "createdb", (char *) name, NULL };
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!started)
    {
      g_auto (GStrv) lines = NULL;

      start_argv[2] = pid;
      if (!g_spawn_sync (NULL, start_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL)
          || !g_spawn_check_wait_status (status, NULL))
        {
          printf ("    no PostgreSQL cluster (%s); skipped\n", err != NULL ? g_strstrip (err) : "?");
          return NULL;
        }
      lines = g_strsplit (out, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          char *eq = strchr (lines[i], '=');
          char *end;

          if (eq == NULL)
            continue;
          *eq = '\0';
          eq++;
          if (*eq == '\'')
            eq++;
          end = strpbrk (eq, "';");
          if (end != NULL)
            *end = '\0';
          g_setenv (lines[i], eq, TRUE);
        }
      started = TRUE;
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
    }
  if (!g_spawn_sync (NULL, create_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    {
      printf ("    cannot create the database %s (%s); skipped\n", name, err != NULL ? g_strstrip (err) : "?");
      return NULL;
    }
  return g_strdup (g_strstrip (out));
}

/* The columns copied from the SQLite store to PostgreSQL, in this order. */
#define PG_COPY_COLUMNS \
  "campaign, rep, date, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents, created"
#define PG_SUM_COLUMNS \
  "entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents"
#define PG_SUMS_OF \
  "count(*), sum(contacts), sum(prospects), sum(active), sum(latent), sum(arid), sum(proposals)," \
  " sum(deals), sum(revenue_cents)"

/* What the three triggers on prospectd.activity would have made of rows
 * loaded with them off into a database without any before: the per-day
 * sums of each rep and of the team (a row per day with entries; without
 * calls, each rep's day is its entries' part, log_days), and each
 * rep's change mark (each insert sets its rep's mark past every mark
 * before it, so a rep's mark is the position of its last row in the load,
 * that is in id order), built once by GROUP BY. */
/* Schema 16's running sums from the per-day sums, as its migration
 * makes them, and schema 18's last row of each rep from them (its
 * trigger, which copies a rep's last running row, is off while the
 * days are loaded: the running sums are made after them). */
#define PG_RUNNING_OF \
  "sum (entries) OVER w, sum (contacts) OVER w, sum (prospects) OVER w, sum (active) OVER w," \
  " sum (latent) OVER w, sum (arid) OVER w, sum (proposals) OVER w, sum (deals) OVER w," \
  " sum (revenue_cents) OVER w," \
  " sum (CASE WHEN prospects > 0 AND active + latent + arid > 0 THEN active ELSE 0 END) OVER w," \
  " sum (CASE WHEN prospects > 0 AND active + latent + arid > 0 THEN prospects ELSE 0 END) OVER w," \
  " sum (CASE WHEN prospects > 0 AND contacts > 0 THEN contacts ELSE 0 END) OVER w," \
  " sum (CASE WHEN prospects > 0 AND contacts > 0 THEN prospects ELSE 0 END) OVER w," \
  " sum (CASE WHEN deals > 0 AND revenue_cents > 0 THEN deals ELSE 0 END) OVER w," \
  " sum (CASE WHEN deals > 0 AND revenue_cents > 0 THEN revenue_cents ELSE 0 END) OVER w"
#define PG_DERIVED_SQL \
  "ALTER TABLE prospectd.activity_days DISABLE TRIGGER activity_running;" \
  "ALTER TABLE prospectd.activity_days DISABLE TRIGGER activity_running_last;" \
  "INSERT INTO prospectd.activity_days (campaign, rep, date, " PG_SUM_COLUMNS ")" \
  " SELECT campaign, rep, date, " PG_SUMS_OF " FROM prospectd.activity GROUP BY campaign, rep, date;" \
  "ALTER TABLE prospectd.activity_days ENABLE TRIGGER activity_running;" \
  "ALTER TABLE prospectd.activity_days ENABLE TRIGGER activity_running_last;" \
  "INSERT INTO prospectd.activity_running SELECT campaign, rep, date, " PG_RUNNING_OF \
  " FROM prospectd.activity_days WINDOW w AS (PARTITION BY campaign, rep ORDER BY date);" \
  "INSERT INTO prospectd.activity_running_last SELECT DISTINCT ON (campaign, rep) *" \
  " FROM prospectd.activity_running ORDER BY campaign, rep, date DESC;" \
  "INSERT INTO prospectd.log_days SELECT * FROM prospectd.activity_days;" \
  "INSERT INTO prospectd.activity_team_days (campaign, date, " PG_SUM_COLUMNS ")" \
  " SELECT campaign, date, " PG_SUMS_OF " FROM prospectd.activity GROUP BY campaign, date;" \
  "INSERT INTO prospectd.activity_changes (campaign, rep, mark)" \
  " SELECT campaign, rep, max (n) FROM (SELECT campaign, rep, row_number () OVER (ORDER BY id) AS n" \
  " FROM prospectd.activity) AS loaded GROUP BY campaign, rep;"

/* Copies the first `limit` rows (0: all) of the SQLite store's activity,
 * in id order, into `uri` in one transaction (psql -1) between the SQL
 * `before` and `after` (run by the cluster's superuser, whom row-level
 * security does not bind). Returns psql's output, or NULL (said). */
static char *
pg_load (const char *sqlite_path, const char *uri, guint limit, const char *before, const char *after)
{
  g_autofree char *limit_text = limit > 0 ? g_strdup_printf (" LIMIT %u", limit) : g_strdup ("");
  g_autofree char *select = g_strdup_printf ("SELECT " PG_COPY_COLUMNS " FROM activity ORDER BY id%s", limit_text);
  g_autofree char *q_path = g_shell_quote (sqlite_path);
  g_autofree char *q_select = g_shell_quote (select);
  g_autofree char *q_uri = g_shell_quote (uri);
  g_autofree char *q_before = g_shell_quote (before);
  g_autofree char *q_after = g_shell_quote (after);
  g_autofree char *q_copy = g_shell_quote ("\\copy prospectd.activity (" PG_COPY_COLUMNS ") FROM STDIN CSV");
  g_autofree char *command = g_strdup_printf (
    "sqlite3 -csv %s %s | \"$PD_TEST_PG_BIN/psql\" -X -q -A -t -1 -v ON_ERROR_STOP=1 -d %s -c %s -c %s -c %s",
    q_path, q_select, q_uri, q_before, q_copy, q_after);
  char *sh_argv[] = { "/bin/sh", "-c", command, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, sh_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      printf ("    copying the rows to PostgreSQL: %s %s; skipped\n", error->message, err != NULL ? g_strstrip (err) : "");
      g_free (out);
      return NULL;
    }
  return out;
}

/* Whether the per-day sums `table`, keyed by `keys`, hold the same rows
 * on the SQLite store and on `uri`; their number in `ret_lines`. */
static gboolean
same_rows (const char *sqlite_path, const char *uri, const char *table, const char *keys, guint *ret_lines)
{
  g_autofree char *lite_sql = g_strdup_printf ("SELECT %s, " PG_SUM_COLUMNS " FROM %s ORDER BY %s", keys, table, keys);
  g_autofree char *pg_sql = g_strdup_printf ("SELECT %s, " PG_SUM_COLUMNS " FROM prospectd.%s ORDER BY %s", keys,
                                             table, keys);
  g_autofree char *lite_file = g_build_filename (work_dir, "same-sqlite.csv", NULL);
  g_autofree char *pg_file = g_build_filename (work_dir, "same-pg.csv", NULL);
  g_autofree char *q_path = g_shell_quote (sqlite_path);
  g_autofree char *q_lite_sql = g_shell_quote (lite_sql);
  g_autofree char *q_uri = g_shell_quote (uri);
  g_autofree char *q_pg_sql = g_shell_quote (pg_sql);
  g_autofree char *q_lite_file = g_shell_quote (lite_file);
  g_autofree char *q_pg_file = g_shell_quote (pg_file);
  g_autofree char *command = g_strdup_printf (
    "sqlite3 -csv %s %s > %s && \"$PD_TEST_PG_BIN/psql\" -X -q -A -t -F , -d %s -c %s > %s && cmp -s %s %s"
    " && wc -l < %s", q_path, q_lite_sql, q_lite_file, q_uri, q_pg_sql, q_pg_file, q_lite_file, q_pg_file,
    q_lite_file);
  char *sh_argv[] = { "/bin/sh", "-c", command, NULL };
  g_autofree char *out = NULL;
  int status = 0;
  gboolean same;

  same = g_spawn_sync (NULL, sh_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
  *ret_lines = same ? (guint) atoi (out) : 0;
  g_unlink (lite_file);
  g_unlink (pg_file);
  return same && *ret_lines > 0;
}

/* Fills `uri` (a new database with the campaign only) with the SQLite
 * store's 1 000 000 rows set-based: one COPY with the triggers off, the
 * derived tables then built once (PG_DERIVED_SQL). Checked twice, and
 * said: on the first CHECK_ROWS rows, loaded with the triggers on into
 * another database, the GROUP BY makes exactly the rows the triggers made
 * (sums and marks); on all the rows, PostgreSQL's per-day sums are
 * SQLite's, made by its own triggers (every row of both compared).
 * Returns FALSE (said) when it cannot. */
#define CHECK_ROWS 20000
static gboolean
pg_fill (const char *sqlite_path, const char *uri, const char *check_uri)
{
  /* Each pair: the triggers' rows saved, then compared both ways. */
  static const char *const check_sql =
    "CREATE TEMP TABLE t_days AS TABLE prospectd.activity_days;"
    "CREATE TEMP TABLE t_team AS TABLE prospectd.activity_team_days;"
    "CREATE TEMP TABLE t_marks AS TABLE prospectd.activity_changes;"
    "DELETE FROM prospectd.activity_days; DELETE FROM prospectd.activity_team_days;"
    "DELETE FROM prospectd.log_days; DELETE FROM prospectd.activity_changes;" PG_DERIVED_SQL
    "SELECT (SELECT count(*) FROM t_days) || ' ' || (SELECT count(*) FROM t_team) || ' '"
    " || (SELECT count(*) FROM t_marks) || ' ' || (SELECT count(*) FROM ("
    " (TABLE t_days EXCEPT ALL TABLE prospectd.activity_days)"
    " UNION ALL (TABLE prospectd.activity_days EXCEPT ALL TABLE t_days)"
    " UNION ALL (SELECT campaign, NULL, date, " PG_SUM_COLUMNS " FROM (TABLE t_team EXCEPT ALL"
    "   TABLE prospectd.activity_team_days UNION ALL (TABLE prospectd.activity_team_days EXCEPT ALL"
    "   TABLE t_team)) AS team)"
    " UNION ALL (SELECT campaign, rep, NULL, mark, 0, 0, 0, 0, 0, 0, 0, 0 FROM (TABLE t_marks EXCEPT ALL"
    "   TABLE prospectd.activity_changes UNION ALL (TABLE prospectd.activity_changes EXCEPT ALL"
    "   TABLE t_marks)) AS marks)) AS differences)";
  g_autofree char *check = NULL;
  g_autofree char *loaded = NULL;
  guint n_days = 0, n_team = 0, n_marks = 0, n_differ = 1, lines = 0;
  double start, seconds;
  gboolean same;

  /* The triggers, row by row (the change announcements off, as below). */
  check = pg_load (sqlite_path, check_uri, CHECK_ROWS, "ALTER TABLE prospectd.activity DISABLE TRIGGER notify_change",
                   check_sql);
  if (check == NULL)
    return FALSE;
  if (sscanf (check, "%u %u %u %u", &n_days, &n_team, &n_marks, &n_differ) != 4)
    n_differ = 1;
  printf ("    check: on the first %u rows, the GROUP BY's %u rep days, %u team days and %u change marks"
          " are the triggers' (rows differing: %u): %s\n",
          CHECK_ROWS, n_days, n_team, n_marks, n_differ, n_differ == 0 && n_days > 0 ? "yes" : "NO");

  start = now_seconds ();
  loaded = pg_load (sqlite_path, uri, 0, "ALTER TABLE prospectd.activity DISABLE TRIGGER USER",
                    "ALTER TABLE prospectd.activity ENABLE TRIGGER USER;" PG_DERIVED_SQL "ANALYZE");
  if (loaded == NULL)
    return FALSE;
  seconds = now_seconds () - start;
  printf ("    PostgreSQL filled set-based in %.1f s (one COPY of %u rows with the triggers off, then the sums"
          " and marks by GROUP BY, ANALYZE; target < 120 s: %s)\n",
          seconds, ACTIVITY_ROWS, seconds < 120 ? "met" : "MISSED");
  same = same_rows (sqlite_path, uri, "activity_days", "campaign, rep, date", &lines);
  printf ("    check: PostgreSQL's %u rep days are SQLite's, made by its triggers: %s\n", lines, same ? "yes" : "NO");
  same = same_rows (sqlite_path, uri, "activity_team_days", "campaign, date", &lines);
  printf ("    check: PostgreSQL's %u team days are SQLite's, made by its triggers: %s\n", lines, same ? "yes" : "NO");
  same = same_rows (sqlite_path, uri, "activity_running", "campaign, rep, date", &lines);
  printf ("    check: PostgreSQL's %u running sums are SQLite's, made by its triggers: %s\n", lines,
          same ? "yes" : "NO");
  same = same_rows (sqlite_path, uri, "activity_running_last", "campaign, rep, date", &lines);
  printf ("    check: PostgreSQL's %u last running rows are SQLite's, made by its triggers: %s\n", lines,
          same ? "yes" : "NO");
  return TRUE;
}

/* Median seconds of COMMIT_SAMPLES pd_store_add_activity() into `store`. */
static double
time_commits (PdStore *store)
{
  double samples[COMMIT_SAMPLES];
  PdActivity activity = { 0 };

  activity.campaign = "bench";
  activity.rep = "rep0001";
  g_date_clear (&activity.date, 1);
  g_date_set_dmy (&activity.date, 5, G_DATE_JANUARY, 2027);
  activity.contacts = 16;
  activity.prospects = 4;
  activity.created = REVISION_TIME;
  for (guint i = 0; i < COMMIT_SAMPLES; i++)
    {
      g_autoptr (GError) error = NULL;
      double start = now_seconds ();

      if (!pd_store_add_activity (store, &activity, NULL, &error))
        g_error ("bench: %s", error->message);
      samples[i] = now_seconds () - start;
    }
  return stat_of (samples, COMMIT_SAMPLES).median;
}

/* The (f) daemon's reaction on `database`: a log committed by this
 * process (another connection) until the rep's feed is replaced; up to 5
 * samples. Returns how many, in `reactions`. */
static guint
daemon_reaction (const char *prospectd, const char *name, const char *database, double *reactions)
{
  g_autofree char *dir = g_build_filename (work_dir, name, NULL);
  g_autofree char *campaigns = g_build_filename (dir, "campaigns", NULL);
  g_autofree char *campaign = g_build_filename (campaigns, "c01.conf", NULL);
  g_autofree char *config = g_build_filename (dir, "prospectd.conf", NULL);
  g_autofree char *log_path = g_build_filename (dir, "prospectd.log", NULL);
  g_autofree char *feed = g_build_filename (dir, "feeds", "c01", "alice.ics", NULL);
  g_autofree char *example = NULL;
  g_autofree char *text = NULL;
  char *daemon_argv[] = { (char *) prospectd, "--config", config, "--now", "2027-01-08T18:00", NULL };
  g_autoptr (GError) error = NULL;
  PdStore *store;
  guint n = 0;
  pid_t pid;
  int status;

  g_mkdir_with_parents (campaigns, 0700);
  if (!g_file_get_contents ("config/campaigns/example.conf", &example, NULL, NULL))
    g_error ("bench: run from the source tree (config/campaigns/example.conf)");
  g_file_set_contents (campaign, example, -1, NULL);
  text = g_strdup_printf ("[daemon]\ncampaigns = %s\ndatabase = %s\nfeeds = %s/feeds\nnotify =\n[feeds]\nlisten =\n",
                          campaigns, database, dir);
  g_file_set_contents (config, text, -1, NULL);
  pid = spawn_logged (daemon_argv, log_path);
  for (guint i = 0; pid > 0 && i < 300 && !file_contains (log_path, "next wake-up at"); i++)
    g_usleep (100000);
  if (pid > 0 && file_contains (log_path, "next wake-up at"))
    {
      g_usleep (G_USEC_PER_SEC);
      store = pd_store_open (database, &error);
      for (guint i = 0; store != NULL && i < 5; i++)
        {
          double seconds = log_and_time (store, "c01", "alice", 10 + i, feed, 5, 500);

          if (isnan (seconds))
            break;
          reactions[n++] = seconds;
          g_usleep (300000);
        }
      pd_store_close (store);
    }
  if (pid > 0)
    {
      kill (pid, SIGTERM);
      waitpid (pid, &status, 0);
    }
  return n;
}

static void
section_team (const char *prospectd)
{
  g_autofree char *sqlite_path = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *check_uri = NULL;
  g_autofree double *pg_commit = g_new0 (double, runs);
  g_autofree double *lite_commit = g_new0 (double, runs);
  g_autofree double *pg_rep = g_new0 (double, runs);
  g_autofree double *lite_rep = g_new0 (double, runs);
  g_autofree double *pg_team = g_new0 (double, runs);
  g_autofree double *lite_team = g_new0 (double, runs);
  g_autoptr (GError) error = NULL;
  double build_start = now_seconds ();
  double reactions[5];
  guint n_reactions;
  char target[128];
  PdStore *store;
  Stat pg_s, lite_s;

  heading ("(j) team mode: PostgreSQL 15 over a Unix socket beside SQLite, same run, same 1 000 000 rows");
  uri = pg_bench_database ("bench_j");
  check_uri = uri != NULL ? pg_bench_database ("bench_j_check") : NULL;
  if (check_uri == NULL)
    return;
  sqlite_path = store_build ();
  for (guint i = 0; i < 2; i++)
    {
      store = pd_store_open (i == 0 ? uri : check_uri, &error);
      if (store == NULL || !pd_store_ensure_campaign (store, "bench", "Benchmark 2027", &error))
        g_error ("bench: %s", error->message);
      pd_store_close (store);
    }
  if (!pg_fill (sqlite_path, uri, check_uri))
    return;
  printf ("    both stores filled in %.1f s (outside the measurement); PostgreSQL: %s\n",
          now_seconds () - build_start, "a throwaway cluster of tests/pg-cluster.sh");

  for (guint i = 0; i < runs; i++)
    {
      PdStore *pg = pd_store_open (uri, &error);
      PdStore *lite = pd_store_open (sqlite_path, &error);

      if (pg == NULL || lite == NULL)
        g_error ("bench: %s", error->message);
      pg_rep[i] = time_real (pg, "rep0500", FALSE);
      lite_rep[i] = time_real (lite, "rep0500", FALSE);
      pg_team[i] = time_real (pg, NULL, FALSE);
      lite_team[i] = time_real (lite, NULL, FALSE);
      pg_commit[i] = time_commits (pg);
      lite_commit[i] = time_commits (lite);
      pd_store_close (pg);
      pd_store_close (lite);
    }
  row ("one log commit, SQLite", stat_of (lite_commit, runs), 1e6, "us", 1, "(reference)");
  row ("one log commit, PostgreSQL", stat_of (pg_commit, runs), 1e6, "us", 1, "(no target)");
  row ("status reads, one rep, SQLite", stat_of (lite_rep, runs), 1e3, "ms", 2, "(reference)");
  row ("status reads, one rep, PostgreSQL", stat_of (pg_rep, runs), 1e3, "ms", 2, "(no target)");
  lite_s = stat_of (lite_team, runs);
  pg_s = stat_of (pg_team, runs);
  row ("status reads, team, SQLite", lite_s, 1e3, "ms", 1, "(reference)");
  g_snprintf (target, sizeof target, "target <= 2x SQLite's (%.1f ms): %s", 2e3 * lite_s.median,
              pg_s.median <= 2 * lite_s.median ? "met" : "MISSED");
  row ("status reads, team, PostgreSQL", pg_s, 1e3, "ms", 1, target);

  if (prospectd == NULL)
    {
      printf ("    (no prospectd given: no reaction measured)\n");
      return;
    }
  {
    g_autofree char *daemon_uri = pg_bench_database ("bench_j_daemon");
    g_autofree char *daemon_db = g_build_filename (work_dir, "team-sqlite.db", NULL);

    n_reactions = daemon_reaction (prospectd, "team-sqlite", daemon_db, reactions);
    if (n_reactions > 0)
      row ("reaction: another process's log -> feed, SQLite", stat_of (reactions, n_reactions), 1e3, "ms", 1,
           "(reference: inotify)");
    n_reactions = daemon_uri != NULL ? daemon_reaction (prospectd, "team-pg", daemon_uri, reactions) : 0;
    if (n_reactions > 0)
      {
        Stat s = stat_of (reactions, n_reactions);

        g_snprintf (target, sizeof target, "target <= 1 s: %s (%u of 5)", s.median <= 1 ? "met" : "MISSED",
                    n_reactions);
        row ("reaction: another process's log -> feed, PostgreSQL", s, 1e3, "ms", 1, target);
      }
    else
      printf ("%-44s %14s\n", "reaction: log -> feed, PostgreSQL", "none in 5 s");
  }
}

/* ------------------------------------------------------------------ main */

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  g_autofree char *template = NULL;

  if (argc > 2 && g_str_equal (argv[1], "--peak"))
    return peak_main (argv + 2);
  if (argc < 3)
    {
      g_printerr ("usage: %s PROSPECTCTL EMPTY_MAIN [PROSPECTD]\n", argv[0]);
      return 2;
    }
  if (g_getenv ("BENCH_RUNS") != NULL)
    runs = MAX (1, (guint) atoi (g_getenv ("BENCH_RUNS")));
  if (g_getenv ("BENCH_REPS") != NULL)
    n_reps = CLAMP ((guint) atoi (g_getenv ("BENCH_REPS")), 1, 9999);
  if (g_getenv ("BENCH_ONLY") != NULL)
    only = g_getenv ("BENCH_ONLY");

  template = g_build_filename (g_get_tmp_dir (), "prospectd-bench-XXXXXX", NULL);
  work_dir = g_mkdtemp (template);
  if (work_dir == NULL)
    g_error ("bench: mkdtemp: %s", g_strerror (errno));
  campaign_text = organisation_new ();

  printf ("prospectd bench: %u reps, 2027-01-04..2027-12-31, 6 checkpoints, holidays = fr, "
          "2 call windows; median of %u runs (min–max)\nwork directory: %s (removed at the end)\n",
          n_reps, runs, work_dir);
  if (strchr (only, 'a'))
    section_plan ();
  if (strchr (only, 'b'))
    section_export ();
  if (strchr (only, 'c'))
    section_status (argv[1]);
  if (strchr (only, 'd'))
    section_processes (argv[1], argv[2]);
  if (strchr (only, 'e'))
    section_commit ();
  if (strchr (only, 'f'))
    {
      if (argc > 3 && g_file_test (argv[3], G_FILE_TEST_IS_EXECUTABLE))
        section_daemon (argv[3]);
      else
        printf ("\n(f) the daemon: no prospectd given; skipped\n");
    }
  if (strchr (only, 'i'))
    section_one_rep (argv[1]);
  if (strchr (only, 'g') && argc > 3 && g_file_test (argv[3], G_FILE_TEST_IS_EXECUTABLE))
    section_daemon_large (argv[3]);
  if (strchr (only, 'h') && argc > 3 && g_file_test (argv[3], G_FILE_TEST_IS_EXECUTABLE))
    section_serve (argv[3]);
  if (strchr (only, 'l'))
    section_lists ();
  if (strchr (only, 'j'))
    section_team (argc > 3 && g_file_test (argv[3], G_FILE_TEST_IS_EXECUTABLE) ? argv[3] : NULL);
  if (strchr (only, 'k'))
    section_import (argv[1]);

  if (g_getenv ("BENCH_KEEP") != NULL)
    printf ("\nkept: %s\n", work_dir);
  else
    remove_tree (work_dir);
  g_free (campaign_text);
  return 0;
}
