"""The registry (issue #12 item 1): codes validated (GB 32100), industry classes (GB/T 4754),
regions in scope, bands by energy use, and the demo's codes valid."""

from __future__ import annotations

import pytest

from tanzhi.access import find_user
from tanzhi.enterprise import DEMO_ENTERPRISES, energy_use_band_of, enterprise_file, register
from tanzhi.enterprise.checks import check_industry
from tanzhi.kernel import (
    DataError,
    PermissionDenied,
    credit_code_check_char,
    is_valid_credit_code,
    make_engine,
    make_session_factory,
    read_transaction,
    unit_of_work,
)

GOOD = "91330603MA2DM00015"  # the demo's first enterprise (柯桥)


def valid(first17: str) -> str:
    """A code with its GB 32100 check character (tested on published codes in tests/kernel)."""
    return first17 + credit_code_check_char(first17)


def _session(settings):
    return unit_of_work(make_session_factory(make_engine(settings)), actor="test")


def test_the_demo_codes_pass_gb_32100() -> None:
    assert all(is_valid_credit_code(e.credit_code) for e in DEMO_ENTERPRISES)
    assert all(e.credit_code[2:8] == e.region_code for e in DEMO_ENTERPRISES)


@pytest.mark.parametrize(("tce", "band"), [
    (10_000.0, "key_10k"), (9_999.99, "key_5k"), (5_000.0, "key_5k"), (4_999.99, "other"),
    (0.0, "other")])
def test_bands_on_their_boundaries(tce: float, band: str) -> None:
    # 《重点用能单位节能管理办法》: ≥ 10,000 tce key energy users; 5,000–10,000 designated
    assert energy_use_band_of(tce).value == band


@pytest.mark.parametrize(("code", "ok"), [
    ("C3011", True), ("C13", True), ("D4411", True), ("A0511", True), ("T97", True),
    ("C1299", False),  # section C holds divisions 13–43 only
    ("D4311", False), ("Z1234", False), ("C30111", False), ("3011", False)])
def test_industry_classes(code: str, ok: bool) -> None:
    found = check_industry(code)
    assert (not found) is ok
    if not ok:
        assert found[0].location.column == "industry_code"


def test_registration_validates_and_locates(world) -> None:
    with _session(world) as s:
        admin = find_user(s, "zj.admin")
        with pytest.raises(DataError) as bad:
            register(s, user=admin, credit_code="91330603MA2DM00016", name_zh="某企业",
                     industry_code="C3011", region_code="330603", annual_energy_tce=100.0)
        problem = bad.value.problems[0]
        assert problem.location.column == "credit_code" and "校验位" in problem.message_zh
        with pytest.raises(DataError) as dup:
            register(s, user=admin, credit_code=GOOD, name_zh="重复", industry_code="C1713",
                     region_code="330603", annual_energy_tce=1.0)
        assert "已登记" in dup.value.problems[0].message_zh
        with pytest.raises(DataError) as region:
            register(s, user=admin, credit_code=valid("91330603MA2DM0009"), name_zh="x",
                     industry_code="C1713", region_code="999999",
                     annual_energy_tce=1.0)
        assert region.value.problems[0].location.column == "region_code"


def test_an_officer_registers_only_in_its_region(world) -> None:
    with _session(world) as s:
        county = find_user(s, "kq.county")  # 柯桥区 330603
        with pytest.raises(PermissionDenied):
            register(s, user=county, credit_code=valid("91330522MA2DM0009"),
                     name_zh="长兴某企业", industry_code="C3011",
                     region_code="330522", annual_energy_tce=1.0)


def test_the_file_holds_the_whole_history(world) -> None:
    with read_transaction(make_session_factory(make_engine(world))) as s:
        data = enterprise_file(s, GOOD)
    assert data["band"] == "key_10k" and data["verifiers"] == ["verifier"]
    assert [r["status"] for r in sorted(data["reports"], key=lambda r: r["month"])] == [
        "approved", "verified", "in_verification", "submitted", "draft"]
    assert data["quality_plan"]["version"] == 1 and data["synthetic"] is True
    first = next(r for r in data["reports"] if r["month"] == 1)
    assert [s["action"] for s in first["steps"]] == ["create", "submit", "start", "verify",
                                                     "approve"]
    assert first["nonconformities"][0]["status"] == "closed"
