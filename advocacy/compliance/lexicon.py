"""First and last names people carry, read once from the Faker package's per-locale name lists.

Faker (MIT licence) ships, for each locale, the names its maintainers took from public sources such
as the US Census Bureau and Social Security name frequency tables; we read the Latin-script lists of
the languages our hospitals' patients speak most. Nothing is downloaded: the lists are Python tuples
inside the installed package. See docs/compliance.md for why this package and its figures.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

LOCALES = (
    "en", "en_US", "en_GB", "en_IE", "en_IN", "en_KE", "en_NG", "en_NZ", "en_PK", "es_ES", "es_MX",
    "es_AR", "es_CO", "es_CL", "fr_FR", "de_DE", "it_IT", "pl_PL", "pt_BR", "nl_NL", "sv_SE", "tr_TR",
    "vi_VN", "id_ID", "yo_NG", "ig_NG", "ha_NG", "tw_GH", "zu_ZA", "sw", "cs_CZ", "hu_HU", "ro_RO",
)
FIRST_ATTRIBUTES = (
    "first_names", "first_names_male", "first_names_female", "first_names_nonbinary",
    "first_names_unisex", "first_romanized_names", "middle_names",
)
LAST_ATTRIBUTES = (
    "last_names", "last_names_male", "last_names_female", "last_romanized_names", "male_last_names",
    "unisex_last_names",  # Polish: the female forms (-ska) are derived from the male ones (-ski)
)
ROMANIZED_LOCALES = ("ja_JP", "zh_CN")  # only their romanized lists are Latin script
STROKED = str.maketrans("đĐłŁøØ", "dDlLoO")  # letters NFKD does not split into letter and accent
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ž'-]+")
# Names that are, far more often, ordinary words at the start of a sentence or in a place's name.
COMMON_WORDS = frozenset(
    "will may june april august art bill rose grace hope joy faith dawn summer sunny star river sky "
    "honey angel chance guy ray drew pat sue rob don gene chase cash lee mark jack frank hunter page "
    "young king long white brown green black gray grey hall wood hill rich love day price wells house "
    "bell lane park field street church rivers case christian major judge bishop dean miles holiday "
    "north south east west new old best good little mercy saint lake center central main care our the "
    "and for with team unit floor health way hospital clinic patient baby family nurse doctor ward "
    "staff van de la del le da di von son san santa thi".split()
)


# Faker's word lists of English and Spanish text: a lower-case word from them is read as a word ("tan
# bien", "una hora"), unless an English or Spanish name list holds it ("juan", "maría", "sean").
WORD_LOCALES = ("en_US", "es_ES")


@dataclass(frozen=True)
class NameLexicon:
    first: frozenset[str]
    last: frozenset[str]
    ordinary: frozenset[str] = frozenset()  # common words of the text, lower case, that are not names

    def is_first(self, word: str) -> bool:
        return word.lower() in self.first

    def is_last(self, word: str) -> bool:
        return word.lower() in self.last

    def is_name(self, word: str) -> bool:
        lowered = word.lower()
        return lowered in self.first or lowered in self.last


def unaccented(word: str) -> str:
    """`word` without its accents ("Bảo" as "Bao", "Gutiérrez" as "Gutierrez"): names are often typed so."""
    split = unicodedata.normalize("NFKD", word.translate(STROKED))
    return "".join(c for c in split if not unicodedata.combining(c))


def _names(module: object, attributes: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for attribute in attributes:
        values = getattr(module, attribute, None)
        if isinstance(values, (tuple, list, dict)):
            for value in values:
                if isinstance(value, str):
                    found.update(w.lower() for w in {value, unaccented(value)} if LATIN_WORD.fullmatch(w))
    return found


@lru_cache(maxsize=1)
def name_lexicon() -> NameLexicon:
    """The lexicon, built once per process (about 0.2 s, a few MB)."""
    first: set[str] = set()
    last: set[str] = set()
    by_locale: dict[str, set[str]] = {}
    for locale in LOCALES + ROMANIZED_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        romanized_only = locale in ROMANIZED_LOCALES
        firsts = _names(provider, ("first_romanized_names",) if romanized_only else FIRST_ATTRIBUTES)
        lasts = _names(provider, ("last_romanized_names",) if romanized_only else LAST_ATTRIBUTES)
        by_locale[locale] = firsts | lasts
        first |= firsts
        last |= lasts
    ordinary: set[str] = set()
    for words_locale in WORD_LOCALES:
        words = importlib.import_module(f"faker.providers.lorem.{words_locale}").Provider
        ordinary |= _names(words, ("word_list",))
    ordinary.difference_update(*(names for locale, names in by_locale.items() if locale[:2] in ("en", "es")))
    return NameLexicon(frozenset(first - COMMON_WORDS), frozenset(last - COMMON_WORDS), frozenset(ordinary))
