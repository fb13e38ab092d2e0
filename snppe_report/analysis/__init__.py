"""Analysis (pure, pandas at most): statuses, per-indicator series, checks, history.

Offers :func:`indicator_table` (one row per indicator with its three judgements: statut,
tendance, position nationale), :func:`status_counts`, :func:`late_items`,
:func:`compute_status`, :func:`check_extraction` (completeness and consistency
findings), :func:`merge_extractions` (several campaigns of one collectivité) and
:func:`positioning` (a collectivité among the others, over :func:`ratio_values`).
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "indicators": [
            "indicator_table",
            "indicator_groups",
            "status_counts",
            "late_items",
            "check_campaign_year",
        ],
        "status": ["STATUTS", "Status", "compute_status", "rules"],
        "checks": ["check_extraction", "findings_frame", "format_findings"],
        "history": ["merge_extractions"],
        "peers": ["ratio_values", "positioning"],
    },
)
