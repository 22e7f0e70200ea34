"""A parameter of a line: the enterprise's measured value, else the factor library's default.

GB/T 32150-2015 (and every one of the 24 industry guidelines) prefers a measured parameter to a
reference default; the result records which one each line used (`ParameterUse`).  Defaults come
from the kernel factor library the inventory also uses (`tanzhi.kernel.FactorLibrary`), so one
library, with its user overrides, serves both.
"""

from __future__ import annotations

from collections.abc import Sequence

from tanzhi.enterprise.account.model import Line, ParameterUse
from tanzhi.kernel import (
    DataError,
    Factor,
    FactorLibrary,
    Location,
    NotFound,
    Problem,
    conversion_factor,
)


def located(exc: DataError, row: int, column: str) -> DataError:
    """The same problems, placed at the line's row and column when they carry no row."""
    for problem in exc.problems:
        if problem.location.row is None:
            problem.location = Location(problem.location.file, row, column)
    return exc


def library_default(
    library: FactorLibrary, line: Line, *, item: str, parameter: str, unit: str,
    column: str, datasets: Sequence[str | None] = (None,), **lookup: object,
) -> tuple[float, ParameterUse]:
    """The library's default for (`item`, `parameter`), converted to `unit`.

    `datasets` are tried in order (None: the library's own precedence); the first that has the
    factor serves.  Raises a DataError located at the line's row and `column`.
    """
    factor: Factor | None = None
    last: DataError | None = None
    for dataset in datasets:
        try:
            factor = library.lookup(item=item, parameter=parameter, dataset=dataset,
                                    location=Location(row=line.row, column=column),
                                    **lookup)  # type: ignore[arg-type]
            break
        except NotFound as exc:  # FactorNotFound is a DataError and a NotFound
            last = exc if isinstance(exc, DataError) else DataError(Problem(str(exc), str(exc)))
        except DataError as exc:
            raise located(exc, line.row, column) from None
    if factor is None:
        assert last is not None
        raise located(last, line.row, column)
    try:
        value = factor.value * conversion_factor(factor.unit, unit)
    except DataError as exc:
        raise located(exc, line.row, column) from None
    return value, ParameterUse(line.row, parameter, value, unit, "default", factor.id,
                               factor.provisional)


def measured(line: Line, column: str, *, parameter: str, unit: str,
             default_unit: str) -> tuple[float, ParameterUse] | None:
    """The line's measured value of `column` in `unit` (None when it gave none).

    The unit written beside it (column ``<column>_unit``) or `default_unit` is converted by
    dimension; a wrong dimension is a located error.
    """
    if column not in line.measured:
        return None
    written = line.measured_units.get(column) or default_unit
    try:
        scale = conversion_factor(written, unit,
                                  location=Location(row=line.row, column=f"{column}_unit"))
    except DataError as exc:
        raise located(exc, line.row, f"{column}_unit") from None
    value = line.measured[column] * scale
    return value, ParameterUse(line.row, parameter, value, unit, "measured")
