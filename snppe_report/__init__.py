"""snppe-report: rapports annuels SNPPE à partir des tableaux de bord des collectivités.

The package is laid out by stage, data flowing one way (see ``docs/architecture.md``):
:mod:`.read` (workbook -> tidy table), :mod:`.analysis` (statuses, checks),
:mod:`.report` (the report and its HTML/PDF), :mod:`.annotate` (the workbook sent
back with its findings on their cells), :mod:`.synthesis` (the national
synthesis), :mod:`.batch` (many workbooks), :mod:`.demo` (fictive workbooks).
The few entry points below are imported on first use, so ``import snppe_report`` is fast.
"""

import lazy_loader

__version__ = "0.1.0"

__getattr__, __dir__, _lazy = lazy_loader.attach(
    __name__,
    submodules=["read", "analysis", "report", "annotate", "synthesis", "batch", "demo"],
    submod_attrs={
        "exceptions": ["SnppeError"],
        "read": ["extract"],
        "analysis": ["check_extraction", "indicator_table"],
        "report": ["render_report"],
        "annotate": ["write_annotated"],
        "batch": ["run_batch"],
        "demo": ["write_demo_workbooks"],
    },
)
__all__ = ["__version__", *_lazy]
