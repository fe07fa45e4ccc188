"""Subcommands: each module declares its arguments and runs one job."""
