/* SPDX-License-Identifier: MIT
 *
 * token: the secrets that make a feed URL private.
 *
 * A token is 192 bits from the kernel's CSPRNG (getrandom(2), never
 * g_random), written as 48 lowercase hex digits so that it goes into a
 * URL's query string as it is. Tokens are compared in constant time: how
 * long a comparison takes does not depend on where the first differing
 * character is, so a client timing its requests learns nothing.
 */
#pragma once

#include <glib.h>

#define PD_TOKEN_ERROR (pd_token_error_quark ())
GQuark pd_token_error_quark (void);

typedef enum {
  PD_TOKEN_ERROR_RANDOM, /* the kernel gave no random bytes */
} PdTokenError;

/* Bytes of randomness in a token, and its length as text. */
#define PD_TOKEN_BYTES 24
#define PD_TOKEN_LENGTH (2 * PD_TOKEN_BYTES)

/* A new token (PD_TOKEN_LENGTH hex digits), newly allocated; or NULL with
 * error set (PD_TOKEN_ERROR_RANDOM) when getrandom() fails. */
char *pd_token_new (GError **error);

/* Whether `given` equals `expected`, in a time that depends only on the
 * length of `expected` (the length of `given` is the caller's to know).
 * NULL equals nothing, not even NULL. */
gboolean pd_token_equal (const char *expected, const char *given);
