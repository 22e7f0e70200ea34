"""Shared kernel used by every domain: units, GWP, regions, factors, provenance, storage, errors.

The face other domains import from (DESIGN.md "Layout"); names are added as domains need them.
"""

from tanzhi.kernel.audit import (
    make_session_factory,
)
from tanzhi.kernel.coal_rate import (
    STATISTIC_ITEM,
    STATISTIC_VARIABLE,
    CoalRate,
    coal_rate,
)
from tanzhi.kernel.db import (
    Base,
    Timestamped,
    unit_of_work,
    utcnow,
)
from tanzhi.kernel.errors import (
    ConsistencyError,
    DataError,
    Location,
    NotFound,
    PermissionDenied,
    Problem,
    TanzhiError,
)
from tanzhi.kernel.exports import (
    csv_dict_writer,
    export_workbook,
)
from tanzhi.kernel.factors import (
    default_library,
)
from tanzhi.kernel.jobs import (
    JobContext,
    JobFunction,
    progress_bar,
)
from tanzhi.kernel.regions import (
    Region,
    add_region,
    get_region,
    list_regions,
    require_region,
)
from tanzhi.kernel.sheets import (
    cell_text,
    is_empty,
    read_grid,
)
from tanzhi.kernel.statistics import (
    read_statistics,
)
from tanzhi.kernel.tables import (
    Column,
    TableSchema,
    read_table,
)
from tanzhi.kernel.units import (
    conversion_factor,
    convert,
    parse_unit,
    same_dimension,
)

__all__ = [
    "Base",
    "CoalRate",
    "Column",
    "ConsistencyError",
    "DataError",
    "JobContext",
    "JobFunction",
    "Location",
    "NotFound",
    "PermissionDenied",
    "Problem",
    "Region",
    "STATISTIC_ITEM",
    "STATISTIC_VARIABLE",
    "TableSchema",
    "TanzhiError",
    "Timestamped",
    "add_region",
    "cell_text",
    "coal_rate",
    "conversion_factor",
    "convert",
    "csv_dict_writer",
    "default_library",
    "export_workbook",
    "get_region",
    "is_empty",
    "list_regions",
    "make_session_factory",
    "parse_unit",
    "progress_bar",
    "read_grid",
    "read_statistics",
    "read_table",
    "require_region",
    "same_dimension",
    "unit_of_work",
    "utcnow",
]
