"""Fixtures of the staff tests (helpers live in tests_staff_support)."""

from tests_staff_support import crew  # noqa: F401  (a fixture, used by name)
