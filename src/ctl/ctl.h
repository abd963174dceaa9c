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

/* Parses a --from/--to style date option; NULL text leaves ret_date invalid. */
int pd_ctl_parse_date_option (const char *option, const char *text, GDate *ret_date);

#include "prospectd/store.h"

extern const PdVerb pd_ctl_verb_log;
extern const PdVerb pd_ctl_verb_activity;

/* Opens the database: --db, else the configuration's. Prints the error and
 * returns its exit code (1) on failure. */
int pd_ctl_open_store (PdCtl *ctl, PdStore **ret_store);

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

/* The day given to `option` (e.g. --as-of), or today in the campaign's
 * time zone when `text` is NULL. Returns an exit code. */
int pd_ctl_day_option (const PdCampaign *campaign, const char *option, const char *text, GDate *ret_date);

extern const PdVerb pd_ctl_verb_reschedule;
extern const PdVerb pd_ctl_verb_status;

/* The schedule in force: the latest catch-up revision stored for the
 * campaign, else the baseline. Does not create a database that does not
 * exist. *ret_revision_time is when that revision was made (the campaign
 * file's modification time for the baseline). Returns an exit code. */
int pd_ctl_current_schedule (PdCtl *ctl, const PdCampaign *campaign, const PdSchedule *baseline,
                             PdSchedule **ret_schedule, gint64 *ret_revision_time);

/* Writes every rep's feed (or only `only_rep` when >= 0) of `schedule` to
 * the feed directory, keeping SEQUENCE/DTSTAMP of unchanged events.
 * Returns an exit code. */
int pd_ctl_write_feeds (const PdCampaign *campaign, const PdSchedule *schedule, const char *feeds_dir,
                        gint only_rep, gint64 revision_time);

#include "prospectd/server.h"

extern const PdVerb pd_ctl_verb_feed_url;
