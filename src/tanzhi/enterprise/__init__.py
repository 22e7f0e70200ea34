"""enterprise domain."""

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
from tanzhi.enterprise.grade.calc import band_of, category_of, grade_of, k_value, l_value, net_co2
from tanzhi.enterprise.grade.model import INPUT_COLUMNS, OUTPUT_COLUMNS, GradingRules, RuleSet
from tanzhi.enterprise.grade.rules import load_rules
from tanzhi.enterprise.grade.service import OutputFormat, grade_file, grade_frame

__all__: list[str] = [
    # Carbon efficiency code (issue #12 items 4 and 6)
    "INPUT_COLUMNS", "OUTPUT_COLUMNS", "Engine", "GradingRules", "OutputFormat", "RuleSet",
    "band_of", "carrier_co2", "category_of", "connect", "county_rollup", "grade", "grade_file",
    "grade_frame", "grade_of", "industry_benchmarks", "k_value", "l_value", "load_rules",
    "local_spark", "net_co2", "nowcast",
]
