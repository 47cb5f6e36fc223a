"""The demo town: index everything once the other apps have added their demo data."""

from accounts.models import User
from search.registry import reindex


def extend_demo(*, users: dict[str, User]) -> None:
    reindex()
