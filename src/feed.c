/* SPDX-License-Identifier: MIT
 *
 * feed: feed file paths and atomic, change-only writes.
 *
 * Every feed is written by one path, the streaming writer: the new text
 * arrives in pieces and is compared, as it arrives, with the bytes on
 * disk (the previous feed, read once); nothing is written while they
 * match. From the first difference the text goes to a hidden temporary
 * file in the target's directory (same file system, so rename() is
 * atomic), which is flushed with fsync() and renamed over the target; the
 * directory is fsync'ed so the rename itself survives a crash. Every
 * failure removes the temporary file. A write can stop before the rename
 * (prepared) and be renamed later, so that feeds written in parallel are
 * replaced in order, and several renames in one directory share its
 * fsync. pd_feed_write() is that writer given the whole text at once.
 *
 * Nothing but a regular file is ever read or replaced: the target is
 * opened without following a symbolic link and without blocking on a
 * FIFO, checked with fstat(), and a previous feed is read up to a limit.
 * A replaced file keeps its permission bits; a new one is 0644. The
 * hidden temporary files of a run that was killed before its rename
 * (.REP.ics.XXXXXX, at least a minute old) are removed by the next write
 * of the same feed.
 */
#define G_LOG_DOMAIN "prospectd-feed"

#include "prospectd/feed.h"
#include "prospectd/config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (pd-feed-error-quark, pd_feed_error)

/* How much more a previous feed read grows its buffer by. */
#define READ_CHUNK (64 * 1024)
#define WRITE_CHUNK (64 * 1024)
/* A temporary file older than this belongs to a run that died: a live
 * one is renamed or removed within the same write. */
#define STALE_TEMP_SECONDS 60

char *
pd_feed_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "prospectd", "feeds", NULL);
}

static gboolean
is_plain_name (const char *name)
{
  return name != NULL && *name != '\0'
         && strcmp (name, ".") != 0 && strcmp (name, "..") != 0
         && strchr (name, '/') == NULL;
}

char *
pd_feed_path (const char *feeds_dir, const char *campaign_id, const char *rep)
{
  g_autofree char *file_name = NULL;

  g_return_val_if_fail (feeds_dir != NULL, NULL);

  if (!is_plain_name (campaign_id) || !is_plain_name (rep))
    return NULL;
  /* The rep's name encoded (pd_rep_file_name): "hélène" is
   * h%C3%A9l%C3%A8ne.ics, an ASCII name stays as written. */
  g_autofree char *encoded = pd_rep_file_name (rep);
  file_name = g_strconcat (encoded, ".ics", NULL);
  return g_build_filename (feeds_dir, campaign_id, file_name, NULL);
}

/* A macro, so that the compiler checks each translated format. */
#define set_io_error(error, saved_errno, format, path) \
  g_set_error ((error), PD_FEED_ERROR, PD_FEED_ERROR_IO, (format), (path), \
               g_strerror (saved_errno))

const char *
pd_feed_file_kind (guint mode)
{
  switch (mode & S_IFMT)
    {
    case S_IFREG:
      return _("a regular file");
    case S_IFDIR:
      return _("a directory");
    case S_IFLNK:
      return _("a symbolic link");
    case S_IFIFO:
      return _("a FIFO");
    case S_IFSOCK:
      return _("a socket");
    case S_IFCHR:
      return _("a character device");
    case S_IFBLK:
      return _("a block device");
    default:
      return _("not a file");
    }
}

static void
set_not_regular (GError **error, const char *path, guint mode)
{
  g_set_error (error, PD_FEED_ERROR, PD_FEED_ERROR_NOT_REGULAR,
               _("Refusing feed '%s': not a regular file but %s"), path, pd_feed_file_kind (mode));
}

/* Whether `path` may be replaced by a feed: missing, or a regular file
 * (the last component not followed when it is a symbolic link). */
static gboolean
check_target (const char *path, GError **error)
{
  struct stat info;

  if (lstat (path, &info) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return TRUE;
      set_io_error (error, saved_errno, _("Cannot replace feed '%s': %s"), path);
      return FALSE;
    }
  if (!S_ISREG (info.st_mode))
    {
      set_not_regular (error, path, info.st_mode);
      return FALSE;
    }
  return TRUE;
}

