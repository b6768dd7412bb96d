"""The public pages: Target 4.2's figures for everyone, from aggregates only."""
