"""Report tables (report_*): generated documents with their inputs' lineage."""

from __future__ import annotations
