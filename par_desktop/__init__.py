"""PAR Desktop: administrative-reform tracking for a Vietnamese provincial Department office."""

__version__ = "0.1.0"
APP_NAME = "PAR Desktop"
APP_ID = "par-desktop"

from par_desktop.db.drivers import defer_postgres_driver  # noqa: E402 — before anything imports peewee

defer_postgres_driver()
