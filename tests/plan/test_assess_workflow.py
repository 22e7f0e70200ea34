"""Assessment workflow on SQLite and PostgreSQL: states, roles, evidence, sign-off, publication."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from tanzhi.access import Role, User
from tanzhi.config import Settings
from tanzhi.kernel import (
    DataError,
    NotFound,
    PermissionDenied,
    check_evidence,
    evidence_path,
    make_engine,
    make_session_factory,
    unit_of_work,
    verify_chain,
)
from tanzhi.plan.assess import service as svc
from tanzhi.plan.assess.model import ScoreRule
from tanzhi.plan.assess.workflow import assessees_of, items_of, scores_of


@pytest.fixture
def settings(migrated_settings: Settings) -> Settings:
    """Settings on a database already at the newest schema (migrated once per run and copied,
    issue #10 item 6)."""
    return migrated_settings


CITY = User(1, "sx.city", "绍兴市", Role.CITY_OFFICER, "330600")
KEQIAO = User(2, "kq.county", "柯桥区", Role.COUNTY_OFFICER, "330603")
YUECHENG = User(3, "yc.county", "越城区", Role.COUNTY_OFFICER, "330602")
PROVINCE = User(4, "zj.admin", "浙江省", Role.PROVINCE_ADMIN, "330000")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def factory(migrated_storage_settings):
    """SQLite and PostgreSQL (the workflow's storage tests)."""
    engine = make_engine(migrated_storage_settings)
    yield make_session_factory(engine), migrated_storage_settings
    engine.dispose()


@pytest.fixture
def lite(settings):
    """SQLite only (view and permission rules, which do not depend on the backend)."""
    engine = make_engine(settings)
    yield make_session_factory(engine), settings
    engine.dispose()


def _scheme(factory, *, items=True):
    fac, _settings = factory
    with unit_of_work(fac, actor="sx.city") as s:
        scheme = svc.create_scheme(s, plan_id="sx-fyp14-climate", year=2025, user=CITY,
                                   default_items=False)
        svc.add_item(s, scheme.id, user=CITY, kind="quantitative", title_zh="森林蓄积量",
                     indicator_id="forest_stock", max_score=10,
                     rule=ScoreRule(mode="status", yellow_share=0.5))
        svc.add_item(s, scheme.id, user=CITY, kind="qualitative", title_zh="组织领导",
                     max_score=20, evidence_required=True)
        ids = {a.code: a.id for a in assessees_of(s, scheme.id)}
        item_ids = [i.id for i in items_of(s, scheme.id)]
        return scheme.id, ids, item_ids


def test_assessees_are_the_city_counties(lite) -> None:
    scheme_id, ids, item_ids = _scheme(lite)
    assert set(ids) == {"330602", "330603", "330604", "330624", "330681", "330683"}
    assert len(item_ids) == 2


def test_full_workflow_and_immutability(factory) -> None:
    fac, settings = factory
    scheme_id, ids, (q_item, t_item) = _scheme(factory)
    with unit_of_work(fac, actor="x") as s:
        with pytest.raises(PermissionDenied, match="只有本级.*only the administrator"):
            svc.transition(s, scheme_id, to_state="self_assessment", user=KEQIAO)
        with pytest.raises(DataError, match="不能从.*cannot move from"):
            svc.transition(s, scheme_id, to_state="signed_off", user=CITY)
        svc.transition(s, scheme_id, to_state="self_assessment", user=CITY)
    with unit_of_work(fac, actor="x") as s:
        # The city cannot self-assess for a county, nor one county for another.
        with pytest.raises(PermissionDenied, match="不能代为自评.*may not"):
            svc.save_self_scores(s, scheme_id, ids["330603"], user=CITY,
                                 scores={t_item: (18, "")})
        with pytest.raises(PermissionDenied):
            svc.save_self_scores(s, scheme_id, ids["330603"], user=YUECHENG,
                                 scores={t_item: (18, "")})
        with pytest.raises(DataError, match="超出"):
            svc.save_self_scores(s, scheme_id, ids["330603"], user=KEQIAO,
                                 scores={t_item: (25, "")})
        svc.save_self_scores(s, scheme_id, ids["330603"], user=KEQIAO,
                             scores={t_item: (18, "已建立工作专班")})
        ev = svc.add_evidence(s, scheme_id, ids["330603"], t_item, user=KEQIAO,
                              filename="专班文件.pdf", content=PDF, data_dir=settings.data_dir)
        assert ev.sha256 == hashlib.sha256(PDF).hexdigest()
        assert evidence_path(settings.data_dir, ev.sha256).read_bytes() == PDF
        svc.submit_self_assessment(s, scheme_id, ids["330603"], user=KEQIAO)
        svc.save_self_scores(s, scheme_id, ids["330602"], user=YUECHENG,
                             scores={t_item: (20, "")})  # no evidence → counts 0 unreviewed
        # reviewing before the review stage is refused
        with pytest.raises(DataError, match="审核.*review"):
            svc.save_review(s, scheme_id, ids["330603"], user=CITY, reviews={t_item: (15, "")})
    with unit_of_work(fac, actor="x") as s:
        svc.transition(s, scheme_id, to_state="city_review", user=CITY)
        with pytest.raises(PermissionDenied):
            svc.save_review(s, scheme_id, ids["330603"], user=KEQIAO, reviews={t_item: (20, "")})
        with pytest.raises(DataError):  # self-assessment is closed
            svc.save_self_scores(s, scheme_id, ids["330603"], user=KEQIAO,
                                 scores={t_item: (20, "")})
        svc.save_review(s, scheme_id, ids["330603"], user=CITY,
                        reviews={t_item: (15, "佐证不全，核减 3 分"), q_item: (10, "")})
        with pytest.raises(PermissionDenied):
            svc.transition(s, scheme_id, to_state="signed_off", user=KEQIAO)
        svc.transition(s, scheme_id, to_state="signed_off", user=CITY)
    with unit_of_work(fac, actor="x") as s:
        results = {r.code: r for r in svc.scheme_results(s, scheme_id)}
        # 柯桥: 15 + 10 = 25 of 30 → 83.33 % good, rank 1; 越城 20 self without evidence → 0.
        assert results["330603"].total == 25 and results["330603"].grade.value == "good"
        assert results["330603"].rank == 1
        assert results["330602"].total == 0 and results["330602"].grade.value == "fail"
        # five counties tie at 0 and share rank 2
        assert sorted(r.rank for r in results.values()) == [1, 2, 2, 2, 2, 2]
        rect = svc.rectifications(s, scheme_id)
        # every county below 60 % on the task, and the five with no forest actual on item 1
        assert {r["item_id"] for r in rect} == {q_item, t_item}
        assert all(r["status"] == "open" and r["deadline"] == "2026-06-30" for r in rect)
        for call in (
            lambda: svc.save_review(s, scheme_id, ids["330603"], user=CITY,
                                    reviews={t_item: (20, "")}),
            lambda: svc.save_self_scores(s, scheme_id, ids["330603"], user=KEQIAO,
                                         scores={t_item: (20, "")}),
            lambda: svc.add_evidence(s, scheme_id, ids["330603"], t_item, user=KEQIAO,
                                     filename="a.pdf", content=PDF, data_dir=settings.data_dir),
            lambda: svc.transition(s, scheme_id, to_state="city_review", user=CITY),
        ):
            with pytest.raises(DataError, match="已签发的考核不可更改|不能从"):
                call()
        svc.close_rectification(s, rect[0]["id"], user=CITY, note="已整改")
        assert verify_chain(s) == []
    with unit_of_work(fac, actor="x") as s:
        new = svc.new_round(s, scheme_id, user=CITY)
        assert new.round == 2 and new.supersedes == scheme_id and new.state == "draft"
        copied = scores_of(s, new.id)
        assert any(r.review_comment == "佐证不全，核减 3 分" for r in copied.values())


def test_public_edition_leaks_no_internal_fields(factory) -> None:
    fac, settings = factory
    scheme_id, ids, (q_item, t_item) = _scheme(factory)
    with unit_of_work(fac, actor="x") as s:
        with pytest.raises(NotFound):
            svc.public_edition(s, scheme_id)
        svc.transition(s, scheme_id, to_state="self_assessment", user=CITY)
        svc.save_self_scores(s, scheme_id, ids["330603"], user=KEQIAO,
                             scores={t_item: (17, "SECRET-SELF-NOTE")})
        svc.add_evidence(s, scheme_id, ids["330603"], t_item, user=KEQIAO,
                         filename="SECRET-FILE.pdf", content=PDF, data_dir=settings.data_dir)
        svc.transition(s, scheme_id, to_state="city_review", user=CITY)
        svc.save_review(s, scheme_id, ids["330603"], user=CITY,
                        reviews={t_item: (16, "SECRET-REVIEW-COMMENT")})
        svc.transition(s, scheme_id, to_state="signed_off", user=CITY)
        edition = svc.public_edition(s, scheme_id)
    text = json.dumps(edition, ensure_ascii=False)
    for secret in ("SECRET", "sx.city", "kq.county", "sha256", "comment", "note", "evidence",
                   "assessee_id", "item"):
        assert secret not in text
    top = edition["results"][0]
    assert set(top) == {"kind", "code", "name_zh", "name_en", "total", "maximum", "percent",
                        "grade", "grade_zh", "grade_en", "rank"}
    assert top["code"] == "330603" and top["total"] == 16


def test_visibility_county_sees_only_itself(lite) -> None:
    fac, _ = lite
    scheme_id, ids, _items = _scheme(lite)
    with unit_of_work(fac, actor="x") as s:
        svc.transition(s, scheme_id, to_state="self_assessment", user=CITY)
        mine = svc.workspace(s, scheme_id, KEQIAO)
        assert [a["code"] for a in mine["assessees"]] == ["330603"]
        assert {x["assessee_id"] for x in mine["scores"]} == {ids["330603"]}
        assert mine["actions"] == []
        city = svc.workspace(s, scheme_id, CITY)
        assert len(city["assessees"]) == 6
        assert [a["to"] for a in city["actions"]] == ["city_review"]
        outsider = User(9, "hz.city", "杭州", Role.CITY_OFFICER, "330100")
        with pytest.raises(PermissionDenied):
            svc.workspace(s, scheme_id, outsider)
        # the province sees everything but is not the admin of Shaoxing's scheme
        assert svc.workspace(s, scheme_id, PROVINCE)["actions"] == []


def test_department_assessees_of_the_province_plan(lite) -> None:
    fac, _ = lite
    fgw = User(5, "zj.fgw", "省发改委", Role.DEPARTMENT_OFFICER, "330000", "development_reform")
    with unit_of_work(fac, actor="x") as s:
        scheme = svc.create_scheme(s, plan_id="zj-fyp14-climate", year=2025, user=PROVINCE)
        svc.transition(s, scheme.id, to_state="self_assessment", user=PROVINCE)
        view = svc.workspace(s, scheme.id, fgw)
        assert [a["code"] for a in view["assessees"] if a["mine"]] == ["省发展改革委"]
        items = {i["id"]: i for i in view["items"]}
        kinds = {items[x["item_id"]]["kind"] for x in view["scores"]}
        assert kinds == {"quantitative", "qualitative"}
        counties = [a for a in svc.workspace(s, scheme.id, PROVINCE)["assessees"]
                    if a["kind"] == "county"]
        assert len(counties) == 11  # the province's cities


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_evidence_type_and_size_checks() -> None:
    assert check_evidence("a.PDF", PDF) == ("a.PDF", "application/pdf")
    assert check_evidence("../../etc/x.docx", _docx())[0] == "x.docx"
    assert check_evidence("p.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10)[1] == "image/png"
    with pytest.raises(DataError, match="不接受的文件类型.*not accepted"):
        check_evidence("run.exe", b"MZ....")
    with pytest.raises(DataError, match="与扩展名.*not a real"):
        check_evidence("fake.pdf", b"MZ this is not a pdf")
    with pytest.raises(DataError, match="与扩展名"):
        check_evidence("fake.xlsx", _docx())  # a docx renamed to xlsx
    with pytest.raises(DataError, match="上限.*limit"):
        check_evidence("big.pdf", PDF + b"0" * 2048, max_bytes=1024)
    with pytest.raises(DataError, match="文件为空"):
        check_evidence("empty.pdf", b"")
