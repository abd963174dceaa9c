/* SPDX-License-Identifier: MIT
 *
 * French in the tests: fr_FR.UTF-8 from the private locale directory the
 * Makefile compiles with localedef ($PD_TEST_LOCPATH, made LOCPATH), the
 * catalogue from the build tree ($PROSPECTD_LOCALEDIR). Call
 * locale_fixture_init() first thing in main(); pd_language_enter ("fr")
 * then speaks French, or the test fails saying why.
 */
#pragma once

#include <glib.h>
#include "prospectd/language.h"

static void G_GNUC_UNUSED
locale_fixture_init (void)
{
  const char *locpath = g_getenv ("PD_TEST_LOCPATH");

  if (locpath != NULL && locpath[0] != '\0')
    g_setenv ("LOCPATH", locpath, TRUE);
  pd_language_bind ();
}

/* Enters French, failing the test when fr_FR.UTF-8 cannot be loaded. */
static PdLanguageScope G_GNUC_UNUSED
locale_fixture_french (void)
{
  g_autoptr (GError) error = NULL;

  if (!pd_language_check ("fr", &error))
    fail_msg ("French: %s (PD_TEST_LOCPATH=%s; run through make check)", error->message,
              g_getenv ("PD_TEST_LOCPATH"));
  return pd_language_enter ("fr");
}
