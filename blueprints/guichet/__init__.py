from blueprints.guichet import (  # noqa: F401 - routes
    bilan_schedules_views,
    bilans_views,
    calendar_views,
    committee_views,
    cv_views,
    eligibility_views,
    hours_views,
    import_views,
    marches_views,
    mission_views,
    participant_views,
    privacy_views,
    search_views,
)
from blueprints.guichet.views import bp

__all__ = ["bp"]
