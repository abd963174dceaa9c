/* SPDX-License-Identifier: MIT
 *
 * notify: desktop notifications (libnotify), the only module that speaks
 * it.
 *
 * A notification is shown only when the session bus is reachable and
 * org.freedesktop.Notifications has an owner, checked first with a short
 * D-Bus call that never auto-starts a service: a missing bus or server
 * costs milliseconds, never libnotify's 25-second timeout. Being unable to
 * show is not an error of the daemon: it is logged once (and once again
 * when notifications work again), and the next notification tries again.
 *
 * Each "slot" (a string the caller chooses, e.g. "reminder:alice") keeps
 * one notification object, so a new message of the same slot replaces the
 * previous one on screen instead of stacking.
 */
#pragma once

#include <glib.h>
#include "prospectd/alerts.h" /* PdUrgency */

typedef struct _PdNotifier PdNotifier;

/* A notifier for application `app_name`. When `enabled` is FALSE nothing
 * is ever shown (notifications = off): pd_notifier_show() returns FALSE. */
PdNotifier *pd_notifier_new (const char *app_name, gboolean enabled);

/* Shows a notification in `slot` (replacing that slot's previous one).
 * `summary` and `body` are plain text: the body is markup-escaped for a
 * server that announces the "body-markup" capability (it would read
 * "Dupont & Fils" as markup), sent as it is to any other. Returns TRUE when the server accepted it, FALSE when it could not be
 * shown (disabled, no bus, no server, refused); the reason is logged the
 * first time only. */
gboolean pd_notifier_show (PdNotifier *notifier,
                           const char *slot,
                           const char *summary,
                           const char *body,
                           PdUrgency urgency);

/* Frees the notifier and uninitialises libnotify. Accepts NULL. */
void pd_notifier_free (PdNotifier *notifier);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdNotifier, pd_notifier_free)
