"""Key ages: discovery of env keys, the ledger, annotations, git dates, the local state store, recording."""
