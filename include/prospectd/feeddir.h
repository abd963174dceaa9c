/* SPDX-License-Identifier: MIT
 *
 * feeddir: which database a feeds directory belongs to.
 *
 * The feeds of a directory are written from one database only: the first
 * to write there leaves a marker file, FEEDS/.prospectd-database, naming
 * its id (pd_store_database_id(), stored in the database itself, so a
 * moved or copied database file is still the same database). A run with
 * another database (a what-if on a scratch database, a second
 * configuration) is refused instead of rewriting the feeds that calendars
 * subscribe to with its own schedule. Removing the marker hands the
 * directory over to the next database that writes there.
 *
 * The marker is a key file:
 *
 *   [feeds]
 *   database-id=<32 hexadecimal digits>
 *   database=<the database's path when it claimed the directory>
 *
 * Only database-id decides; the path is there for people and messages.
 */
#pragma once

#include <glib.h>

#define PD_FEEDDIR_ERROR (pd_feeddir_error_quark ())
GQuark pd_feeddir_error_quark (void);

typedef enum {
  PD_FEEDDIR_ERROR_FOREIGN, /* the directory belongs to another database */
  PD_FEEDDIR_ERROR_INVALID, /* the marker does not name a database */
  PD_FEEDDIR_ERROR_IO,      /* the marker cannot be read or written */
} PdFeeddirError;

/* The marker's name inside a feeds directory. */
#define PD_FEEDDIR_MARKER ".prospectd-database"

/* Whether the feeds of `feeds_dir` may be written from the database
 * `database_id` (at `database_path`, named in messages; NULL id: a run
 * without a database, whose path `database_path` does not exist).
 *
 * TRUE when the marker names that id, or when there is no marker: then,
 * with `claim` and a database id, the marker is written first (the
 * directory created with mode 0700 when missing), atomically, so that of
 * two databases claiming at once exactly one wins and the other is
 * refused. Without `claim` (a dry run) nothing is ever written.
 *
 * FALSE with error set: PD_FEEDDIR_ERROR_FOREIGN naming the directory,
 * the owner's path and id and this run's, PD_FEEDDIR_ERROR_INVALID or
 * PD_FEEDDIR_ERROR_IO naming the marker. */
gboolean pd_feeddir_check (const char *feeds_dir,
                           const char *database_id,
                           const char *database_path,
                           gboolean claim,
                           GError **error);
