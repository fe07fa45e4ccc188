"""Tests of src/secret_hygiene/env/."""
