"""Generated data: every catalogue service provided, with a realistic spread of levels and histories.

All 5,251 services provided is more than any single municipality offers (a city provides a few
hundred to a thousand), which makes it the worst case for the inventory's filters and charts.
"""

import random
from datetime import date

from accounts.models import OrgUnit
from service_inventory.demo import ensure_catalogue, provide_generated
from service_inventory.models import OzgService, Service

SCALES = {"town", "city"}


def extend_generated(*, scale_name: str, rng: random.Random, batch: int) -> dict[str, int]:
    if scale_name not in SCALES:
        return {}
    ensure_catalogue()
    topics = dict(OzgService.objects.values_list("pk", "themenfeld"))
    units = {u.short_name: u for u in OrgUnit.objects.exclude(short_name="")}
    chosen = list(Service.objects.filter(local__isnull=True).order_by("pk").values_list("pk", "ozg_id"))
    created = provide_generated(chosen, topics=topics, units=units, rng=rng, start=date(2021, 1, 1), batch=batch)
    return {"provided services": created}
