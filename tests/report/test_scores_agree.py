"""The evaluation report's task scores are the assessment workspace's scores (issue #11).

The report used to take the self-score when no review existed, so a self-score whose required
evidence was missing counted in the report but scored 0 in the workspace. Both now come from
the assessment's own rule (`tanzhi.plan.assess.calc.effective_score`).
"""

from __future__ import annotations

import pytest

from tanzhi.access import Role, User
from tanzhi.kernel import make_engine, make_session_factory, unit_of_work
from tanzhi.migrate import upgrade
from tanzhi.plan import (
    add_evidence,
    add_item,
    create_scheme,
    save_review,
    save_self_scores,
    scheme_results,
    submit_self_assessment,
    transition,
    workspace,
)
from tanzhi.report import scheme_tasks

CITY = User(1, "sx.city", "绍兴市", Role.CITY_OFFICER, "330600")
KEQIAO = User(2, "kq.county", "柯桥区", Role.COUNTY_OFFICER, "330603")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PLAN = "sx-fyp14-climate"


@pytest.fixture
def factory(storage_settings):
    """SQLite and PostgreSQL: the plan queries the report asks run on both."""
    upgrade(storage_settings)
    engine = make_engine(storage_settings)
    yield make_session_factory(engine), storage_settings
    engine.dispose()


def _workspace_total(session, scheme_id: int, code: str) -> float:
    results = workspace(session, scheme_id, CITY)["results"]
    return next(r["total"] for r in results if r["code"] == code)


def _task_means(session) -> dict[str, float | None]:
    return {t["title"]: t["mean_score"] for t in scheme_tasks(session, PLAN, "330600", 2025)}


def test_report_task_scores_follow_the_evidence_rule_like_the_workspace(factory) -> None:
    fac, settings = factory
    with unit_of_work(fac, actor="sx.city") as s:
        scheme = create_scheme(s, plan_id=PLAN, year=2025, user=CITY,
                                      default_items=False)
        add_item(s, scheme.id, user=CITY, kind="qualitative", title_zh="组织领导",
                        max_score=20, evidence_required=True)
        add_item(s, scheme.id, user=CITY, kind="qualitative", title_zh="数据报送",
                        max_score=10)
        transition(s, scheme.id, to_state="self_assessment", user=CITY)
        # Nobody has scored yet: the workspace counts 0, the report shows no mean.
        assert {r.total for r in scheme_results(s, scheme.id)} == {0.0}
        assert [t["mean_score"] for t in scheme_tasks(s, PLAN, "330600", 2025)] == [None, None]
    with unit_of_work(fac, actor="kq.county") as s:
        items = {i["title_zh"]: i["id"] for i in workspace(s, scheme.id, CITY)["items"]}
        keqiao = next(a["id"] for a in workspace(s, scheme.id, CITY)["assessees"]
                      if a["code"] == "330603")
        save_self_scores(s, scheme.id, keqiao, user=KEQIAO,
                                scores={items["组织领导"]: (18, "已建立工作专班"),
                                        items["数据报送"]: (8, "按时报送")})
        # Required evidence missing: the workspace counts 0 for 组织领导, and so must the report.
        means = _task_means(s)
        assert means == {"组织领导": 0.0, "数据报送": 8.0}
        assert sum(means.values()) == _workspace_total(s, scheme.id, "330603") == 8.0
        tasks = scheme_tasks(s, PLAN, "330600", 2025)
        assert [(t["scored"], t["assessees"]) for t in tasks] == [(1, 6), (1, 6)]
    with unit_of_work(fac, actor="kq.county") as s:
        add_evidence(s, scheme.id, keqiao, items["组织领导"], user=KEQIAO,
                            filename="专班文件.pdf", content=PDF, data_dir=settings.data_dir)
        means = _task_means(s)
        assert means == {"组织领导": 18.0, "数据报送": 8.0}
        assert sum(means.values()) == _workspace_total(s, scheme.id, "330603") == 26.0
    with unit_of_work(fac, actor="sx.city") as s:
        submit_self_assessment(s, scheme.id, keqiao, user=KEQIAO)
        transition(s, scheme.id, to_state="city_review", user=CITY)
        save_review(s, scheme.id, keqiao, user=CITY,
                           reviews={items["组织领导"]: (15, "核减")})
        # The review overrides the self-score in both.
        means = _task_means(s)
        assert means == {"组织领导": 15.0, "数据报送": 8.0}
        assert sum(means.values()) == _workspace_total(s, scheme.id, "330603") == 23.0


def test_no_scheme_no_tasks(factory) -> None:
    fac, _settings = factory
    with unit_of_work(fac, actor="test") as s:
        assert scheme_tasks(s, PLAN, "330600", 2025) == []
