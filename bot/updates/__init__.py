"""Getting updates from Telegram and acknowledging each one only once it is applied."""
