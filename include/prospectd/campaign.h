/* SPDX-License-Identifier: MIT
 *
 * campaign: the domain model — a campaign, its reps, their call windows,
 * the checkpoints and the plan's inputs — and its helpers (free, find a
 * rep, a rep's name in NFC and in file names). No I/O: config reads
 * campaigns from files, every other module takes them as they are.
 *
 * Numbers are exact: money in integer cents, factors and rates in
 * millionths (PD_MILLI = 1 000 000 stands for 1, 6 % is 60 000).
 */
#pragma once

#include <glib.h>

/* Fixed-point unit of factors, rates and weights: 1.0 == PD_MILLI. */
#define PD_MILLI G_GINT64_CONSTANT (1000000)

typedef enum {
  PD_ROUNDING_UP,
  PD_ROUNDING_DOWN,
} PdRounding;

/* The [plan] figures of a campaign (the funnel's inputs). */
typedef struct {
  gint64 objective_cents;
  gint64 average_deal_cents;
  gint64 proposals_per_deal;    /* millionths */
  gint64 compensation_factor;   /* millionths */
  gint64 spontaneous_prospects; /* whole prospects, >= 0 */
  gint64 accessibility_rate;    /* millionths of 1: 6 % == 60 000 */
  gint64 contacts_per_prospect; /* millionths */
  gint64 minutes_per_contact;   /* millionths */
  PdRounding rounding;
} PdPlanInput;

/* A call window on the local wall clock, [start_minute, end_minute). */
typedef struct {
  guint start_minute; /* minutes after local midnight */
  guint end_minute;   /* exclusive, > start_minute, <= 24 * 60 */
} PdWindow;

/* An inclusive range of local dates. */
typedef struct {
  GDate first;
  GDate last;
} PdDateRange;

/* A dated share of the campaign's contacts that must be done by `date`
 * (inclusive). The campaign's end is always the last one, at 100 %. */
typedef struct {
  GDate date;
  gint64 share; /* millionths of the rep's contacts: 25 % == 250 000 */
} PdCheckpoint;

/* Bit (G_DATE_MONDAY - 1) .. (G_DATE_SUNDAY - 1) set for working weekdays. */
typedef guint8 PdWeekdays;
#define PD_WEEKDAY_BIT(weekday) ((PdWeekdays) (1u << ((weekday) - 1)))

/* One clause of [prospects] priority: new prospects whose `attribute`
 * (a column of the prospect file: sector, city, size, or any other
 * column's header) has values[0] come first, then values[1], ..., then
 * the rest. Values are as written in the campaign file; the call lists
 * compare them without case or accents. */
typedef struct {
  char *attribute;
  GStrv values;
} PdPriority;

void pd_priority_free (PdPriority *priority);

/* One rep with their calendar fully resolved (campaign values where the
 * [rep NAME] group says nothing). */
typedef struct {
  char *name;
  gint64 weight;              /* millionths, > 0 */
  PdWeekdays workdays;
  GArray *windows;            /* PdWindow, sorted, non-overlapping, owned */
  guint max_daily_minutes;    /* > 0 */
  GArray *days_off;           /* PdDateRange, owned */
  GDate start;                /* the rep's first day: [rep NAME] start, else the day the rep
                               * first appeared (set from the store, catchup.h); invalid:
                               * the campaign's start. No day before it is available. */
  gboolean start_given;       /* start comes from the campaign file */
} PdRep;

/* A day near a change of UTC offset, and the wall minutes [start_minute,
 * end_minute) that do not exist on it (start == end: none do not). */
typedef struct {
  guint32 julian;
  guint start_minute;
  guint end_minute;
} PdWallGap;

