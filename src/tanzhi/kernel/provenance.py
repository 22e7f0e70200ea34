"""Packaged reference datasets: where they live, what they cite, and proof they are unaltered."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tanzhi.kernel.errors import ConsistencyError, DataError, Location, NotFound, Problem

# Datasets ship inside the package (DESIGN.md "Data and provenance"):
# data/<dataset>/<edition>/{data.csv, meta.yaml}; a dataset id may be a path ("factors/energy").
DATA_ROOT = Path(__file__).resolve().parents[1] / "data"
META_FILE = "meta.yaml"
DATA_FILE = "data.csv"


def _as_text(value: Any) -> Any:
    # YAML turns `2024-05-01` into a date and `2023` into an int; both are labels here.
    if isinstance(value, date | int | float):
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


class Citation(BaseModel):
    """One cited source: a document, who issued it, where in it, and under what licence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document: str
    publisher: str | None = None
    locator: str | None = None
    url: str | None = None
    date: str | None = None
    licence: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        return _as_text(value)

    def __str__(self) -> str:
        parts = [self.publisher, self.document, self.locator, self.date]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, order=True)
class DatasetRef:
    """A dataset edition as results record it, e.g. ``regions@gbt2260-2023``."""

    id: str
    edition: str

    def __str__(self) -> str:
        return f"{self.id}@{self.edition}"


