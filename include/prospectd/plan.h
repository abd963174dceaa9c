/* SPDX-License-Identifier: MIT
 *
 * plan: the prospecting funnel, from a revenue objective to call minutes.
 *
 * Pure: values in, values out. Every step is computed exactly in integers
 * (cents and millionths) and rounded to a whole number at its own step, up
 * or down as the campaign says.
 */
#pragma once

#include <glib.h>
#include "prospectd/campaign.h"

#define PD_PLAN_ERROR (pd_plan_error_quark ())
GQuark pd_plan_error_quark (void);

typedef enum {
  PD_PLAN_ERROR_OVERFLOW, /* a step does not fit in 64 bits */
} PdPlanError;

typedef struct {
  gint64 deals;
  gint64 proposals;
  gint64 active_prospects;
  gint64 active_after_spontaneous; /* never below 0 */
  gint64 prospects_to_contact;
  gint64 contacts;
  gint64 call_minutes;
} PdPlan;

/* Computes the funnel. Writes ret_plan only on success. */
gboolean pd_plan_compute (const PdPlanInput *input, PdPlan *ret_plan, GError **error);

/* One point of the sensitivity view: the same funnel with the accessibility
 * rate and contacts per prospect replaced. */
typedef struct {
  gint64 accessibility_rate;    /* millionths */
  gint64 contacts_per_prospect; /* millionths */
  PdPlan plan;
} PdSensitivity;

/* The funnel at the observed extremes (accessibility 3 % and 17 %, contacts
 * per prospect 1 and 13) crossed with the campaign's own values: nine
 * points, accessibility major, each in the order low extreme, the
 * campaign's value, high extreme. Returns a new GArray of PdSensitivity or
 * NULL with error set. */
GArray *pd_plan_sensitivity (const PdPlanInput *input, GError **error);

/* a * b / d rounded as `rounding` says; FALSE on overflow. d > 0. */
gboolean pd_muldiv (gint64 a, gint64 b, gint64 d, PdRounding rounding, gint64 *ret);

/* The same, saturated at G_MININT64 / G_MAXINT64 when it does not fit (for
 * counts so large that a later check rejects them anyway). */
gint64 pd_muldiv_saturated (gint64 a, gint64 b, gint64 d, PdRounding rounding);
