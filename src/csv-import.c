/* SPDX-License-Identifier: MIT
 *
 * csv-import: a prospect file read through libcsv in strict mode
 * (include/prospectd/csv-import.h). The only file that includes csv.h.
 *
 * libcsv says where a quote is out of place (the bytes csv_parse() took
 * before the error) and that a quoted field was never closed (only at
 * csv_fini()), but not on which line: the text is fed to it one
 * physical line at a time, so that every row knows the line it began
 * on, and a small scan of a row's own text (quotes and delimiters only)
 * finds where each of its fields begins, for the column of a message.
 */
#define G_LOG_DOMAIN "prospectd-csv"

#include <string.h>

#include <csv.h>
#include <glib/gi18n.h>

#include "prospectd/campaign.h"
#include "prospectd/csv-import.h"

G_DEFINE_QUARK (pd-csv-error-quark, pd_csv_error)

/* libcsv's parser states (csv.h keeps them private to libcsv.c): a row
 * not begun yet is state 0. */
#define CSV_ROW_NOT_BEGUN 0

/* ------------------------------------------------------------ headers */

static const struct {
  const char *key;   /* folded: casefolded, no accents, letters and digits only */
  const char *field;
} header_names[] = {
  { "company", "company" },       { "societe", "company" },      { "entreprise", "company" },
  { "raisonsociale", "company" },
  { "contact", "contact" },       { "nom", "contact" },
  { "firstname", "first_name" },  { "prenom", "first_name" },
  { "phone", "phone" },           { "telephone", "phone" },      { "tel", "phone" },
  { "mobile", "mobile" },         { "portable", "mobile" },
  { "email", "email" },           { "courriel", "email" },
  { "city", "city" },             { "ville", "city" },
  { "postcode", "postcode" },     { "codepostal", "postcode" },  { "cp", "postcode" },
  { "sector", "sector" },         { "secteur", "sector" },
  { "size", "size" },             { "effectif", "size" },
  { "owner", "owner" },           { "commercial", "owner" },
  { "notes", "notes" },           { "commentaire", "notes" },    { "commentaires", "notes" },
};

/* Casefolded, accents removed, only letters and digits kept. */
static char *
header_key (const char *header)
{
  g_autofree char *folded = g_utf8_casefold (header, -1);
  g_autofree char *decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFKD);
  GString *key = g_string_new (NULL);

  for (const char *p = decomposed; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) && g_unichar_type (c) != G_UNICODE_NON_SPACING_MARK)
        g_string_append_unichar (key, c);
    }
  return g_string_free (key, FALSE);
}

const char *
pd_csv_field_for_header (const char *header)
{
  g_autofree char *key = NULL;

  if (header == NULL || !g_utf8_validate (header, -1, NULL))
    return NULL;
  key = header_key (header);
  for (guint i = 0; i < G_N_ELEMENTS (header_names); i++)
    if (g_str_equal (key, header_names[i].key))
      return header_names[i].field;
  return NULL;
}

/* ---------------------------------------------------------------- read */

void
pd_csv_import_free (PdCsvImport *import)
{
  if (import == NULL)
    return;
  g_clear_pointer (&import->rows, g_ptr_array_unref);
  g_clear_pointer (&import->bad, g_ptr_array_unref);
  g_clear_pointer (&import->columns, g_ptr_array_unref);
  g_free (import->encoding);
  g_free (import);
}

struct _PdCsvReader {
  const PdCsvOptions *options;
  char *owned_text;        /* the text when converted (else NULL: text is the caller's) */
  const char *text;        /* the whole file as UTF-8 */
  PdCsvImport *import;
  GPtrArray *fields;       /* char*, owned: the row being read */
  guint line;              /* the physical line being fed (1: the first) */
  guint row_line;          /* where the row being read began */
  gsize row_offset;        /* its first byte in text */
  gsize offset;            /* the next byte to feed */
  gboolean header_done;
  GPtrArray *headers;      /* char*, owned: the header's names */
  GPtrArray *fields_of;    /* const char* (static) or NULL per column: what each is read as */
  GError *error;           /* a problem that stops everything (the header) */
  struct csv_parser parser;
  gboolean parser_ready;
  gboolean finished;       /* the end was reached (and its checks made) */
  GQueue ready;            /* PdProspect*, owned: rows read, not given yet (a line with lone CRs holds several) */
};

