"""Units and the people who work in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from classification import Level
from registry.roles import Role


class Unit(models.Model):
    """A unit (單位) of the office; units form a tree."""

    code = models.CharField(_("unit code"), max_length=20, unique=True)
    name = models.CharField(_("unit name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_superior_agency = models.BooleanField(
        _("superior agency"),
        default=False,
        help_text=_("An agency above this office (上級機關), e.g. for the distribution of minutes."),
    )

    class Meta:
        verbose_name = _("unit (單位)")
        verbose_name_plural = _("units (單位)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> set[int]:
        """Ids of this unit and every unit below it."""
        ids = {self.pk}
        frontier = [self.pk]
        while frontier:
            children = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            frontier = [c for c in children if c not in ids]
            ids.update(frontier)
        return ids


class User(AbstractUser):
    """A person: belongs to one unit, holds a clearance and one or more roles (groups)."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    clearance = models.PositiveSmallIntegerField(
        _("clearance"),
        choices=Level.choices(),
        null=True,
        blank=True,
        help_text=_("The highest level this person may be given; empty means none."),
    )

    is_agency_head = models.BooleanField(
        _("agency head (首長)"),
        default=False,
        help_text=_("Approves publishing anything about a classified meeting (簽陳首長奉核)."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("person (人員)")
        verbose_name_plural = _("people (人員)")
        # One agency head at a time (``designate_agency_head`` moves the title in one step).
        constraints = [
            models.UniqueConstraint(
                fields=["is_agency_head"], condition=models.Q(is_agency_head=True), name="one_agency_head"
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: Role) -> bool:
        if not self.is_active:
            return False
        return any(str(role) in self.role_names for role in roles)

    @property
    def clearance_level(self) -> Level | None:
        return Level(self.clearance) if self.clearance else None
