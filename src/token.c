/* SPDX-License-Identifier: MIT
 *
 * token: feed-URL secrets from getrandom(), compared in constant time (see
 * the header).
 */
#define G_LOG_DOMAIN "prospectd-token"

#include "prospectd/token.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <glib/gi18n.h>

G_DEFINE_QUARK (pd-token-error-quark, pd_token_error)

char *
pd_token_new (GError **error)
{
  static const char digits[] = "0123456789abcdef";
  guint8 bytes[PD_TOKEN_BYTES];
  gsize filled = 0;
  char *text;

  /* getrandom() may return fewer bytes when a signal interrupts it. */
  while (filled < sizeof bytes)
    {
      ssize_t got = getrandom (bytes + filled, sizeof bytes - filled, 0);

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        {
          int saved_errno = errno;
          g_set_error (error, PD_TOKEN_ERROR, PD_TOKEN_ERROR_RANDOM, _("Cannot get random bytes: %s"),
                       g_strerror (saved_errno));
          return NULL;
        }
      filled += (gsize) got;
    }
  text = g_malloc (PD_TOKEN_LENGTH + 1);
  for (gsize i = 0; i < sizeof bytes; i++)
    {
      text[2 * i] = digits[bytes[i] >> 4];
      text[2 * i + 1] = digits[bytes[i] & 0x0f];
    }
  text[PD_TOKEN_LENGTH] = '\0';
  explicit_bzero (bytes, sizeof bytes);
  return text;
}

gboolean
pd_token_equal (const char *expected, const char *given)
{
  gsize expected_length, given_length;
  volatile unsigned difference;

  if (expected == NULL || given == NULL)
    return FALSE;
  expected_length = strlen (expected);
  given_length = strlen (given);
  /* Every character of `expected` is visited whatever `given` holds; a
   * shorter `given` is read as if padded with NULs (already a difference
   * through the lengths). No early exit, no data-dependent branch. */
  difference = expected_length != given_length;
  for (gsize i = 0; i < expected_length; i++)
    {
      unsigned char g = i < given_length ? (unsigned char) given[i] : 0;
      difference |= (unsigned) ((unsigned char) expected[i] ^ g);
    }
  return difference == 0;
}
