#!/usr/bin/env python3
"""Check every link in the guide. See `python scripts/check_links.py --help`.

The implementation lives in src/linkcheck; this wrapper makes it runnable from
a fresh clone even before `pip install -e .` (it puts src/ first on sys.path).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from linkcheck.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
