"""Tests of src/secret_hygiene/org/."""
