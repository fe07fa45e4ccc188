"""argparse value types several commands share."""

from __future__ import annotations

import argparse
from datetime import date, datetime, timezone


def jobs_arg(text: str) -> int:
    """A --jobs value: a number of worker processes, 1 or more."""
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of worker processes (1 or more)")
    return jobs


def moment(text: str) -> datetime:
    """A --now value: a date or an ISO timestamp, UTC when no zone is given."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when


def day(text: str) -> date:
    """A --date value: YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None
