/* SPDX-License-Identifier: MIT
 *
 * config: campaign files and the daemon's own settings.
 *
 * Owns the translation of user-written GKeyFile text into validated values:
 * every key of prospectd.conf(5), its default, and the error that names the file,
 * the group, the key, the value and what was expected. Nothing downstream
 * re-validates what this module accepted. The campaigns it produces are
 * the model of campaign.h.
 */
#pragma once

#include <glib.h>
#include "prospectd/campaign.h"

#define PD_CONFIG_ERROR (pd_config_error_quark ())
GQuark pd_config_error_quark (void);

typedef enum {
  PD_CONFIG_ERROR_IO,      /* the file cannot be read */
  PD_CONFIG_ERROR_SYNTAX,  /* not GKeyFile syntax */
  PD_CONFIG_ERROR_INVALID, /* a key's value is rejected */
} PdConfigError;

/* Reads and validates one campaign file. The id is the file's base name
 * without ".conf". Returns a new campaign, or NULL with error set in
 * PD_CONFIG_ERROR: the message starts with the file name. */
PdCampaign *pd_config_load_campaign (const char *path, GError **error);

/* Same, from text already in memory (`path` names it in messages). */
PdCampaign *pd_config_parse_campaign (const char *path,
                                      const char *text,
                                      gsize length,
                                      GError **error);

/* The daemon's settings (prospectd.conf). Paths are absolute, ~ expanded. */
typedef struct {
  char *path;            /* the file read, or NULL for built-in defaults */
  char *campaigns_dir;
  char *database;
  char *feeds_dir;
  gboolean feeds_set;    /* `feeds` given in the file: on a team's (PostgreSQL) database, only
                          * the daemons that set it write feeds (a desktop's does not) */
  char **notify_reps;    /* NULL-terminated; "*" for all; empty for none */
  gboolean notifications;
  char *listen;          /* "" = feed server off */
  guint max_connections; /* the feed server's concurrent connections, >= 1 */
} PdDaemonConfig;

/* Reads `path`, or when NULL $XDG_CONFIG_HOME/prospectd/prospectd.conf if
 * it exists, else the built-in defaults. */
PdDaemonConfig *pd_config_load_daemon (const char *path, GError **error);
void pd_daemon_config_free (PdDaemonConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdDaemonConfig, pd_daemon_config_free)

/* Resolves what the user typed as CAMPAIGN: a path to a file (contains a
 * '/' or ends in ".conf" and exists), else an id in config->campaigns_dir.
 * When `campaign` is NULL and the directory holds exactly one campaign, that
 * one. Returns the path (newly allocated) or NULL with error set. */
char *pd_config_resolve_campaign (const PdDaemonConfig *config,
                                  const char *campaign,
                                  GError **error);
