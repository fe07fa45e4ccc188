"""Tests of src/secret_hygiene/baseline/."""
