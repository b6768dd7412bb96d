"""The process's web side: the Telegram webhook now, and room for the public pages."""
