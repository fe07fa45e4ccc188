"""Tests of src/secret_hygiene/rotation/."""
