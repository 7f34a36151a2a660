from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecondFactorConfig(AppConfig):
    """Installed after django-otp's TOTP plugin, so that its admin replaces the plugin's."""

    name = "registry.auth"
    label = "registry_auth"
    verbose_name = _("Two-factor log-in")
