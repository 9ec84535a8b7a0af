"""Test-suite set-up: the shared helpers in ``tests/support.py`` are importable from every test folder."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
