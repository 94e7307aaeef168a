"""DuckDB SQL text from the subset of narwhals' expression API the timestamp stages use.

:func:`._prepare.prepare_timestamps` builds its stages (see ``_prepare``) with ``col``,
``lit`` and ``when`` from a namespace it is given: narwhals, or this module, whose
expressions write what narwhals' DuckDB backend writes for the same calls (the same
functions, casts and ``CASE``), with only the parentheses the operators' precedence
needs. :func:`select_stages` then runs each stage as one ``select`` of SQL text on the
relation. The figures are the same; building the query costs about half as much:
narwhals does not translate some thousand expressions, and DuckDB reads one select list
per stage instead of an expression object per column (DuckDB's parser takes time by the
token, so fewer parentheses also make the query quicker to bind and plan when it runs).
Not ``DuckDBPyRelation.query`` with the whole chain as one statement: that parses and
binds its text several times, which costs more than the stages.

Only what the stages use is here (arithmetic and comparisons, ``when``, casts to Int64
and naive microsecond datetimes, a few string and datetime methods); anything else
raises ``NotImplementedError``. A test reads every form of timestamp text both ways.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


#: How tightly each operator binds (SQL's precedence, as DuckDB parses it); an operand
#: is put in parentheses only where the text would otherwise read as another tree. The
#: parser's time goes by tokens, and parentheses were a third of them.
_BINDING = {"OR": 1, "AND": 2, "=": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4}
_BINDING |= {"+": 5, "-": 5, "*": 6, "/": 6}
_NOT = 3
_ATOM = 9  # a name, a literal, a function call, CAST(...), CASE ... END
_COMPARISON = 4


class Expr:
    """An SQL expression and how tightly its text binds."""

    __slots__ = ("binding", "sql")
    __hash__ = None  # type: ignore[assignment]  # `==` builds an expression

    def __init__(self, sql: str, binding: int = _ATOM) -> None:
        self.sql = sql
        self.binding = binding

    def __repr__(self) -> str:
        return f"Expr({self.sql!r})"

    def __bool__(self) -> bool:
        raise TypeError("an SQL expression has no truth value: use & | ~, not and or not")

    def _binary(self, operator: str, other: object, *, swapped: bool = False) -> Expr:
        left, right = (lit(other), self) if swapped else (self, lit(other))
        binding = _BINDING[operator]
        # Left-associative: an operand of the same binding keeps its parentheses on the
        # right (a - (b - c)), and on both sides of a comparison, which does not chain.
        plain_left = left.binding > binding or (left.binding == binding and binding != _COMPARISON)
        written_left = left.sql if plain_left else f"({left.sql})"
        written_right = right.sql if right.binding > binding else f"({right.sql})"
        return Expr(f"{written_left} {operator} {written_right}", binding)

    def __add__(self, other: object) -> Expr:
        return self._binary("+", other)

    def __radd__(self, other: object) -> Expr:
        return self._binary("+", other, swapped=True)

    def __sub__(self, other: object) -> Expr:
        return self._binary("-", other)

    def __rsub__(self, other: object) -> Expr:
        return self._binary("-", other, swapped=True)

    def __mul__(self, other: object) -> Expr:
        return self._binary("*", other)

    def __rmul__(self, other: object) -> Expr:
        return self._binary("*", other, swapped=True)

    def __truediv__(self, other: object) -> Expr:
        # DuckDB's `/` divides as doubles, as narwhals' `/` does there.
        return self._binary("/", other)

    def __eq__(self, other: object) -> Expr:  # type: ignore[override]
        return self._binary("=", other)

    def __ne__(self, other: object) -> Expr:  # type: ignore[override]
        return self._binary("!=", other)

    def __lt__(self, other: object) -> Expr:
        return self._binary("<", other)

    def __le__(self, other: object) -> Expr:
        return self._binary("<=", other)

    def __gt__(self, other: object) -> Expr:
        return self._binary(">", other)

    def __ge__(self, other: object) -> Expr:
        return self._binary(">=", other)

    def __and__(self, other: object) -> Expr:
        return self._binary("AND", other)

    def __or__(self, other: object) -> Expr:
        return self._binary("OR", other)

    def __invert__(self) -> Expr:
        operand = self.sql if self.binding == _ATOM else f"({self.sql})"
        return Expr(f"NOT {operand}", _NOT)

    def floor(self) -> Expr:
        return Expr(f"floor({self.sql})")

    def cast(self, dtype: Any) -> Expr:
        return Expr(f"CAST({self.sql} AS {_sql_type(dtype)})")

    def fill_null(self, value: object) -> Expr:
        return Expr(f"COALESCE({self.sql}, {lit(value).sql})")

    def is_in(self, values: Iterable[object]) -> Expr:
        listed = ", ".join(lit(v).sql for v in values)
        return Expr(f"contains([{listed}], {self.sql})")

    @property
    def str(self) -> _Text:
        return _Text(self)

    @property
    def dt(self) -> _Temporal:
        return _Temporal(self)


class _Text:
    __slots__ = ("_of",)

    def __init__(self, of: Expr) -> None:
        self._of = of

    def slice(self, offset: int, length: int | None = None) -> Expr:
        text = self._of.sql
        if offset >= 0 and length is not None:
            return Expr(f"substr({text}, {offset + 1}, {length})")
        if offset < 0 and length is None:
            first = f"greatest(1, length({text}) + {offset + 1})"
            return Expr(f"substr({text}, {first}, length({text}))")
        raise NotImplementedError(f"str.slice({offset}, {length})")

    def starts_with(self, prefix: str) -> Expr:
        return Expr(f"starts_with({self._of.sql}, {lit(prefix).sql})")

    def ends_with(self, suffix: str) -> Expr:
        return Expr(f"ends_with({self._of.sql}, {lit(suffix).sql})")


class _Temporal:
    __slots__ = ("_of",)

    def __init__(self, of: Expr) -> None:
        self._of = of

    def year(self) -> Expr:
        return Expr(f'"year"({self._of.sql})')

    def month(self) -> Expr:
        return Expr(f'"month"({self._of.sql})')

    def day(self) -> Expr:
        return Expr(f'"day"({self._of.sql})')

    def total_microseconds(self) -> Expr:
        return Expr(f"epoch_us({self._of.sql})")


def _sql_type(dtype: Any) -> str:
    import narwhals as nw

    if dtype == nw.Int64:
        return "BIGINT"
    if isinstance(dtype, nw.Datetime) and dtype.time_zone is None and dtype.time_unit == "us":
        return "TIMESTAMP"
    raise NotImplementedError(f"cast to {dtype}")


def col(name: str) -> Expr:
    return Expr(_quote(name))


def lit(value: object, dtype: Any = None) -> Expr:
    """A literal (an expression is passed through), cast to ``dtype`` if given."""
    if isinstance(value, Expr):
        return value if dtype is None else value.cast(dtype)
    if isinstance(value, int) and not isinstance(value, bool):
        written = str(value)
    elif isinstance(value, str):
        written = "'" + value.replace("'", "''") + "'"
    elif isinstance(value, dt.datetime) and value.tzinfo is None:
        written = f"'{value.isoformat(' ')}'::TIMESTAMP"
    else:
        raise NotImplementedError(f"literal {value!r}")
    return Expr(written) if dtype is None else Expr(written).cast(dtype)


class _Case(Expr):
    """``when(...).then(...)``, which may go on with ``.when`` or end with ``.otherwise``;
    without ``otherwise`` the value is null elsewhere."""

    __slots__ = ("_branches",)

    def __init__(self, branches: tuple[tuple[Expr, Expr], ...]) -> None:
        self._branches = branches
        super().__init__(self._written(None))

    def _written(self, otherwise: str | None) -> str:
        cases = " ".join(f"WHEN {c.sql} THEN {v.sql}" for c, v in self._branches)
        default = "" if otherwise is None else f" ELSE {otherwise}"
        return f"CASE {cases}{default} END"

    def when(self, condition: Expr) -> _When:
        return _When(condition, self._branches)

    def otherwise(self, value: object) -> Expr:
        return Expr(self._written(lit(value).sql))


class _When:
    __slots__ = ("_branches", "_condition")

    def __init__(self, condition: Expr, branches: tuple[tuple[Expr, Expr], ...] = ()) -> None:
        self._condition = condition
        self._branches = branches

    def then(self, value: object) -> _Case:
        return _Case((*self._branches, (self._condition, lit(value))))


def when(condition: Expr) -> _When:
    return _When(condition)


def select_stages(
    relation: Any,
    keep: Sequence[str],
    stages: Sequence[Mapping[str, Expr | None]],
) -> Any:
    """``relation`` (a DuckDB relation) through ``stages``, each a ``select`` of the
    ``keep`` columns and the stage's columns (``None``: passed on by name), given to
    DuckDB as one select list of SQL text."""
    kept = [_quote(k) for k in keep]
    for stage in stages:
        items = kept + [
            _quote(column) if expr is None else f"{expr.sql} AS {_quote(column)}"
            for column, expr in stage.items()
        ]
        relation = relation.select(", ".join(items))
    return relation
