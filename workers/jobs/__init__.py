"""Job definitions: thin, ids in, one saas call each. Importing this package registers them."""

from workers.jobs import (  # noqa: F401
    audit_export,
    bilan_production,
    bilans_sending,
    conventions_daily,
    federation,
    list_export,
    mail_delivery,
    privacy,
)
