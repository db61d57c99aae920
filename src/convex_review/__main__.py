"""`python -m convex_review APP_DIR`: see cli.py."""

import sys

from .cli import main

sys.exit(main())
