"""Commands owned by the dossiers feature (filled in by its issue)."""


def register(sub) -> None:
    """No commands yet."""
