from blueprints.auth import (
    link_views,  # noqa: F401 - the pages of the links sent by mail
    mfa_views,  # noqa: F401 - routes of the second step
)
from blueprints.auth.views import bp

__all__ = ["bp"]
