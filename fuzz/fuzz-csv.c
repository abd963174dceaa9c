/* SPDX-License-Identifier: MIT
 *
 * libFuzzer target: the prospect file reader (csv-import.h), the edge
 * where libcsv meets any bytes a spreadsheet, a partner or an attacker
 * hands over. The first byte picks the options (delimiter given or
 * detected, encoding given or guessed, --skip-bad or not); the rest is
 * the file. Each input must be read into rows whose every prospect has a
 * company and E.164 phones, with every bad row's message naming the file,
 * or refused with a GError that names it; never a crash, a leak or a
 * read out of bounds.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prospectd/csv-import.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(condition) do { if (!(condition)) abort (); } while (0)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const reps[] = { "alice", "bob", NULL };
  static const char delimiters[] = { 0, ';', ',', '\t' };
  static const char *const encodings[] = { NULL, "UTF-8", "WINDOWS-1252", "ISO-8859-15" };
  g_autoptr (GError) error = NULL;
  g_autoptr (PdCsvImport) import = NULL;
  PdCsvOptions options = { "f.csv", "fuzz", 0, NULL, "FR", reps, FALSE };

  if (size == 0)
    return 0;
  options.delimiter = delimiters[data[0] & 3];
  options.encoding = encodings[(data[0] >> 2) & 3];
  options.skip_bad = (data[0] & 16) != 0;
  options.country = (data[0] & 32) != 0 ? NULL : "FR";
  import = pd_csv_import_read ((const char *) data + 1, size - 1, &options, &error);
  if (import == NULL)
    {
      CHECK (error != NULL && g_str_has_prefix (error->message, "f.csv"));
      return 0;
    }
  CHECK (error == NULL);
  CHECK (import->n_rows >= import->rows->len);
  for (guint i = 0; i < import->rows->len; i++)
    {
      const PdProspect *p = import->rows->pdata[i];

      CHECK (p->company != NULL && p->company[0] != '\0');
      CHECK (p->phone == NULL || p->phone[0] == '+');
      CHECK (p->mobile == NULL || p->mobile[0] == '+');
      CHECK (p->sources->len == 1);
      CHECK (g_utf8_validate (p->company, -1, NULL));
    }
  for (guint i = 0; i < import->bad->len; i++)
    CHECK (g_str_has_prefix (import->bad->pdata[i], "f.csv:"));
  CHECK (options.skip_bad || import->bad->len == 0);
  return 0;
}
