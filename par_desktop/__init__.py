"""PAR Desktop: administrative-reform tracking for a Vietnamese provincial Department office."""

__version__ = "0.1.0"
APP_NAME = "PAR Desktop"
APP_ID = "par-desktop"
