"""``python -m snppe_report.cli``: the ``snppe`` command."""

from snppe_report.cli import run

run()
