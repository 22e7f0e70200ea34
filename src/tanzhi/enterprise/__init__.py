"""enterprise domain (企业碳账户): the registry (一企一档), monthly and annual report versions with
evidence, and the MRV workflow — data-quality control plan, submission, verification (document
review, site checklist, non-conformities, conservative estimates), the authority's approval.

Inside the domain the layers run, lowest first: `model` → `checks` → `store` → `service` (one
module per use case) → `api` | `pages`. Access is the policy table's (one block); `api` registers
the resolvers that put every enterprise object at its enterprise (its reporter, its assigned
verifiers, the offices over its region).

Also here: emissions accounting (`enterprise.account`, GB/T 32150 and the industry guidelines)
and the carbon efficiency code with its bulk engine (`enterprise.grade`, Ibis on DuckDB or Spark).
"""

from tanzhi.enterprise.account import AccountResult, GridBasis, GridFactors, account_report
from tanzhi.enterprise.api import router as api_router

# Carbon efficiency code and bulk engine (issue #12 items 4 and 6; tanzhi.enterprise.grade).
from tanzhi.enterprise.grade.analytics import (
    Engine,
    carrier_co2,
    connect,
    county_rollup,
    grade,
    industry_benchmarks,
    local_spark,
    nowcast,
)
from tanzhi.enterprise.grade.calc import (
    carbon_band_of,
    category_of,
    grade_of,
    k_value,
    l_value,
    net_co2,
)
from tanzhi.enterprise.grade.model import INPUT_COLUMNS, OUTPUT_COLUMNS, GradingRules, RuleSet
from tanzhi.enterprise.grade.rules import load_rules
from tanzhi.enterprise.grade.service import OutputFormat, grade_file, grade_frame
from tanzhi.enterprise.model import (
    BAND_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    Band,
    Period,
    SourceKind,
    Status,
    energy_use_band_of,
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

__all__: list[str] = [
    "AccountResult",
    "BAND_LABELS",
    "GridBasis",
    "GridFactors",
    "account_report",
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
    "energy_use_band_of",
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
    # Carbon efficiency code (issue #12 items 4 and 6)
    "INPUT_COLUMNS", "OUTPUT_COLUMNS", "Engine", "GradingRules", "OutputFormat", "RuleSet",
    "carbon_band_of", "carrier_co2", "category_of", "connect", "county_rollup", "grade",
    "grade_file", "grade_frame", "grade_of", "industry_benchmarks", "k_value", "l_value",
    "load_rules",    "local_spark", "net_co2", "nowcast",
]