typedef PdCsvReader Reader;

/* Line and column (in characters, 1-based) of byte `offset` of text. */
static void
position (const char *text, gsize offset, guint *ret_line, guint *ret_column)
{
  guint line = 1;
  gsize line_start = 0;

  for (gsize i = 0; i < offset; i++)
    if (text[i] == '\n')
      {
        line++;
        line_start = i + 1;
      }
  *ret_line = line;
  *ret_column = (guint) g_utf8_strlen (text + line_start, (gssize) (offset - line_start)) + 1;
}

/* Where each field of the row that begins at `offset` begins (byte
 * offsets into text, at most `max` of them); the row ends at the first
 * line end outside quotes. *ret_open_quote: the offset of a quote that
 * opens a field never closed (the row runs to the end of the text), or
 * G_MAXSIZE. */
static GArray *
field_starts (const char *text, gsize offset, char delimiter, gsize *ret_open_quote)
{
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  gboolean quoted = FALSE, field_begun = FALSE;
  gsize quote_at = G_MAXSIZE;
  gsize i;

  g_array_append_val (starts, offset);
  for (i = offset; text[i] != '\0'; i++)
    {
      char c = text[i];

      if (quoted)
        {
          if (c == '"' && text[i + 1] == '"')
            i++;
          else if (c == '"')
            quoted = FALSE;
          continue;
        }
      if (c == '"' && !field_begun)
        {
          quoted = TRUE;
          quote_at = i;
          field_begun = TRUE;
          continue;
        }
      if (c == delimiter)
        {
          gsize next = i + 1;
          g_array_append_val (starts, next);
          field_begun = FALSE;
          continue;
        }
      if (c == '\n' || c == '\r')
        break;
      if (c != ' ')
        field_begun = TRUE;
    }
  *ret_open_quote = quoted ? quote_at : G_MAXSIZE;
  return starts;
}

static void
add_bad (Reader *r, gsize offset, const char *message)
{
  guint line, column;

  position (r->text, offset, &line, &column);
  g_ptr_array_add (r->import->bad, g_strdup_printf ("%s:%u:%u: %s", r->options->path, line, column, message));
}

static void
read_header (Reader *r)
{
  gboolean company = FALSE;

  for (guint i = 0; i < r->fields->len; i++)
    {
      const char *name = g_strstrip ((char *) r->fields->pdata[i]);
      const char *field = pd_csv_field_for_header (name);

      /* A second column of a field already read is an attribute. */
      for (guint j = 0; field != NULL && j < r->fields_of->len; j++)
        if (g_strcmp0 (r->fields_of->pdata[j], field) == 0)
          field = NULL;
      g_ptr_array_add (r->headers, name[0] != '\0' ? g_strdup (name) : g_strdup_printf (_("column %u"), i + 1));
      g_ptr_array_add (r->fields_of, (gpointer) field);
      company = company || g_strcmp0 (field, "company") == 0;
      g_ptr_array_add (r->import->columns,
                       g_strdup_printf ("%s: %s", (char *) r->headers->pdata[i],
                                        field != NULL ? field : _("attribute")));
    }
  if (!company)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (r->headers, NULL);
      names = g_strjoinv ("; ", (char **) r->headers->pdata);
      g_ptr_array_remove_index (r->headers, r->headers->len - 1);
      g_set_error (&r->error, PD_CSV_ERROR, PD_CSV_ERROR_HEADER,
                   _("%s:%u: no company column; expected one named company, société, entreprise or raison sociale"
                     " (the header is: %s)"),
                   r->options->path, r->row_line, names);
    }
  r->header_done = TRUE;
}

