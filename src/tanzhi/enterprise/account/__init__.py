"""Enterprise emissions accounting (issue #12 item 2): one enterprise-period's report → emissions.

Public interface (other enterprise modules and domains use only these names)::

    account_report(lines: pandas.DataFrame, *, gwp: str, year: int,
                   grid: GridFactors | None = None, library: FactorLibrary | None = None,
                   fuel_datasets=ENTERPRISE_FUEL_DATASETS, file: str | None = None)
        -> AccountResult

``lines`` is the long frame of one enterprise-period (`INPUT_COLUMNS`): ``source_kind``
(combustion | process | electricity | heat | green_power, or the Chinese labels of GB/T 32150),
``item`` (fuel, process material, 电力, 热力 …, any name the kernel item catalogue knows),
``quantity`` (≥ 0), ``unit`` (checked by dimension), optional ``facility``, measured parameters
that override library defaults (``ncv``/``ncv_unit``, ``carbon_content``/``carbon_content_unit``,
``oxidation``, ``purity``, ``carbon_fraction``, ``cao_fraction``, ``mgo_fraction``,
``abatement``), ``variant`` (process technology class) and ``evidence`` (green power: the
certificate).  Bad input raises `tanzhi.kernel.DataError` listing every problem by row and column
in Chinese and English; nothing is computed.

`AccountResult` holds ``lines`` (per input line and gas: emissions, CO2e, method, factor ids,
which parameters were measured, provisional flag), ``parameters`` (lineage: each value used,
measured or default, with its factor id), ``totals`` per source kind, ``total_co2e_t``, and
``findings`` (`check_*`: green power without certificate — not deducted, provisional defaults,
grid factor of an earlier year, implausible measured carbon content, assumed carbonate purity).

Methods: `tanzhi.enterprise.account.calc` (combustion, process, electricity, heat).

The reporting template (monthly or annual, `REPORT_SCHEMA`): `write_report_template(path)`
writes it (.xlsx or .csv); `read_report_workbook(source, filename=)` reads a filled one into the
frame above plus ``period`` and ``row`` (located errors, nothing returned on any problem);
`split_periods(frame)` gives one frame per period for `account_report`.
"""

from tanzhi.enterprise.account.calc import ENTERPRISE_FUEL_DATASETS, account_report
from tanzhi.enterprise.account.calc.process import PROCESS_ITEMS
from tanzhi.enterprise.account.checks import (
    check_carbon_content,
    check_green_power,
    check_green_power_share,
    check_provisional_defaults,
)
from tanzhi.enterprise.account.model import (
    INPUT_COLUMNS,
    LINE_COLUMNS,
    OPTIONAL_COLUMNS,
    PARAMETER_COLUMNS,
    REQUIRED_COLUMNS,
    SOURCE_KIND_ZH,
    AccountResult,
    GridBasis,
    GridFactors,
    SourceKind,
)
from tanzhi.enterprise.account.workbook import (
    REPORT_SCHEMA,
    read_report_workbook,
    split_periods,
    write_report_template,
)

__all__ = [
    "ENTERPRISE_FUEL_DATASETS",
    "INPUT_COLUMNS",
    "LINE_COLUMNS",
    "OPTIONAL_COLUMNS",
    "PARAMETER_COLUMNS",
    "PROCESS_ITEMS",
    "REPORT_SCHEMA",
    "REQUIRED_COLUMNS",
    "SOURCE_KIND_ZH",
    "AccountResult",
    "GridBasis",
    "GridFactors",
    "SourceKind",
    "account_report",
    "check_carbon_content",
    "check_green_power",
    "check_green_power_share",
    "check_provisional_defaults",
    "read_report_workbook",
    "split_periods",
    "write_report_template",
]
