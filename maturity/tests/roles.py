"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from installation.testing import INTERNAL, TEAM, BaseTestCase
from maturity.testing import make_round

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = {"maturity:gap_idea"}


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    round = make_round(team=case.team, title="Matrix-Runde")
    dimension = round.questionnaire.dimensions.first()
    item = dimension.items.first()
    return {
        "maturity:index": (INTERNAL, {}),
        "maturity:round_create": (TEAM, {}),
        "maturity:round": (INTERNAL, {"pk": round.pk}),
        "maturity:round_edit": (TEAM, {"pk": round.pk}),
        "maturity:round_delete": (TEAM, {"pk": round.pk}),
        "maturity:answer": (INTERNAL, {"pk": round.pk}),
        "maturity:results": (INTERNAL, {"pk": round.pk}),
        "maturity:gap_idea": (TEAM, {"pk": round.pk, "key": dimension.key}),
        "maturity:targets": (TEAM, {}),
        "maturity:questionnaire": (INTERNAL, {}),
        "maturity:dimension_create": (TEAM, {}),
        "maturity:dimension_edit": (TEAM, {"pk": dimension.pk}),
        "maturity:dimension_delete": (TEAM, {"pk": dimension.pk}),
        "maturity:item_create": (TEAM, {"dimension": dimension.pk}),
        "maturity:item_edit": (TEAM, {"pk": item.pk}),
        "maturity:item_delete": (TEAM, {"pk": item.pk}),
        "maturity:settings": (TEAM, {}),
    }
