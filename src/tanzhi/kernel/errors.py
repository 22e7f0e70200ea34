"""The error types every layer raises, with bilingual messages and data locations."""

from __future__ import annotations

from dataclasses import dataclass, field


class TanzhiError(Exception):
    """Base of all errors tanzhi raises on purpose."""


@dataclass(frozen=True)
class Location:
    """Where in an input a problem sits: file, 1-based data row (header is row 1), column."""

    file: str | None = None
    row: int | None = None
    column: str | None = None

    def describe_zh(self) -> str:
        """The location in Chinese, e.g. `文件 a.csv 第 3 行 “unit” 列`."""
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"“{self.column}”列")
        return " ".join(parts)

    def describe_en(self) -> str:
        """The location in English, e.g. `file a.csv, row 3, column 'unit'`."""
        parts = []
        if self.file:
            parts.append(f"file {self.file}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)


@dataclass
class Problem:
    """One problem found in input data, said in Chinese and English."""

    message_zh: str
    message_en: str
    location: Location = field(default_factory=Location)

    def __str__(self) -> str:
        loc_zh, loc_en = self.location.describe_zh(), self.location.describe_en()
        zh = f"{loc_zh}：{self.message_zh}" if loc_zh else self.message_zh
        en = f"{loc_en}: {self.message_en}" if loc_en else self.message_en
        return f"{zh} / {en}"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for the API."""
        return {
            "file": self.location.file,
            "row": self.location.row,
            "column": self.location.column,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


class DataError(TanzhiError):
    """Input data is wrong; carries every problem found, each with its location."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        text = "\n".join(str(p) for p in shown)
        if more:
            text += f"\n… 另有 {more} 处问题 / … and {more} more problems"
        super().__init__(text)

    @classmethod
    def at(
        cls,
        message_zh: str,
        message_en: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> DataError:
        """One problem at one place."""
        return cls(Problem(message_zh, message_en, Location(file, row, column)))


class UnitError(DataError):
    """A unit is unknown or has the wrong dimension."""


class NotFound(TanzhiError):
    """A looked-up object does not exist."""


class ConsistencyError(TanzhiError):
    """Stored data contradicts itself (e.g. a broken audit chain)."""


class PermissionDenied(TanzhiError):
    """The user's role or scope does not allow the action."""
