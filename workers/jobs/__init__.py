"""Job definitions: thin, ids in, one saas call each. Importing this package registers them."""

from workers.jobs import audit_export, bilans_sending, conventions_daily, list_export, mail_delivery  # noqa: F401
