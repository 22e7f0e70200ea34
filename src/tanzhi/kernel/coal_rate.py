"""The coal rate of thermal power: the one place electricity is converted to standard coal.

Issue #9: three modules converted primary and traded electricity to standard coal at a fixed
4.04 万tce per 亿kWh (0.404 kgce/kWh), where the statistics bureau (发电煤耗计算法) uses each
year's coal rate of thermal power.  `coal_rate` takes that rate from the region's statistics
(variable `STATISTIC_VARIABLE`, item `STATISTIC_ITEM`) when given, else the national series of
the packaged dataset ``cn-coal-rate`` (provisional, cited there), and says which it used.
"""

from __future__ import annotations

from dataclasses import dataclass

from tanzhi.kernel.errors import DataError, Location, Problem
from tanzhi.kernel.factors import NATIONAL, FactorLibrary, default_library
from tanzhi.kernel.units import conversion_factor

STATISTIC_VARIABLE = "thermal_coal_rate"  # statistics: region, year, item 火电, kgce/kWh-like
STATISTIC_ITEM = "火电"
PARAMETER = "thermal_coal_rate"
UNIT = "kgce/kWh"
# 1 亿kWh × 1 kgce/kWh = 10^8 kgce = 10 万tce.
TCE_PER_100M_KWH_PER_KGCE_PER_KWH = 10.0


@dataclass(frozen=True)
class CoalRate:
    """A year's coal rate and where it came from (``statistics`` or ``default``)."""

    year: int
    kgce_per_kwh: float
    basis: str
    factor_id: str | None
    provisional: bool

    @property
    def tce_per_100m_kwh(self) -> float:
        """万吨标准煤 per 亿kWh (e.g. 0.3055 kgce/kWh → 3.055)."""
        return self.kgce_per_kwh * TCE_PER_100M_KWH_PER_KGCE_PER_KWH

    def lineage(self) -> dict[str, object]:
        """What a derived value records about its electricity coefficient."""
        return {"year": self.year, "kgce_per_kwh": self.kgce_per_kwh, "basis": self.basis,
                "factor_id": self.factor_id, "provisional": self.provisional,
                "electricity_tce_per_100m_kwh": self.tce_per_100m_kwh}


def coal_rate(year: int, *, statistic: float | None = None, unit: str | None = None,
              library: FactorLibrary | None = None) -> CoalRate:
    """The coal rate for `year`: the region's statistic if given, else the packaged default.

    Raises
    ------
    DataError
        The statistic's unit is not a coal rate (dimension-checked), or it is not positive;
        or the default series has no value for `year`.

    >>> round(coal_rate(2020).tce_per_100m_kwh, 4), coal_rate(2020).basis
    (3.055, 'default')
    >>> coal_rate(2020, statistic=0.29, unit="kgce/kWh").tce_per_100m_kwh
    2.9
    """
    if statistic is not None:
        value = float(statistic) * conversion_factor(
            str(unit), UNIT, location=Location(column="unit"))
        if not value > 0:
            raise DataError(Problem(f"{year} 年火电煤耗须为正数，得到 {statistic}",
                                    f"thermal coal rate for {year} must be positive, got "
                                    f"{statistic}", Location(column="value")))
        return CoalRate(int(year), value, "statistics", None, False)
    lib = library if library is not None else default_library()
    f = lib.lookup(item="electricity", parameter=PARAMETER, region_code=NATIONAL,
                   year=int(year))
    return CoalRate(int(year), f.value_in(UNIT), "default", f.id, f.provisional)
