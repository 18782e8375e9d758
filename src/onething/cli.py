"""The ``onething`` command: Django's manage.py for operators.

onething migrate
onething org load           # regions, departments, halls
onething catalog load       # data elements, service items, one-things
onething demo load          # demo applicants, enterprises and staff
onething token create --department 321183:health --name 卫健业务系统
onething serve              # web server and background worker together
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onething.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["onething", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
