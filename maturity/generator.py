"""Generated maturity data: earlier yearly rounds with many respondents, for the results page at scale.

Town: four closed rounds with 20 respondents each; city: six with 150 each (3,600 answers per round).
Scores drift upwards from round to round, with a spread between units, as they would in practice.
"""

import random
from datetime import UTC, date, datetime

from accounts.models import OrgUnit, Role, User
from maturity.models import Answer, Item, Response, Round
from maturity.services import questionnaire_ensure

COUNTS = {"town": (4, 20), "city": (6, 150), "national": (2, 10)}


def extend_generated(*, scale_name: str, rng: random.Random, batch: int) -> dict[str, int]:
    rounds, respondents = COUNTS.get(scale_name, (0, 0))
    if not rounds:
        return {}
    questionnaire = questionnaire_ensure()
    items = list(Item.objects.filter(dimension__questionnaire=questionnaire).select_related("dimension"))
    users = list(User.objects.filter(role=Role.STAFF).order_by("pk")[:respondents])
    units = list(OrgUnit.objects.order_by("pk"))
    answers = 0
    for number in range(rounds):
        year = 2019 + number
        round = Round.objects.create(
            questionnaire=questionnaire,
            title=f"Digitalgrad {year} (erzeugt)",
            opens_on=date(year, 3, 1),
            closes_on=date(year, 3, 31),
            state=Round.State.CLOSED,
        )
        submitted = datetime(year, 3, 20, 10, tzinfo=UTC)
        responses = Response.objects.bulk_create(
            [Response(round=round, user=user, unit=rng.choice(units), submitted_at=submitted) for user in users],
            batch_size=batch,
        )
        rows = []
        for response in responses:
            bias = rng.uniform(-0.8, 0.8)
            for item in items:
                level = round_level(0.4 + number * 0.35 + bias + rng.uniform(-1, 1))
                rows.append(Answer(response=response, item=item, score=level))
        Answer.objects.bulk_create(rows, batch_size=batch)
        answers += len(rows)
    return {"maturity rounds": rounds, "maturity answers": answers}


def round_level(value: float) -> int:
    return max(0, min(4, int(value + 0.5)))
