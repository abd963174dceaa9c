/* SPDX-License-Identifier: MIT
 *
 * store-common: what every backend of include/prospectd/store.h shares
 * (src/store-common.c): the checks made on the arguments before anything is
 * written, so that every backend refuses the same input with the same
 * PD_STORE_ERROR_INVALID message, and the clock for "created" times.
 * Backend-neutral: no SQL, no library of a backend.
 */
#pragma once

#include <glib.h>

#include "prospectd/store.h"

/* INVALID unless `value` is a non-empty string; `what` names it in the
 * message ("campaign id"). */
gboolean store_check_name (const char *value, const char *what, GError **error);

/* INVALID unless `date` is a valid date of years 1 to 9999; `what` names
 * it in the message ("end"). */
gboolean store_check_date (const GDate *date, const char *what, GError **error);

/* An entry's campaign and rep named, its date valid, no count negative. */
gboolean store_check_activity (const PdActivity *activity, GError **error);

/* A revision's campaign named, its as-of date valid, a known kind, and each
 * day with a rep, a valid date, contacts >= 0 and a base >= -1. */
gboolean store_check_revision (const PdRevision *revision, GError **error);

/* Now in Unix seconds: the "created" time of what is written. */
gint64 store_now_seconds (void);
