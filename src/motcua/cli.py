"""The `motcua` console script: the platform's management commands under one name.

`motcua demo`, `serve`, `worker`, `migrate`, `seed-demo`, `import-procedures FILE`, `verify-audit`,
`create-token`, `bench`, `export-openapi`, and every other Django management command
(`motcua help` lists them). Dashes and underscores are interchangeable in command names.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua", *args])


if __name__ == "__main__":
    main()
