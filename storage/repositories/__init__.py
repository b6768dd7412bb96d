"""Repositories: the only code that writes SQL; each function takes the caller's session.

Callers own the transaction, so one update is load, decide, save, in one commit.
"""
