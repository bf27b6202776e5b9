"""The equipment ledger of 阳光花园: about 60 assets across every category.

The towers were handed over in 2008 and the clubhouse in 2012; some plant has
been replaced since (fire panel 2019, high-zone booster set 2020, CCTV 2021,
barriers 2023, UPS 2024), so install dates span 2008–2024 and age-dependent
tasks have old and new assets to tell apart. `type_key` names the catalog
equipment type (equipment_catalog/*.yaml) that plans are generated from.
"""

from app.demo.data.assets.asset import DemoAsset
from app.demo.data.assets.building import BUILDING_FABRIC, LIGHTING
from app.demo.data.assets.elevators import ELEVATORS
from app.demo.data.assets.fire import FIRE
from app.demo.data.assets.hvac import HVAC
from app.demo.data.assets.power import POWER
from app.demo.data.assets.security import ACCESS_CONTROL, CCTV
from app.demo.data.assets.water import WATER

ASSETS: tuple[DemoAsset, ...] = (
    *ELEVATORS,
    *WATER,
    *FIRE,
    *POWER,
    *CCTV,
    *ACCESS_CONTROL,
    *HVAC,
    *LIGHTING,
    *BUILDING_FABRIC,
)

__all__ = ["ASSETS", "DemoAsset"]
