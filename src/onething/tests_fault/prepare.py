"""Set up a fault-test database: migrate, load the catalog and demo data, issue tokens.

Run in a subprocess (``python -m onething.tests_fault.prepare``) with the site's environment;
prints one JSON line: the applicant's and the coordinator's API tokens and a valid 新生儿出生
submission body (the same generator as ``bench/submit_bench.py`` and the demo cases). Every
department gets a ``task.released`` subscription; tests point them at their receiver.
"""

from __future__ import annotations

import base64
import json

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from onething.accounts.demo import load_demo
    from onething.accounts.models import User
    from onething.accounts.services import token_issue
    from onething.cases.demo import submission
    from onething.catalog.guide import compute_guide
    from onething.catalog.loader import load_catalog
    from onething.catalog.selectors import version_current
    from onething.org.loader import load_org
    from onething.org.models import Department
    from onething.webhooks.services import subscription_create

    load_org()
    load_catalog()
    load_demo()
    _, applicant = token_issue(user=User.objects.get(username="zhangsan"), name="fault")
    _, coordinator = token_issue(user=User.objects.get(username="coord"), name="fault")
    for department in Department.objects.all():
        subscription_create(
            department=department, url="http://127.0.0.1:9/unset", events=["task.released"]
        )
    version = version_current("JS-2022-07")
    payload = submission(compute_guide(version.snapshot), "JS-2022-07")
    body = {
        "one_thing": "JS-2022-07",
        "form": payload.form,
        "files": [
            {
                "material": u.material,
                "filename": u.filename,
                "content_base64": base64.b64encode(u.data).decode(),
            }
            for u in payload.uploads
        ],
    }
    print(json.dumps({"applicant": applicant, "coordinator": coordinator, "body": body}))


if __name__ == "__main__":
    main()
