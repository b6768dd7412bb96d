"""The panel's areas, one module each: every module's `routes(panel)` lists its pages."""
