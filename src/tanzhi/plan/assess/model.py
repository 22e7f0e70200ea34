"""Assessment and registry types: workflow states, item rules, grades, pilot and project kinds.

No I/O. The vocabularies below are the ones the workflow, the pages, the imports and the API
share; each carries its Chinese and English label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from tanzhi.kernel import EVIDENCE_TYPES as KERNEL_EVIDENCE_TYPES
from tanzhi.kernel import MAX_EVIDENCE_BYTES as KERNEL_MAX_EVIDENCE_BYTES
from tanzhi.kernel import DataError


class SchemeState(StrEnum):
    """State of an annual assessment scheme (考核方案)."""

    DRAFT = "draft"                      # 起草
    SELF_ASSESSMENT = "self_assessment"  # 自评
    CITY_REVIEW = "city_review"          # 上级审核
    SIGNED_OFF = "signed_off"            # 签发（此后不可更改）


STATE_LABELS: dict[SchemeState, tuple[str, str]] = {
    SchemeState.DRAFT: ("起草", "Draft"),
    SchemeState.SELF_ASSESSMENT: ("自评", "Self-assessment"),
    SchemeState.CITY_REVIEW: ("审核", "Review"),
    SchemeState.SIGNED_OFF: ("已签发", "Signed off"),
}

# The allowed moves: (from, to) → action name. Everything else is refused.
TRANSITIONS: dict[tuple[SchemeState, SchemeState], str] = {
    (SchemeState.DRAFT, SchemeState.SELF_ASSESSMENT): "open_self_assessment",
    (SchemeState.SELF_ASSESSMENT, SchemeState.CITY_REVIEW): "start_review",
    (SchemeState.CITY_REVIEW, SchemeState.SELF_ASSESSMENT): "return_to_assessees",
    (SchemeState.CITY_REVIEW, SchemeState.SIGNED_OFF): "sign_off",
}
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "open_self_assessment": ("发布并开始自评", "Open self-assessment"),
    "start_review": ("结束自评、开始审核", "Close self-assessment and start review"),
    "return_to_assessees": ("退回自评", "Return to self-assessment"),
    "sign_off": ("签发", "Sign off"),
}

ItemKind = Literal["quantitative", "qualitative"]
AssesseeKind = Literal["county", "department"]
AppliesTo = Literal["all", "county", "department"]
ScoreMode = Literal["proportional", "status"]


@dataclass(frozen=True)
class ScoreRule:
    """How a quantitative item turns an indicator's progress into points (configurable per item).

    ``proportional`` (default): full marks when completion ≥ expected (time) progress or the
    target is met; otherwise ``max × completion ÷ progress`` (never below 0); zero when the
    status is red and ``red_zero`` is set.
    ``status``: green full marks, yellow ``yellow_share × max``, red zero.
    """

    mode: ScoreMode = "proportional"
    red_zero: bool = True
    yellow_share: float = 0.6

    def __post_init__(self) -> None:
        if self.mode not in ("proportional", "status"):
            raise ValueError(f"unknown score mode {self.mode!r}")
        if not 0 <= self.yellow_share <= 1:
            raise ValueError("yellow_share must lie in [0, 1]")


@dataclass(frozen=True)
class GradeBands:
    """Grade thresholds as percentages of the attainable total (inclusive lower bounds).

    Defaults 90 / 80 / 60: the bands most Chinese annual target-responsibility assessments use
    (优秀 ≥ 90 分, 良好 ≥ 80 分, 合格 ≥ 60 分, 不合格 < 60 分 on a 100-point scale). A scheme
    may set its own.
    """

    excellent: float = 90.0
    good: float = 80.0
    passing: float = 60.0

    def __post_init__(self) -> None:
        if not 0 <= self.passing <= self.good <= self.excellent <= 100:
            raise DataError.at(
                "等级分数线须满足 0 ≤ 合格 ≤ 良好 ≤ 优秀 ≤ 100",
                "grade thresholds need 0 ≤ passing ≤ good ≤ excellent ≤ 100", column="grades")


class Grade(StrEnum):
    """Assessment grade."""

    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"
    FAIL = "fail"


GRADE_LABELS: dict[Grade, tuple[str, str]] = {
    Grade.EXCELLENT: ("优秀", "Excellent"),
    Grade.GOOD: ("良好", "Good"),
    Grade.PASS: ("合格", "Pass"),
    Grade.FAIL: ("不合格", "Fail"),
}


@dataclass(frozen=True)
class ProgressBasis:
    """The indicator progress a quantitative score is computed from (its lineage)."""

    indicator_id: str
    year: int
    actual: float | None
    completion: float | None
    progress: float | None
    status: str | None  # green / yellow / red, None when there is no actual
    met: bool = False
    source: str = ""
    # Why the plan's status table has no status for it (its status note: no_actual,
    # set_by_higher_level, not_decomposed, …); "" when it has one.
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form kept with the score."""
        return {
            "indicator_id": self.indicator_id, "year": self.year, "actual": self.actual,
            "completion": self.completion, "progress": self.progress, "status": self.status,
            "met": self.met, "source": self.source, "note": self.note,
        }


