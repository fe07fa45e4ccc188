"""One function per check, each returning a Report: leaks (files, staged, history), env, rotation,
and the compositions audit and pre-commit. The CLI, `baseline`, the GitHub Action and org-audit all
call these; none of them calls another's command (cli/commands/ is imported only by cli/)."""
