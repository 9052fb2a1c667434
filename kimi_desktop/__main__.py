"""``python -m kimi_desktop`` runs the app."""

import sys

from kimi_desktop.app import main

sys.exit(main())
