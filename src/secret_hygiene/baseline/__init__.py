"""Known findings: the baseline file, its review on a terminal, detect-secrets baselines read as ours."""
