"""kentbot application: configuration, CLI, Telegram wiring and running modes."""
