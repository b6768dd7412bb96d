"""YAML reading that refuses duplicate keys, for every file kentbot reads: survey
definitions, the plan and the centres.

PyYAML keeps the last of two equal keys without a word, so a copy-pasted `label:` would
silently replace the first one in a survey definition, or a second `weight:` an indicator's.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[tuple[type, object]] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                continue
            if (type(key), key) in seen:
                raise ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"the key '{key}' appears twice",
                    key_node.start_mark,
                )
            seen.add((type(key), key))
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> object:
    """Parse one YAML document safely; raises yaml.YAMLError, also for duplicate keys."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass


def yaml_problem(error: yaml.YAMLError) -> str:
    """What is wrong and where, in one line (the file's name is the caller's to add)."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{error.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(error)