/* Opens `path` for reading if it is a regular file: never through a
 * symbolic link, never blocking on a FIFO (O_NONBLOCK, harmless on a
 * regular file), never as a controlling terminal. Returns the descriptor
 * with *ret_info filled, -1 with *ret_missing when there is no file, or -1
 * with error set. */
static int
open_regular (const char *path, struct stat *ret_info, gboolean *ret_missing, GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
  int saved_errno;

  *ret_missing = FALSE;
  if (fd < 0)
    {
      struct stat link_info;

      saved_errno = errno;
      if (saved_errno == ENOENT)
        {
          *ret_missing = TRUE;
          return -1;
        }
      /* ELOOP from O_NOFOLLOW: a symbolic link; lstat() tells what else
       * refused to open (a socket says ENXIO). */
      if (lstat (path, &link_info) == 0 && !S_ISREG (link_info.st_mode))
        set_not_regular (error, path, link_info.st_mode);
      else
        set_io_error (error, saved_errno, _("Cannot read feed '%s': %s"), path);
      return -1;
    }
  if (fstat (fd, ret_info) != 0)
    {
      saved_errno = errno;
      close (fd);
      set_io_error (error, saved_errno, _("Cannot read feed '%s': %s"), path);
      return -1;
    }
  if (!S_ISREG (ret_info->st_mode))
    {
      close (fd);
      set_not_regular (error, path, ret_info->st_mode);
      return -1;
    }
  return fd;
}

gboolean
pd_feed_read (const char *path, char **ret_contents, gsize *ret_length, GError **error)
{
  g_autofree char *contents = NULL;
  struct stat info;
  gboolean missing = FALSE;
  gsize length = 0;
  int fd;

  g_return_val_if_fail (path != NULL && ret_contents != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = open_regular (path, &info, &missing, error);
  if (fd < 0)
    {
      if (!missing)
        return FALSE;
      *ret_contents = NULL;
      if (ret_length != NULL)
        *ret_length = 0;
      return TRUE;
    }
  if ((guint64) info.st_size > PD_FEED_MAX_PREVIOUS_BYTES)
    {
      close (fd);
      g_set_error (error, PD_FEED_ERROR, PD_FEED_ERROR_TOO_LARGE,
                   _("Feed '%s' is too large to read (more than %u MiB)"), path,
                   (guint) (PD_FEED_MAX_PREVIOUS_BYTES / (1024 * 1024)));
      return FALSE;
    }
  /* The size read is a hint: the file may grow or shrink meanwhile, and
   * no more than the limit is ever read. */
  contents = g_malloc ((gsize) info.st_size + 1);
  for (;;)
    {
      gsize room = (gsize) info.st_size + 1 - length;
      gssize got;

      if (room == 0)
        {
          if (length >= PD_FEED_MAX_PREVIOUS_BYTES)
            {
              close (fd);
              g_set_error (error, PD_FEED_ERROR, PD_FEED_ERROR_TOO_LARGE,
                           _("Feed '%s' is too large to read (more than %u MiB)"), path,
                           (guint) (PD_FEED_MAX_PREVIOUS_BYTES / (1024 * 1024)));
              return FALSE;
            }
          info.st_size = (off_t) MIN ((gsize) PD_FEED_MAX_PREVIOUS_BYTES, length * 2 + READ_CHUNK);
          contents = g_realloc (contents, (gsize) info.st_size + 1);
          continue;
        }
      got = read (fd, contents + length, room);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          int saved_errno = errno;

          close (fd);
          set_io_error (error, saved_errno, _("Cannot read feed '%s': %s"), path);
          return FALSE;
        }
      if (got == 0)
        break;
      length += (gsize) got;
    }
  close (fd);
  contents = g_realloc (contents, length + 1);
  contents[length] = '\0';
  *ret_contents = g_steal_pointer (&contents);
  if (ret_length != NULL)
    *ret_length = length;
  return TRUE;
}

