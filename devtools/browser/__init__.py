"""Driving the public pages in a real browser: Debian's Chromium under Playwright, axe-core
from the npm registry, and `kentbot web` as its own process. The browser tests and
`make screenshots` share it."""
