"""Tests of src/secret_hygiene/cli/."""
