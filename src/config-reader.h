/* SPDX-License-Identifier: MIT
 *
 * config-reader: private to the configuration readers (config.c,
 * config-campaign.c, config-daemon.c). Every message says
 * "FILE: [GROUP] KEY = VALUE: what was expected".
 */
#pragma once

#include <glib.h>
#include "prospectd/config.h"
#include "prospectd/parse.h"

/* Far above any hand-written campaign; keeps a wrong path (a log, a disk
 * image) from being read whole. */
#define PD_CONFIG_MAX_FILE_BYTES (1024 * 1024)

typedef enum {
  PD_CONFIG_READ_OK,
  PD_CONFIG_READ_ERRNO,       /* *ret_errno says why */
  PD_CONFIG_READ_NOT_REGULAR,
  PD_CONFIG_READ_TOO_LARGE,
} PdConfigRead;

typedef struct {
  const char *path;
  GKeyFile *keyfile;
} PdConfigReader;

/* A campaign id (a file name without .conf): ASCII letters, digits, '_',
 * '-' and '.', not '.' first nor two in a row, at most 64. */
gboolean pd_config_valid_campaign_id (const char *name);
/* A rep's name as people write it (any alphabet), see config.c. */
gboolean pd_config_valid_rep_name (const char *name);

/* The pre-scan of a file's lines before GKeyFile parses it (see config.c). */
gboolean pd_config_check_lines (const char *path, const char *text, gsize length, GError **error);

/* Sets error to "path: [group] key = value: expected" (without " = value"
 * when value is NULL) and returns FALSE. */
gboolean pd_config_reject (const PdConfigReader *reader, const char *group, const char *key,
                           const char *value, const char *expected, GError **error);
/* The stripped raw value of group/key (newly allocated), or NULL. */
char *pd_config_lookup (const PdConfigReader *reader, const char *group, const char *key);
/* Same, an error naming `example` when the key is missing. */
gboolean pd_config_require (const PdConfigReader *reader, const char *group, const char *key,
                            const char *example, char **ret_value, GError **error);
/* The allowed name closest to `name` when it looks like a typo of it. */
const char *pd_config_closest_name (const char *name, const char *const *allowed);
/* Every key of `group` is one of `allowed`, else an error with a guess. */
gboolean pd_config_check_keys (const PdConfigReader *reader, const char *group,
                               const char *const *allowed, GError **error);

/* Reads at most `max` bytes of a regular file (see config.c). */
PdConfigRead pd_config_read_file (const char *path, gsize max, char **ret_text, gsize *ret_length,
                                  int *ret_errno);

/* Runs one of the pd_parse_* functions on group/key and turns its message
 * into the file/group/key/value form. */
#define PD_CONFIG_PARSE_KEY(reader, group, key, value, parser, out, error)            \
  G_STMT_START {                                                            \
    g_autoptr (GError) parse_error_ = NULL;                                 \
    if (!parser ((value), (out), &parse_error_))                            \
      return pd_config_reject ((reader), (group), (key), (value), parse_error_->message, (error)); \
  } G_STMT_END
