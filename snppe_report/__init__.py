"""snppe-report: rapports annuels SNPPE à partir des tableaux de bord des collectivités."""

__version__ = "0.1.0"
