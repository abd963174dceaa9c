/* SPDX-License-Identifier: MIT
 *
 * listen: the feed server's [feeds] listen value, checked without the
 * server (server.h): prospectctl feed-url checks it without linking the
 * HTTP server and libsoup.
 */
#define G_LOG_DOMAIN "prospectd-server"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "prospectd/server.h"

G_DEFINE_QUARK (pd-server-error-quark, pd_server_error)

/* An IP address or a DNS name (letters, digits, '-' and '.'). */
static gboolean
plain_host (const char *host)
{
  static const char name_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.";

  if (host == NULL || *host == '\0')
    return FALSE;
  return g_hostname_is_ip_address (host) || strspn (host, name_chars) == strlen (host);
}

gboolean
pd_server_check_listen (const char *listen, GError **error)
{
  g_autoptr (GSocketConnectable) address = NULL;
  g_autoptr (GError) local_error = NULL;

  if (listen == NULL || *listen == '\0')
    {
      g_set_error (error, PD_SERVER_ERROR, PD_SERVER_ERROR_INVALID,
                   _("[feeds] listen: empty; expected HOST:PORT, e.g. 127.0.0.1:8765"));
      return FALSE;
    }
  /* The port in digits: GLib would also take a service name ("http"). */
  const char *port = strrchr (listen, ':');
  if (port != NULL && port[1] != '\0' && strspn (port + 1, "0123456789") == strlen (port + 1))
    address = g_network_address_parse (listen, 0, &local_error);
  if (address == NULL || g_network_address_get_port (G_NETWORK_ADDRESS (address)) == 0 ||
      !plain_host (g_network_address_get_hostname (G_NETWORK_ADDRESS (address))))
    {
      g_set_error (error, PD_SERVER_ERROR, PD_SERVER_ERROR_INVALID,
                   _("[feeds] listen: '%s': expected HOST:PORT with a port from 1 to 65535, "
                     "e.g. 127.0.0.1:8765 or [::1]:8765"), listen);
      return FALSE;
    }
  return TRUE;
}