class DatasetMeta(BaseModel):
    """The `meta.yaml` of one dataset edition.

    The keys every packaged dataset states are the fields below; `sources` lists further
    documents the data rests on beyond the main one.  Unknown extra keys are kept (`model_extra`)
    so a dataset may carry its own notes, e.g. column descriptions.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    id: str
    edition: str
    title: str
    title_zh: str
    publisher: str
    document: str
    locator: str | None = None
    url: str | None = None
    retrieved: str | None = None
    licence: str
    units: str | dict[str, str] | None = None
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    notes: str | list[str] | None = None
    sources: tuple[Citation, ...] = ()

    @field_validator("edition", "retrieved", mode="before")
    @classmethod
    def _labels_as_text(cls, value: Any) -> Any:
        return _as_text(value)

    @property
    def ref(self) -> DatasetRef:
        """The id and edition, as a computed result records them."""
        return DatasetRef(self.id, self.edition)

    @property
    def citation(self) -> Citation:
        """The main source as one citation."""
        return Citation(
            document=self.document, publisher=self.publisher, locator=self.locator,
            url=self.url, date=self.retrieved, licence=self.licence,
        )


def load_meta(path: Path | str) -> DatasetMeta:
    """Read and validate a `meta.yaml` (or the edition folder holding one).

    Raises
    ------
    DataError
        Missing file, malformed YAML or missing/ill-typed keys, each named with file and key.
    """
    path = Path(path)
    if path.is_dir():
        path = path / META_FILE
    shown = _shown(path)
    if not path.is_file():
        raise DataError.at("找不到数据集元数据文件", "dataset metadata file not found", file=shown)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError.at(f"YAML 格式错误：{exc}", f"malformed YAML: {exc}", file=shown) from exc
    if not isinstance(raw, dict):
        raise DataError.at("元数据应为键值映射", "metadata must be a mapping of keys", file=shown)
    try:
        return DatasetMeta.model_validate(raw)
    except ValidationError as exc:
        raise DataError([
            Problem(
                f"元数据键无效：{err['msg']}", f"invalid metadata key: {err['msg']}",
                Location(shown, None, ".".join(str(p) for p in err["loc"])),
            )
            for err in exc.errors()
        ]) from exc


def _shown(path: Path) -> str:
    """A path relative to the data root when inside it (messages stay short and stable)."""
    try:
        return str(path.resolve().relative_to(DATA_ROOT))
    except ValueError:
        return str(path)


def editions(dataset_id: str, *, root: Path = DATA_ROOT) -> list[str]:
    """Editions of a dataset, oldest first (edition folder names sort by name)."""
    base = root / dataset_id
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / META_FILE).is_file())


def dataset_dir(dataset_id: str, edition: str | None = None, *, root: Path = DATA_ROOT) -> Path:
    """Folder of one dataset edition; the latest edition when `edition` is None.

    >>> dataset_dir("regions").name
    'gbt2260-2023'

    Raises
    ------
    NotFound
        No such dataset or edition.
    """
    known = editions(dataset_id, root=root)
    if not known:
        raise NotFound(f"没有数据集 {dataset_id} / no dataset {dataset_id!r}")
    chosen = known[-1] if edition is None else edition
    if chosen not in known:
        raise NotFound(
            f"数据集 {dataset_id} 没有版本 {chosen}（现有：{'、'.join(known)}） / "
            f"dataset {dataset_id!r} has no edition {chosen!r} (known: {', '.join(known)})"
        )
    return root / dataset_id / chosen


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_dataset(folder: Path, *, dataset_id: str | None = None) -> DatasetMeta:
    """Load an edition's metadata and prove `data.csv` is the file it describes.

    The id in `meta.yaml` must equal the dataset's path under the data root (or its last
    segment), and `edition` the folder name, so a copied folder cannot pose as another edition.

    Raises
    ------
    ConsistencyError
        The checksum, id or edition in `meta.yaml` contradicts the files.
    NotFound
        The folder has no `data.csv`.
    """
    meta = load_meta(folder)
    shown = _shown(folder)
    if meta.edition != folder.name:
        raise ConsistencyError(
            f"{shown}：元数据版本 {meta.edition} 与文件夹名不符 / "
            f"{shown}: meta edition {meta.edition!r} does not match the folder name"
        )
    if dataset_id is not None and meta.id not in {dataset_id, dataset_id.rsplit("/", 1)[-1]}:
        raise ConsistencyError(
            f"{shown}：元数据 id {meta.id} 与数据集 {dataset_id} 不符 / "
            f"{shown}: meta id {meta.id!r} does not match dataset {dataset_id!r}"
        )
    if not (folder / DATA_FILE).is_file():
        raise NotFound(f"{shown} 没有 {DATA_FILE} / {shown} has no {DATA_FILE}")
    actual = sha256_file(folder / DATA_FILE)
    if actual != meta.sha256:
        raise ConsistencyError(
            f"{shown}/{DATA_FILE} 的校验和与 meta.yaml 不符（文件被改动）："
            f"{actual} ≠ {meta.sha256} / "
            f"{shown}/{DATA_FILE} checksum differs from meta.yaml (file was altered): "
            f"{actual} != {meta.sha256}"
        )
    return meta


def read_dataset(
    dataset_id: str,
    edition: str | None = None,
    *,
    dtype: Any = None,
    root: Path = DATA_ROOT,
) -> tuple[pd.DataFrame, DatasetMeta]:
    """Read a packaged dataset after verifying its checksum.

    Parameters
    ----------
    dataset_id
        Path of the dataset under the data root, e.g. ``"regions"``.
    edition
        Edition folder name; None reads the latest.
    dtype
        Passed to `pandas.read_csv`, e.g. ``str`` to keep codes such as ``"330100"`` as text.

    Returns
    -------
    The data and its metadata.

    Raises
    ------
    NotFound, ConsistencyError
    """
    folder = dataset_dir(dataset_id, edition, root=root)
    meta = verify_dataset(folder, dataset_id=dataset_id)
    frame = pd.read_csv(folder / DATA_FILE, dtype=dtype, keep_default_na=False, na_values=[""])
    return frame, meta


def list_datasets(*, root: Path = DATA_ROOT) -> list[DatasetRef]:
    """Every packaged dataset edition, sorted by id then edition."""
    refs = [
        DatasetRef(str(meta.parent.parent.relative_to(root)), meta.parent.name)
        for meta in root.rglob(META_FILE)
        if (meta.parent / DATA_FILE).is_file()
    ]
    return sorted(refs)
