from blueprints.admin import (  # noqa: F401 - routes
    audit_views,
    convention_actions,
    convention_page,
    convention_views,
    counting_rule_views,
    federation_views,
    funding_views,
    hourly_cost_views,
    mailbox_views,
    money_views,
    organisation_views,
    privacy_register_views,
    privacy_views,
    rule_settings_views,
    settings_views,
    token_views,
)
from blueprints.admin.views import bp

__all__ = ["bp"]
