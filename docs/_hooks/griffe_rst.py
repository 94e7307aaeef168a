"""Griffe extension for the API reference: render the code's reST-flavoured docstrings.

The docstrings are prose with Sphinx roles (:class:`HubConfig`, :func:`~pkg.name`) and
doctest examples (``>>>``). Markdown knows neither: a doctest line would become a block
quote and ``[...]`` output a broken link. This extension, run by mkdocstrings while it
loads the package, rewrites each docstring before it is parsed:

- a run of doctest lines (``>>>`` up to the next blank line) becomes a ``pycon`` code block;
- a Sphinx role becomes an optional cross-reference to the object it names, resolved in
  the docstring's own scope (``~`` shows the last part of the name only). A target that
  cannot be resolved, or is not rendered anywhere, stays as plain code: never a warning.

Only the rendered documentation changes; the source is untouched.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|attr|data|mod|exc|obj|const):`(~?)([^`<>]+)`")


def _target(obj: griffe.Object, name: str) -> str | None:
    """The full path ``name`` refers to in ``obj``'s scope, or None."""
    name = name.strip().rstrip("()")
    head, _, rest = name.partition(".")
    scope: griffe.Object | None = obj
    while scope is not None:
        try:
            path = scope.resolve(head)
        except Exception:  # any failure means "not resolvable here"
            scope = scope.parent
            continue
        return f"{path}.{rest}" if rest else path
    try:
        return obj.modules_collection[name].path
    except Exception:
        return None


def _roles(text: str, obj: griffe.Object) -> str:
    def replace(match: re.Match[str]) -> str:
        short, name = match.group(1), match.group(2).strip()
        shown = name.rsplit(".", 1)[-1] if short else name
        target = _target(obj, name)
        if target is None:
            return f"`{shown}`"
        return f'<autoref identifier="{escape(target)}" optional>`{shown}`</autoref>'

    return _ROLE.sub(replace, text)


def _doctests(text: str) -> str:
    out: list[str] = []
    in_block = in_fence = False
    indent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if not in_block and stripped.startswith("```"):
            in_fence = not in_fence  # an existing code block (or a second run): leave it
        elif not in_block and not in_fence and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.extend(["", f"{indent}```pycon"])
            in_block = True
        elif in_block and not stripped:
            out.extend([f"{indent}```", ""])
            in_block = False
            continue
        out.append(line)
    if in_block:
        out.append(f"{indent}```")
    return "\n".join(out)


def _convert(text: str, obj: griffe.Object) -> str:
    # Roles inside doctest blocks are left alone; they are code there.
    parts = re.split(r"(```pycon\n.*?```)", _doctests(text), flags=re.DOTALL)
    return "".join(p if p.startswith("```pycon") else _roles(p, obj) for p in parts)


class ReSTDocstrings(griffe.Extension):
    """Turn doctests into code blocks and Sphinx roles into cross-references."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _convert(obj.docstring.value, obj)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        # on_object runs for every member, not for the package itself.
        if pkg.docstring is not None:
            pkg.docstring.value = _convert(pkg.docstring.value, pkg)
