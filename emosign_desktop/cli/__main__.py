"""``python -m emosign_desktop.cli`` runs the command line."""

import sys

from emosign_desktop.cli.entry import main

sys.exit(main())
