"""Tests of src/secret_hygiene/engine/."""
