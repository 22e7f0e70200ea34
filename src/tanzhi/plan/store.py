"""Plan tables (plan_*): plan editions, indicators, actuals with revisions, warnings."""

from __future__ import annotations
