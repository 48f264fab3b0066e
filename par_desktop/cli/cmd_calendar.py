"""Commands owned by the calendar feature (filled in by its issue)."""


def register(sub) -> None:
    """No commands yet."""
