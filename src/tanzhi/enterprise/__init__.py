"""enterprise domain (企业碳账户): the registry (一企一档), monthly and annual report versions with
evidence, and the MRV workflow — data-quality control plan, submission, verification (document
review, site checklist, non-conformities, conservative estimates), the authority's approval.

Inside the domain the layers run, lowest first: `model` → `checks` → `store` → `service` (one
module per use case) → `api` | `pages`. Access is the policy table's (one block); `api` registers
the resolvers that put every enterprise object at its enterprise (its reporter, its assigned
verifiers, the offices over its region).
"""

from tanzhi.enterprise.api import router as api_router
from tanzhi.enterprise.model import (
    BAND_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    Band,
    Period,
    SourceKind,
    Status,
    band_of,
)
from tanzhi.enterprise.pages import router as pages_router
from tanzhi.enterprise.service import (
    DEMO_ENTERPRISES,
    DemoEnterprise,
    demo_seed,
    enterprise_file,
    enterprise_list,
    get_enterprise,
    get_report,
    register,
    report_dict,
    verifier_desk,
    visible_codes,
)
from tanzhi.enterprise.store import EnterpriseRow, ReportRow

__all__ = [
    "BAND_LABELS",
    "DEMO_ENTERPRISES",
    "SOURCE_LABELS",
    "STATUS_LABELS",
    "Band",
    "DemoEnterprise",
    "EnterpriseRow",
    "Period",
    "ReportRow",
    "SourceKind",
    "Status",
    "api_router",
    "band_of",
    "demo_seed",
    "enterprise_file",
    "enterprise_list",
    "get_enterprise",
    "get_report",
    "pages_router",
    "register",
    "report_dict",
    "verifier_desk",
    "visible_codes",
]
