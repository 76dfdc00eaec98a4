from blueprints.portail import employer_views, people_views  # noqa: F401 - routes
from blueprints.portail.views import bp

__all__ = ["bp"]
