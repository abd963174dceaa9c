/* SPDX-License-Identifier: MIT
 *
 * ctl: what the prospectctl subcommands share — the global options, the
 * verb table entry, and the one way an error is reported (one line on
 * stderr, a documented exit code).
 */
#pragma once

#include <glib.h>
#include "prospectd/config.h"

enum {
  PD_EXIT_OK = 0,
  PD_EXIT_FAILURE = 1, /* runtime failure */
  PD_EXIT_USAGE = 2,   /* usage or configuration error */
  PD_EXIT_BEHIND = 3,  /* status --check: someone is behind */
};

typedef struct {
  char *config_path;        /* --config */
  char *db_path;            /* --db */
  char *now;                /* --now, checked by main(), or NULL: the real clock */
  PdDaemonConfig *config;   /* loaded before the verb runs, owned */
} PdCtl;

typedef struct {
  const char *name;
  const char *parameters;   /* e.g. "[CAMPAIGN]" */
  const char *summary;
  GOptionEntry *entries;    /* the verb's own options, or NULL */
  /* argv holds the positional arguments after the verb name. */
  int (*run) (PdCtl *ctl, int argc, char **argv);
} PdVerb;

extern const PdVerb pd_ctl_verb_plan;

/* Prints "prospectctl: MESSAGE" on stderr and returns `code`. */
int pd_ctl_error (int code, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Loads the campaign named by argv[0] (or the only one configured) into
 * *ret_campaign; on failure prints the error and returns the exit code
 * (2 for bad input), else PD_EXIT_OK. */
int pd_ctl_load_campaign (PdCtl *ctl, int argc, char **argv, PdCampaign **ret_campaign);

/* Prints a JSON node to stdout, pretty, with a final newline. */
void pd_ctl_print_json (void *json_node);

/* Adds "key": value to the object being built (a JsonBuilder*); a NULL
 * string is written as null. */
void pd_ctl_json_int (void *builder, const char *key, gint64 value);
void pd_ctl_json_string (void *builder, const char *key, const char *value);

#include "prospectd/plan.h"
#include "prospectd/schedule.h"

extern const PdVerb pd_ctl_verb_schedule;
extern const PdVerb pd_ctl_verb_export;

/* Computes the plan and the baseline schedule of `campaign`. On failure
 * prints the error (prefixed by the campaign file) and returns exit code 2:
 * an infeasible schedule is a configuration problem. */
int pd_ctl_build_schedule (const PdCampaign *campaign, PdPlan *ret_plan, PdSchedule **ret_schedule);
/* The same without keeping the blocks (each rep's are built, to check
 * that its days fit, then dropped): the days and shares that progress and
 * the status read, a fraction of the memory. */
int pd_ctl_build_days (const PdCampaign *campaign, PdPlan *ret_plan, PdSchedule **ret_schedule);
/* The plan, and one rep's baseline schedule (its days and blocks, every
 * rep's share): what a command about one rep needs, whatever the team's
 * size. Errors as pd_ctl_build_schedule(), for that rep's days only. */
int pd_ctl_build_rep (const PdCampaign *campaign, guint rep_index, PdPlan *ret_plan, PdSchedule **ret_schedule);
/* Checks, as pd_ctl_build_schedule() does, that the plan computes and that
 * every rep's days fit (the first rep's error in the file's order), keeping
 * nothing: what a command writing into a campaign requires of it. */
int pd_ctl_check_schedule (const PdCampaign *campaign, PdPlan *ret_plan);

/* Parses a --from/--to style date option; NULL text leaves ret_date invalid. */
int pd_ctl_parse_date_option (const char *option, const char *text, GDate *ret_date);

#include "prospectd/store.h"

extern const PdVerb pd_ctl_verb_log;
extern const PdVerb pd_ctl_verb_activity;

/* Opens the database: --db, else the configuration's. Prints the error and
 * returns its exit code (1) on failure. */
int pd_ctl_open_store (PdCtl *ctl, PdStore **ret_store);

/* Records in `store` what pd_ctl_load_campaign() read without writing:
 * the start of reps not recorded yet, and the baseline (a new one when the
 * campaign file changed), as the daemon does at load (catchup.h). For the
 * commands that write to the store, once their checks passed. Returns an
 * exit code. */
int pd_ctl_record_campaign (PdCtl *ctl, PdStore *store, PdCampaign *campaign);

/* Opens the database a reading command reads, never creating it: when
 * the configured database does not exist yet, *ret_store is NULL (nothing
 * logged); a --db naming no file is an error (exit 2). Returns an exit
 * code. */
int pd_ctl_open_store_for_reading (PdCtl *ctl, PdStore **ret_store);

/* Finds the rep `name` of `campaign` (its index in *ret_index, may be
 * NULL). An unknown name prints "--rep NAME: no such rep…" with the
 * closest rep's name (case aside, or a few letters off), else the names
 * there are, and returns 2. Returns an exit code. */
int pd_ctl_find_rep (const PdCampaign *campaign, const char *name, guint *ret_index);

/* Replaces a --rep value by its NFC form, the form names are stored in
 * ("zoë" typed with a combining accent is the same rep); NULL and invalid
 * UTF-8 are left as they are. */
void pd_ctl_canonical_rep (char **name);

/* The clock of every command: the instant given to --now (a wall time
 * without an offset is read in `tz`), else the real clock; a new
 * GDateTime in `tz`. */
GDateTime *pd_ctl_now (const PdCtl *ctl, GTimeZone *tz);

/* Today, by pd_ctl_now(), in the campaign's time zone. */
void pd_ctl_today (const PdCtl *ctl, const PdCampaign *campaign, GDate *ret_date);

/* The day given to `option` (e.g. --as-of), or today (pd_ctl_today())
 * when `text` is NULL. Returns an exit code. */
int pd_ctl_day_option (const PdCtl *ctl, const PdCampaign *campaign, const char *option, const char *text,
                       GDate *ret_date);

extern const PdVerb pd_ctl_verb_reschedule;
extern const PdVerb pd_ctl_verb_status;
extern const PdVerb pd_ctl_verb_call;

/* status --by: the prospects of `campaign` (only `rep`'s when not NULL)
 * per segment `by` (source, sector, city or a column of the file), as
 * text, JSON or CSV (status-by.c). Returns an exit code. */
int pd_ctl_status_by (PdCtl *ctl, const PdCampaign *campaign, const char *by, const char *rep, gboolean json,
                      gboolean csv);

/* The schedule in force: the latest catch-up revision stored for the
 * campaign, else the baseline. Does not create a database that does not
 * exist. *ret_revision_time is when that revision was made (the campaign
 * file's modification time for the baseline). Returns an exit code. */
int pd_ctl_current_schedule (PdCtl *ctl, const PdCampaign *campaign, const PdSchedule *baseline,
                             PdSchedule **ret_schedule, gint64 *ret_revision_time);

/* The VTIMEZONE text of a campaign's feeds (a PdIcsVtimezoneSource), made
 * by the `prospectd --vtimezone` installed beside prospectctl: building it
 * in this process makes libical expand the zone's rules with ICU, which
 * would stay resident (some 3 MiB of an export). NULL (it is then built
 * here, the same text) when there is no such prospectd or it fails. */
char *pd_ctl_vtimezone_text (const char *name, int first_year, int last_year);

/* Whether the feeds of `feeds_dir` may be written from the database of
 * this run (`store` when open, else the --db/configured file, when it
 * exists; see feeddir.h); with `claim` the directory becomes this
 * database's when it is nobody's. Prints the refusal and returns 1, else
 * PD_EXIT_OK. */
int pd_ctl_check_feeds_dir (PdCtl *ctl, PdStore *store, const char *feeds_dir, gboolean claim);

/* The call lists the feeds of `schedule` carry (callbook.h): every rep's,
 * or the reps' whose entry in `reps` is TRUE, made today (--now) from the
 * database, when there is one. Prints the error and returns its exit
 * code (1) on failure. */
#include "prospectd/calllist.h"
int pd_ctl_feed_calls (PdCtl *ctl, const PdCampaign *campaign, const PdSchedule *schedule, const gboolean *reps,
                       PdFeedCalls **ret_calls);

/* Writes every rep's feed (or only `only_rep` when >= 0) of `schedule` to
 * the feed directory, keeping SEQUENCE/DTSTAMP of unchanged events. A feed
 * directory that belongs to another database (see feeddir.h) is refused
 * (exit 1, nothing written); one that belongs to none is claimed for this
 * one, when it exists. Returns an exit code. */
int pd_ctl_write_feeds (PdCtl *ctl, const PdCampaign *campaign, const PdSchedule *schedule, const char *feeds_dir,
                        gint only_rep, gint64 revision_time);

#include "prospectd/server.h"

extern const PdVerb pd_ctl_verb_feed_url;
extern const PdVerb pd_ctl_verb_report;
extern const PdVerb pd_ctl_verb_report_url;

/* The address the daemon's server is reached at: `base_url` (--base-url,
 * an http:// or https:// URL, trailing slashes dropped) or, without it,
 * http://HOST:PORT of [feeds] listen. Writes a new string to ret_base, or
 * reports the error (exit 2: the server is off, a bad value). */
int pd_ctl_base_url (PdCtl *ctl, const char *base_url, char **ret_base);
extern const PdVerb pd_ctl_verb_team;

/* ---------------------------------------------------------------- entry */

/* A whole number from 0 to 999999999 given to --option; NULL text leaves
 * *ret as it is. Prints the error (exit code 2) and returns FALSE when
 * the text is not one. */
gboolean pd_ctl_parse_count (const char *option, const char *text, gint64 *ret);

/* Checks `added` (a new entry, or the new values of an entry) against the
 * rules of entries and against what `store` holds (NULL: no database yet):
 * per entry, not after today by pd_ctl_now(), inside the campaign, the
 * rep's day at most 24 hours of calls, prospects of the day <= its calls
 * unless `reason` is given, the campaign's deals to date <= its proposals
 * to date. `removed` is the entry being changed (activity edit) or NULL;
 * `replace_day` drops the rep's day as stored (log --replace). Prints a
 * warning when the day's calls exceed its call windows. Writes the rep's
 * day as it will be to ret_day (when not NULL). Returns an exit code,
 * the error printed. */
int pd_ctl_check_entry (const PdCtl *ctl, const PdCampaign *campaign, PdStore *store, const PdActivity *removed,
                        gboolean replace_day, const PdActivity *added, const char *reason, PdTotals *ret_day);

/* "alice, 2027-01-04: 16 contacts, 5 prospects (1 active, 1 latent, 3
 * arid), ..." (counts other than contacts only when not 0). Newly
 * allocated. */
char *pd_ctl_describe_entry (const PdActivity *activity, const char *currency);

/* `text` (a note, a name) on one line: control characters (a newline, a
 * tab, an escape sequence) written as \n, \t or \u001B, a backslash as
 * \\, bytes that are not UTF-8 replaced, so that no text can break a
 * table or drive the terminal. Returns a new string. */
char *pd_ctl_printable_text (const char *text);

/* CSV (RFC 4180): a field quoted when it holds a comma, a quote or a line
 * break (newly allocated); one record of `n` fields printed with CRLF;
 * an amount of cents as a plain decimal with a point ("20000.00"). */
char *pd_ctl_csv_field (const char *value);
void pd_ctl_csv_row (const char *const *fields, guint n);
char *pd_ctl_csv_amount (gint64 cents);

/* Whether the database the commands use exists (reading commands never
 * create it). */
gboolean pd_ctl_store_exists (const PdCtl *ctl);

extern const PdVerb pd_ctl_verb_today;
extern const PdVerb pd_ctl_verb_calls;

extern const PdVerb pd_ctl_verb_db;

extern const PdVerb pd_ctl_verb_calibrate;
extern const PdVerb pd_ctl_verb_campaigns;
/* prospects.c: the prospect file (issue 16), and who brought which. */
extern const PdVerb pd_ctl_verb_prospects;
extern const PdVerb pd_ctl_verb_prescribers;
