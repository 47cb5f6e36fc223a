"""The API's pagination: limit/offset as django-ninja does it, with both bounded.

Without an upper bound on the offset, a request like `?offset=10**22` reaches the database and
fails there (SQLite cannot hold the number): a 500 instead of a clear 422.
"""

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 1_000_000_000


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
