/* SPDX-License-Identifier: MIT
 *
 * feeddir: the marker that ties a feeds directory to one database (see
 * the header).
 *
 * The marker is claimed with link(): written whole to a hidden temporary
 * file, then linked to its name, which fails when the name exists. Two
 * processes claiming at once cannot both succeed, and no reader ever sees
 * a half-written marker.
 */
#define G_LOG_DOMAIN "prospectd-feeddir"

#include "prospectd/feeddir.h"
#include "prospectd/store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK (pd-feeddir-error-quark, pd_feeddir_error)

#define GROUP "feeds"
#define KEY_ID "database-id"
#define KEY_PATH "database"

/* What a marker says: the owner's id and path (both owned). */
typedef struct {
  char *id;
  char *path;
} Owner;

static void
owner_clear (Owner *owner)
{
  g_clear_pointer (&owner->id, g_free);
  g_clear_pointer (&owner->path, g_free);
}

static gboolean
is_database_id (const char *id)
{
  if (id == NULL || strlen (id) != 32)
    return FALSE;
  for (const char *c = id; *c != '\0'; c++)
    if (!g_ascii_isxdigit (*c))
      return FALSE;
  return TRUE;
}

/* Reads the marker at `marker`: TRUE with *ret_found FALSE when there is
 * none, TRUE with the owner when it names one, FALSE with error set. */
static gboolean
read_owner (const char *marker, gboolean *ret_found, Owner *ret_owner, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (marker, &text, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          *ret_found = FALSE;
          return TRUE;
        }
      g_set_error (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_IO, "%s", local_error->message);
      return FALSE;
    }
  if (!g_key_file_load_from_data (file, text, length, G_KEY_FILE_NONE, NULL)
      || !is_database_id (ret_owner->id = g_key_file_get_string (file, GROUP, KEY_ID, NULL)))
    {
      owner_clear (ret_owner);
      g_set_error (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_INVALID,
                   _("'%s' does not name the database these feeds belong to (expected [%s] %s = 32 "
                     "hexadecimal digits): correct or remove it"), marker, GROUP, KEY_ID);
      return FALSE;
    }
  ret_owner->path = g_key_file_get_string (file, GROUP, KEY_PATH, NULL);
  *ret_found = TRUE;
  return TRUE;
}

/* Writes the marker naming (id, path) unless one exists: TRUE with
 * *ret_claimed FALSE when another process's marker got there first. */
static gboolean
write_owner (const char *feeds_dir, const char *marker, const char *id, const char *path,
             gboolean *ret_claimed, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *text = NULL;
  g_autofree char *temp = g_build_filename (feeds_dir, "." PD_FEEDDIR_MARKER ".XXXXXX", NULL);
  gsize length = 0;
  int saved_errno = 0;
  int fd;

  g_key_file_set_string (file, GROUP, KEY_ID, id);
  g_key_file_set_string (file, GROUP, KEY_PATH, path != NULL ? path : "");
  g_key_file_set_comment (file, NULL, NULL,
                          " prospectd: the feeds of this directory are written from one database\n"
                          " only, the one whose id is below (stored in the database itself; the\n"
                          " path is where it was when it first wrote here). Remove this file to\n"
                          " hand the directory over to another database.", NULL);
  text = g_key_file_to_data (file, &length, NULL);

  if (g_mkdir_with_parents (feeds_dir, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_IO, _("Cannot create directory '%s': %s"),
                   feeds_dir, g_strerror (saved_errno));
      return FALSE;
    }
  fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    saved_errno = errno;
  else
    {
      gsize done = 0;

      while (saved_errno == 0 && done < length)
        {
          gssize written = write (fd, text + done, length - done);

          if (written < 0 && errno != EINTR)
            saved_errno = errno;
          else if (written > 0)
            done += (gsize) written;
        }
      if (saved_errno == 0 && fsync (fd) != 0)
        saved_errno = errno;
      if (close (fd) != 0 && saved_errno == 0)
        saved_errno = errno;
      if (saved_errno == 0 && link (temp, marker) != 0)
        {
          saved_errno = errno;
          if (saved_errno == EEXIST)
            {
              g_unlink (temp);
              *ret_claimed = FALSE;
              return TRUE;
            }
        }
      g_unlink (temp);
    }
  if (saved_errno != 0)
    {
      g_set_error (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_IO, _("Cannot write '%s': %s"), marker,
                   g_strerror (saved_errno));
      return FALSE;
    }
  *ret_claimed = TRUE;
  return TRUE;
}

gboolean
pd_feeddir_check (const char *feeds_dir,
                  const char *database_id,
                  const char *database_path,
                  gboolean claim,
                  GError **error)
{
  g_autofree char *marker = NULL;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (feeds_dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  marker = g_build_filename (feeds_dir, PD_FEEDDIR_MARKER, NULL);
  /* Shown and written as people may see it: never a password. */
  shown = pd_store_display_name (database_path);
  database_path = shown;
  /* Twice at most: a marker written by another process between our read
   * and our claim is read again. */
  for (int attempt = 0; attempt < 2; attempt++)
    {
      Owner owner = { NULL, NULL };
      gboolean found = FALSE;
      gboolean claimed = FALSE;

      if (!read_owner (marker, &found, &owner, error))
        return FALSE;
      if (found)
        {
          gboolean ours = database_id != NULL && g_ascii_strcasecmp (owner.id, database_id) == 0;

          if (!ours && database_id != NULL)
            g_set_error (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_FOREIGN,
                         _("Feeds directory '%s' belongs to the database '%s' (id %s), not to '%s' "
                           "(id %s): its feeds are written from their own database only (remove "
                           "'%s' to hand the directory over)"),
                         feeds_dir, owner.path != NULL ? owner.path : "", owner.id, database_path,
                         database_id, marker);
          else if (!ours)
            g_set_error (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_FOREIGN,
                         _("Feeds directory '%s' belongs to the database '%s' (id %s), not to '%s' "
                           "(no such file): its feeds are written from their own database only "
                           "(remove '%s' to hand the directory over)"),
                         feeds_dir, owner.path != NULL ? owner.path : "", owner.id, database_path, marker);
          owner_clear (&owner);
          return ours;
        }
      if (!claim || database_id == NULL)
        return TRUE;
      if (!write_owner (feeds_dir, marker, database_id, database_path, &claimed, error))
        return FALSE;
      if (claimed)
        return TRUE;
    }
  /* Claimed by another process, then gone again: leave it to the next run. */
  g_set_error (error, PD_FEEDDIR_ERROR, PD_FEEDDIR_ERROR_IO, _("Cannot claim '%s': it keeps changing"),
               marker);
  return FALSE;
}
