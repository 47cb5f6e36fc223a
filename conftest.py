"""Every test starts in the default language (German).

Django's LocaleMiddleware activates the language of each test-client request and leaves it active
in the thread afterwards, so a test that asked for English would otherwise change what the next
test's code renders outside a request.
"""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
