/* SPDX-License-Identifier: MIT
 *
 * config: what reading a configuration file takes, shared by the campaign
 * files (config-campaign.c) and prospectd.conf (config-daemon.c): the
 * file read once from one descriptor, the pre-scan of its lines, and the
 * one error format that names the file, the group, the key, the value and
 * what was expected:
 *
 *   example.conf: [plan] accessibility_rate = 6: write a percentage, e.g. 6%
 */
#define G_LOG_DOMAIN "prospectd-config"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>

#include "config-reader.h"

G_DEFINE_QUARK (pd-config-error-quark, pd_config_error)

/* ------------------------------------------------------------ names */

gboolean
pd_config_valid_campaign_id (const char *name)
{
  if (name[0] == '\0' || name[0] == '.' || strlen (name) > 64 || strstr (name, "..") != NULL)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/* A rep's name as people write it: at most 64 letters (of any alphabet,
 * accents included), digits, '_', '-' and '.', not '.' first nor two in a
 * row. Names end up in file names, URLs and UIDs through
 * pd_rep_file_name(), which never yields '/'. */
gboolean
pd_config_valid_rep_name (const char *name)
{
  if (name[0] == '\0' || name[0] == '.' || strstr (name, "..") != NULL
      || !g_utf8_validate (name, -1, NULL) || g_utf8_strlen (name, -1) > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      /* Marks: the accents of a name typed decomposed (NFD). */
      if (!g_unichar_isalnum (c) && !g_unichar_ismark (c) && c != '_' && c != '-' && c != '.')
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------ lines */

/* A pre-scan of a configuration file's lines, before GKeyFile parses it:
 * GKeyFile keeps the last of two equal keys without a word and reports no
 * line numbers, and it reads "key = value # note" as the value "value #
 * note". This scan only checks, line by line, what GKeyFile cannot say:
 * a key set twice in one group (naming both lines), a comment after a
 * value or a [group] (comments go on their own line), a key before any
 * group and a line that is none of [group], key = value, # comment or
 * blank. The parsing itself stays GKeyFile's. */
gboolean
pd_config_check_lines (const char *path, const char *text, gsize length, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *group = NULL;
  const char *end = text + length;
  guint number = 0;

  for (const char *line = text; line < end; )
    {
      const char *newline = memchr (line, '\n', (gsize) (end - line));
      const char *line_end = newline != NULL ? newline : end;
      g_autofree char *raw = g_strndup (line, (gsize) (line_end - line));
      char *content;

      number++;
      line = newline != NULL ? newline + 1 : end;
      content = g_strstrip (raw);
      if (content[0] == '\0' || content[0] == '#')
        continue;

      if (content[0] == '[')
        {
          const char *close = strchr (content, ']');
          const char *after = close != NULL ? close + 1 : NULL;

          while (after != NULL && (*after == ' ' || *after == '\t'))
            after++;
          if (after != NULL && *after == '#')
            {
              g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                           _("%s: line %u: %s: a comment goes on its own line, starting with #"),
                           path, number, content);
              return FALSE;
            }
          if (after == NULL || *after != '\0')
            {
              g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                           _("%s: line %u: %s: write a group as [name] alone on its line"),
                           path, number, content);
              return FALSE;
            }
          g_free (group);
          group = g_strndup (content + 1, (gsize) (close - content - 1));
          continue;
        }

      const char *equals = strchr (content, '=');
      if (equals == NULL)
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                       _("%s: line %u: %s: expected key = value, a [group] or a # comment"),
                       path, number, content);
          return FALSE;
        }
      g_autofree char *key = g_strchomp (g_strndup (content, (gsize) (equals - content)));
      if (group == NULL)
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                       _("%s: line %u: %s: a key before any group; start with a [group] line"),
                       path, number, content);
          return FALSE;
        }
      for (const char *p = equals + 1; *p != '\0'; p++)
        if (*p == '#' && (p[-1] == ' ' || p[-1] == '\t'))
          {
            g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                         _("%s: line %u: [%s] %s: a comment goes on its own line, starting with #; "
                           "move \"%s\" to the line above"),
                         path, number, group, content, p);
            return FALSE;
          }

      /* GKeyFile keeps "key[fr]" aside as a translation, which no reader
       * here asks for: it would be ignored without a word. */
      if (strchr (key, '[') != NULL)
        {
          g_autofree char *plain = g_strndup (key, (gsize) (strchr (key, '[') - key));

          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                       _("%s: line %u: [%s] %s: translated keys (KEY[LANG]) are not read; write %s = VALUE"),
                       path, number, group, content, g_strchomp (plain));
          return FALSE;
        }

      /* The group as GKeyFile names it, then the key: no line holds a
       * newline, so the pair is unambiguous. */
      g_autofree char *slot = g_strdup_printf ("%s\n%s", group, key);
      gpointer first = g_hash_table_lookup (seen, slot);
      if (first != NULL)
        {
          g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX,
                       _("%s: line %u: [%s] %s: %s is already set on line %u; keep one of the two lines"),
                       path, number, group, content, key, GPOINTER_TO_UINT (first));
          return FALSE;
        }
      g_hash_table_insert (seen, g_steal_pointer (&slot), GUINT_TO_POINTER (number));
    }
  return TRUE;
}

