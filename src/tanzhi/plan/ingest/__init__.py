"""Actuals in at scale (issue #11 item 2): a per-department Excel template of a plan, its
all-or-nothing upload as a background job, and the statistics-derived refresh as a job.

Files follow the domain's order (`model → workbook → service → api → pages`, contract
"plan.ingest layers"); the plan face exports the routers and the services other code uses.
"""

from __future__ import annotations
