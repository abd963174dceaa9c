/* SPDX-License-Identifier: MIT
 *
 * Tests of csv-import (src/csv-import.c): the header names in English
 * and French, the delimiter found from the header, a byte-order mark,
 * Windows-1252 converted, CRLF, quoted commas and line ends, other
 * columns as attributes, every bad row with its FILE:LINE:COLUMN, quotes
 * out of place and never closed, --skip-bad.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "prospectd/csv-import.h"

static const char *const reps[] = { "alice", "bob", NULL };

static PdCsvImport *
read_ok (const char *text, gsize length, const char *encoding, char delimiter, gboolean skip_bad)
{
  g_autoptr (GError) error = NULL;
  PdCsvOptions options = { "f.csv", "salon", delimiter, encoding, "FR", reps, skip_bad };
  PdCsvImport *import = pd_csv_import_read (text, length, &options, &error);

  if (import == NULL)
    fail_msg ("%s", error->message);
  return import;
}

static void
assert_refused (const char *text, gboolean skip_bad, int code, const char *message)
{
  g_autoptr (GError) error = NULL;
  PdCsvOptions options = { "f.csv", "salon", 0, NULL, "FR", reps, skip_bad };
  g_autoptr (PdCsvImport) import = pd_csv_import_read (text, strlen (text), &options, &error);

  assert_null (import);
  assert_true (g_error_matches (error, PD_CSV_ERROR, code));
  assert_string_equal (error->message, message);
}

static const PdProspect *
row_at (const PdCsvImport *import, guint i)
{
  return g_ptr_array_index (import->rows, i);
}

static void
test_headers (void **state)
{
  (void) state;
  assert_string_equal (pd_csv_field_for_header ("Société"), "company");
  assert_string_equal (pd_csv_field_for_header ("SOCIETE"), "company");
  assert_string_equal (pd_csv_field_for_header ("Raison sociale"), "company");
  assert_string_equal (pd_csv_field_for_header ("entreprise"), "company");
  assert_string_equal (pd_csv_field_for_header ("Nom"), "contact");
  assert_string_equal (pd_csv_field_for_header ("Prénom"), "first_name");
  assert_string_equal (pd_csv_field_for_header ("First name"), "first_name");
  assert_string_equal (pd_csv_field_for_header ("Tél."), "phone");
  assert_string_equal (pd_csv_field_for_header ("Téléphone"), "phone");
  assert_string_equal (pd_csv_field_for_header ("Portable"), "mobile");
  assert_string_equal (pd_csv_field_for_header ("E-mail"), "email");
  assert_string_equal (pd_csv_field_for_header ("Courriel"), "email");
  assert_string_equal (pd_csv_field_for_header ("Code postal"), "postcode");
  assert_string_equal (pd_csv_field_for_header ("Ville"), "city");
  assert_string_equal (pd_csv_field_for_header ("Secteur"), "sector");
  assert_string_equal (pd_csv_field_for_header ("Effectif"), "size");
  assert_string_equal (pd_csv_field_for_header ("Commercial"), "owner");
  assert_string_equal (pd_csv_field_for_header ("Commentaire"), "notes");
  assert_null (pd_csv_field_for_header ("Région"));
  assert_null (pd_csv_field_for_header (""));
}

/* LibreOffice's French export: ';', CRLF, quoted ';' and line end. */
static void
test_semicolon_crlf_quotes (void **state)
{
  static const char text[] =
    "Société;Nom;Prénom;Téléphone;E-mail;Ville;Code postal;Région;Commercial\r\n"
    "Acme SARL;Dupont;Jeanne;01 23 45 67 89;jeanne@acme.fr;Lyon;69002;Sud;alice\r\n"
    "\"Bolt; Fils\";Martin;;+33 (0)6 12 34 56 78;;\"Saint-\r\nÉtienne\";42000;;\r\n"
    ";;;;;;;;\r\n"
    "Cyan;\"Le \"\"Chef\"\"\";;;;;;Nord;bob\r\n";
  g_autoptr (PdCsvImport) import = read_ok (text, sizeof text - 1, NULL, 0, FALSE);
  const PdProspect *p;

  (void) state;
  assert_int_equal (import->delimiter, ';');
  assert_true (import->delimiter_detected);
  assert_string_equal (import->encoding, "UTF-8");
  assert_false (import->converted);
  assert_false (import->bom);
  assert_int_equal (import->n_rows, 3);
  assert_int_equal (import->rows->len, 3);
  assert_int_equal (import->bad->len, 0);
  assert_string_equal (import->columns->pdata[0], "Société: company");
  assert_string_equal (import->columns->pdata[7], "Région: attribute");
  p = row_at (import, 0);
  assert_string_equal (p->company, "Acme SARL");
  assert_string_equal (p->contact, "Dupont");
  assert_string_equal (p->first_name, "Jeanne");
  assert_string_equal (p->phone, "+33123456789");
  assert_string_equal (p->email, "jeanne@acme.fr");
  assert_string_equal (p->city, "Lyon");
  assert_string_equal (p->postcode, "69002");
  assert_string_equal (p->rep, "alice");
  assert_int_equal (p->attributes->len, 1);
  assert_string_equal (((PdAttribute *) p->attributes->pdata[0])->name, "Région");
  assert_string_equal (((PdAttribute *) p->attributes->pdata[0])->value, "Sud");
  assert_int_equal (p->sources->len, 1);
  assert_string_equal (((PdProspectSource *) p->sources->pdata[0])->source, "salon");
  assert_int_equal (((PdProspectSource *) p->sources->pdata[0])->line, 2);
  p = row_at (import, 1);
  assert_string_equal (p->company, "Bolt; Fils");
  assert_null (p->first_name);
  assert_string_equal (p->phone, "+33612345678");
  assert_string_equal (p->city, "Saint-\r\nÉtienne");
  assert_null (p->rep);
  assert_int_equal (p->attributes->len, 0);
  assert_int_equal (((PdProspectSource *) p->sources->pdata[0])->line, 3);
  p = row_at (import, 2);
  assert_string_equal (p->contact, "Le \"Chef\"");
  assert_string_equal (p->rep, "bob");
  /* Line 5 is the empty row, 6 Cyan's. */
  assert_int_equal (((PdProspectSource *) p->sources->pdata[0])->line, 6);
}

