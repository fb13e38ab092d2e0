"""``python -m snppe_report.cli``: the ``snppe`` command."""

import sys

from snppe_report.cli import main

sys.exit(main())
