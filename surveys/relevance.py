"""The `relevant` expression language: when a question is shown, from earlier answers.

Examples: ``${role} == 'carer'``, ``'transport' in ${services}``,
``${age} >= 65 and not (${q1} == 'no')``.

Expressions come from YAML files, so they are parsed with `ast` and checked
against a small whitelist instead of being run by Python: only and/or/not,
comparisons, references and literal constants exist. Evaluation never raises:
an unanswered reference is None and every comparison involving None is false.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from surveys.slugs import QUESTION_ID

REFERENCE = re.compile(r"\$\{([^}]*)\}")
_PLACEHOLDER = "_ref{}"
_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)


class ExpressionError(ValueError):
    """A `relevant` expression that cannot be accepted; the message says why in plain words."""


@dataclass(frozen=True)
class Expression:
    """A checked expression: its tree and which question each placeholder name stands for."""

    source: str
    tree: ast.expr
    names: Mapping[str, str]

    @property
    def references(self) -> tuple[str, ...]:
        """Question ids referenced, in order of first appearance."""
        return tuple(dict.fromkeys(self.names.values()))


@functools.lru_cache(maxsize=1024)
def compile_expression(source: str) -> Expression:
    """Parse and whitelist-check `source`; raises ExpressionError."""
    names: dict[str, str] = {}

    def substitute(match: re.Match[str]) -> str:
        qid = match.group(1).strip()
        if QUESTION_ID.fullmatch(qid) is None:
            raise ExpressionError(f"'{match.group(0)}' does not name a question")
        for placeholder, known in names.items():
            if known == qid:
                return placeholder
        placeholder = _PLACEHOLDER.format(len(names))
        names[placeholder] = qid
        return placeholder

    rewritten = REFERENCE.sub(substitute, source)
    try:
        tree = ast.parse(" ".join(rewritten.splitlines()).strip(), mode="eval").body
    except SyntaxError as error:
        raise ExpressionError(f"is not a valid expression ({error.msg})") from None
    _check_condition(tree, names)
    return Expression(source=source, tree=tree, names=names)


def _check_condition(node: ast.expr, names: Mapping[str, str]) -> None:
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check_condition(value, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check_condition(node.operand, names)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if not isinstance(op, _COMPARISONS):
                raise ExpressionError(f"the comparison '{type(op).__name__}' is not allowed")
        for operand in (node.left, *node.comparators):
            _check_operand(operand, names)
    else:
        raise ExpressionError(
            "expected a comparison such as ${question} == 'value', joined with and/or/not"
        )


def _check_operand(node: ast.expr, names: Mapping[str, str]) -> None:
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise ExpressionError(f"unknown name '{node.id}'; refer to an answer as ${{{node.id}}}")
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            _literal(element)
    else:
        _literal(node)


def _literal(node: ast.expr) -> str | int | float:
    """The constant a node stands for: text or a number (negative numbers allowed)."""
    negative = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
    inner = node.operand if isinstance(node, ast.UnaryOp) and negative else node
    value = inner.value if isinstance(inner, ast.Constant) else None
    if isinstance(value, str) and not negative:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value if negative else value
    raise ExpressionError("only answers, text in quotes, numbers and lists of those are allowed")


def literal_comparisons(expression: Expression) -> Iterator[tuple[str, object]]:
    """Pairs (question id, literal) where a literal is compared with that question's answer.

    Lets the definition check catch a misspelt option value or a number compared
    with text, mistakes that would otherwise make a question silently never appear.
    """
    for node in ast.walk(expression.tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = (node.left, *node.comparators)
        for left, op, right in zip(operands, node.ops, operands[1:]):
            membership = isinstance(op, (ast.In, ast.NotIn))
            if isinstance(left, ast.Name) and not isinstance(right, ast.Name):
                if isinstance(right, (ast.List, ast.Tuple)):
                    if membership:
                        for element in right.elts:
                            yield expression.names[left.id], _literal(element)
                elif not membership:
                    yield expression.names[left.id], _literal(right)
            elif isinstance(right, ast.Name) and not isinstance(left, (ast.Name, ast.List, ast.Tuple)):
                yield expression.names[right.id], _literal(left)


def evaluate(expression: Expression, answers: Mapping[str, object]) -> bool:
    """Whether the expression holds for `answers`; never raises."""
    return _condition(expression.tree, expression.names, answers)


def _condition(node: ast.expr, names: Mapping[str, str], answers: Mapping[str, object]) -> bool:
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(_condition(value, names, answers) for value in node.values)
        return any(_condition(value, names, answers) for value in node.values)
    if isinstance(node, ast.UnaryOp):
        return not _condition(node.operand, names, answers)
    assert isinstance(node, ast.Compare)
    left = _value(node.left, names, answers)
    for op, comparator in zip(node.ops, node.comparators):
        right = _value(comparator, names, answers)
        if not _compare(op, left, right):
            return False
        left = right
    return True


def _value(node: ast.expr, names: Mapping[str, str], answers: Mapping[str, object]) -> object:
    if isinstance(node, ast.Name):
        answer = answers.get(names[node.id])
        return tuple(answer) if isinstance(answer, list) else answer
    if isinstance(node, (ast.List, ast.Tuple)):
        return tuple(_literal(element) for element in node.elts)
    return _literal(node)


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    """Answers and literals of any type meet here; a comparison Python refuses is false."""
    if left is None or right is None:
        return False
    try:
        if isinstance(op, ast.Eq):
            return bool(left == right)
        if isinstance(op, ast.NotEq):
            return bool(left != right)
        if isinstance(op, ast.Lt):
            return bool(left < right)
        if isinstance(op, ast.LtE):
            return bool(left <= right)
        if isinstance(op, ast.Gt):
            return bool(left > right)
        if isinstance(op, ast.GtE):
            return bool(left >= right)
        if isinstance(op, ast.In):
            return bool(left in right)
        return bool(left not in right)
    except TypeError:
        return False
