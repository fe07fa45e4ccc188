"""Tests of src/secret_hygiene/reporters/."""