/* ------------------------------------------------------------ keys */

gboolean
pd_config_reject (const PdConfigReader *reader, const char *group, const char *key, const char *value,
                  const char *expected, GError **error)
{
  if (value != NULL)
    /* TRANSLATORS: file: [group] key = value: what is expected. */
    g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID, _("%s: [%s] %s = %s: %s"),
                 reader->path, group, key, value, expected);
  else
    /* TRANSLATORS: file: [group] key: what is expected. */
    g_set_error (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_INVALID, _("%s: [%s] %s: %s"),
                 reader->path, group, key, expected);
  return FALSE;
}

/* The stripped raw value of group/key, or NULL when absent. Raw so that a
 * value is shown to the user exactly as written. */
char *
pd_config_lookup (const PdConfigReader *reader, const char *group, const char *key)
{
  char *value = g_key_file_get_value (reader->keyfile, group, key, NULL);

  return value != NULL ? g_strstrip (value) : NULL;
}

gboolean
pd_config_require (const PdConfigReader *reader, const char *group, const char *key, const char *example,
                   char **ret_value, GError **error)
{
  char *value = pd_config_lookup (reader, group, key);

  if (value == NULL)
    {
      g_autofree char *expected = g_strdup_printf (_("missing; write e.g. %s = %s"), key, example);
      return pd_config_reject (reader, group, key, NULL, expected, error);
    }
  *ret_value = value;
  return TRUE;
}

/* Levenshtein distance, for "did you mean". Long inputs are not typos. */
static guint
edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint row[65];

  if (la > 64 || lb > 64)
    return G_MAXUINT;
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0];
      row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }
  return row[lb];
}

/* The allowed name closest to `name` when it looks like a typo of it. */
const char *
pd_config_closest_name (const char *name, const char *const *allowed)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;

  for (guint i = 0; allowed[i] != NULL; i++)
    {
      guint distance = edit_distance (name, allowed[i]);
      if (distance < best_distance)
        {
          best = allowed[i];
          best_distance = distance;
        }
    }
  return best_distance <= MAX (strlen (name) / 4, 2) ? best : NULL;
}

gboolean
pd_config_check_keys (const PdConfigReader *reader, const char *group, const char *const *allowed, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (reader->keyfile, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!g_strv_contains (allowed, keys[i]))
      {
        g_autofree char *value = pd_config_lookup (reader, group, keys[i]);
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);
        const char *guess = pd_config_closest_name (keys[i], allowed);
        g_autofree char *expected =
          guess != NULL ? g_strdup_printf (_("unknown key; did you mean %s?"), guess)
                        : g_strdup_printf (_("unknown key; expected one of %s"), list);
        return pd_config_reject (reader, group, keys[i], value, expected, error);
      }
  return TRUE;
}

/* ------------------------------------------------------------ files */

/* Reads a configuration file: opened once, checked on that descriptor
 * (a regular file; never blocking on a FIFO) and read from it, at most
 * `max` bytes, so that what was checked is what is read, whatever
 * replaces the path meanwhile or whatever size the file claims. */
PdConfigRead
pd_config_read_file (const char *path, gsize max, char **ret_text, gsize *ret_length, int *ret_errno)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  struct stat info;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

  if (fd < 0)
    {
      *ret_errno = errno;
      return PD_CONFIG_READ_ERRNO;
    }
  if (fstat (fd, &info) != 0)
    {
      *ret_errno = errno;
      close (fd);
      return PD_CONFIG_READ_ERRNO;
    }
  if (!S_ISREG (info.st_mode))
    {
      close (fd);
      return PD_CONFIG_READ_NOT_REGULAR;
    }
  text = g_malloc (max + 2);
  for (;;)
    {
      gssize got = read (fd, text + length, max + 1 - length);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          *ret_errno = errno;
          close (fd);
          return PD_CONFIG_READ_ERRNO;
        }
      if (got == 0)
        break;
      length += (gsize) got;
      if (length > max)
        {
          close (fd);
          return PD_CONFIG_READ_TOO_LARGE;
        }
    }
  close (fd);
  text[length] = '\0';
  *ret_text = g_steal_pointer (&text);
  *ret_length = length;
  return PD_CONFIG_READ_OK;
}
