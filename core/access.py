"""Refusing what a user may not do, the same way in every view and every API operation.

Each app's `permissions.py` answers the question, one helper per object type
(`can_edit_project(user, project)`); `require` turns its "no" into `PermissionDenied`. A page
then shows the 403 page in the frame (`core/errors.py`); an API operation answers 403 with
`{"message": "You may not do this."}` (the handler in `config/api.py`), so the API needs no
helper of its own.
"""

from django.core.exceptions import PermissionDenied


def require(allowed: bool) -> None:
    """Go on if `allowed`, otherwise refuse with 403."""
    if not allowed:
        raise PermissionDenied
