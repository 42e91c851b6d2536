"""The zh/en catalogue: every entry has both languages, lookups fall back to the key."""

from __future__ import annotations

from meili.i18n import LANGS, both, catalogue, header, text


def test_every_entry_has_both_languages() -> None:
    for section, entries in catalogue().items():
        for key, entry in entries.items():
            assert set(entry) == set(LANGS), (section, key)
            assert all(isinstance(entry[lang], str) and entry[lang] for lang in LANGS)


def test_words_and_fallback() -> None:
    assert text("verdicts", "met") == "达标"
    assert text("verdicts", "met", "en") == "met"
    assert both("tiers", "city") == "城市（city）"
    assert header("site_code", "zh") == "站点编码"
    assert header("no_such_column") == "no_such_column"
