/* SPDX-License-Identifier: MIT
 *
 * store-pg-private: what the files of the PostgreSQL backend share, and
 * only they include (libpq-fe.h stays inside src/store-pg*.c; its
 * functions are called through store-pg-lib.h's table). Owns the
 * connection (struct _PgStore) and the plumbing every query goes through:
 * parameterised queries, the translation of server errors into
 * PD_STORE_ERROR, transactions retried on serialization failure and
 * deadlock, and reading integers and dates out of results.
 *
 * Every query is PQexecParams() with its values as parameters (text
 * format both ways); no SQL text is built at run time. Names
 * are found through the search_path every connection pins (pg_catalog,
 * prospectd, pg_temp: nothing of another schema can stand in for a table
 * of ours, nor a temporary table).
 */
#pragma once

#include <inttypes.h>

#include <glib.h>
#include <glib/gi18n.h>
#include <libpq-fe.h>

#include "store-pg-lib.h"

#include "prospectd/store.h"
#include "store-common.h"
#include "store-pg.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

struct _PgStore {
  PGconn *conn;
  char *display;       /* the URI as shown: pd_store_display_name() */
  gint64 own_changes;  /* write transactions this connection committed */
  gboolean dry_run;    /* one transaction for the whole life, rolled back at close */
  gboolean writing;    /* inside a PG_WRITE transaction */
  char sqlstate[6];    /* of the last error, "" when it had none */
  gint64 schema_found; /* the version opening found (0: none) */
  gboolean listening;  /* LISTEN prospectd issued (store-pg-listen.c) */
};

/* The advisory lock a schema upgrade holds: 'prospect' in ASCII. */
#define PG_SCHEMA_LOCK "8102661221190558580"

/* ------------------------------------------------------------ plumbing */

/* Sets error from a failed result (NULL: from the connection), mapping
 * SQLSTATE to PD_STORE_ERROR: serialization failure, deadlock and lock
 * timeout are BUSY; integrity and data exceptions INVALID; a lost or
 * refused connection, a refused privilege IO; data corruption CORRUPT. */
void pg_set_error (PgStore *pg, const PGresult *result, GError **error);

/* Runs `sql` with `n_values` text parameters (NULL: SQL NULL). Returns the
 * result (rows or a command's), or NULL with error set. */
PGresult *pg_query (PgStore *pg, const char *sql, int n_values, const char *const *values, GError **error);

/* Runs constant SQL, several statements allowed (settings, DDL). */
gboolean pg_exec (PgStore *pg, const char *sql, GError **error);

typedef enum {
  PG_READ,   /* one snapshot (REPEATABLE READ, READ ONLY) */
  PG_WRITE,  /* bumps the change counter first: writers queue there */
  PG_SCHEMA, /* the schema's own transaction: no change counter yet */
} PgMode;

/* The body of a transaction: may run more than once (a retry), so it
 * writes its results only once it is sure to succeed, or resets them at
 * its start. */
typedef gboolean (*PgBody) (PgStore *pg, gpointer data, GError **error);

/* Runs `body` in a transaction (a savepoint of the dry run's transaction
 * on a copy), commits when it returns TRUE, rolls back otherwise. A
 * serialization failure or deadlock is retried (up to 10 times, with a
 * growing pause); what still fails is BUSY. */
gboolean pg_transaction (PgStore *pg, PgMode mode, PgBody body, gpointer data, GError **error);

/* Brings the schema to PD_STORE_SCHEMA_VERSION (store-pg-schema.c);
 * *ret_missing: there was none. */
gboolean pg_migrate (PgStore *pg, gboolean *ret_missing, GError **error);

/* Inside a transaction: NOT_FOUND unless campaign `id` is known. */
gboolean pg_require_campaign (PgStore *pg, const char *id, GError **error);

/* ------------------------------------------------------- values as text */

#define INT_TEXT_SIZE 24

static inline const char *
int_text (gint64 value, char text[INT_TEXT_SIZE])
{
  g_snprintf (text, INT_TEXT_SIZE, "%" G_GINT64_FORMAT, value);
  return text;
}

static inline gint64
pg_int (const PGresult *result, int row, int column)
{
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

static inline const char *
pg_text (const PGresult *result, int row, int column)
{
  return PQgetisnull (result, row, column) ? NULL : PQgetvalue (result, row, column);
}

static inline gboolean
pg_date (const PGresult *result, int row, int column, GDate *ret_date, GError **error)
{
  return parse_date ((const unsigned char *) pg_text (result, row, column), ret_date, error);
}
