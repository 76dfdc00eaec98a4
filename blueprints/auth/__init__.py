from blueprints.auth import link_views  # noqa: F401 - the pages of the links sent by mail
from blueprints.auth.views import bp

__all__ = ["bp"]
