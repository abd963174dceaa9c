/* SPDX-License-Identifier: MIT
 *
 * language: which language prospectd speaks, and to whom.
 *
 * The programs speak the locale of their process (LANG, LC_ALL, LC_MESSAGES,
 * LC_NUMERIC...), with the message catalogue installed under LOCALEDIR, or
 * under $PROSPECTD_LOCALEDIR when that is set (`make run` and the tests set it
 * to the build tree's locale directory, so that an uninstalled build speaks
 * the catalogues it built).
 *
 * What other people read — the feeds' event texts and the desktop
 * notifications — speaks the campaign's `[campaign] language` instead,
 * whatever the locale of the process writing it: pd_language_enter()
 * switches the calling thread's locale (uselocale(3): messages, numbers,
 * money and dates) until pd_language_leave(). A language needs its locale
 * on the machine: fr needs fr_FR.UTF-8 (or another French UTF-8 locale),
 * en needs nothing (the C locale).
 */
#pragma once

#include <locale.h>
#include <glib.h>

#define PD_LANGUAGE_ERROR (pd_language_error_quark ())
GQuark pd_language_error_quark (void);

typedef enum {
  PD_LANGUAGE_ERROR_UNKNOWN,     /* not a language prospectd speaks */
  PD_LANGUAGE_ERROR_NO_LOCALE,   /* its locale is not installed */
} PdLanguageError;

/* The languages a campaign may ask for, as written in the file. */
#define PD_LANGUAGES "fr, en"

/* Binds the message catalogue ($PROSPECTD_LOCALEDIR, else LOCALEDIR) in
 * UTF-8 and makes it the default domain. After setlocale(). */
void pd_language_bind (void);

/* Checks that `language` ("fr" or "en") is known and that its locale can be
 * loaded on this machine (loading it once for the process). */
gboolean pd_language_check (const char *language, GError **error);

typedef struct {
  locale_t previous;   /* the thread's locale before, or 0: nothing changed */
} PdLanguageScope;

/* Makes the calling thread speak `language` (messages, numbers, money,
 * dates) until pd_language_leave(). NULL, or a language whose locale cannot
 * be loaded (pd_language_check() says why), changes nothing. */
PdLanguageScope pd_language_enter (const char *language);

/* Numbers, money and dates written as in the C locale (machine-readable
 * output: JSON, CSV), messages unchanged, until pd_language_leave(). */
PdLanguageScope pd_language_enter_plain_numbers (void);

/* Restores the thread's locale saved by pd_language_enter*(). */
void pd_language_leave (PdLanguageScope *scope);
