from blueprints.departement import funding_views, marches_views  # noqa: F401 - routes
from blueprints.departement.views import bp

__all__ = ["bp"]
