from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Classified document registry")
    default_auto_field = "django.db.models.BigAutoField"
    # The configuration of "registry" in INSTALLED_APPS (this module holds two).
    default = True

    def ready(self) -> None:
        from registry import signals  # noqa: F401  (connects the audit receivers)


class RegistryAdminConfig(admin_apps.AdminConfig):
    """Django's admin, installed in its place (INSTALLED_APPS), with the registry's admin site as
    ``admin.site``: it audits every refusal (``registry.admin_site``)."""

    default = False
    default_site = "registry.admin_site.RegistryAdminSite"
