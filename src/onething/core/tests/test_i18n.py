from pathlib import Path

import polib
from django.conf import settings

from onething.core.management.commands.i18n import compile_catalogs


def test_every_english_string_is_translated():
    po = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "en/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in po if e.msgid and not e.translated()]
    assert missing == [], f"untranslated: {missing[:5]}"
    assert not po.fuzzy_entries()


def test_catalogs_compile_without_gettext(tmp_path):
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    source = Path(settings.LOCALE_PATHS[0]) / "en/LC_MESSAGES/django.po"
    (target / "django.po").write_bytes(source.read_bytes())
    written = compile_catalogs([tmp_path])
    assert written == [target / "django.mo"]
    assert polib.mofile(str(written[0])).find("一件事，一次办").msgstr == "Do it once"
