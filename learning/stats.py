"""Statistics of the learning offers per unit and per topic: registrations, attendance, average rating.

Each table is one aggregate query. Units are those the participants belonged to when they registered.
"""

from django.db.models import Avg, Count, Q, QuerySet

from learning.models import Registration

# Named apart from the model's own fields ("attended", "rating"), which the filters refer to.
AGGREGATES = {
    "registrations": Count("pk"),
    "present": Count("pk", filter=Q(attended=True)),
    "absent": Count("pk", filter=Q(attended=False)),
    "ratings": Count("rating"),
    "average_rating": Avg("rating"),
}


def _rows(group: QuerySet) -> list[dict]:
    rows = list(group.annotate(**AGGREGATES))
    for row in rows:
        recorded = row["present"] + row["absent"]
        row["attendance_rate"] = round(100 * row["present"] / recorded) if recorded else None
        row["average_rating"] = round(row["average_rating"], 1) if row["average_rating"] is not None else None
    return rows


def by_unit() -> list[dict]:
    group = Registration.objects.values("org_unit__short_name", "org_unit__name").order_by(
        "org_unit__short_name", "org_unit__name"
    )
    return _rows(group)


def by_topic() -> list[dict]:
    return _rows(Registration.objects.values("session__unit__topic").order_by("session__unit__topic"))


def totals() -> dict:
    row = Registration.objects.aggregate(**AGGREGATES)
    if row["average_rating"] is not None:
        row["average_rating"] = round(row["average_rating"], 1)
    return row