typedef struct {
  char *id;            /* file name without .conf */
  char *path;          /* the file it was read from */
  char *name;
  GDate start;
  GDate end;
  char *timezone;      /* IANA name */
  GTimeZone *tz;       /* owned */
  char *currency;      /* ISO 4217 code, e.g. EUR */
  char *language;      /* "fr", "en": the language of feeds and notifications;
                        * NULL: the process's locale */

  PdPlanInput plan;
  gint64 max_attempts; /* [plan] max_attempts: calls to a prospect never reached, at most (default 13) */

  /* The prospect file. */
  char *country;       /* ISO 3166 code phone numbers are read in ([campaign] country, else the
                        * one the time zone implies, pd_country_for_timezone()); NULL: none */
  gboolean country_given; /* from [campaign] country, not from the time zone */
  GPtrArray *priority; /* PdPriority*, owned, [prospects] priority's clauses in order; empty or NULL
                        * (a campaign built by hand): none */

  /* [calendar] */
  GArray *holidays;    /* GDate, explicit dates, owned */
  gboolean holidays_fr;
  guint max_block_minutes;
  guint break_minutes;   /* between consecutive blocks; 0 in a campaign built by hand */
  guint reminder_minutes;

  GArray *checkpoints; /* PdCheckpoint, strictly increasing, last == end at 100 %, owned */
  GPtrArray *reps;     /* PdRep*, owned, in file order */
  GHashTable *rep_index; /* rep name (borrowed from reps) -> index + 1, owned */
  GArray *wall_gaps;   /* PdWallGap: the days from start to end near a change of UTC
                        * offset and the wall minutes missing on them
                        * (pd_workcal_prepare), owned; NULL: ask the zone */

  /* [alerts] */
  gint64 behind_threshold; /* millionths of 1 */
  guint daily_check_minute;

  /* Not from the file: the planned loads of past days, kept when the file
   * changes (pd_catchup_freeze_past). pd_schedule_build() gives each rep's
   * available days up to and including history_through these loads (0 for
   * a day not listed) and spreads the rest of the rep's contacts along the
   * checkpoints after it. NULL: the file alone. */
  GArray *history;         /* PdPlannedDay, owned */
  GDate history_through;

  /* What the campaign was read from: the SHA-256 (hex) of prospectd's
   * version and the file's bytes; NULL when not read from a file's text.
   * A baseline stored from this very text says so (PdRevision.source), so
   * that commands need not build every rep's days to learn that the file
   * did not change (pd_catchup_freeze_past). */
  char *source_digest;
  /* Set by pd_catchup_freeze_past(): the store's baseline was made from
   * this very text (and so every rep's days fit). */
  gboolean source_planned;
} PdCampaign;

/* One rep's planned contacts on one day. */
typedef struct {
  guint rep_index;         /* into campaign->reps */
  GDate date;
  gint64 contacts;
} PdPlannedDay;

/* Frees a rep (its name, windows and days off); accepts NULL. */
void pd_rep_free (PdRep *rep);

/* Frees a campaign and all it owns; accepts NULL. */
void pd_campaign_free (PdCampaign *campaign);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCampaign, pd_campaign_free)

/* Rep names are written in any alphabet ("hélène", "zoë", "josé") and
 * kept in Unicode NFC, so that a name typed with combining accents is the
 * same rep. pd_rep_normalize() returns the NFC form (NULL for invalid
 * UTF-8). pd_rep_file_name() is the one encoding of a name wherever it
 * touches a file name, a URL or a UID: the NFC form's UTF-8 bytes outside
 * A-Z a-z 0-9 - . _ ~ percent-encoded in uppercase hex, so an ASCII name
 * is unchanged and "hélène" is "h%C3%A9l%C3%A8ne" (feeds/CAMPAIGN/
 * h%C3%A9l%C3%A8ne.ics, UID 20270104-1-h%C3%A9l%C3%A8ne@...). It never
 * yields '/', and two names never share an encoding (names have no '%'). */
char *pd_rep_normalize (const char *name);
char *pd_rep_file_name (const char *name);

/* The rep called `name` (compared in NFC), or NULL; its index in
 * campaign->reps is written to ret_index when not NULL. */
const PdRep *pd_campaign_find_rep (const PdCampaign *campaign,
                                   const char *name,
                                   guint *ret_index);