/* Excel's "CSV UTF-8": a byte-order mark; commas; LF. */
static void
test_bom_comma (void **state)
{
  static const char text[] = "\xEF\xBB\xBF" "Company,Phone,Email\n\"Acme, Inc.\",0123456789,a@acme.com\n";
  g_autoptr (PdCsvImport) import = read_ok (text, sizeof text - 1, NULL, 0, FALSE);

  (void) state;
  assert_true (import->bom);
  assert_int_equal (import->delimiter, ',');
  assert_string_equal (row_at (import, 0)->company, "Acme, Inc.");
  assert_string_equal (row_at (import, 0)->phone, "+33123456789");
  assert_string_equal (import->columns->pdata[0], "Company: company");
}

/* Excel's plain CSV in French: Windows-1252 bytes. */
static void
test_windows_1252 (void **state)
{
  static const char text[] = "Soci\xe9t\xe9;Ville;Commentaire\r\nCaf\xe9 du Nord;Orl\xe9" "ans;\x80 200\r\n";
  g_autoptr (PdCsvImport) import = read_ok (text, sizeof text - 1, NULL, 0, FALSE);
  g_autoptr (GError) error = NULL;
  PdCsvOptions options = { "f.csv", "salon", 0, "UTF-8", "FR", reps, FALSE };
  g_autoptr (PdCsvImport) refused = pd_csv_import_read (text, sizeof text - 1, &options, &error);

  (void) state;
  assert_true (import->converted);
  assert_string_equal (import->encoding, "WINDOWS-1252");
  assert_string_equal (row_at (import, 0)->company, "Café du Nord");
  assert_string_equal (row_at (import, 0)->city, "Orléans");
  assert_string_equal (row_at (import, 0)->notes, "€ 200");
  /* --encoding UTF-8 said otherwise: refused where the first bad byte is. */
  assert_null (refused);
  assert_string_equal (error->message, "f.csv:1:5: not UTF-8 text; expected UTF-8 as --encoding says (or give the"
                                       " file's encoding, e.g. --encoding WINDOWS-1252)");
}

