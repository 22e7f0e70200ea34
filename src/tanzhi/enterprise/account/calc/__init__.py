"""Accounting one enterprise-period: every line by its source kind, then totals and findings.

One module per source kind (combustion, process, electricity with green power, heat); this
module reads the input, dispatches each line, and assembles the `AccountResult`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tanzhi.enterprise.account.calc.combustion import ENTERPRISE_FUEL_DATASETS, account_combustion
from tanzhi.enterprise.account.calc.electricity import (
    account_electricity,
    account_green_power,
    grid_factor,
)
from tanzhi.enterprise.account.calc.heat import account_heat
from tanzhi.enterprise.account.calc.lines import read_lines
from tanzhi.enterprise.account.calc.process import account_process
from tanzhi.enterprise.account.checks import (
    check_carbon_content,
    check_green_power,
    check_green_power_share,
    check_provisional_defaults,
)
from tanzhi.enterprise.account.model import (
    LINE_COLUMNS,
    PARAMETER_COLUMNS,
    AccountResult,
    GridFactors,
    LineAccount,
    SourceKind,
)
from tanzhi.kernel import (
    DataError,
    FactorLibrary,
    Finding,
    Location,
    canonical_set,
    default_library,
    to_co2e,
)

__all__ = ["ENTERPRISE_FUEL_DATASETS", "account_report"]


def account_report(
    lines: pd.DataFrame, *, gwp: str, year: int, grid: GridFactors | None = None,
    library: FactorLibrary | None = None,
    fuel_datasets: Sequence[str | None] = ENTERPRISE_FUEL_DATASETS,
    file: str | None = None,
) -> AccountResult:
    """Emissions of one enterprise-period's reported data (issue #12 item 2).

    Parameters
    ----------
    lines
        Long frame (`tanzhi.enterprise.account.model.INPUT_COLUMNS`): ``source_kind``, ``item``,
        ``quantity``, ``unit`` and optional ``facility``, measured ``ncv``/``carbon_content``/
        ``oxidation``/``purity``/…, ``variant``, ``evidence``.  An optional ``row`` column gives
        each line's row in the source file (else frame position + 2, header = row 1).
    gwp
        GWP set for CO2e (``SAR``, ``AR4``, ``AR5``, ``AR6``; no default — the NDRC guidelines
        use SAR, China's first BTR AR5).
    year
        Data year (chooses the grid factor).
    grid
        Electricity factor choice (default: national location-based average).
    library
        Factor library (default: the packaged one; pass one with a user factor set's overrides).
    fuel_datasets
        Datasets asked first for fuel defaults (see `calc.combustion`).
    file
        Name of the source file, for error locations.

    Returns
    -------
    AccountResult

    Raises
    ------
    DataError
        Every problem of every line at once (unknown fuel, wrong unit dimension, negative
        quantity …), each located by row and column, in Chinese and English; nothing computed.
    """
    gwp_set = canonical_set(gwp)
    lib = library or default_library()
    grid = grid or GridFactors()
    parsed, problems = read_lines(lines, file=file)
    findings: list[Finding] = []
    needs_grid = any(ln.kind in (SourceKind.ELECTRICITY, SourceKind.GREEN_POWER) for ln in parsed)
    factor = None
    if needs_grid:
        factor, note = grid_factor(lib, grid, year)
        findings += [note] if note else []
    accounts: list[tuple[SourceKind, LineAccount]] = []
    for line in parsed:
        try:
            if line.kind is SourceKind.COMBUSTION:
                acc = account_combustion(line, lib, fuel_datasets=fuel_datasets)
            elif line.kind is SourceKind.PROCESS:
                acc = account_process(line, lib)
            elif line.kind is SourceKind.HEAT:
                acc = account_heat(line, lib)
            elif line.kind is SourceKind.ELECTRICITY:
                assert factor is not None
                acc = account_electricity(line, factor, grid)
            else:
                assert factor is not None
                acc = account_green_power(line, factor, grid)
        except DataError as exc:
            for problem in exc.problems:
                if file and problem.location.file is None:
                    problem.location = Location(file, problem.location.row,
                                                problem.location.column)
            problems += exc.problems
            continue
        accounts.append((line.kind, acc))
    if problems:
        raise DataError(problems)
    by_row = {ln.row: ln for ln in parsed}
    records, params = [], []
    for kind, acc in accounts:
        findings += acc.findings
        measured = "|".join(p.parameter for p in acc.parameters if p.origin == "measured")
        ids = "|".join(p.factor_id for p in acc.parameters if p.factor_id)
        provisional = any(p.provisional for p in acc.parameters)
        for gas in acc.gases:
            line = by_row[gas.row]
            records.append({
                "row": gas.row, "source_kind": kind.value, "facility": line.facility,
                "item": line.item, "quantity": line.quantity, "unit": line.unit, "gas": gas.gas,
                "emissions_t": gas.emissions_t, "memo": gas.memo, "method": gas.method,
                "factor_ids": ids, "measured": measured, "provisional": provisional,
                "evidence": line.evidence})
        params += [p.__dict__ for p in acc.parameters]
    frame = pd.DataFrame(records, columns=[c for c in LINE_COLUMNS if c != "co2e_t"])
    frame.insert(LINE_COLUMNS.index("co2e_t"), "co2e_t",
                 to_co2e(frame, gwp_set) if not frame.empty else pd.Series(dtype="float64"))
    parameters = pd.DataFrame(params, columns=list(PARAMETER_COLUMNS))
    findings += check_green_power(parsed)
    findings += check_green_power_share(frame)
    findings += check_provisional_defaults(parameters)
    findings += check_carbon_content(parameters)
    return AccountResult(gwp=gwp_set, year=year, lines=frame, parameters=parameters,
                         totals=_totals(frame), findings=findings)


def _totals(frame: pd.DataFrame) -> pd.DataFrame:
    """CO2e and t per gas by source kind, memo rows left out, in `SourceKind` order."""
    counted = frame[~frame["memo"].astype(bool)]
    gases = sorted(counted["gas"].unique())
    rows = []
    for kind in SourceKind:
        part = counted[counted["source_kind"] == kind.value]
        if part.empty:
            continue
        row: dict[str, object] = {"source_kind": kind.value,
                                  "co2e_t": float(part["co2e_t"].sum())}
        for gas in gases:
            row[f"{gas}_t"] = float(part.loc[part["gas"] == gas, "emissions_t"].sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=["source_kind", "co2e_t", *[f"{g}_t" for g in gases]])
