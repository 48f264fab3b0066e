"""Tabs of the settings page: one module per tab, each with a QWidget class named ``…Tab(ctx, parent)``."""
