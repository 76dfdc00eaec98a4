from blueprints.departement import marches_views  # noqa: F401 - routes
from blueprints.departement.views import bp

__all__ = ["bp"]