static gboolean
write_all (int fd, const char *contents, gsize length)
{
  while (length > 0)
    {
      gssize written = write (fd, contents, MIN (length, (gsize) G_MAXSSIZE));

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        return FALSE;
      if (written == 0)
        {
          errno = EIO;
          return FALSE;
        }
      contents += written;
      length -= (gsize) written;
    }
  return TRUE;
}

/* Makes a rename in `directory` durable. File systems that cannot fsync a
 * directory say EINVAL: there is nothing more to do there. */
gboolean
pd_feed_sync_directory (const char *directory, GError **error)
{
  int fd = open (directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int saved_errno;

  if (fd < 0)
    {
      set_io_error (error, errno, _("Cannot open directory '%s': %s"), directory);
      return FALSE;
    }
  if (fsync (fd) == 0 || errno == EINVAL)
    {
      close (fd);
      return TRUE;
    }
  saved_errno = errno;
  close (fd);
  set_io_error (error, saved_errno, _("Cannot sync directory '%s': %s"), directory);
  return FALSE;
}

/* Whether `name` is one of our temporary names: ".<base>.XXXXXX", or with
 * `base` NULL ".<anything>.ics.XXXXXX". */
static gboolean
is_temp_name (const char *name, const char *base)
{
  gsize length = strlen (name);
  const char *suffix = name + (length > 7 ? length - 7 : 0);

  if (length < 2 + 7 || name[0] != '.' || suffix[0] != '.')
    return FALSE;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isalnum (suffix[i]))
      return FALSE;
  if (base != NULL)
    return (gsize) (suffix - name) == 1 + strlen (base) && strncmp (name + 1, base, strlen (base)) == 0;
  return suffix - name >= 1 + 5 && strncmp (suffix - 4, ".ics", 4) == 0;
}

guint
pd_feed_remove_stale_temps (const char *directory, const char *base_name)
{
  g_autoptr (GDir) dir = g_dir_open (directory, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint removed = 0;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat info;

      if (!is_temp_name (name, base_name))
        continue;
      path = g_build_filename (directory, name, NULL);
      if (lstat (path, &info) == 0 && S_ISREG (info.st_mode)
          && (gint64) info.st_mtime <= now - STALE_TEMP_SECONDS && g_unlink (path) == 0)
        removed++;
    }
  return removed;
}

/* Opens a hidden temporary file beside `path` (creating its directory),
 * for a writer. Returns the descriptor, or -1 with error set. */
static int
open_temp (const char *path, char **ret_directory, char **ret_temp_path, GError **error)
{
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *base_name = g_path_get_basename (path);
  g_autofree char *temp_path = NULL;
  int fd;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      set_io_error (error, errno, _("Cannot create directory '%s': %s"), directory);
      return -1;
    }
  /* Hidden, and without the .ics suffix: nothing serves it by mistake. */
  temp_path = g_strdup_printf ("%s/.%s.XXXXXX", directory, base_name);
  fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_io_error (error, errno, _("Cannot create a temporary file for feed '%s': %s"), path);
      return -1;
    }
  *ret_directory = g_steal_pointer (&directory);
  *ret_temp_path = g_steal_pointer (&temp_path);
  return fd;
}

/* The permission bits for the new file at `path`: those of the regular
 * file it replaces, else 0644. */
static mode_t
target_mode (const char *path)
{
  struct stat info;

  if (lstat (path, &info) == 0 && S_ISREG (info.st_mode))
    return info.st_mode & 0777;
  return 0644;
}

/* Makes the temporary file `fd` (fully written) durable: mode, fsync,
 * close. Closes fd and, on failure, removes the temporary file. */
static gboolean
sync_temp (int fd, const char *temp_path, const char *path, GError **error)
{
  int saved_errno;

  /* Before fsync(), so the mode is as durable as the bytes. A file
   * replaced keeps its permission bits (a 0600 feed stays private). */
  if (fchmod (fd, target_mode (path)) != 0)
    {
      saved_errno = errno;
      set_io_error (error, saved_errno, _("Cannot set the mode of feed '%s': %s"), path);
      goto fail_open;
    }
  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      set_io_error (error, saved_errno, _("Cannot write feed '%s' to disk: %s"), path);
      goto fail_open;
    }
  if (close (fd) != 0)
    {
      saved_errno = errno;
      set_io_error (error, saved_errno, _("Cannot write feed '%s': %s"), path);
      goto fail_closed;
    }
  return TRUE;

