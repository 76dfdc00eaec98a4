from blueprints.portail import employer_views, people_views, reports_views  # noqa: F401 - routes
from blueprints.portail.views import bp

__all__ = ["bp"]