@dataclass(frozen=True)
class AssesseeResult:
    """One assessee's outcome: total, attainable maximum, percentage, grade and rank."""

    assessee_id: int
    kind: str
    code: str
    name_zh: str
    name_en: str
    total: float
    maximum: float
    percent: float
    grade: Grade
    rank: int = 0
    item_scores: dict[int, float] = field(default_factory=dict)


# ------------------------------------------------------------------------------- evidence

# Evidence types and size cap: the kernel's (`tanzhi.kernel.evidence`), shared with enterprise.
EVIDENCE_TYPES = KERNEL_EVIDENCE_TYPES
MAX_EVIDENCE_BYTES = KERNEL_MAX_EVIDENCE_BYTES

# ------------------------------------------------------------------------------- pilots


class PilotStage(StrEnum):
    """Lifecycle of a low-/zero-carbon pilot (试点): application → approved … → accepted."""

    APPLICATION = "application"  # 申报
    APPROVED = "approved"        # 批准创建（监测中）
    MIDTERM = "midterm"          # 中期评估
    ACCEPTED = "accepted"        # 验收命名
    REMOVED = "removed"          # 撤销/退出


STAGE_LABELS: dict[PilotStage, tuple[str, str]] = {
    PilotStage.APPLICATION: ("申报", "Application"),
    PilotStage.APPROVED: ("创建中（监测）", "Approved (monitoring)"),
    PilotStage.MIDTERM: ("中期评估", "Mid-term review"),
    PilotStage.ACCEPTED: ("验收通过", "Accepted"),
    PilotStage.REMOVED: ("已撤销", "Removed"),
}
PILOT_MOVES: dict[PilotStage, frozenset[PilotStage]] = {
    PilotStage.APPLICATION: frozenset({PilotStage.APPROVED, PilotStage.REMOVED}),
    PilotStage.APPROVED: frozenset({PilotStage.MIDTERM, PilotStage.ACCEPTED, PilotStage.REMOVED}),
    PilotStage.MIDTERM: frozenset({PilotStage.ACCEPTED, PilotStage.REMOVED}),
    PilotStage.ACCEPTED: frozenset({PilotStage.REMOVED}),
    PilotStage.REMOVED: frozenset(),
}
# Stages in which a pilot counts as built / in force (count_pilots).
IN_FORCE = frozenset({PilotStage.APPROVED, PilotStage.MIDTERM, PilotStage.ACCEPTED})

PILOT_KINDS: dict[str, tuple[str, str]] = {
    "county": ("县（市、区）", "County"),
    "town": ("乡镇（街道）", "Town / street"),
    "village": ("村", "Village"),
    "community": ("社区", "Community"),
    "park": ("园区", "Industrial park"),
    "public_institution": ("公共机构", "Public institution"),
    "enterprise": ("企业", "Enterprise"),
    "school": ("学校", "School"),
    "island": ("海岛", "Island"),
    "other": ("其他", "Other"),
}
CARBON_LEVELS: dict[str, tuple[str, str]] = {
    "low_carbon": ("低碳", "Low-carbon"),
    "near_zero": ("近零碳", "Near-zero-carbon"),
    "zero_carbon": ("零碳", "Zero-carbon"),
}

# ------------------------------------------------------------------------------- projects

PROJECT_SECTORS: dict[str, tuple[str, str]] = {
    "energy": ("能源", "Energy supply"),
    "industry": ("工业", "Industry"),
    "building": ("建筑", "Buildings"),
    "transport": ("交通", "Transport"),
    "agriculture": ("农业", "Agriculture"),
    "forestry": ("林业碳汇", "Forestry and sinks"),
    "waste": ("废弃物", "Waste"),
    "ccus": ("碳捕集利用与封存", "CCUS"),
    "adaptation": ("适应气候变化", "Adaptation"),
    "other": ("其他", "Other"),
}
PROJECT_STATUSES: dict[str, tuple[str, str]] = {
    "planned": ("谋划中", "Planned"),
    "under_construction": ("在建", "Under construction"),
    "completed": ("已建成", "Completed"),
    "suspended": ("暂停", "Suspended"),
    "cancelled": ("已取消", "Cancelled"),
}
INVESTMENT_UNIT = "万元"      # stored calibre of investments
REDUCTION_UNIT = "t CO2"      # stored calibre of expected annual reductions (CO2-equivalent)
