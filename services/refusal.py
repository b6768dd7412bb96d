"""The error of a service that refuses what it was asked, because of the input or the state.

One type for every service. `reason` is a message key suffix that the flow calling the service
words under its own prefix (`events.error.`, `entries.error.`, `membership.error.`,
`staff.invite.error.`), so the chat and the command line tell the person the same thing in
their language; checks only the command line reaches (a staff invite's role, centre and hours,
a revocation) give a plain English sentence instead, printed as it is.
"""

from __future__ import annotations


class Refusal(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
