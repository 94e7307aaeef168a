"""The KPI engine's SQL text for DuckDB (``fostering_hub.kpi._sql``): each expression reads
back as the tree it was built from, whatever the operators' precedence."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import duckdb
import narwhals as nw
import pytest

from fostering_hub.kpi import _sql

ROW = {"a": 7, "b": -3, "c": 12}

Built = tuple[Any, Any]  # (an _sql expression or int, its value in Python)


def _integer(rng: random.Random, depth: int) -> Built:
    if depth <= 0 or rng.random() < 0.2:
        if rng.random() < 0.5:
            name = rng.choice(list(ROW))
            return _sql.col(name), ROW[name]
        value = rng.randint(-9, 9)
        return value, value
    (left, x), (right, y) = _integer(rng, depth - 1), _integer(rng, depth - 1)
    operations: dict[str, Callable[[], Built]] = {
        "+": lambda: (left + right, x + y),
        "-": lambda: (left - right, x - y),
        "*": lambda: (left * right, x * y),
        "case": lambda: _case(rng, depth, (left, x), (right, y)),
        "floor division": lambda: (
            (_as_expr(left) / 7).floor().cast(nw.Int64()),
            math.floor(x / 7),
        ),
    }
    if isinstance(left, int) and isinstance(right, int):
        return left + right, x + y  # no expression yet: Python adds the two
    return operations[rng.choice(list(operations))]()


def _case(rng: random.Random, depth: int, then: Built, otherwise: Built) -> Built:
    condition, holds = _boolean(rng, depth - 1)
    expr = _sql.when(condition).then(then[0]).otherwise(otherwise[0])
    return expr, then[1] if holds else otherwise[1]


def _boolean(rng: random.Random, depth: int) -> Built:
    if depth <= 0 or rng.random() < 0.4:
        (left, x), (right, y) = _integer(rng, depth - 1), _integer(rng, depth - 1)
        left = _as_expr(left)
        comparisons: dict[str, Callable[[], Built]] = {
            "=": lambda: (left == right, x == y),
            "!=": lambda: (left != right, x != y),
            "<": lambda: (left < right, x < y),
            "<=": lambda: (left <= right, x <= y),
            ">": lambda: (left > right, x > y),
            ">=": lambda: (left >= right, x >= y),
        }
        return comparisons[rng.choice(list(comparisons))]()
    (left, p), (right, q) = _boolean(rng, depth - 1), _boolean(rng, depth - 1)
    connectives: dict[str, Callable[[], Built]] = {
        "and": lambda: (left & right, p and q),
        "or": lambda: (left | right, p or q),
        "not": lambda: (~left, not p),
        "comparison of comparisons": lambda: (left == right, p == q),
    }
    return connectives[rng.choice(list(connectives))]()


def _as_expr(value: Any) -> Any:
    return _sql.lit(value) if isinstance(value, int) else value


@pytest.mark.parametrize("seed", range(5))
def test_expressions_read_back_as_built(seed: int) -> None:
    rng = random.Random(seed)
    built = [_integer(rng, 5) for _ in range(60)] + [_boolean(rng, 4) for _ in range(60)]
    items = ", ".join(f"{_as_expr(expr).sql} AS e{n}" for n, (expr, _) in enumerate(built))
    values = ", ".join(f"{v}::BIGINT AS {k}" for k, v in ROW.items())
    got = duckdb.connect().sql(f"SELECT {items} FROM (SELECT {values})").fetchall()[0]
    assert list(got) == [value for _, value in built]


def test_only_what_the_stages_use() -> None:
    with pytest.raises(NotImplementedError):
        _sql.col("t").str.slice(2)
    with pytest.raises(NotImplementedError):
        _sql.col("t").cast(nw.Float64())
    with pytest.raises(NotImplementedError):
        _sql.lit(1.5)
    with pytest.raises(TypeError, match="truth value"):
        bool(_sql.col("a") > 1)
