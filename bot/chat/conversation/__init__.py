"""The citizen's conversation: each update is load, decide, save, in one transaction."""
