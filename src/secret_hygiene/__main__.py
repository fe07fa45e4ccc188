"""`python -m secret_hygiene` runs the command line."""

from __future__ import annotations

import sys

from secret_hygiene.cli import main

sys.exit(main())
