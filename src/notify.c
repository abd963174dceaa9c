/* SPDX-License-Identifier: MIT
 *
 * notify: libnotify behind a check that the server is there (see the
 * header and docs/pitfalls.md 9-11).
 */
#define G_LOG_DOMAIN "prospectd-notify"

#include <gio/gio.h>
#include <libnotify/notify.h>

#include "prospectd/notify.h"

#define NOTIFICATIONS_NAME "org.freedesktop.Notifications"
/* The bus daemon answers NameHasOwner at once; this only bounds a hung bus. */
#define OWNER_CHECK_TIMEOUT_MS 2000

struct _PdNotifier {
  gboolean enabled;
  gboolean initialised;     /* notify_init() called */
  gboolean failing;         /* the last attempt failed (and was logged) */
  GHashTable *slots;        /* slot name -> NotifyNotification*, owned */
};

PdNotifier *
pd_notifier_new (const char *app_name, gboolean enabled)
{
  PdNotifier *notifier = g_new0 (PdNotifier, 1);

  notifier->enabled = enabled;
  notifier->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  /* notify_init() does not touch D-Bus: it cannot fail here. */
  if (enabled)
    notifier->initialised = notify_init (app_name);
  return notifier;
}

/* Whether a session bus can be reached without autolaunching one (which
 * needs X11 and may spawn a daemon): an explicit address, or the
 * per-user socket systemd provides at $XDG_RUNTIME_DIR/bus. */
static gboolean
session_bus_configured (void)
{
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *socket = NULL;

  if (address != NULL && address[0] != '\0')
    return TRUE;
  if (runtime == NULL || runtime[0] == '\0')
    return FALSE;
  socket = g_build_filename (runtime, "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

/* Whether the notification server is on the bus; `reason` says why not. */
static gboolean
server_present (char **ret_reason)
{
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  gboolean has_owner = FALSE;

  if (!session_bus_configured ())
    {
      *ret_reason = g_strdup ("no session bus (DBUS_SESSION_BUS_ADDRESS unset, no $XDG_RUNTIME_DIR/bus)");
      return FALSE;
    }
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      *ret_reason = g_strdup_printf ("cannot connect to the session bus: %s", error->message);
      return FALSE;
    }
  /* The shared connection must not take the daemon down with it when the
   * session bus goes away. */
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", NOTIFICATIONS_NAME), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, OWNER_CHECK_TIMEOUT_MS, NULL, &error);
  if (reply == NULL)
    {
      *ret_reason = g_strdup_printf ("session bus: %s", error->message);
      return FALSE;
    }
  g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner)
    {
      *ret_reason = g_strdup ("no notification server (" NOTIFICATIONS_NAME " has no owner)");
      return FALSE;
    }
  return TRUE;
}

/* Whether the server reads markup in bodies: it announces the
 * "body-markup" capability (Desktop Notifications Specification). */
static gboolean
server_reads_markup (void)
{
  GList *caps = notify_get_server_caps ();
  gboolean markup = g_list_find_custom (caps, "body-markup", (GCompareFunc) g_strcmp0) != NULL;

  g_list_free_full (caps, g_free);
  return markup;
}

static void
report (PdNotifier *notifier, gboolean ok, const char *reason)
{
  if (ok && notifier->failing)
    g_message ("notifications work again");
  else if (!ok && !notifier->failing)
    g_message ("cannot show notifications, logging them only until it works: %s", reason);
  notifier->failing = !ok;
}

gboolean
pd_notifier_show (PdNotifier *notifier, const char *slot, const char *summary, const char *body,
                  PdUrgency urgency)
{
  g_autofree char *reason = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr (GError) error = NULL;
  NotifyNotification *notification;

  if (!notifier->enabled || !notifier->initialised)
    return FALSE;
  if (!server_present (&reason))
    {
      report (notifier, FALSE, reason);
      return FALSE;
    }

  /* A server that reads markup in bodies would take "Dupont & Fils" or a
   * company named "<b>" for markup (shown cut, or not at all): the body
   * is plain text, escaped for such a server. The summary is never
   * markup. */
  if (body != NULL && server_reads_markup ())
    body = escaped = g_markup_escape_text (body, -1);

  notification = g_hash_table_lookup (notifier->slots, slot);
  if (notification == NULL)
    {
      notification = notify_notification_new (summary, body, NULL);
      g_hash_table_insert (notifier->slots, g_strdup (slot), notification);
    }
  else
    notify_notification_update (notification, summary, body, NULL);
  notify_notification_set_urgency (notification, urgency == PD_URGENCY_CRITICAL
                                                   ? NOTIFY_URGENCY_CRITICAL : NOTIFY_URGENCY_NORMAL);
  notify_notification_set_timeout (notification, urgency == PD_URGENCY_CRITICAL
                                                   ? NOTIFY_EXPIRES_NEVER : NOTIFY_EXPIRES_DEFAULT);
  if (!notify_notification_show (notification, &error))
    {
      report (notifier, FALSE, error->message);
      return FALSE;
    }
  report (notifier, TRUE, NULL);
  return TRUE;
}

void
pd_notifier_free (PdNotifier *notifier)
{
  if (notifier == NULL)
    return;
  g_hash_table_destroy (notifier->slots);
  if (notifier->initialised)
    notify_uninit ();
  g_free (notifier);
}
