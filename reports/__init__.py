"""The strategic plan, indicator arithmetic, aggregation and report renderers."""
