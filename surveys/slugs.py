"""Shapes of the identifiers a survey uses.

Question ids become names inside `relevant` expressions and option values travel
in Telegram callback data (64 bytes in all), so both are short lowercase slugs.
"""

from __future__ import annotations

import re

SURVEY_ID = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
OPTION_VALUE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
INDICATOR_CODE = re.compile(r"^\d+\.\d+\.\d+$")
# The code in a poster's or invitation's deep link; no "_" so it never meets the centre separator.
LINK_CODE = re.compile(r"^[a-z0-9]{2,20}$")

