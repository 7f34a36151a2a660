from django.conf import settings
from django.utils.functional import SimpleLazyObject

from registry.roles import Role


def registry(request):
    """Names the templates use on every page: the agency, the person's roles, and how many to-dos
    wait for them (counted in one query, when the menu shows the badge)."""
    user = getattr(request, "user", None)
    roles = {}
    todo = {}
    if user is not None and user.is_authenticated:
        roles = {role.name.lower(): user.has_role(role) for role in Role}
        todo = SimpleLazyObject(lambda: _todo_counts(user))
    return {"agency_name": settings.REGISTRY_AGENCY_NAME, "roles": roles, "todo": todo}


def _todo_counts(user) -> dict:
    from registry.selectors.dashboard import todo_counts

    return todo_counts(user)
