"""Dialogs shared by the pages (editing, reporting, import questions)."""
