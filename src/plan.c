/* SPDX-License-Identifier: MIT
 *
 * plan: the prospecting funnel (docs/method.md).
 *
 * Each step is an exact integer operation on cents and millionths, rounded
 * to a whole count at its own step: a * b / d computed in 128 bits so that
 * no intermediate product overflows and no binary floating point ever
 * rounds 466.67 into 466.66999. A result beyond 64 bits is an error, not a
 * wrap-around.
 */
#define G_LOG_DOMAIN "prospectd-plan"

#include <glib/gi18n.h>

#include "prospectd/plan.h"

G_DEFINE_QUARK (pd-plan-error-quark, pd_plan_error)

__extension__ typedef __int128 wide;

gboolean
pd_muldiv (gint64 a, gint64 b, gint64 d, PdRounding rounding, gint64 *ret)
{
  g_return_val_if_fail (d > 0, FALSE);

  wide product = (wide) a * (wide) b;
  wide quotient = product / d;
  wide remainder = product % d;

  /* C division truncates toward zero; make "up" a ceiling and "down" a
   * floor for negative values too. */
  if (remainder != 0)
    {
      if (rounding == PD_ROUNDING_UP && product > 0)
        quotient += 1;
      else if (rounding == PD_ROUNDING_DOWN && product < 0)
        quotient -= 1;
    }
  if (quotient > G_MAXINT64 || quotient < G_MININT64)
    return FALSE;
  *ret = (gint64) quotient;
  return TRUE;
}

gint64
pd_muldiv_saturated (gint64 a, gint64 b, gint64 d, PdRounding rounding)
{
  gint64 result;

  if (pd_muldiv (a, b, d, rounding, &result))
    return result;
  return ((a < 0) != (b < 0)) ? G_MININT64 : G_MAXINT64;
}

static gboolean
step (gint64 a, gint64 b, gint64 d, PdRounding rounding, const char *what,
      gint64 *ret, GError **error)
{
  if (!pd_muldiv (a, b, d, rounding, ret))
    {
      g_set_error (error, PD_PLAN_ERROR, PD_PLAN_ERROR_OVERFLOW,
                   _("the plan's %s are too many to count; lower the objective or raise the average deal"), what);
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_plan_compute (const PdPlanInput *input, PdPlan *ret_plan, GError **error)
{
  PdRounding r = input->rounding;
  PdPlan plan = { 0 };

  g_return_val_if_fail (input->average_deal_cents > 0, FALSE);
  g_return_val_if_fail (input->accessibility_rate > 0, FALSE);
  g_return_val_if_fail (input->spontaneous_prospects >= 0, FALSE);

  if (!step (input->objective_cents, 1, input->average_deal_cents, r, _("deals"), &plan.deals, error) ||
      !step (plan.deals, input->proposals_per_deal, PD_MILLI, r, _("proposals"), &plan.proposals, error) ||
      !step (plan.proposals, input->compensation_factor, PD_MILLI, r, _("active prospects"),
             &plan.active_prospects, error))
    return FALSE;

  plan.active_after_spontaneous = MAX (plan.active_prospects - input->spontaneous_prospects, 0);

  if (!step (plan.active_after_spontaneous, PD_MILLI, input->accessibility_rate, r,
             _("prospects to contact"), &plan.prospects_to_contact, error) ||
      !step (plan.prospects_to_contact, input->contacts_per_prospect, PD_MILLI, r, _("contacts"),
             &plan.contacts, error) ||
      !step (plan.contacts, input->minutes_per_contact, PD_MILLI, r, _("call minutes"),
             &plan.call_minutes, error))
    return FALSE;

  *ret_plan = plan;
  return TRUE;
}

GArray *
pd_plan_sensitivity (const PdPlanInput *input, GError **error)
{
  /* The extremes the method's seed data has seen, around the campaign's
   * own assumption. */
  const gint64 rates[] = { 30000, input->accessibility_rate, 170000 };
  const gint64 contacts[] = { 1 * PD_MILLI, input->contacts_per_prospect, 13 * PD_MILLI };
  g_autoptr (GArray) points = g_array_new (FALSE, TRUE, sizeof (PdSensitivity));

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    for (guint j = 0; j < G_N_ELEMENTS (contacts); j++)
      {
        PdPlanInput variant = *input;
        PdSensitivity point = { rates[i], contacts[j], { 0 } };

        variant.accessibility_rate = rates[i];
        variant.contacts_per_prospect = contacts[j];
        if (!pd_plan_compute (&variant, &point.plan, error))
          return NULL;
        g_array_append_val (points, point);
      }
  return g_steal_pointer (&points);
}
