"""Where the notebooks and the nbconvert template are, installed or not.

In the repository they sit at the top, beside the package (``notebooks/``,
``templates/``), where JupyterLab users find them. A wheel installs them inside the
package (``snppe_report/notebooks``, ``snppe_report/templates``: see
``[tool.setuptools.package-dir]`` in pyproject.toml). The installed copy wins when
it exists; an editable install or a clone finds the repository's folders.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["HIDDEN_TAGS", "NOTEBOOKS", "TEMPLATES"]

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


#: Folder of the report and synthesis notebooks.
NOTEBOOKS = _locate("notebooks")
#: Folder holding the nbconvert template ``snppe``.
TEMPLATES = _locate("templates")
#: Cells of the notebooks with one of these tags stay in the notebook but not in the
#: reports (HTML and PDF exporters alike).
HIDDEN_TAGS = ("masquer",)
