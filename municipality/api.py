from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from municipality.models import Municipality

router = Router(tags=["municipality"])


class MunicipalityOut(Schema):
    name: str
    ars: str
    ags: str
    kind: str
    district: str
    state: str
    population: int | None
    area_km2: float | None
    register_as_of: date | None
    is_fictional: bool
    website: str


@router.get("/municipality", response=MunicipalityOut, summary="The municipality this installation serves")
def municipality_detail(request: HttpRequest) -> Municipality:
    municipality = Municipality.objects.current()
    if municipality is None:
        raise HttpError(404, "No municipality has been configured for this installation.")
    return municipality
