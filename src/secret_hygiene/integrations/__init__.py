"""Where the tool meets other programs: the GitHub Action, git hooks, detect-secrets."""
