/* SPDX-License-Identifier: MIT
 *
 * store-pg-lib: libpq found at run time. prospectctl and prospectd do
 * not link libpq (with its own libraries, some 5 MiB of a process): the
 * first PostgreSQL database opened loads libpq.so.5 (GModule) and finds
 * the functions the backend calls; an SQLite file never does. The files
 * of the backend include this header (through store-pg-private.h): each
 * PQ function below is then called through the table.
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

/* The functions of libpq the backend calls. */
#define STORE_PG_LIB_FUNCTIONS(F) \
  F (PQbackendPID) \
  F (PQclear) \
  F (PQcmdTuples) \
  F (PQconnectPoll) \
  F (PQconnectStartParams) \
  F (PQconnectdbParams) \
  F (PQconninfo) \
  F (PQconninfoFree) \
  F (PQconsumeInput) \
  F (PQerrorMessage) \
  F (PQexec) \
  F (PQexecParams) \
  F (PQfinish) \
  F (PQfreemem) \
  F (PQgetResult) \
  F (PQgetisnull) \
  F (PQgetvalue) \
  F (PQnfields) \
  F (PQnotifies) \
  F (PQntuples) \
  F (PQresultErrorField) \
  F (PQresultStatus) \
  F (PQsendQuery) \
  F (PQsetNoticeProcessor) \
  F (PQsetSingleRowMode) \
  F (PQsocket) \
  F (PQstatus) \
  F (PQtransactionStatus)

#define STORE_PG_LIB_MEMBER(name) __typeof__ (&name) name;
typedef struct {
  STORE_PG_LIB_FUNCTIONS (STORE_PG_LIB_MEMBER)
} StorePgLib;
#undef STORE_PG_LIB_MEMBER

extern StorePgLib store_pg_lib;

/* Loads libpq once per process (it stays loaded): TRUE when the table is
 * filled, else FALSE with PD_STORE_ERROR_IO saying why (libpq.so.5
 * missing, or a function not in it). Thread-safe. */
gboolean store_pg_lib_load (GError **error);

#ifndef STORE_PG_LIB_TABLE
#define PQbackendPID (store_pg_lib.PQbackendPID)
#define PQclear (store_pg_lib.PQclear)
#define PQcmdTuples (store_pg_lib.PQcmdTuples)
#define PQconnectPoll (store_pg_lib.PQconnectPoll)
#define PQconnectStartParams (store_pg_lib.PQconnectStartParams)
#define PQconnectdbParams (store_pg_lib.PQconnectdbParams)
#define PQconninfo (store_pg_lib.PQconninfo)
#define PQconninfoFree (store_pg_lib.PQconninfoFree)
#define PQconsumeInput (store_pg_lib.PQconsumeInput)
#define PQerrorMessage (store_pg_lib.PQerrorMessage)
#define PQexec (store_pg_lib.PQexec)
#define PQexecParams (store_pg_lib.PQexecParams)
#define PQfinish (store_pg_lib.PQfinish)
#define PQfreemem (store_pg_lib.PQfreemem)
#define PQgetResult (store_pg_lib.PQgetResult)
#define PQgetisnull (store_pg_lib.PQgetisnull)
#define PQgetvalue (store_pg_lib.PQgetvalue)
#define PQnfields (store_pg_lib.PQnfields)
#define PQnotifies (store_pg_lib.PQnotifies)
#define PQntuples (store_pg_lib.PQntuples)
#define PQresultErrorField (store_pg_lib.PQresultErrorField)
#define PQresultStatus (store_pg_lib.PQresultStatus)
#define PQsendQuery (store_pg_lib.PQsendQuery)
#define PQsetNoticeProcessor (store_pg_lib.PQsetNoticeProcessor)
#define PQsetSingleRowMode (store_pg_lib.PQsetSingleRowMode)
#define PQsocket (store_pg_lib.PQsocket)
#define PQstatus (store_pg_lib.PQstatus)
#define PQtransactionStatus (store_pg_lib.PQtransactionStatus)
#endif
