"""Enterprise carbon accounts: the registry, report versions and the MRV workflow (no I/O).

Sources (reference/notes/anchors-enterprise-citizen.md §1.2–1.4):

* The MRV steps follow MEE 《企业温室气体排放报告核查指南（试行）》: the authority assigns the
  verification, document review (a review form and an on-site checklist), on-site verification,
  non-conformities raised and rectified — where not rectified the emissions are estimated
  *conservatively* — the conclusion, the authority's review, publication.
* A data-quality control plan (数据质量控制计划) per enterprise is required by the MEE power-sector
  guideline (2022).
* Energy-use bands: 《重点用能单位节能管理办法》(NDRC 2018, art. 2): 年综合能源消费量一万吨标准煤
  及以上 are key energy-using units; 5,000–10,000 tce may be designated by the provincial energy
  departments (the “万家” programme's 5,000 tce floor).
* Value added by the income approach (收入法, 国家统计局《中国国民经济核算体系》): 劳动者报酬 + 生产
  税净额 + 固定资产折旧 + 营业盈余.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Where a report version stands in the MRV workflow."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_VERIFICATION = "in_verification"
    VERIFIED = "verified"
    APPROVED = "approved"

    @property
    def label_zh(self) -> str:
        """Chinese label."""
        return STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English label."""
        return STATUS_LABELS[self][1]


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.DRAFT: ("草稿", "draft"),
    Status.SUBMITTED: ("已提交", "submitted"),
    Status.IN_VERIFICATION: ("核查中", "in verification"),
    Status.VERIFIED: ("已核查", "verified"),
    Status.APPROVED: ("已审定", "approved"),
}

# The transitions: action → (from, to, who). Anything else is refused with the state named.
TRANSITIONS: dict[str, tuple[Status, Status]] = {
    "submit": (Status.DRAFT, Status.SUBMITTED),
    "start": (Status.SUBMITTED, Status.IN_VERIFICATION),
    "verify": (Status.IN_VERIFICATION, Status.VERIFIED),
    "approve": (Status.VERIFIED, Status.APPROVED),
}
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "create": ("新建", "created"), "submit": ("提交", "submitted"),
    "start": ("开始核查", "verification started"), "verify": ("核查通过", "verified"),
    "approve": ("审定", "approved"), "revise": ("修订为新版本", "revised as a new version"),
}


class SourceKind(StrEnum):
    """Kinds of report line (the account's source kinds, GB/T 32150-2015 §6)."""

    COMBUSTION = "combustion"
    PROCESS = "process"
    ELECTRICITY = "electricity"
    HEAT = "heat"
    GREEN_POWER = "green_power"

    @property
    def label_zh(self) -> str:
        """Chinese label."""
        return SOURCE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English label."""
        return SOURCE_LABELS[self][1]


SOURCE_LABELS: dict[SourceKind, tuple[str, str]] = {
    SourceKind.COMBUSTION: ("化石燃料燃烧", "fuel combustion"),
    SourceKind.PROCESS: ("工业生产过程", "industrial process"),
    SourceKind.ELECTRICITY: ("净购入电力", "purchased electricity"),
    SourceKind.HEAT: ("净购入热力", "purchased heat"),
    SourceKind.GREEN_POWER: ("绿电（凭证书抵扣）", "green power (certificate)"),
}


class Band(StrEnum):
    """Energy-use band by annual comprehensive energy consumption (tce)."""

    KEY_10K = "key_10k"
    KEY_5K = "key_5k"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        """Chinese label."""
        return BAND_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English label."""
        return BAND_LABELS[self][1]


BAND_LABELS: dict[Band, tuple[str, str]] = {
    Band.KEY_10K: ("重点用能单位（≥1万吨标准煤）", "key energy user (≥ 10,000 tce)"),
    Band.KEY_5K: ("重点企业（5000–10000吨标准煤）", "key enterprise (5,000–10,000 tce)"),
    Band.OTHER: ("其他（<5000吨标准煤）", "other (< 5,000 tce)"),
}


def energy_use_band_of(annual_tce: float) -> Band:
    """The band of an annual consumption in tce (boundaries belong to the upper band).

    >>> [energy_use_band_of(x).value for x in (10000.0, 9999.9, 5000.0, 4999.0)]
    ['key_10k', 'key_5k', 'key_5k', 'other']
    """
    if annual_tce >= 10_000:
        return Band.KEY_10K
    if annual_tce >= 5_000:
        return Band.KEY_5K
    return Band.OTHER


class CheckKind(StrEnum):
    """The verifier's two lists: document review and the on-site checklist."""

    DOCUMENT = "document"
    SITE = "site"


class CheckResult(StrEnum):
    """The outcome of one checklist item."""

    PENDING = "pending"
    CONFORMS = "conforms"
    NONCONFORMITY = "nonconformity"


# The checklist a verification starts with (MEE 核查指南 §4 文件评审 and §5 现场核查).
DEFAULT_CHECKS: tuple[tuple[CheckKind, str, str], ...] = (
    (CheckKind.DOCUMENT, "企业基本情况与核算边界", "enterprise facts and accounting boundary"),
    (CheckKind.DOCUMENT, "排放源识别完整", "emission sources identified completely"),
    (CheckKind.DOCUMENT, "活动数据与台账、发票一致",
     "activity data agree with ledgers and invoices"),
    (CheckKind.DOCUMENT, "排放因子与计算方法符合指南", "factors and method follow the guideline"),
    (CheckKind.DOCUMENT, "数据质量控制计划执行情况", "data-quality control plan followed"),
    (CheckKind.SITE, "现场查看主要用能设备与排放设施", "main energy-using and emitting equipment "
                                                   "inspected on site"),
    (CheckKind.SITE, "计量器具配备与检定", "meters fitted and calibrated"),
    (CheckKind.SITE, "访谈能源与统计人员", "energy and statistics staff interviewed"),
)


class NcStatus(StrEnum):
    """A non-conformity: raised by the verifier, answered by the enterprise, closed by the
    verifier."""

    OPEN = "open"
    RESPONDED = "responded"
    CLOSED = "closed"

    @property
    def label_zh(self) -> str:
        """Chinese label."""
        return {"open": "待整改", "responded": "已回复", "closed": "已关闭"}[self.value]


GWP_SETS: tuple[str, ...] = ("SAR", "AR5", "AR6")
# Income-approach components of value added, 万元 (field, zh, en).
VALUE_ADDED_PARTS: tuple[tuple[str, str, str], ...] = (
    ("labour_10k_yuan", "劳动者报酬", "compensation of employees"),
    ("taxes_10k_yuan", "生产税净额", "net taxes on production"),
    ("depreciation_10k_yuan", "固定资产折旧", "depreciation of fixed assets"),
    ("surplus_10k_yuan", "营业盈余", "operating surplus"),
)


@dataclass(frozen=True)
class Period:
    """A reporting period: a month of a year, or the whole year (`month` None)."""

    year: int
    month: int | None

    @property
    def label_zh(self) -> str:
        """E.g. 2025年3月 / 2025年度."""
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年度"

    @property
    def key(self) -> str:
        """E.g. 2025-03 / 2025."""
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)
