/* SPDX-License-Identifier: MIT
 *
 * csv-import: a prospect file (CSV, RFC 4180, as spreadsheets write it)
 * read into prospects (prospect.h). Owns the edge with libcsv (strict
 * mode): the byte-order mark, the encoding (UTF-8, else Windows-1252
 * converted with g_convert(), or --encoding), the delimiter (detected
 * from the header line among ',' ';' and tab, or --delimiter), the
 * header's names matched in English and French without case or accents,
 * every other column kept as an attribute, and the checks of each row
 * (a company, numbers in E.164 for the campaign's country, e-mail
 * addresses, owners among the reps). Every problem is reported as
 * FILE:LINE:COLUMN (the column in characters, 1 for the first) and what
 * was expected. No store, no campaign: the caller matches and stores.
 */
#pragma once

#include <glib.h>

#include "prospectd/prospect.h"

#define PD_CSV_ERROR (pd_csv_error_quark ())
GQuark pd_csv_error_quark (void);

typedef enum {
  PD_CSV_ERROR_ENCODING, /* the bytes are not text in the encoding given */
  PD_CSV_ERROR_SYNTAX,   /* not CSV: a quote out of place, a field never closed */
  PD_CSV_ERROR_HEADER,   /* no header, or no company column */
  PD_CSV_ERROR_ROWS,     /* rows with bad values (without skip_bad) */
  PD_CSV_ERROR_OPTION,   /* an option's value (delimiter, encoding) */
} PdCsvError;

typedef struct {
  const char *path;          /* how the file is named in messages */
  const char *source;        /* the source name each row is recorded under */
  char delimiter;            /* 0: detect from the header line */
  const char *encoding;      /* NULL: UTF-8, else Windows-1252 when not UTF-8 */
  const char *country;       /* phone numbers written nationally (NULL: must carry +CC) */
  const char *const *reps;   /* owners allowed (NULL-terminated), or NULL: no owner column allowed to name anyone */
  gboolean skip_bad;         /* keep the good rows, list the bad ones */
} PdCsvOptions;

typedef struct {
  GPtrArray *rows;        /* PdProspect*, owned: one per good row, its source (options->source, line);
                           * rep: the owner column's value (a rep's name), or NULL */
  GPtrArray *bad;         /* char*, owned: one message per bad row or line, FILE:LINE:COLUMN: ... */
  guint n_rows;           /* data rows read, good and bad */
  char delimiter;         /* the one used */
  gboolean delimiter_detected;
  char *encoding;         /* the encoding the bytes were read in: "UTF-8", "WINDOWS-1252", or as given */
  gboolean converted;     /* the bytes were not UTF-8 and were converted from `encoding` */
  gboolean bom;           /* a UTF-8 byte-order mark was skipped */
  GPtrArray *columns;     /* char*, owned: each header name, and what it was read as: "Société: company" */
} PdCsvImport;

void pd_csv_import_free (PdCsvImport *import);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCsvImport, pd_csv_import_free)

/* The field a header name stands for ("company", "contact", "first_name",
 * "phone", "mobile", "email", "city", "postcode", "sector", "size",
 * "owner", "notes"), matched without case, accents, spaces or
 * punctuation against the English and French names (company, société,
 * entreprise, raison sociale; contact, nom; first name, prénom; phone,
 * téléphone, tél, tel; mobile, portable; email, e-mail, courriel; city,
 * ville; postcode, code postal, CP; sector, secteur; size, effectif; owner,
 * commercial; notes, commentaire), or NULL: an attribute. Static. */
const char *pd_csv_field_for_header (const char *header);

/* Reads `length` bytes of a prospect file. Returns the rows, or NULL
 * with error set: PD_CSV_ERROR_ENCODING, PD_CSV_ERROR_SYNTAX (a quote
 * out of place or never closed: FILE:LINE:COLUMN of it, unless
 * skip_bad, which skips that line and reads on), PD_CSV_ERROR_HEADER,
 * PD_CSV_ERROR_ROWS (bad rows without skip_bad: the message lists
 * every one, a line each). */
PdCsvImport *pd_csv_import_read (const char *data, gsize length, const PdCsvOptions *options, GError **error);

/* The same, one row at a time, so that a large file is never held as
 * prospects: pd_csv_reader_new() decodes the text (PD_CSV_ERROR_ENCODING,
 * PD_CSV_ERROR_OPTION) and detects the delimiter; each
 * pd_csv_reader_next() gives the next good row (a new PdProspect, as
 * pd_csv_import_read() would hold it), and NULL at the end, or NULL with
 * error set: the errors of pd_csv_import_read(), PD_CSV_ERROR_ROWS (bad
 * rows without skip_bad) only once the whole text is read. The bad rows,
 * counts and what the file was read as are in pd_csv_reader_import()
 * (its `rows` NULL); they are complete once next() gave NULL. `data`
 * must be followed by a NUL byte (as g_file_get_contents() gives it) and
 * outlive the reader, which reads it in place when it is UTF-8. */
typedef struct _PdCsvReader PdCsvReader;

PdCsvReader *pd_csv_reader_new (const char *data, gsize length, const PdCsvOptions *options, GError **error);
PdProspect *pd_csv_reader_next (PdCsvReader *reader, GError **error);
const PdCsvImport *pd_csv_reader_import (const PdCsvReader *reader);
void pd_csv_reader_free (PdCsvReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCsvReader, pd_csv_reader_free)
