"""Findings of `check_*` functions, their severity, and the strict-or-log switch."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from tanzhi.kernel.errors import ConsistencyError, Location, Problem

logger = logging.getLogger(__name__)


class Severity(StrEnum):
    """How bad a finding is: an error blocks, a warning asks for a look, info only tells."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_LOG_LEVEL = {
    Severity.ERROR: logging.ERROR,
    Severity.WARNING: logging.WARNING,
    Severity.INFO: logging.INFO,
}


@dataclass(frozen=True)
class Finding:
    """One result of a `check_*` function, said in Chinese and English.

    Parameters
    ----------
    code
        Stable machine-readable identifier, e.g. ``"inventory.double_count"``.
    severity
        `Severity` of the finding.
    message_zh, message_en
        The finding in Chinese and in English.
    location
        Where the finding sits (file, row, column), if it concerns input data.
    context
        Extra JSON-ready facts (region code, year, the numbers compared …).
    """

    code: str
    severity: Severity
    message_zh: str
    message_en: str
    location: Location = field(default_factory=Location)
    context: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"[{self.severity}] {self.code}: {self.as_problem()}"

    def as_problem(self) -> Problem:
        """The finding as a located `Problem` (for a `DataError`)."""
        return Problem(self.message_zh, self.message_en, self.location)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for the API."""
        return {
            "code": self.code,
            "severity": str(self.severity),
            **self.as_problem().as_dict(),
            "context": dict(self.context),
        }


class FindingError(ConsistencyError):
    """A check failed in strict mode; carries the finding that failed it."""

    def __init__(self, finding: Finding) -> None:
        self.finding = finding
        super().__init__(str(finding))


def log_or_raise(strict: bool, finding: Finding) -> None:
    """Raise `FindingError` for an error or warning when `strict`, otherwise log it.

    Info findings are only ever logged.  Follows PyPSA's ``_log_or_raise`` in
    ``pypsa/consistency.py`` (style guide §7.3).

    Examples
    --------
    >>> f = Finding("demo.negative", Severity.WARNING, "数值为负", "negative value")
    >>> log_or_raise(False, f)
    >>> log_or_raise(True, f)
    Traceback (most recent call last):
    ...
    tanzhi.kernel.checks.FindingError: [warning] demo.negative: 数值为负 / negative value
    """
    severity = Severity(finding.severity)
    if strict and severity is not Severity.INFO:
        raise FindingError(finding)
    logger.log(_LOG_LEVEL[severity], "%s", finding)