/* The value of a column, trimmed; NULL when empty. */
static char *
value_of (Reader *r, guint column)
{
  char *value = g_strdup (r->fields->pdata[column]);

  g_strstrip (value);
  if (value[0] == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

static gboolean
is_rep (const PdCsvOptions *options, const char *name)
{
  g_autofree char *nfc = pd_rep_normalize (name);

  for (guint i = 0; options->reps != NULL && options->reps[i] != NULL; i++)
    if (g_strcmp0 (nfc, options->reps[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
read_row (Reader *r)
{
  g_autoptr (PdProspect) p = NULL;
  g_autoptr (GArray) starts = NULL;
  gsize open_quote;
  gboolean empty = TRUE;

  for (guint i = 0; i < r->fields->len; i++)
    {
      const char *f = r->fields->pdata[i];

      f += strspn (f, " \t");
      empty = empty && f[0] == '\0';
    }
  if (empty)
    return; /* ";;;;": a spreadsheet's empty row */
  r->import->n_rows++;
  starts = field_starts (r->text, r->row_offset, r->import->delimiter, &open_quote);
  if (r->fields->len != r->headers->len)
    {
      guint at = MIN (r->fields->len, r->headers->len) - (r->fields->len < r->headers->len ? 1 : 0);
      g_autofree char *message =
        g_strdup_printf (ngettext ("%u field where the header has %u; expected one field per column",
                                   "%u fields where the header has %u; expected one field per column",
                                   r->fields->len),
                         r->fields->len, r->headers->len);

      add_bad (r, g_array_index (starts, gsize, MIN (at, starts->len - 1)), message);
      return;
    }
  p = pd_prospect_new ();
  for (guint i = 0; i < r->fields->len; i++)
    {
      const char *field = r->fields_of->pdata[i];
      const char *header = r->headers->pdata[i];
      gsize at = g_array_index (starts, gsize, MIN (i, starts->len - 1));
      g_autofree char *value = value_of (r, i);
      g_autoptr (GError) error = NULL;

      if (field == NULL)
        {
          if (value != NULL)
            pd_prospect_add_attribute (p, header, value);
          continue;
        }
      if (g_str_equal (field, "company"))
        {
          if (value == NULL)
            {
              g_autofree char *message = g_strdup_printf (_("%s: empty; expected the company's name"), header);
              add_bad (r, at, message);
              return;
            }
          p->company = g_steal_pointer (&value);
        }
      else if (value == NULL)
        continue;
      else if (g_str_equal (field, "phone") || g_str_equal (field, "mobile"))
        {
          char *e164 = pd_phone_normalize (value, r->options->country, &error);

          if (e164 == NULL)
            {
              g_autofree char *message = g_strdup_printf ("%s: %s", header, error->message);
              add_bad (r, at, message);
              return;
            }
          if (g_str_equal (field, "phone"))
            p->phone = e164;
          else
            p->mobile = e164;
        }
      else if (g_str_equal (field, "email"))
        {
          g_autofree char *key = pd_email_key (value, &error);

          if (key == NULL)
            {
              g_autofree char *message = g_strdup_printf ("%s: %s", header, error->message);
              add_bad (r, at, message);
              return;
            }
          p->email = g_strstrip (g_steal_pointer (&value));
        }
      else if (g_str_equal (field, "owner"))
        {
          if (!is_rep (r->options, value))
            {
              g_autofree char *reps = r->options->reps != NULL ? g_strjoinv (", ", (char **) r->options->reps)
                                                               : g_strdup ("");
              g_autofree char *message =
                g_strdup_printf (_("%s: '%s': no such rep in the campaign; expected one of %s"), header, value, reps);
              add_bad (r, at, message);
              return;
            }
          p->rep = pd_rep_normalize (value);
        }
      else
        {
          char **slot = g_str_equal (field, "contact") ? &p->contact
                      : g_str_equal (field, "first_name") ? &p->first_name
                      : g_str_equal (field, "city") ? &p->city
                      : g_str_equal (field, "postcode") ? &p->postcode
                      : g_str_equal (field, "sector") ? &p->sector
                      : g_str_equal (field, "size") ? &p->size
                      : &p->notes;
          *slot = g_steal_pointer (&value);
        }
    }
  pd_prospect_add_source (p, r->options->source, r->row_line);
  g_queue_push_tail (&r->ready, g_steal_pointer (&p));
}

static void
on_field (void *data, size_t length, void *user_data)
{
  Reader *r = user_data;

  g_ptr_array_add (r->fields, g_strndup (data != NULL ? data : "", length));
}

static void
on_row (int terminator, void *user_data)
{
  Reader *r = user_data;

  (void) terminator;
  if (r->error == NULL)
    {
      if (!r->header_done)
        read_header (r);
      else
        read_row (r);
    }
  g_ptr_array_set_size (r->fields, 0);
}

/* Only the space is trimmed around fields: a tab may be the delimiter. */
static int
is_space (unsigned char c)
{
  return c == CSV_SPACE;
}

/* The delimiter of the header line: the most frequent of ',' ';' and
 * tab outside quotes (',' on a tie). */
static char
detect_delimiter (const char *text)
{
  const char candidates[] = { ',', ';', '\t' };
  guint counts[3] = { 0, 0, 0 };
  gboolean quoted = FALSE;
  char best = ',';
  guint best_count = 0;

  for (const char *p = text; *p != '\0' && (quoted || (*p != '\n' && *p != '\r')); p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (!quoted)
        for (guint i = 0; i < 3; i++)
          counts[i] += *p == candidates[i];
    }
  for (guint i = 0; i < 3; i++)
    if (counts[i] > best_count)
      {
        best = candidates[i];
        best_count = counts[i];
      }
  return best;
}

/* The text as UTF-8 (without its byte-order mark): `data` itself past
 * the mark when it is UTF-8 and *ret_owned is NULL, else newly allocated
 * into *ret_owned. `data` is followed by a NUL byte. */
static const char *
to_utf8 (const char *data, gsize length, const PdCsvOptions *options, PdCsvImport *import, char **ret_owned,
         GError **error)
{
  const char *invalid = NULL;
  const char *nul;
  g_autoptr (GError) local_error = NULL;
  char *converted;
  gsize written = 0, read = 0;

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
      import->bom = TRUE;
    }
  nul = memchr (data, '\0', length);
  if (nul != NULL)
    {
      guint line, column;
      g_autofree char *before = g_strndup (data, (gsize) (nul - data));

      position (before, (gsize) (nul - data), &line, &column);
      g_set_error (error, PD_CSV_ERROR, PD_CSV_ERROR_ENCODING, _("%s:%u:%u: a NUL byte; a CSV file is text"),
                   options->path, line, column);
      return NULL;
    }
  if (options->encoding == NULL || g_ascii_strcasecmp (options->encoding, "UTF-8") == 0
      || g_ascii_strcasecmp (options->encoding, "UTF8") == 0)
    {
      if (g_utf8_validate (data, (gssize) length, &invalid))
        {
          import->encoding = g_strdup ("UTF-8");
          *ret_owned = NULL;
          return data;
        }
      if (options->encoding != NULL)
        {
          guint line, column;
          g_autofree char *before = g_strndup (data, (gsize) (invalid - data));

          position (before, (gsize) (invalid - data), &line, &column);
          g_set_error (error, PD_CSV_ERROR, PD_CSV_ERROR_ENCODING,
                       _("%s:%u:%u: not UTF-8 text; expected UTF-8 as --encoding says (or give the file's encoding,"
                         " e.g. --encoding WINDOWS-1252)"),
                       options->path, line, column);
          return NULL;
        }
    }
  /* What Excel writes: Windows-1252, unless told otherwise. */
  import->encoding = g_ascii_strup (options->encoding != NULL ? options->encoding : "WINDOWS-1252", -1);
  converted = g_convert (data, (gssize) length, "UTF-8", import->encoding, &read, &written, &local_error);
  if (converted == NULL)
    {
      if (g_error_matches (local_error, G_CONVERT_ERROR, G_CONVERT_ERROR_NO_CONVERSION))
        g_set_error (error, PD_CSV_ERROR, PD_CSV_ERROR_OPTION,
                     _("--encoding %s: an encoding this system cannot convert from (e.g. WINDOWS-1252,"
                       " ISO-8859-15, UTF-8)"),
                     options->encoding);
      else
        {
          guint line, column;
          g_autofree char *before = g_convert (data, (gssize) read, "UTF-8", import->encoding, NULL, NULL, NULL);

          position (before != NULL ? before : "", before != NULL ? strlen (before) : 0, &line, &column);
          g_set_error (error, PD_CSV_ERROR, PD_CSV_ERROR_ENCODING,
                       _("%s:%u:%u: neither UTF-8 nor %s text; give the file's encoding with --encoding"),
                       options->path, line, column, import->encoding);
        }
      return NULL;
    }
  import->converted = TRUE;
  *ret_owned = converted;
  return converted;
}

/* A quote out of place at byte `offset`: where it is, and what was
 * expected; a field opened by a quote on an earlier line is reported at
 * that quote (the missing closing quote is there). */
static char *
syntax_message (Reader *r, gsize offset)
{
  g_autoptr (GArray) starts = NULL;
  gsize open_quote, field = r->row_offset;
  guint line, column, field_line, field_column;

  starts = field_starts (r->text, r->row_offset, r->import->delimiter, &open_quote);
  for (guint i = 0; i < starts->len; i++)
    if (g_array_index (starts, gsize, i) <= offset)
      field = g_array_index (starts, gsize, i);
  field += strspn (r->text + field, " ");
  position (r->text, offset, &line, &column);
  position (r->text, field, &field_line, &field_column);
  if (r->text[field] == '"' && field_line < line)
    return g_strdup_printf (_("%s:%u:%u: a quoted field not closed where it should be (it runs to line %u, column %u);"
                              " expected a closing quote (\") at the end of the field"),
                            r->options->path, field_line, field_column, line, column);
  if (r->text[offset] == '"')
    return g_strdup_printf (_("%s:%u:%u: a quote inside a field not quoted; expected the whole field between quotes,"
                              " each quote in it doubled (\"\")"),
                            r->options->path, line, column);
  return g_strdup_printf (_("%s:%u:%u: '%c' after a closing quote; expected the delimiter '%c' or the end of the line"),
                          r->options->path, line, column, r->text[offset], r->import->delimiter);
}

void
pd_csv_reader_free (PdCsvReader *r)
{
  if (r == NULL)
    return;
  if (r->parser_ready)
    csv_free (&r->parser);
  g_queue_clear_full (&r->ready, (GDestroyNotify) pd_prospect_free);
  g_clear_error (&r->error);
  g_clear_pointer (&r->fields, g_ptr_array_unref);
  g_clear_pointer (&r->headers, g_ptr_array_unref);
  g_clear_pointer (&r->fields_of, g_ptr_array_unref);
  pd_csv_import_free (r->import);
  g_free (r->owned_text);
  g_free (r);
}

PdCsvReader *
pd_csv_reader_new (const char *data, gsize length, const PdCsvOptions *options, GError **error)
{
  g_autoptr (PdCsvReader) r = g_new0 (PdCsvReader, 1);
  PdCsvImport *import;

  g_return_val_if_fail (options != NULL && options->path != NULL && options->source != NULL, NULL);
  g_return_val_if_fail (data != NULL && data[length] == '\0', NULL);

  r->import = import = g_new0 (PdCsvImport, 1);
  import->bad = g_ptr_array_new_with_free_func (g_free);
  import->columns = g_ptr_array_new_with_free_func (g_free);
  r->text = to_utf8 (data, length, options, import, &r->owned_text, error);
  if (r->text == NULL)
    return NULL;
  import->delimiter = options->delimiter != 0 ? options->delimiter : detect_delimiter (r->text);
  import->delimiter_detected = options->delimiter == 0;
  r->options = options;
  r->fields = g_ptr_array_new_with_free_func (g_free);
  r->headers = g_ptr_array_new_with_free_func (g_free);
  r->fields_of = g_ptr_array_new ();
  r->line = 1;
  return g_steal_pointer (&r);
}

const PdCsvImport *
pd_csv_reader_import (const PdCsvReader *r)
{
  return r->import;
}

/* The checks at the end of the text: a field never closed, no header, bad
 * rows without skip_bad. */
static gboolean
finish (Reader *r, GError **error)
{
  const PdCsvOptions *options = r->options;
  PdCsvImport *import = r->import;

  r->finished = TRUE;
  if (r->parser_ready)
    {
      if (r->error == NULL && csv_fini (&r->parser, on_field, on_row, r) != 0)
        {
          g_autoptr (GArray) starts = NULL;
          gsize open_quote = G_MAXSIZE;
          guint line, column;
          g_autofree char *message = NULL;

          starts = field_starts (r->text, r->row_offset, import->delimiter, &open_quote);
          position (r->text, open_quote != G_MAXSIZE ? open_quote : r->row_offset, &line, &column);
          message = g_strdup_printf (_("%s:%u:%u: a quoted field never closed; expected a closing quote (\")"
                                       " before the end of the file"),
                                     options->path, line, column);
          csv_free (&r->parser);
          r->parser_ready = FALSE;
          if (!options->skip_bad)
            {
              g_set_error (error, PD_CSV_ERROR, PD_CSV_ERROR_SYNTAX, "%s", message);
              return FALSE;
            }
          g_ptr_array_add (import->bad, g_steal_pointer (&message));
          if (r->header_done)
            import->n_rows++;
        }
      else
        {
          csv_free (&r->parser);
          r->parser_ready = FALSE;
        }
    }
  if (r->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&r->error));
      return FALSE;
    }
  if (!r->header_done)
    {
      g_set_error (error, PD_CSV_ERROR, PD_CSV_ERROR_HEADER,
                   _("%s: empty; expected a header line naming the columns (company, contact, phone...)"),
                   options->path);
      return FALSE;
    }
  if (import->bad->len > 0 && !options->skip_bad)
    {
      g_autoptr (GString) message = g_string_new (NULL);

      for (guint i = 0; i < import->bad->len; i++)
        g_string_append_printf (message, "%s\n", (char *) import->bad->pdata[i]);
      g_string_append_printf (message,
                              ngettext ("%s: %u bad row; nothing imported (--skip-bad imports the others)",
                                        "%s: %u bad rows; nothing imported (--skip-bad imports the others)",
                                        import->bad->len),
                              options->path, import->bad->len);
      g_set_error (error, PD_CSV_ERROR, PD_CSV_ERROR_ROWS, "%s", message->str);
      return FALSE;
    }
  return TRUE;
}

PdProspect *
pd_csv_reader_next (PdCsvReader *r, GError **error)
{
  const PdCsvOptions *options = r->options;
  PdCsvImport *import = r->import;
  const char *text = r->text;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  while (g_queue_is_empty (&r->ready) && !r->finished)
    {
      const char *end;
      gsize line_length;
      size_t taken;

      if (text[r->offset] == '\0' || r->error != NULL)
        {
          if (!finish (r, error))
            return NULL;
          continue;
        }
      end = strchr (text + r->offset, '\n');
      line_length = end != NULL ? (gsize) (end - (text + r->offset)) + 1 : strlen (text + r->offset);
      if (!r->parser_ready)
        {
          if (csv_init (&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
            g_error ("csv_init: out of memory");
          csv_set_delim (&r->parser, (unsigned char) import->delimiter);
          csv_set_space_func (&r->parser, is_space);
          r->parser_ready = TRUE;
        }
      if (r->parser.pstate == CSV_ROW_NOT_BEGUN && r->fields->len == 0)
        {
          r->row_line = r->line;
          r->row_offset = r->offset;
        }
      taken = csv_parse (&r->parser, text + r->offset, line_length, on_field, on_row, r);
      if (taken < line_length && csv_error (&r->parser) == CSV_EPARSE)
        {
          g_autofree char *message = syntax_message (r, r->offset + taken);

          csv_free (&r->parser);
          r->parser_ready = FALSE;
          if (!options->skip_bad)
            {
              r->finished = TRUE;
              g_set_error (error, PD_CSV_ERROR, PD_CSV_ERROR_SYNTAX, "%s", message);
              return NULL;
            }
          /* Skip the row: read on from the next line, parser anew. */
          g_ptr_array_add (import->bad, g_steal_pointer (&message));
          if (r->header_done)
            import->n_rows++;
          g_ptr_array_set_size (r->fields, 0);
        }
      else if (taken < line_length)
        g_error ("csv_parse: %s", csv_strerror (csv_error (&r->parser)));
      r->offset += line_length;
      r->line++;
    }
  return g_queue_pop_head (&r->ready);
}

PdCsvImport *
pd_csv_import_read (const char *data, gsize length, const PdCsvOptions *options, GError **error)
{
  g_autofree char *copy = g_strndup (data, length);   /* followed by a NUL, as the reader wants it */
  g_autoptr (PdCsvReader) r = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  g_autoptr (GError) local_error = NULL;
  PdCsvImport *import;
  PdProspect *p;

  g_return_val_if_fail (options != NULL && options->path != NULL && options->source != NULL, NULL);

  /* A NUL byte inside is reported by the reader: keep the length. */
  if (length > 0 && memchr (data, '\0', length) != NULL)
    memcpy (copy, data, length);
  r = pd_csv_reader_new (copy, length, options, error);
  if (r == NULL)
    return NULL;
  while ((p = pd_csv_reader_next (r, &local_error)) != NULL)
    g_ptr_array_add (rows, p);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  import = g_steal_pointer (&r->import);
  import->rows = g_steal_pointer (&rows);
  return import;
}
