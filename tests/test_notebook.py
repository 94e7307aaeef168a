"""examples/analyst_notebook.ipynb runs from top to bottom and is committed clean.

The notebook runs in a fresh ipykernel on this test's own interpreter (``sys.executable``),
whatever kernelspecs are installed elsewhere: the dev extra's ipykernel, in the venv that
``make test`` made.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path
from typing import Any

import nbformat
import pytest
from traitlets import default

with warnings.catch_warnings():
    # jupyter_core 5.0 to 5.8 warn on import that Jupyter "is migrating its paths to use
    # standard platformdirs" (a DeprecationWarning; 5.9 dropped the warning and the plan).
    # Only that warning is ignored, only here; the default paths are kept.
    warnings.filterwarnings(
        "ignore", message="Jupyter is migrating its paths", category=DeprecationWarning
    )
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "analyst_notebook.ipynb"
TIMEOUT = 120  # seconds per cell; the whole notebook takes well under 20 s


class _ThisInterpreterSpecs(KernelSpecManager):
    """Only ``python3``: ipykernel on ``sys.executable`` (not a ``python3`` kernelspec
    found in ~/.local/share/jupyter or /usr/share/jupyter, which may be another Python)."""

    def get_kernel_spec(self, kernel_name: str) -> Any:
        if kernel_name != "python3":
            raise NoSuchKernel(kernel_name)
        from ipykernel.kernelspec import RESOURCES, get_kernel_dict

        return self.kernel_spec_class(resource_dir=RESOURCES, **get_kernel_dict())


class _ThisInterpreterKernel(AsyncKernelManager):
    @default("kernel_spec_manager")
    def _default_kernel_spec_manager(self) -> KernelSpecManager:
        return _ThisInterpreterSpecs(parent=self)


def _outputs(notebook: Any, output_type: str) -> list[Any]:
    return [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == output_type
    ]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The notebook's working folder, and its temporary folder (``TMPDIR``)."""
    return tmp_path_factory.mktemp("notebook")


@pytest.fixture(scope="module")
def executed(work: Path) -> Any:
    """The notebook, executed on its own synthetic table."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name="python3",
        kernel_manager_class=_ThisInterpreterKernel,
        resources={"metadata": {"path": str(work)}},
    )
    with pytest.MonkeyPatch.context() as patch:  # the kernel inherits the environment
        patch.delenv("FOSTERING_HUB_JOURNEYS", raising=False)
        patch.setenv("TMPDIR", str(work))
        client.execute()  # raises CellExecutionError if a cell fails
    return notebook


def test_kernel_is_this_interpreter() -> None:
    spec = _ThisInterpreterKernel(kernel_name="python3").kernel_spec
    assert spec is not None
    assert spec.argv[0] == sys.executable


def test_notebook_runs(executed: Any) -> None:
    assert _outputs(executed, "error") == []
    text = "".join(o.text for o in _outputs(executed, "stream") if o.name == "stdout")
    assert "pandas and polars agree: " in text
    assert "DuckDB agrees too" in text  # duckdb is in the dev extra
    assert "cohort_application_rate: a rate in share, period by enquired_at" in text
    # No Python warning reached the analyst (ipykernel's own log lines may, e.g. that it
    # runs over TCP without encryption: not the notebook's doing).
    stderr = "".join(o.text for o in _outputs(executed, "stream") if o.name == "stderr")
    assert not re.search(r"\w+Warning: ", stderr), stderr
    # The long table, the wide one, and one inline PNG per chart (funnel, trend).
    results = _outputs(executed, "execute_result")
    assert sum("text/html" in o.data for o in results) >= 3
    images = [o for o in _outputs(executed, "display_data") if "image/png" in o.data]
    assert len(images) == 2


def test_synthetic_table_written_in_temporary_folder(executed: Any, work: Path) -> None:
    del executed
    tables = list(work.glob("fostering-hub-*/journeys.csv"))
    assert len(tables) == 1
    assert len(tables[0].read_text(encoding="utf-8").splitlines()) == 1 + 1500


def test_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None
