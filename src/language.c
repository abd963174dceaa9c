/* SPDX-License-Identifier: MIT
 *
 * language: the catalogue's binding and per-thread languages (see the header).
 */
#define G_LOG_DOMAIN "prospectd-language"

#include <glib/gi18n.h>

#include "prospectd/language.h"

G_DEFINE_QUARK (pd-language-error-quark, pd_language_error)

void
pd_language_bind (void)
{
  const char *dir = g_getenv ("PROSPECTD_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, dir != NULL && dir[0] != '\0' ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

typedef struct {
  const char *code;
  const char *const *locales;   /* the first one found is used */
} Language;

static const char *const french[] = { "fr_FR.UTF-8", "fr_FR.utf8", "fr_BE.UTF-8", "fr_CH.UTF-8",
                                      "fr_CA.UTF-8", "fr_LU.UTF-8", NULL };
static const char *const english[] = { "C.UTF-8", "C", NULL };
static const Language languages[] = { { "fr", french }, { "en", english } };

/* Loaded once for the process, never freed: threads may hold them. */
G_LOCK_DEFINE_STATIC (loaded);
static locale_t loaded[G_N_ELEMENTS (languages)];
static locale_t plain_numbers;

static const Language *
find_language (const char *code, guint *ret_index)
{
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (languages[i].code, code))
      {
        *ret_index = i;
        return &languages[i];
      }
  return NULL;
}

/* The locale of language i, loaded on first use; 0 when none is installed. */
static locale_t
language_locale (guint i)
{
  locale_t locale;

  G_LOCK (loaded);
  if (loaded[i] == (locale_t) 0)
    for (const char *const *name = languages[i].locales; *name != NULL && loaded[i] == (locale_t) 0; name++)
      loaded[i] = newlocale (LC_ALL_MASK, *name, (locale_t) 0);
  locale = loaded[i];
  G_UNLOCK (loaded);
  return locale;
}

gboolean
pd_language_check (const char *language, GError **error)
{
  guint i;

  if (find_language (language, &i) == NULL)
    {
      g_set_error (error, PD_LANGUAGE_ERROR, PD_LANGUAGE_ERROR_UNKNOWN,
                   _("write one of %s"), PD_LANGUAGES);
      return FALSE;
    }
  if (language_locale (i) == (locale_t) 0)
    {
      g_set_error (error, PD_LANGUAGE_ERROR, PD_LANGUAGE_ERROR_NO_LOCALE,
                   _("the locale %s is not installed on this machine (Debian: apt-get install locales, "
                     "then localedef -i fr_FR -f UTF-8 fr_FR.UTF-8)"), languages[i].locales[0]);
      return FALSE;
    }
  return TRUE;
}

PdLanguageScope
pd_language_enter (const char *language)
{
  PdLanguageScope scope = { (locale_t) 0 };
  guint i;
  locale_t locale;

  if (language == NULL || find_language (language, &i) == NULL)
    return scope;
  locale = language_locale (i);
  if (locale != (locale_t) 0)
    scope.previous = uselocale (locale);
  return scope;
}

PdLanguageScope
pd_language_enter_plain_numbers (void)
{
  PdLanguageScope scope = { (locale_t) 0 };
  locale_t locale;

  G_LOCK (loaded);
  if (plain_numbers == (locale_t) 0)
    {
      /* The process's locale, but for the C locale's numbers, money and
       * dates. */
      locale_t base = duplocale (LC_GLOBAL_LOCALE);

      if (base != (locale_t) 0)
        {
          plain_numbers = newlocale (LC_NUMERIC_MASK | LC_MONETARY_MASK | LC_TIME_MASK, "C", base);
          if (plain_numbers == (locale_t) 0)
            freelocale (base);
        }
    }
  locale = plain_numbers;
  G_UNLOCK (loaded);
  if (locale != (locale_t) 0)
    scope.previous = uselocale (locale);
  return scope;
}

void
pd_language_leave (PdLanguageScope *scope)
{
  if (scope->previous != (locale_t) 0)
    uselocale (scope->previous);
  scope->previous = (locale_t) 0;
}
