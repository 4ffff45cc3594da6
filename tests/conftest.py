from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def seed_dir():
    return Path(settings.BASE_DIR) / "seeds"


@pytest.fixture
def seed_text(seed_dir):
    """The first shipped seed document, as text."""
    return sorted(seed_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
