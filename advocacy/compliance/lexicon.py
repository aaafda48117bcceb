"""First and last names people carry, read once from the Faker package's per-locale name lists.

Faker (MIT licence) ships, for each locale, the names its maintainers took from public sources such
as the US Census Bureau and Social Security name frequency tables; we read the Latin-script names of
every locale (patients' names come from every language). Nothing is downloaded: the lists are Python tuples
inside the installed package. See docs/compliance.md for why this package and its figures.
"""

from __future__ import annotations

import gc
import gzip
import importlib
import json
import pkgutil
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from faker.providers import person

# Every locale Faker ships names for; only the words written in Latin script are kept (Japanese and
# Chinese lists give their romanized names, Greek or Cyrillic lists nothing).
FIRST_ATTRIBUTES = (
    "first_names", "first_names_male", "first_names_female", "first_names_nonbinary",
    "first_names_unisex", "first_romanized_names", "middle_names",
)
LAST_ATTRIBUTES = (
    "last_names", "last_names_male", "last_names_female", "last_romanized_names", "male_last_names",
    "unisex_last_names",  # Polish: the female forms (-ska) are derived from the male ones (-ski)
)
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
# pyspellchecker (MIT licence) ships word frequency lists; this many of each language's are "frequent".
WORD_LANGUAGES = ("en", "es")
FREQUENT_WORDS = 20000


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


def locales() -> list[str]:
    """The locales of Faker's person provider, as installed."""
    return sorted(module.name for module in pkgutil.iter_modules(person.__path__) if module.ispkg)


@lru_cache(maxsize=1)
def name_lexicon() -> NameLexicon:
    """The lexicon, built once per process (about 2 s, a few MB)."""
    first: set[str] = set()
    last: set[str] = set()
    by_locale: dict[str, set[str]] = {}
    for locale in locales():
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        firsts = _names(provider, FIRST_ATTRIBUTES)
        lasts = _names(provider, LAST_ATTRIBUTES)
        by_locale[locale] = firsts | lasts
        first |= firsts
        last |= lasts
    ordinary: set[str] = set()
    for words_locale in WORD_LOCALES:
        words = importlib.import_module(f"faker.providers.lorem.{words_locale}").Provider
        ordinary |= _names(words, ("word_list",))
    ours = set().union(*(names for locale, names in by_locale.items() if locale[:2] in ("en", "es")))
    ordinary -= ours
    # A frequent English or Spanish word that only another language's list holds as a name ("ran",
    # "line", "over", "pero") is read as that word.
    words = COMMON_WORDS | ordinary | (frequent_words() - ours)
    return NameLexicon(frozenset(first - words), frozenset(last - words), frozenset(ordinary))


def frequent_words() -> set[str]:
    """The most frequent words of English and Spanish, from pyspellchecker's word frequency lists.

    The lists (160,000 words and more each) are read one at a time and only the chosen words are kept,
    copied out of one joined string once the list is gone, so the list leaves no memory held behind.
    """
    chosen: list[str] = []
    for language in WORD_LANGUAGES:
        with gzip.open(str(files("spellchecker") / "resources" / f"{language}.json.gz"), "rt") as data:
            counts: dict[str, int] = json.load(data)
        chosen.append("\n".join(sorted(counts, key=counts.__getitem__, reverse=True)[:FREQUENT_WORDS]))
        del counts
        gc.collect()
    return set("\n".join(chosen).split("\n"))
