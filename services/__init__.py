"""Domain services of the staff side: roles and invites, events and registrations, attendance,
aid and milestones, Alzheimer-centre memberships. They take the caller's session, an actor,
plain values and the time, and return results and the notices owed to people (`notices`);
what a notice says, and its buttons, are the chat layer's. Every change they make is written
to the audit log in the same transaction."""
