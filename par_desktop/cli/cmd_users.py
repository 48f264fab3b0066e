"""Commands owned by the users feature (filled in by its issue)."""


def register(sub) -> None:
    """No commands yet."""