fail_open:
  close (fd);
fail_closed:
  g_unlink (temp_path);
  return FALSE;
}

/* Makes the synced temporary file the file at `path` (its directory is
 * to be fsync'ed next). Removes the temporary file when the rename fails. */
static gboolean
rename_temp (const char *temp_path, const char *path, GError **error)
{
  /* What came to stand at `path` since it was read is not replaced
   * either (a device node, a FIFO, a link). */
  if (!check_target (path, error))
    {
      g_unlink (temp_path);
      return FALSE;
    }
  if (rename (temp_path, path) != 0)
    {
      int saved_errno = errno;

      set_io_error (error, saved_errno, _("Cannot replace feed '%s': %s"), path);
      g_unlink (temp_path);
      return FALSE;
    }
  return TRUE;
}

/* The streaming writer, given the whole text at once: the one way a feed
 * is written. */
gboolean
pd_feed_write (const char *path,
               const char *contents,
               gsize length,
               gboolean *ret_changed,
               GError **error)
{
  g_autofree char *current = NULL;
  g_autoptr (GError) read_error = NULL;
  g_autoptr (PdFeedWriter) writer = NULL;
  gsize current_length = 0;
  gboolean changed = FALSE;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A file too large to be a previous feed is not compared: it is
   * replaced. Anything else that cannot be read (not a regular file, an
   * error) is refused, since renaming over it would likely fail too. */
  if (!pd_feed_read (path, &current, &current_length, &read_error)
      && !g_error_matches (read_error, PD_FEED_ERROR, PD_FEED_ERROR_TOO_LARGE))
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }
  {
    g_autofree char *parent = g_path_get_dirname (path);
    g_autofree char *base_name = g_path_get_basename (path);

    pd_feed_remove_stale_temps (parent, base_name);
  }
  writer = pd_feed_writer_new (path, current, current_length);
  if (!pd_feed_writer_write (writer, contents != NULL ? contents : "", length, error)
      || !pd_feed_writer_finish (writer, &changed, error))
    return FALSE;
  if (ret_changed != NULL)
    *ret_changed = changed;
  return TRUE;
}

/* ------------------------------------------------------------ streaming */

struct _PdFeedWriter {
  char *path;
  const char *current;  /* the file's bytes now (not owned), NULL when missing */
  gsize current_length;
  gsize offset;         /* bytes received so far */
  int fd;               /* -1 while everything received matches `current` */
  GString *buffer;      /* bytes for fd not written yet: one write() per WRITE_CHUNK */
  char *directory;
  char *temp_path;      /* while the temporary file exists and is not renamed */
  gboolean prepared;    /* the temporary file (if any) is complete and synced */
  gboolean changed;     /* when prepared: whether the file is to be replaced */
  gboolean failed;
};

PdFeedWriter *
pd_feed_writer_new (const char *path, const char *current, gsize current_length)
{
  PdFeedWriter *writer = g_new0 (PdFeedWriter, 1);

  g_return_val_if_fail (path != NULL, NULL);
  writer->path = g_strdup (path);
  writer->current = current;
  writer->current_length = current != NULL ? current_length : 0;
  writer->fd = -1;
  writer->buffer = g_string_sized_new (WRITE_CHUNK);
  return writer;
}

static gboolean
writer_flush (PdFeedWriter *writer, GError **error)
{
  if (writer->buffer->len > 0 && !write_all (writer->fd, writer->buffer->str, writer->buffer->len))
    {
      set_io_error (error, errno, _("Cannot write feed '%s': %s"), writer->path);
      return FALSE;
    }
  g_string_truncate (writer->buffer, 0);
  return TRUE;
}

/* The first byte that differs: from here on the new text goes to a
 * temporary file, starting with the prefix it shares with the old one. */
