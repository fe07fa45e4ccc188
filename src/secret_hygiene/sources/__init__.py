"""Where bytes come from: the work tree, the index, git history; git.py is the only module that runs git."""
