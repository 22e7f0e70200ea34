"""Evaluation report sections 三 and 四: key tasks (assessment schemes), pilots and projects."""

from __future__ import annotations

from collections import Counter

from tanzhi.report.model import Column, EvaluationInputs, Paragraph, Row, Section, Table

KIND_ZH = {"county": "县（市、区）", "town": "乡镇（街道）", "village": "村", "community": "社区",
           "park": "园区", "public_institution": "公共机构", "enterprise": "企业", "school": "学校",
           "island": "海岛", "other": "其他"}
LEVEL_ZH = {"low_carbon": "低碳", "near_zero": "近零碳", "zero_carbon": "零碳"}
STAGE_ZH = {"application": "申报", "approved": "创建中", "midterm": "中期评估",
            "accepted": "验收通过", "removed": "已撤销"}
SECTOR_ZH = {"energy": "能源", "industry": "工业", "building": "建筑", "transport": "交通",
             "agriculture": "农业", "forestry": "林业碳汇", "waste": "废弃物",
             "ccus": "碳捕集利用与封存", "adaptation": "适应气候变化", "other": "其他"}
PROJECT_STATUS_ZH = {"planned": "谋划中", "under_construction": "在建", "completed": "已建成",
                     "suspended": "暂停", "cancelled": "已取消"}


def tasks_section(inp: EvaluationInputs) -> Section:
    """三、重点任务进展: the qualitative tasks of the plan's assessment schemes and their scores."""
    sec = Section("重点任务进展")
    if not inp.tasks:
        sec.add(Paragraph(
            f"截至{inp.year}年，本规划在平台上尚无含定性任务的年度考核方案，重点任务进展需由责任部门"
            "补充书面材料；建立考核方案后，本部分自动列出各项任务的得分情况。", "note"))
        return sec
    years = sorted({t["year"] for t in inp.tasks})
    sec.add(Paragraph(f"{years[0]}—{years[-1]}年年度考核方案共设定性任务{len(inp.tasks)}项次，"
                      "得分为已评分的各被考核单位计入考核总分的得分（审定分；未审定的取复核分或自评分，"
                      "须附佐证材料而未上传的自评分计0分）的平均值，与考核工作台一致。"))
    rows = []
    for t in inp.tasks:
        mean = t["mean_score"]
        rate = mean / t["max_score"] if mean is not None and t["max_score"] else None
        rows.append(Row([str(t["year"]), t["title"], t["max_score"], mean, rate,
                         f"{t['scored']}/{t['assessees']}"]))
    sec.add(Table("年度考核定性任务完成情况", [
        Column("年度", align="center", digits=None), Column("任务", align="left", digits=None),
        Column("分值", digits=1), Column("平均得分", digits=1),
        Column("得分率", digits=0, percent=True), Column("已评分/被考核", align="center",
                                                        digits=None)], rows))
    return sec


