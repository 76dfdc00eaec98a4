from blueprints.compte import unsubscribe_views  # noqa: F401 - routes
from blueprints.compte.security_views import security_bp
from blueprints.compte.unsubscribe_views import public_bp
from blueprints.compte.views import bp

__all__ = ["bp", "public_bp", "security_bp"]
