"""Tests of src/secret_hygiene/sources/."""
