"""The GitHub Action (action.yml runs `python -m secret_hygiene.integrations.github_action.action`)."""