static gboolean
writer_diverge (PdFeedWriter *writer, GError **error)
{
  writer->fd = open_temp (writer->path, &writer->directory, &writer->temp_path, error);
  if (writer->fd < 0)
    return FALSE;
  if (writer->offset > 0 && !write_all (writer->fd, writer->current, writer->offset))
    {
      set_io_error (error, errno, _("Cannot write feed '%s': %s"), writer->path);
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_feed_writer_write (PdFeedWriter *writer, const char *data, gsize length, GError **error)
{
  g_return_val_if_fail (writer != NULL && !writer->failed && !writer->prepared, FALSE);

  if (writer->fd < 0)
    {
      gsize left = writer->current_length - writer->offset;

      if (writer->current != NULL && length <= left
          && memcmp (writer->current + writer->offset, data, length) == 0)
        {
          writer->offset += length;
          return TRUE;
        }
      if (!writer_diverge (writer, error))
        {
          writer->failed = TRUE;
          return FALSE;
        }
    }
  g_string_append_len (writer->buffer, data, (gssize) length);
  writer->offset += length;
  if (writer->buffer->len >= WRITE_CHUNK && !writer_flush (writer, error))
    {
      writer->failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_feed_writer_prepare (PdFeedWriter *writer, gboolean *ret_changed, GError **error)
{
  g_return_val_if_fail (writer != NULL && !writer->failed && !writer->prepared, FALSE);

  if (writer->fd < 0 && writer->current != NULL && writer->offset == writer->current_length)
    writer->changed = FALSE;
  else
    {
      gboolean ok;

      if ((writer->fd < 0 && !writer_diverge (writer, error)) || !writer_flush (writer, error))
        {
          writer->failed = TRUE;
          return FALSE;
        }
      ok = sync_temp (writer->fd, writer->temp_path, writer->path, error);
      writer->fd = -1; /* closed by sync_temp() */
      if (!ok)
        {
          g_clear_pointer (&writer->temp_path, g_free); /* removed by sync_temp() */
          writer->failed = TRUE;
          return FALSE;
        }
      writer->changed = TRUE;
    }
  /* Nothing more is read from `current` nor buffered. */
  writer->current = NULL;
  g_string_free (writer->buffer, TRUE);
  writer->buffer = NULL;
  writer->prepared = TRUE;
  if (ret_changed != NULL)
    *ret_changed = writer->changed;
  return TRUE;
}

gboolean
pd_feed_writer_rename (PdFeedWriter *writer, const char **ret_directory, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (writer != NULL && !writer->failed && writer->prepared, FALSE);

  if (!writer->changed || writer->temp_path == NULL)
    {
      *ret_directory = NULL;
      return TRUE;
    }
  ok = rename_temp (writer->temp_path, writer->path, error);
  /* Renamed, or removed by rename_temp(): nothing left to remove. */
  g_clear_pointer (&writer->temp_path, g_free);
  writer->failed = !ok;
  if (ok)
    *ret_directory = writer->directory;
  return ok;
}

gboolean
pd_feed_writer_commit (PdFeedWriter *writer, GError **error)
{
  const char *directory = NULL;

  g_return_val_if_fail (writer != NULL && !writer->failed && writer->prepared, FALSE);

  if (!pd_feed_writer_rename (writer, &directory, error))
    return FALSE;
  if (directory != NULL && !pd_feed_sync_directory (directory, error))
    {
      writer->failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_feed_writer_finish (PdFeedWriter *writer, gboolean *ret_changed, GError **error)
{
  gboolean changed;

  g_return_val_if_fail (writer != NULL && !writer->failed && !writer->prepared, FALSE);

  if (!pd_feed_writer_prepare (writer, &changed, error) || !pd_feed_writer_commit (writer, error))
    return FALSE;
  if (ret_changed != NULL)
    *ret_changed = changed;
  return TRUE;
}

void
pd_feed_writer_free (PdFeedWriter *writer)
{
  if (writer == NULL)
    return;
  if (writer->fd >= 0)
    close (writer->fd);
  if (writer->temp_path != NULL)
    g_unlink (writer->temp_path);
  g_free (writer->temp_path);
  if (writer->buffer != NULL)
    g_string_free (writer->buffer, TRUE);
  g_free (writer->directory);
  g_free (writer->path);
  g_free (writer);
}
