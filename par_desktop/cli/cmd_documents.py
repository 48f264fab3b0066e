"""Commands owned by the documents feature (filled in by its issue)."""


def register(sub) -> None:
    """No commands yet."""
