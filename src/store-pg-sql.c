/* SPDX-License-Identifier: MIT
 *
 * store-pg-sql: the plumbing every query of the PostgreSQL backend goes
 * through: the translation of the server's errors (SQLSTATE) into
 * PD_STORE_ERROR, parameterised queries, and transactions.
 *
 * Transactions: a write begins by incrementing the one row of
 * prospectd.changes, which both counts the database's changes (for
 * pd_store_data_version()) and queues writers one after the other, as
 * SQLite's BEGIN IMMEDIATE does: no two of our writers interleave, so none
 * deadlocks another or reads what another is about to change. A read of
 * several statements is one REPEATABLE READ snapshot. A serialization
 * failure or deadlock (a writer that is not prospectd, or a server under
 * stricter settings) rolls back and runs the transaction again.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

#include <string.h>

/* ------------------------------------------------------------- errors */

static PdStoreError
error_code (const char *state, gboolean connection_ok, gboolean writing)
{
  if (!connection_ok || state == NULL || *state == '\0')
    return connection_ok ? PD_STORE_ERROR_FAILED : PD_STORE_ERROR_IO;
  /* A number out of range: a write that would take a sum beyond 64 bits
   * is refused input, as SQLite's CHECK says; a sum read is a failure of
   * the read, as SQLite's sum() says. */
  if (g_str_equal (state, "22003"))
    return writing ? PD_STORE_ERROR_INVALID : PD_STORE_ERROR_FAILED;
  if (g_str_equal (state, "40001") || g_str_equal (state, "40P01") || g_str_equal (state, "55P03"))
    return PD_STORE_ERROR_BUSY;
  if (g_str_has_prefix (state, "23") || g_str_has_prefix (state, "22"))
    return PD_STORE_ERROR_INVALID;
  if (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "28") || g_str_has_prefix (state, "53")
      || g_str_has_prefix (state, "57") || g_str_has_prefix (state, "58") || g_str_equal (state, "42501")
      || g_str_equal (state, "3D000"))
    return PD_STORE_ERROR_IO;
  if (g_str_equal (state, "XX001") || g_str_equal (state, "XX002"))
    return PD_STORE_ERROR_CORRUPT;
  return PD_STORE_ERROR_FAILED;
}

/* libpq's connection messages span lines ("...failed: ...\n\tIs the server
 * running...?\n"): one line, blanks squeezed. */
static char *
one_line (const char *message)
{
  g_auto (GStrv) lines = g_strsplit_set (message != NULL ? message : "", "\n\t", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, line);
    }
  return g_string_free (out, FALSE);
}

void
pg_set_error (PgStore *pg, const PGresult *result, GError **error)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  gboolean connection_ok = PQstatus (pg->conn) == CONNECTION_OK;
  g_autofree char *message = one_line (primary != NULL ? primary : PQerrorMessage (pg->conn));

  g_strlcpy (pg->sqlstate, state != NULL ? state : "", sizeof pg->sqlstate);
  if (!connection_ok && *message == '\0')
    g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_IO, _("the connection to the server was lost"));
  else
    g_set_error_literal (error, PD_STORE_ERROR, error_code (state, connection_ok, pg->writing), message);
}

/* ------------------------------------------------------------ queries */

PGresult *
pg_query (PgStore *pg, const char *sql, int n_values, const char *const *values, GError **error)
{
  PGresult *result = PQexecParams (pg->conn, sql, n_values, NULL, values, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
    return result;
  pg_set_error (pg, result, error);
  PQclear (result);
  return NULL;
}

gboolean
pg_exec (PgStore *pg, const char *sql, GError **error)
{
  g_autoptr (PGresult) result = PQexec (pg->conn, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
    return TRUE;
  pg_set_error (pg, result, error);
  return FALSE;
}

/* -------------------------------------------------------- transactions */

#define PG_RETRIES 10

static gboolean
begin (PgStore *pg, PgMode mode, GError **error)
{
  /* The dry run's writes are never committed: no change to count, and
   * the counter's row is not held (every writer would wait for the dry
   * run to end). */
  if (pg->dry_run)
    return pg_exec (pg, "SAVEPOINT pd", error);
  switch (mode)
    {
    case PG_READ:
      return pg_exec (pg, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", error);
    case PG_WRITE:
      return pg_exec (pg, "BEGIN; UPDATE changes SET counter = counter + 1", error);
    case PG_SCHEMA:
    default:
      return pg_exec (pg, "BEGIN", error);
    }
}

static gboolean
commit (PgStore *pg, GError **error)
{
  return pg_exec (pg, pg->dry_run ? "RELEASE SAVEPOINT pd" : "COMMIT", error);
}

static void
rollback (PgStore *pg)
{
  if (PQtransactionStatus (pg->conn) == PQTRANS_IDLE || PQstatus (pg->conn) != CONNECTION_OK)
    return;
  pg_exec (pg, pg->dry_run ? "ROLLBACK TO SAVEPOINT pd; RELEASE SAVEPOINT pd" : "ROLLBACK", NULL);
}

gboolean
pg_transaction (PgStore *pg, PgMode mode, PgBody body, gpointer data, GError **error)
{
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr (GError) local_error = NULL;

      gboolean ok;

      pg->writing = mode != PG_READ;
      ok = begin (pg, mode, &local_error) && body (pg, data, &local_error) && commit (pg, &local_error);
      pg->writing = FALSE;
      if (ok)
        {
          if (mode == PG_WRITE && !pg->dry_run)
            pg->own_changes++;
          return TRUE;
        }
      rollback (pg);
      if (attempt + 1 < PG_RETRIES && g_error_matches (local_error, PD_STORE_ERROR, PD_STORE_ERROR_BUSY)
          && !pg->dry_run)
        {
          /* 1, 2, 4 ... 256 ms, with jitter so that the losers of a
           * deadlock do not meet again. */
          g_usleep ((gulong) ((1u << MIN (attempt, 8u)) * 1000 + g_random_int_range (0, 1000)));
          continue;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
}
