"""Survey definitions (YAML) and the pure survey engine."""
