"""Assessment, pilot and project tables (plan_assess_*, plan_pilot_*, plan_project_*)."""

from __future__ import annotations
