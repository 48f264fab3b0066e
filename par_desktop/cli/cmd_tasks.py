"""Commands owned by the tasks feature (filled in by its issue)."""


def register(sub) -> None:
    """No commands yet."""