static void
test_delimiter_option (void **state)
{
  static const char text[] = "Company|Phone\nAcme|01 23 45 67 89\n";
  g_autoptr (PdCsvImport) import = read_ok (text, sizeof text - 1, NULL, '|', FALSE);

  (void) state;
  assert_false (import->delimiter_detected);
  assert_string_equal (row_at (import, 0)->phone, "+33123456789");
}

static void
test_syntax_errors (void **state)
{
  (void) state;
  /* A missing closing quote: reported at the quote that opened the field. */
  assert_refused ("Company;City\nAcme;\"Lyon\nBolt;Paris\n", FALSE, PD_CSV_ERROR_SYNTAX,
                  "f.csv:2:6: a quoted field never closed; expected a closing quote (\") before the end of the file");
  /* Closed by a later quote, far away: still at the opening quote. */
  assert_refused ("Company;City\nAcme;\"Lyon\nBolt;\"Paris\"\n", FALSE, PD_CSV_ERROR_SYNTAX,
                  "f.csv:2:6: a quoted field not closed where it should be (it runs to line 3, column 7); expected a"
                  " closing quote (\") at the end of the field");
  assert_refused ("Company;City\nAc\"me;Lyon\n", FALSE, PD_CSV_ERROR_SYNTAX,
                  "f.csv:2:3: a quote inside a field not quoted; expected the whole field between quotes, each quote"
                  " in it doubled (\"\")");
  assert_refused ("Company;City\n\"Acme\"x;Lyon\n", FALSE, PD_CSV_ERROR_SYNTAX,
                  "f.csv:2:7: 'x' after a closing quote; expected the delimiter ';' or the end of the line");
  assert_refused ("", FALSE, PD_CSV_ERROR_HEADER,
                  "f.csv: empty; expected a header line naming the columns (company, contact, phone...)");
  assert_refused ("Nom;Ville\nDupont;Lyon\n", FALSE, PD_CSV_ERROR_HEADER,
                  "f.csv:1: no company column; expected one named company, société, entreprise or raison sociale"
                  " (the header is: Nom; Ville)");
}

static void
test_bad_rows (void **state)
{
  static const char text[] =
    "Société;Téléphone;E-mail;Commercial\n"
    "Acme;01 23 45 67 89;;alice\n"
    ";01 23 45 67 80;;\n"
    "Bolt;012;;\n"
    "Cyan;;cyan.fr;\n"
    "Delta;;;zed\n"
    "Echo;;\n"
    "Fox;;;bob\n"
    "Ac\"me;;;\n";

  (void) state;
  assert_refused (text, FALSE, PD_CSV_ERROR_SYNTAX,
                  "f.csv:9:3: a quote inside a field not quoted; expected the whole field between quotes, each quote"
                  " in it doubled (\"\")");
  {
    g_autoptr (PdCsvImport) import = read_ok (text, sizeof text - 1, NULL, 0, TRUE);
    const char *const expected[] = {
      "f.csv:3:1: Société: empty; expected the company's name",
      "f.csv:4:6: Téléphone: '012': a number of +33 has 9 digits after the country code, not 2",
      "f.csv:5:7: E-mail: 'cyan.fr': expected an e-mail address (name@example.com)",
      "f.csv:6:9: Commercial: 'zed': no such rep in the campaign; expected one of alice, bob",
      "f.csv:7:7: 3 fields where the header has 4; expected one field per column",
      "f.csv:9:3: a quote inside a field not quoted; expected the whole field between quotes, each quote in it"
      " doubled (\"\")",
    };

    assert_int_equal (import->n_rows, 8);
    assert_int_equal (import->rows->len, 2);
    assert_string_equal (row_at (import, 0)->company, "Acme");
    assert_string_equal (row_at (import, 1)->company, "Fox");
    assert_int_equal (import->bad->len, G_N_ELEMENTS (expected));
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      assert_string_equal (import->bad->pdata[i], expected[i]);
  }
  /* Without --skip-bad, a clean syntax but bad values: every bad row listed. */
  assert_refused ("Société;Téléphone\n;0123456789\nBolt;012\nCyan;\n", FALSE, PD_CSV_ERROR_ROWS,
                  "f.csv:2:1: Société: empty; expected the company's name\n"
                  "f.csv:3:6: Téléphone: '012': a number of +33 has 9 digits after the country code, not 2\n"
                  "f.csv: 2 bad rows; nothing imported (--skip-bad imports the others)");
}

