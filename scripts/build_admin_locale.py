"""Build the project's Vietnamese catalogues for the Wagtail admin.

Wagtail ships only a few hundred Vietnamese strings, so most of the admin a
commune editor meets would stay English. ``locale/vi/LC_MESSAGES`` (listed in
``settings.LOCALE_PATHS``, which wins over every app's catalogue) holds the
admin strings in Vietnamese.

    .venv/bin/python scripts/build_admin_locale.py          # merge + compile
    .venv/bin/python scripts/build_admin_locale.py --todo   # list untranslated

Merging keeps, for every msgid of Wagtail's and wagtail-localize's English
catalogues: the translation already in ``locale/vi`` first, then the one in
``cms/locale/vi`` (project wording), then the one Wagtail ships. Untranslated
entries stay with ``msgstr ""`` (Django then falls back to the apps'
catalogues, i.e. English). ``--apply FILE`` merges a worklist of
``<number>\\t<translation>`` lines (numbers from ``--todo``) into the
catalogue. The .mo files are written with polib, so neither building nor
running the tests needs gettext.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "locale" / "vi" / "LC_MESSAGES"

# Packages in the order a commune editor meets them; the first catalogue
# naming a msgid decides where it appears in the output.
APPS = [
    "wagtail/admin",
    "wagtail",
    "wagtail/images",
    "wagtail/documents",
    "wagtail/snippets",
    "wagtail/users",
    "wagtail_localize",
    "wagtail_localize/locales",
    "wagtail/locales",
    "wagtail/contrib/settings",
    "wagtail/contrib/forms",
    "wagtail/contrib/simple_translation",
    "wagtail/contrib/redirects",
    "wagtail/sites",
    "wagtail/search",
    "wagtail/embeds",
    "wagtail/contrib/table_block",
    "wagtail/contrib/typed_table_block",
    "taggit",
]
DOMAINS = ["django", "djangojs"]

HEADER = {
    "Project-Id-Version": "TTCS admin (Wagtail 8.0)",
    "PO-Revision-Date": "2025-01-01 00:00+0700",
    "Last-Translator": "TTCS <ttcs@localhost>",
    "Language-Team": "Vietnamese",
    "Language": "vi",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def site_packages() -> Path:
    import wagtail

    return Path(wagtail.__file__).resolve().parent.parent


def catalogue(app: str, lang: str, domain: str) -> polib.POFile | None:
    path = site_packages() / app / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
    return polib.pofile(str(path)) if path.exists() else None


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


# Django's own strings the admin shows that Django's Vietnamese catalogue
# lacks: the relative times ("5 phút trước"; Django 5 renamed "%d minute"
# to "%(num)d minute", and vi was not updated). Added to the django domain.
DJANGO_EXTRA = [
    ("%(num)d year", "%(num)d years", "%(num)d năm"),
    ("%(num)d month", "%(num)d months", "%(num)d tháng"),
    ("%(num)d week", "%(num)d weeks", "%(num)d tuần"),
    ("%(num)d day", "%(num)d days", "%(num)d ngày"),
    ("%(num)d hour", "%(num)d hours", "%(num)d giờ"),
    ("%(num)d minute", "%(num)d minutes", "%(num)d phút"),
]


def merge(domain: str) -> polib.POFile:
    out_path = OUT_DIR / f"{domain}.po"
    known: dict[tuple[str | None, str], polib.POEntry] = {}
    sources: list[polib.POFile] = []
    if out_path.exists():
        sources.append(polib.pofile(str(out_path)))
    cms = BASE_DIR / "cms" / "locale" / "vi" / "LC_MESSAGES" / f"{domain}.po"
    if cms.exists():
        sources.append(polib.pofile(str(cms)))
    sources += [c for app in APPS if (c := catalogue(app, "vi", domain))]
    for po in sources:
        for entry in po:
            if translated(entry) and key(entry) not in known:
                known[key(entry)] = entry

    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(HEADER)
    seen: set[tuple[str | None, str]] = set()
    for app in APPS:
        english = catalogue(app, "en", domain)
        if english is None:
            continue
        for source in english:
            if source.obsolete or not source.msgid or key(source) in seen:
                continue
            seen.add(key(source))
            entry = polib.POEntry(
                msgid=source.msgid,
                msgctxt=source.msgctxt,
                msgid_plural=source.msgid_plural,
                flags=[f for f in source.flags if f != "fuzzy"],
                comment=app,
            )
            if entry.msgid_plural:
                entry.msgstr_plural = {0: ""}
            old = known.get(key(source))
            if old is not None:
                if entry.msgid_plural:
                    plural = old.msgstr_plural or {}
                    entry.msgstr_plural = {0: plural.get(0) or old.msgstr or ""}
                else:
                    entry.msgstr = old.msgstr or (old.msgstr_plural or {}).get(0, "")
            po.append(entry)
    # Django strings added to this catalogue by hand earlier (comment
    # "django…"): kept, as they are in no app's English catalogue above.
    if out_path.exists():
        for old in polib.pofile(str(out_path)):
            if (
                not old.obsolete
                and key(old) not in seen
                and (old.comment or "").startswith("django")
            ):
                seen.add(key(old))
                po.append(old)
    if domain == "django":
        for msgid, plural, text in DJANGO_EXTRA:
            if (None, msgid) not in seen:
                po.append(
                    polib.POEntry(
                        msgid=msgid,
                        msgid_plural=plural,
                        msgstr_plural={0: text},
                        flags=["python-format"],
                        comment="django",
                    )
                )
    return po


def apply_worklist(po: polib.POFile, path: Path) -> int:
    entries = list(po)
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        number, _, text = line.partition("\t")
        entry = entries[int(number)]
        text = text.replace("\\n", "\n")
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", choices=DOMAINS, action="append")
    parser.add_argument("--todo", action="store_true", help="list untranslated entries")
    parser.add_argument("--apply", type=Path, help="worklist of number<TAB>translation")
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    # A worklist's numbers belong to one catalogue (django unless named).
    domains = args.domain or (["django"] if args.apply else DOMAINS)
    for domain in domains:
        po = merge(domain)
        if args.apply:
            applied = apply_worklist(po, args.apply)
            print(f"{domain}: applied {applied}", file=sys.stderr)
        if args.todo:
            for number, entry in enumerate(po):
                if not translated(entry):
                    ctx = f" [ctx={entry.msgctxt}]" if entry.msgctxt else ""
                    plural = " [plural]" if entry.msgid_plural else ""
                    msgid = entry.msgid.replace("\n", "\\n")
                    print(f"{number}\t{entry.comment}{ctx}{plural}\t{msgid}")
            continue
        po.save(str(OUT_DIR / f"{domain}.po"))
        po.save_as_mofile(str(OUT_DIR / f"{domain}.mo"))
        done = sum(1 for e in po if translated(e))
        print(f"{domain}: {done} of {len(po)} entries translated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
