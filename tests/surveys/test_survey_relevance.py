"""The `relevant` language: what it accepts, what it refuses, how it evaluates."""

from __future__ import annotations

import pytest

from surveys.relevance import ExpressionError, compile_expression, evaluate, literal_comparisons


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("${role} == 'carer'", {"role": "carer"}, True),
        ("${role} == 'carer'", {"role": "self"}, False),
        ("${role} == 'carer'", {}, False),
        ("${role} != 'carer'", {"role": "self"}, True),
        ("${role} != 'carer'", {}, False),
        ("'transport' in ${services}", {"services": ["sports", "transport"]}, True),
        ("'transport' in ${services}", {"services": ["sports"]}, False),
        ("'transport' in ${services}", {}, False),
        ("'transport' not in ${services}", {"services": ["sports"]}, True),
        ("'transport' not in ${services}", {}, False),
        ("${age} >= 65 and not (${q1} == 'no')", {"age": 70}, True),
        ("${age} >= 65 and not (${q1} == 'no')", {"age": 70, "q1": "no"}, False),
        ("${age} >= 65 and not (${q1} == 'no')", {"age": 64, "q1": "yes"}, False),
        ("${age} < 18 or ${role} == 'carer'", {"age": 40, "role": "carer"}, True),
        ("${age} < 18 or ${role} == 'carer'", {}, False),
        ("${overall} in [1, 2]", {"overall": 2}, True),
        ("${overall} in (1, 2)", {"overall": 3}, False),
        ("${role} not in ['self', 'carer']", {"role": "self"}, False),
        ("1 < ${age} < 10", {"age": 5}, True),
        ("1 < ${age} < 10", {"age": 10}, False),
        ("${t} > -1.5", {"t": -1}, True),
        ("${weight} <= 2.5", {"weight": 2.5}, True),
        ("${age} < 'x'", {"age": 3}, False),
        ("'a' in ${age}", {"age": 3}, False),
        ("${a} == ${b}", {"a": "x", "b": "x"}, True),
        ("${a} == ${b}", {"a": None, "b": None}, False),
        ("${ role } == 'carer'", {"role": "carer"}, True),
        ("${role} == 'carer'\n  and ${age} > 1", {"role": "carer", "age": 2}, True),
    ],
)
def test_evaluation(source: str, answers: dict, expected: bool) -> None:
    assert evaluate(compile_expression(source), answers) is expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("${a} ==", "is not a valid expression"),
        ("__import__('os').system('ls') == 0", "only answers, text in quotes, numbers"),
        ("${a}.upper() == 'X'", "only answers, text in quotes, numbers"),
        ("${a} + 1 == 2", "only answers, text in quotes, numbers"),
        ("${a} == None", "only answers, text in quotes, numbers"),
        ("${a} == True", "only answers, text in quotes, numbers"),
        ("-'x' == ${a}", "only answers, text in quotes, numbers"),
        ("[${a}] == [1]", "only answers, text in quotes, numbers"),
        ("${a} is None", "the comparison 'Is' is not allowed"),
        ("${a}", "expected a comparison"),
        ("'yes'", "expected a comparison"),
        ("lambda: 1", "expected a comparison"),
        ("${a} == 1 if ${b} else 2", "expected a comparison"),
        ("foo == 1", "unknown name 'foo'; refer to an answer as ${foo}"),
        ("${Bad Id} == 1", "'${Bad Id}' does not name a question"),
        ("${} == 1", "'${}' does not name a question"),
    ],
)
def test_refused_expressions(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        compile_expression(source)
    assert message in str(raised.value)


def test_references_in_order_of_first_appearance() -> None:
    expression = compile_expression("${b} == 1 and (${a} == 2 or ${b} == 3)")
    assert expression.references == ("b", "a")


def test_literal_comparisons_pair_each_literal_with_its_question() -> None:
    expression = compile_expression("${role} == 'carer' and 'x' in ${services} and ${age} in [1, 2] and ${a} == ${b}")
    assert sorted(literal_comparisons(expression), key=str) == sorted(
        [("role", "carer"), ("services", "x"), ("age", 1), ("age", 2)], key=str
    )
