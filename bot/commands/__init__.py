"""The back-office commands behind `kentbot`, one module per area."""
