from blueprints.admin import audit_views, organisation_views, settings_views  # noqa: F401 - routes
from blueprints.admin.views import bp

__all__ = ["bp"]
