"""The classification rules need no database: configure just enough Django to translate messages."""

import django
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

# Under pytest-django with the project's settings everything is already set up; standalone
# (`-p no:django`) the rules only need i18n and this app's locale.
if not settings.configured:
    settings.configure(
        INSTALLED_APPS=["classification"],
        USE_I18N=True,
        LANGUAGE_CODE="zh-hant",
        LANGUAGES=[("zh-hant", "繁體中文"), ("en", "English")],
    )
if not apps.ready:
    django.setup()


@pytest.fixture
def zh():
    """Messages in Traditional Chinese, the registry's default language."""
    with translation.override("zh-hant"):
        yield


@pytest.fixture
def en():
    """Messages in English, the second language."""
    with translation.override("en"):
        yield
