"""The documentation site is complete: every public name is in the API reference, and the
nav lists every page.

The public API is what ``__all__`` exports in ``fostering_hub/__init__.py`` and in the
``__init__.py`` of each public subpackage (a folder under ``src/fostering_hub`` whose name
does not start with ``_``), plus any public module inside them (``fostering_hub.kpi.plot``).
A name is documented when a page under ``docs/reference/`` renders it with mkdocstrings:
``::: package.name``, or ``::: package`` with the name in its ``members:`` option. A public
module is documented by its own ``::: package.module``.

Everything is read from the source and the Markdown (``__all__`` with ``ast``, no import),
so nothing is built and no network is needed; ``mkdocs build --strict`` (``make docs``)
checks that the pages render. One test resolves each ``:::`` identifier with griffe (which
the ``docs`` extra brings) and is skipped without it.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PACKAGE = SRC / "fostering_hub"
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"
MKDOCS_YML = ROOT / "mkdocs.yml"

_DIRECTIVE = re.compile(r"^:::\s+(?P<identifier>[\w.]+)\s*$")


def _exports(init: Path) -> list[str]:
    """The names in ``__all__`` of ``init`` (a literal list or tuple of strings)."""
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert all(isinstance(name, str) for name in value)
            return list(value)
    raise AssertionError(f"{init.relative_to(ROOT)} has no literal __all__")


def _public_packages() -> dict[str, Path]:
    """Dotted name -> ``__init__.py`` of the top package and each public subpackage."""
    packages = {"fostering_hub": PACKAGE / "__init__.py"}
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        if not init.parent.name.startswith("_"):
            packages[f"fostering_hub.{init.parent.name}"] = init
    return packages


def _public_modules() -> list[str]:
    """Public modules inside the public subpackages (not ``__init__``, not ``_private``)."""
    return [
        f"fostering_hub.{module.parent.name}.{module.stem}"
        for module in sorted(PACKAGE.glob("*/*.py"))
        if not module.parent.name.startswith("_")
        and not module.stem.startswith("_")
        and module.stem != "__main__"
    ]


@functools.cache
def _directives() -> dict[str, list[str] | None]:
    """Every ``:::`` identifier in docs/reference/ -> its ``members:`` list (None if unset).

    Options are the indented lines under the directive (YAML); ``members`` may be written
    inline (``[a, b]``), as a block list (``- a``) or as ``false``/``true``.
    """
    found: dict[str, list[str] | None] = {}
    for page in sorted(REFERENCE.glob("*.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            match = _DIRECTIVE.match(line)
            if match is None:
                continue
            options = []
            for option in lines[index + 1 :]:
                if option.strip() and not option.startswith("    "):
                    break
                options.append(option)
            found[match["identifier"]] = _members(options)
    return found


def _members(options: list[str]) -> list[str] | None:
    for index, line in enumerate(options):
        key, _, value = line.strip().partition(":")
        if key != "members":
            continue
        value = value.strip()
        if value.startswith("["):
            return [name.strip() for name in value.strip("[]").split(",") if name.strip()]
        if value in {"false", "False"}:
            return []
        if value in {"true", "True"}:
            return None
        items = []
        for item in options[index + 1 :]:
            if not item.strip().startswith("- "):
                break
            items.append(item.strip()[2:].strip())
        return items
    return None


def _nav_pages() -> list[str]:
    """The Markdown files the nav of mkdocs.yml names, in order."""
    text = MKDOCS_YML.read_text(encoding="utf-8")
    nav = re.search(r"^nav:\n((?:[ \t]+.*\n|\n)*)", text, flags=re.MULTILINE)
    assert nav is not None, "mkdocs.yml has no nav"
    return re.findall(r"([\w./-]+\.md)\s*$", nav.group(1), flags=re.MULTILINE)


def _excluded() -> list[str]:
    """Folder prefixes in mkdocs.yml's ``exclude_docs`` (only ``folder/`` lines are used)."""
    text = MKDOCS_YML.read_text(encoding="utf-8")
    block = re.search(r"^exclude_docs: \|\n((?:[ \t]+.*\n)*)", text, flags=re.MULTILINE)
    patterns = [line.strip() for line in block.group(1).splitlines()] if block else []
    assert all(p.endswith("/") and "*" not in p for p in patterns), (
        "this test understands only 'folder/' lines in exclude_docs; extend it"
    )
    return patterns


PUBLIC = [
    (package, name) for package, init in _public_packages().items() for name in _exports(init)
]


def test_the_public_api_is_found() -> None:
    packages = _public_packages()
    expected = {"models", "config", "allocation", "sla", "kpi", "gdpr", "validation"}
    assert {p.rsplit(".", 1)[-1] for p in packages} >= expected | {"fostering_hub"}
    assert len(PUBLIC) > 250


@pytest.mark.parametrize(("package", "name"), PUBLIC, ids=[f"{p}.{n}" for p, n in PUBLIC])
def test_every_public_name_is_in_the_api_reference(package: str, name: str) -> None:
    directives = _directives()
    members = directives.get(package)
    documented = f"{package}.{name}" in directives or (members is not None and name in members)
    assert documented, (
        f"{package}.{name} is exported in __all__ but not in docs/reference/: "
        f"add '::: {package}.{name}' to the package's page"
    )


@pytest.mark.parametrize("module", _public_modules())
def test_every_public_module_is_in_the_api_reference(module: str) -> None:
    assert module in _directives(), f"add '::: {module}' to docs/reference/"


def test_every_public_package_has_a_reference_page_in_the_nav() -> None:
    nav = _nav_pages()
    directives = _directives()
    for package in _public_packages():
        assert package in directives, f"add a page with '::: {package}' to docs/reference/"
    for page in REFERENCE.glob("*.md"):
        assert f"reference/{page.name}" in nav


def test_the_api_reference_documents_nothing_private_or_unexported() -> None:
    exported = {f"{package}.{name}" for package, name in PUBLIC}
    allowed = exported | set(_public_packages()) | set(_public_modules())
    extra = sorted(set(_directives()) - allowed)
    assert not extra, f"not in any __all__ (export them, or drop them from the docs): {extra}"


def test_every_api_reference_identifier_resolves() -> None:
    griffe = pytest.importorskip("griffe", reason="griffe comes with the docs extra")
    package = griffe.load("fostering_hub", search_paths=[str(SRC)], resolve_aliases=False)
    missing = []
    for identifier in _directives():
        parts = identifier.split(".")[1:]
        obj = package
        try:
            for part in parts:
                obj = obj.members[part]
        except KeyError:
            missing.append(identifier)
    assert not missing, f"mkdocstrings cannot find: {missing}"


def test_the_nav_lists_every_page_and_only_pages_that_exist() -> None:
    nav = _nav_pages()
    excluded = _excluded()
    pages = sorted(
        str(page.relative_to(DOCS))
        for page in DOCS.rglob("*.md")
        if not any(str(page.relative_to(DOCS)).startswith(prefix) for prefix in excluded)
    )
    assert len(nav) == len(set(nav)), "a page is listed twice in the nav"
    assert sorted(nav) == pages, (
        f"missing from the nav: {sorted(set(pages) - set(nav))}; "
        f"in the nav but not in docs/: {sorted(set(nav) - set(pages))}"
    )
