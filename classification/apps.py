"""The classification app: it carries the translations of the secrecy rules, and no models."""

from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "classification"
    verbose_name = "密等規則"
