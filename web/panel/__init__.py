"""The web panel for staff, managers and admins: signed in through the bot, served beside the
public pages, acting only through the services (the same rules and audit log as the chat)."""
