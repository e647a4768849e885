"""A lesson in a real Jupyter kernel, displayed as a reader's notebook displays it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import faders


def displayed(code: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The rich output (mime type -> data) of one notebook cell: Panel's extension loaded, then
    `code`, whose last expression is what the notebook displays."""
    import nbclient
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import panel as pn\npn.extension()\n" + code)])
    monkeypatch.setenv("PYTHONPATH", str(Path(faders.__file__).parents[1]))
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    rendered = [o for o in outputs if o.get("output_type") == "execute_result"]
    assert rendered, outputs
    return rendered[0]["data"]
