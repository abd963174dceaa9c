/* SPDX-License-Identifier: MIT
 *
 * store-pg-lib: libpq loaded at run time (see the header).
 */
#define G_LOG_DOMAIN "prospectd-store"
#define STORE_PG_LIB_TABLE /* the real names, not the table's */

#include "store-pg-lib.h"

#include <glib/gi18n.h>
#include <gmodule.h>

#include "prospectd/store.h"

#define LIBPQ_NAME "libpq.so.5"

StorePgLib store_pg_lib;

gboolean
store_pg_lib_load (GError **error)
{
  static gsize done;
  static char *failure; /* why it could not be loaded; NULL: loaded */

  if (g_once_init_enter (&done))
    {
      GModule *module = g_module_open (LIBPQ_NAME, G_MODULE_BIND_LOCAL);
      StorePgLib table = { 0 };

      if (module == NULL)
        failure = g_strdup (g_module_error ());
#define STORE_PG_LIB_FIND(name) \
      if (failure == NULL && !g_module_symbol (module, #name, (gpointer *) &table.name)) \
        failure = g_strdup (g_module_error ());
      STORE_PG_LIB_FUNCTIONS (STORE_PG_LIB_FIND)
#undef STORE_PG_LIB_FIND
      if (module != NULL)
        g_module_make_resident (module);
      if (failure == NULL)
        store_pg_lib = table;
      g_once_init_leave (&done, 1);
    }
  if (failure != NULL)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO, _("cannot load the PostgreSQL client library %s: %s"),
                   LIBPQ_NAME, failure);
      return FALSE;
    }
  return TRUE;
}
