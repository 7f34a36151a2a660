from django.conf import settings

from registry.roles import Role


def registry(request):
    """Names the templates use on every page: the agency and the person's roles."""
    user = getattr(request, "user", None)
    roles = {}
    if user is not None and user.is_authenticated:
        roles = {role.name.lower(): user.has_role(role) for role in Role}
    return {"agency_name": settings.REGISTRY_AGENCY_NAME, "roles": roles}
