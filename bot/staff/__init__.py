"""The staff side: roles and invites, events and registrations, attendance, aid and
milestones, Alzheimer-centre memberships. Services take the caller's session and an actor;
every change they make is written to the audit log in the same transaction."""
