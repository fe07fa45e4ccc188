"""Hostile repositories run against every command in every format."""
