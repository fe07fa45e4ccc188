"""Tests of src/secret_hygiene/integrations/."""
