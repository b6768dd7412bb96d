"""The chat channel: the citizen conversation, the staff flows, and what notices say."""
