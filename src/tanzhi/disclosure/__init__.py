"""disclosure domain (信息公开): what the public may read, logged out.

An officer of the province, a city or a county publishes a region's figures of an inventory
run, a plan's indicator status table or a generated report, as of a date; withdrawing takes it
off the portal again. Both are audited writes. The public portal (`/public`) shows only live
publications, with the date, the publisher and the provisional marks the data carries, and the
signed-off assessment results (public by the assessment's own rule). Inside the domain the
layers run, lowest first: `model` → `store` → `service` (reads report, plan and inventory
through their faces) → `api` | `pages`.
"""

from tanzhi.disclosure.api import router as api_router
from tanzhi.disclosure.model import KIND_LABELS, Kind, Publication
from tanzhi.disclosure.pages import router as pages_router
from tanzhi.disclosure.service import (
    demo_seed,
    get_publication,
    live_publications,
    publication_history,
    publish_inventory,
    publish_plan_status,
    publish_report,
    published,
    withdraw,
)
from tanzhi.disclosure.store import PublicationRow

__all__ = [
    "KIND_LABELS",
    "Kind",
    "Publication",
    "PublicationRow",
    "api_router",
    "demo_seed",
    "get_publication",
    "live_publications",
    "pages_router",
    "publication_history",
    "publish_inventory",
    "publish_plan_status",
    "publish_report",
    "published",
    "withdraw",
]
