"""The batch: every workbook of a folder -> reports, manifest, index, synthesis, data.

Offers :func:`run_batch` and :func:`find_workbooks`; jobs run on this machine or on an
existing Dask cluster (:mod:`.runners`), each worker keeping a warm kernel (:mod:`.kernels`).
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={"run": ["BatchResult", "run_batch", "find_workbooks"]},
)
