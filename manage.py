#!/usr/bin/env python
"""Django's command-line utility: migrations, ``score_repo``, other one-off admin processes."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["score_repo"]:
        # Scoring a directory needs no settings, apps or database: skipping django.setup()
        # is most of the command's start-up time (bench/README.md, "empty repository").
        from scorecards.cli import main as score_repo

        raise SystemExit(score_repo(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