/* The reader gives one row at a time: rows ended by lone CRs (old Mac
 * files: several rows in one line fed to libcsv) each in turn, the bad
 * rows listed once the end is reached, the end said by NULL without an
 * error; without skip_bad, NULL with PD_CSV_ERROR_ROWS at the end, after
 * the good rows. */
static void
test_reader (void **state)
{
  static const char lone_cr[] = "Société,Tél\rAcme,01 23 45 67 89\rBolt,01 23 45 67 88\r\rCyan,\r";
  static const char bad[] = "Société;Téléphone\nAcme;0123456789\nBolt;012\nCyan;\n";
  PdCsvOptions options = { "f.csv", "salon", 0, NULL, "FR", reps, FALSE };
  const char *const companies[] = { "Acme", "Bolt", "Cyan" };
  const char *const phones[] = { "+33123456789", "+33123456788", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (PdCsvReader) reader = NULL;
  g_autoptr (PdCsvReader) refused = NULL;

  (void) state;
  reader = pd_csv_reader_new (lone_cr, sizeof lone_cr - 1, &options, &error);
  assert_non_null (reader);
  for (guint i = 0; i < G_N_ELEMENTS (companies); i++)
    {
      g_autoptr (PdProspect) p = pd_csv_reader_next (reader, &error);

      assert_non_null (p);
      assert_string_equal (p->company, companies[i]);
      if (phones[i] != NULL)
        assert_string_equal (p->phone, phones[i]);
      else
        assert_null (p->phone);
      assert_string_equal (((PdProspectSource *) p->sources->pdata[0])->source, "salon");
    }
  assert_null (pd_csv_reader_next (reader, &error));
  assert_null (error);
  assert_null (pd_csv_reader_next (reader, &error));
  assert_null (error);
  assert_int_equal (pd_csv_reader_import (reader)->n_rows, 3);
  assert_int_equal (pd_csv_reader_import (reader)->delimiter, ',');
  assert_null (pd_csv_reader_import (reader)->rows);

  refused = pd_csv_reader_new (bad, sizeof bad - 1, &options, &error);
  assert_non_null (refused);
  {
    g_autoptr (PdProspect) acme = pd_csv_reader_next (refused, &error);
    g_autoptr (PdProspect) cyan = pd_csv_reader_next (refused, &error);

    assert_string_equal (acme->company, "Acme");
    assert_string_equal (cyan->company, "Cyan");
  }
  assert_null (error);
  assert_null (pd_csv_reader_next (refused, &error));
  assert_true (g_error_matches (error, PD_CSV_ERROR, PD_CSV_ERROR_ROWS));
  assert_string_equal (error->message,
                       "f.csv:3:6: Téléphone: '012': a number of +33 has 9 digits after the country code, not 2\n"
                       "f.csv: 1 bad row; nothing imported (--skip-bad imports the others)");
  assert_int_equal (pd_csv_reader_import (refused)->bad->len, 1);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_headers),
    cmocka_unit_test (test_semicolon_crlf_quotes),
    cmocka_unit_test (test_bom_comma),
    cmocka_unit_test (test_windows_1252),
    cmocka_unit_test (test_delimiter_option),
    cmocka_unit_test (test_syntax_errors),
    cmocka_unit_test (test_bad_rows),
    cmocka_unit_test (test_reader),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