def projects_section(inp: EvaluationInputs) -> Section:
    """四、试点示范与重大项目: pilot counts by kind and stage, project totals by sector."""
    sec = Section("试点示范与重大项目")
    pilots = inp.pilots
    sub = sec.sub("低碳（零碳）试点")
    if pilots:
        in_force = [p for p in pilots if p["in_force"]]
        accepted = [p for p in pilots if p["accepted"] and p["accepted"] <= inp.year]
        sub.add(Paragraph(f"截至{inp.year}年，登记试点{len(pilots)}个，其中在建或已验收{len(in_force)}个，"
                          f"验收通过{len(accepted)}个。"))
        kinds = Counter((p["kind"], p["level"]) for p in pilots)
        rows = []
        for (kind, level), n in sorted(kinds.items()):
            part = [p for p in pilots if p["kind"] == kind and p["level"] == level]
            stages = Counter(p["stage"] for p in part)
            rows.append(Row([KIND_ZH.get(kind, kind), LEVEL_ZH.get(level, level), n,
                             sum(1 for p in part if p["in_force"]),
                             stages.get("accepted", 0), stages.get("removed", 0)]))
        sub.add(Table("试点分类统计", [
            Column("类型", align="left", digits=None), Column("层级", align="center", digits=None),
            Column("登记数", digits=0), Column("在建或已验收", digits=0),
            Column("验收通过", digits=0), Column("已撤销", digits=0)], rows))
        listing = sorted(pilots, key=lambda p: (p["kind"], p["name"]))[:40]
        sub.add(Table("试点名录", [
            Column("名称", align="left", digits=None), Column("类型", align="left", digits=None),
            Column("层级", align="center", digits=None),
            Column("阶段", align="center", digits=None),
            Column("批准年份", align="center", digits=None)],
            [Row([p["name"], KIND_ZH.get(p["kind"], p["kind"]),
                  LEVEL_ZH.get(p["level"], p["level"]),
                  STAGE_ZH.get(p["stage"], p["stage"]), str(p["approved"] or "—")])
             for p in listing], ["最多列出40个。"] if len(pilots) > 40 else []))
    else:
        sub.add(Paragraph("试点名录中尚无本地区的试点。", "note"))
    # 开工 as the plan's registry decides it (`started`: a project 谋划中 has not started).
    projects = [p for p in inp.projects if p["started"]]
    planned = sum(1 for p in inp.projects if p["status"] == "planned")
    sub = sec.sub("重大项目")
    if projects:
        invest = sum(p["investment_wan_yuan"] or 0 for p in projects)
        done = [p for p in projects if p["status"] == "completed" and p["end_year"] <= inp.year]
        cut = sum(p["reduction_t"] or 0 for p in done)
        sub.add(Paragraph(f"截至{inp.year}年，已开工重大项目{len(projects)}个，"
                          f"总投资{invest / 1e4:,.2f}亿元；建成{len(done)}个，"
                          f"预计年减排{cut / 1e4:,.2f}万吨二氧化碳当量。"
                          + (f"另有谋划中项目{planned}个，未计入。" if planned else "")))
        rows = []
        for sector in sorted({p["sector"] for p in projects}):
            part = [p for p in projects if p["sector"] == sector]
            built = [p for p in part if p in done]
            rows.append(Row([SECTOR_ZH.get(sector, sector), len(part), len(built),
                             sum(p["investment_wan_yuan"] or 0 for p in part) / 1e4,
                             sum(p["reduction_t"] or 0 for p in built) / 1e4]))
        rows.append(Row(["合计", len(projects), len(done), invest / 1e4, cut / 1e4], emphasis=True))
        sub.add(Table("重大项目分领域统计", [
            Column("领域", align="left", digits=None), Column("项目数", digits=0),
            Column("已建成", digits=0), Column("总投资", "亿元", 2),
            Column("建成项目年减排", "万吨二氧化碳当量", 2)], rows))
        top = sorted(projects, key=lambda p: -(p["investment_wan_yuan"] or 0))[:20]
        sub.add(Table("主要重大项目", [
            Column("项目", align="left", digits=None), Column("领域", align="left", digits=None),
            Column("投资", "亿元", 2), Column("建设期", align="center", digits=None),
            Column("状态", align="center", digits=None)],
            [Row([p["name"], SECTOR_ZH.get(p["sector"], p["sector"]),
                  (p["investment_wan_yuan"] or 0) / 1e4, f"{p['start_year']}—{p['end_year']}",
                  PROJECT_STATUS_ZH.get(p["status"], p["status"])]) for p in top],
            ["按投资额列出前20个。"] if len(projects) > 20 else []))
    elif planned:
        sub.add(Paragraph(f"截至{inp.year}年，本地区尚无已开工的重大项目；谋划中项目{planned}个。",
                          "note"))
    else:
        sub.add(Paragraph("重大项目库中尚无本地区的项目。", "note"))
    return sec
