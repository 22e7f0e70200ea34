"""Findings and the strict-or-log switch."""

from __future__ import annotations

import logging

import pytest

from tanzhi.kernel.checks import Finding, FindingError, Severity, log_or_raise
from tanzhi.kernel.errors import ConsistencyError, Location


def finding(severity: Severity) -> Finding:
    return Finding(
        "inventory.negative_total",
        severity,
        "排放总量为负",
        "total emissions are negative",
        Location("inv.csv", 7, "value"),
        {"region_code": "330100"},
    )


def test_strict_raises_errors_and_warnings_with_the_finding() -> None:
    for severity in (Severity.ERROR, Severity.WARNING):
        with pytest.raises(ConsistencyError) as info:
            log_or_raise(True, finding(severity))
        assert isinstance(info.value, FindingError)
        assert info.value.finding.severity == severity
        assert str(info.value) == (
            f"[{severity}] inventory.negative_total: 文件 inv.csv 第 7 行 “value”列：排放总量为负"
            " / file inv.csv, row 7, column 'value': total emissions are negative"
        )


def test_lenient_logs_at_the_finding_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tanzhi.kernel.checks")
    log_or_raise(False, finding(Severity.WARNING))
    log_or_raise(True, finding(Severity.INFO))
    assert [r.levelno for r in caplog.records] == [logging.WARNING, logging.INFO]
    assert "total emissions are negative" in caplog.records[0].getMessage()


def test_as_dict_is_json_ready() -> None:
    assert finding(Severity.ERROR).as_dict() == {
        "code": "inventory.negative_total",
        "severity": "error",
        "file": "inv.csv",
        "row": 7,
        "column": "value",
        "message_zh": "排放总量为负",
        "message_en": "total emissions are negative",
        "context": {"region_code": "330100"},
    }
