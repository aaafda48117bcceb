"""A second reading of a text with its disguises undone, and where each of its characters came from.

People hide a patient detail from a filter, or type carelessly, in a few ways that do not change
what the words mean: digits and symbols for letters inside a word ("b@by", "r00m", "j0hn"), look-
alike letters from other alphabets, letters spaced or dotted out ("M R N", "b.a.b.y"), a nickname in
quotes inside a name (Bob "the Builder" Kaminski), numbers written as words ("room four twelve",
"ninety-one-year-old"). The engine runs its rules on this reading too and maps every finding back
to the words the author wrote, so a finding still names the exact span.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Digits and symbols read as the letter they stand for, only between letters ("r00m", not "2nd").
LEET = str.maketrans("0134@$5!|7", "oieaassiit")
EMAIL_AT = r"@(?![\w-]*\.[A-Za-z])"  # the @ of an email address is no letter
# The character class comes first, so that most positions fail at once; the letter before is looked
# behind for only then.
LEET_RUN = re.compile(
    rf"(?:[0134$5!|7]|{EMAIL_AT})(?<=[A-Za-z].)(?:[0134$5!|7]|{EMAIL_AT})*(?=[A-Za-z])"
    r"|[0134](?<=[a-z0134@$][a-z][0134])[0134]*(?![\w@])|[0134](?<![\w@].)(?=[a-z]{3,}\b)"
    # "th3" and "1CU" (not "1PM"), "0h"
    r"|1(?<![\w@].)(?=[A-Z]{2,}\b)(?!(?:AM|PM|ST|ND|RD|TH)\b)|0(?<![\w@].)(?=[hf]\b)"  # "0f the m0nth"
)
# A word of four capitals or more with digits for some of its letters, first and last a letter.
CAPS_LEET = re.compile(r"(?=[A-Z])\b(?=[A-Z0134]{4,}\b)[A-Z]+[0134][A-Z0134]*[A-Z]\b")
CAPS_LEET_HINT = re.compile(r"[0134](?<=[A-Z].)(?=[0134]*[A-Z])")  # the class first: most positions fail
# A lower-case l for a capital I inside a word of capitals: "NlCU", "PlCU".
CAPITAL_L = re.compile(r"l(?<=[A-Z]l)(?=[A-Z])")
# Letters for digits inside a number ("9O3-2I7"), and digits one by one ("4-4-1-9").
DIGIT_LOOKALIKE = re.compile(  # the class first: fast; also a date's "O3/I4/I956"
    r"[OoIl](?:(?<=\d.)(?=[\d-])|(?<=\d-.)(?=\d))|[OI](?:(?<=[/.-].)(?=\d)|(?=\d[/.-][\dOI]))"
)
SPACED_DIGITS = re.compile(r"(?=\d)(?<![\d-])\d(?:[ .-]\d){2,}(?![\d-])")
SPACED_ID = re.compile(r"(?=[lI1|])\b[lI1|]\s+D\b")
DIGIT = re.compile(r"\d")
QUOTE = re.compile(r"\s[\"“'‘(]")
# Cyrillic and Greek letters that look Latin, zero-width characters (dropped).
LOOKALIKE = str.maketrans(
    "аеорсхуіјАВЕКМНОРСТХΑΒΕΗΙΚΜΝΟΡΤΧΥΖ", "aeopcxyijABEKMHOPCTXABEHIKMNOPTXYZ"
)
# Letters in squares and circles drawn as emoji ("🅺owalczyk", "🅰"), read as the capitals they show.
LOOKALIKE.update(
    {first + offset: ord("A") + offset for first in (0x1F130, 0x1F150, 0x1F170) for offset in range(26)}
)
# Also the marks that make a digit a keycap emoji ("9️⃣" reads 9) and ask for emoji style.
HIDDEN = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\ufe0f\u20e3")
HIDDEN_CHARACTER = re.compile("[" + "".join(sorted(HIDDEN)) + "]")
NOT_PLAIN = re.compile(
    r"[\u0370-\u04ff\u200b-\u200d\u2060\ufeff\u00ad\ufe0f\u20e3\uff01-\uff5e\U0001d400-\U0001d7ff"
    r"\U0001f130-\U0001f189]"
)
# Full-width and "mathematical" letters and digits ("Ｍｒｓ．", "𝐁𝐚𝐛𝐲"), read as the plain ones they show.
STYLED = re.compile(r"[\uff01-\uff5e\U0001d400-\U0001d7ff]")
# Three or more single letters with one space, dot or dash between them: "M R N", "r.o.o.m", "b-a-b-y".
# An emoji between the letters is a separator too: "R 🌸 o 🌸 s 🌸 a".
EMOJI = "\u2600-\u27bf\U0001f300-\U0001faff"
SPELLED_OUT = re.compile(
    rf"(?<![\w.-])[A-Za-z](?:(?:(?:[ .\-_*]|\.\s)[A-Za-z]){{2,}}\.?|(?:\s?[{EMOJI}]\s?[A-Za-z]){{2,}})"
    r"(?![\w-])"
)
SPELLED_JOINS = re.compile(r"(?<=[A-Za-z.])\s+(?=[A-Za-z])")  # a space between spelled-out letters
# An email address spelled out letter by letter: "j e n n a . k o w a l s k i @ g m a i l . c o m".
SPACED_EMAIL = re.compile(r"(?<!\S)[\w.-](?: [\w.-])*(?: @ )[\w-](?: [\w.-]){3,}(?![\w@])")
NICKNAME = re.compile(r"(?=[A-Z])\b[A-Z][a-z]+(\s+[\"“'‘(][A-Za-z][\w .'-]{0,24}[\"”'’)])(?=\s+[A-Z][a-z])")
# The quote closing a nickname; the quote first and the letter before it looked behind for, so that
# most positions fail at once.
NICKNAME_BEFORE = re.compile(r"[\"”](?<=[a-z].)(?=\s+[A-Z][a-z])")
UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "uno": 1, "dos": 2,
    "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
    "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60,
    "setenta": 70, "ochenta": 80, "noventa": 90,
}
NUMBER_WORD = rf"(?:{'|'.join(sorted([*UNITS, *TENS, 'hundred', 'cien', 'ciento'], key=len, reverse=True))})"
NUMBER_WORDS = frozenset([*UNITS, *TENS, "hundred", "cien", "ciento"])
LOWER_WORD = re.compile(r"[a-z]+")
# Number words may be set apart by middle dots or bullets too: "seven zero eight · five five five".
NUMBER_RUN = re.compile(
    rf"\b{NUMBER_WORD}(?:(?:,?[\s-]+|\s*[·•]\s*)(?:and\s+|y\s+)?{NUMBER_WORD})*\b", re.IGNORECASE
)
# A lone number word is only read as digits where a number identifies: a room, a bed, an age.
NUMBERED = re.compile(
    r"(?:\b(?:room|rm|bed|bay|cama|habitaci[óo]n|cuarto|box|aged?|edad|isolette|crib|pod)\s*#?\s*$)",
    re.IGNORECASE,
)
AGED = re.compile(r"^[\s-]*(?:years?|yrs?|months?|weeks?|a[ñn]os|mes(?:es)?)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reading:
    text: str
    origin: list[int]  # origin[i] is where the reading's character i was in the text; one more at the end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The text's span behind the reading's [start, end)."""
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def number_value(words: list[str]) -> str:
    """"four twelve" as 412, "ninety one" as 91, "one hundred two" as 102, "seven one four" as 714."""
    groups: list[int] = []
    for word in words:
        if word in ("hundred", "cien", "ciento"):
            groups[-1:] = [(groups[-1] if groups else 1) * 100]
        elif groups and word in UNITS and (groups[-1] % 10 == 0 and groups[-1] % 100 and groups[-1] >= 20
                                           or groups[-1] >= 100 and groups[-1] % 100 == 0):
            groups[-1] += UNITS[word]  # twenty + three, two hundred + five
        elif groups and word in TENS and groups[-1] >= 100 and groups[-1] % 100 == 0:
            groups[-1] += TENS[word]
        else:
            groups.append(UNITS.get(word, TENS.get(word, 0)))
    return "".join(str(group) for group in groups)


def number_edits(text: str) -> list[tuple[int, int, str]]:
    """Numbers written as words, as digits: runs of two or more, or one where a number identifies."""
    edits: list[tuple[int, int, str]] = []
    lowered = text.lower()
    if NUMBER_WORDS.isdisjoint(LOWER_WORD.findall(lowered)):
        return edits
    position = 0
    for token in LOWER_WORD.finditer(lowered):  # the run is matched only where a number word starts
        if token.start() < position or token.group() not in NUMBER_WORDS:
            continue
        match = NUMBER_RUN.match(text, token.start())
        if match is None:
            continue
        position = match.end()
        words = [w for w in re.split(r",?[\s·•-]+", match.group().lower()) if w not in ("and", "y")]
        if len(words) < 2 and not (NUMBERED.search(text[max(0, match.start() - 16) : match.start()])
                                   or AGED.match(text, match.end())):
            continue
        edits.append((match.start(), match.end(), number_value(words)))
    return edits


def spelled_words(spelled: str) -> list[str]:
    """The words of letters spelled out: where letters are joined without a space ("H.e.c.t.o.r R.a.m.o.s"),
    a space between them ends a word."""
    joined = [part for part in SPELLED_JOINS.split(spelled) if part]
    if len(joined) > 1 and any(len(re.sub(r"[^A-Za-z]", "", part)) > 1 for part in joined):
        return [re.sub(r"[^A-Za-z]", "", part) for part in joined if re.search(r"[A-Za-z]", part)]
    return [re.sub(r"[^A-Za-z]", "", spelled)]


def replacements(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, new words) edits, in order."""
    edits = number_edits(text)
    emails = [match.span() for match in SPACED_EMAIL.finditer(text)] if " @ " in text else []
    edits += [(start, end, text[start:end].replace(" ", "")) for start, end in emails]
    spelled: list[tuple[int, int]] = []
    for match in SPELLED_OUT.finditer(text):
        letters = re.sub(r"[^A-Za-z]", "", match.group())
        if len(letters) < 3 or any(s <= match.start() < e for s, e in emails):
            continue
        # Spelled-out words set apart by two spaces or more are read with one: "b a b y  K a s p e r".
        if spelled and spelled[-1][1] + 1 < match.start() and text[spelled[-1][1] : match.start()].isspace():
            edits.append((spelled[-1][1], match.start(), " "))
        spelled.append(match.span())
        words = spelled_words(match.group())
        if len(words) > 1:
            edits.append((match.start(), match.end(), " ".join(word.capitalize() for word in words)))
        else:  # "M R N" stays MRN, "J-A-S-P-E-R" reads Jasper
            edits.append((match.start(), match.end(), letters if letters.isupper() and len(letters) <= 4
                          else letters.capitalize()))
    for pattern, new in ((SPACED_DIGITS, None), (SPACED_ID, "ID")) if DIGIT.search(text) else ():
        for match in pattern.finditer(text):
            edits.append((match.start(), match.end(), new or re.sub(r"\D", "", match.group())))
    for match in NICKNAME.finditer(text) if QUOTE.search(text) else ():
        edits.append((match.start(1), match.end(1), ""))
    for match in NICKNAME_BEFORE.finditer(text) if '"' in text or "”" in text else ():
        edits.append((match.start(), match.end(), ""))  # '"Big Mike" Castellano' reads "Big Mike Castellano"
    edits.sort()
    kept: list[tuple[int, int, str]] = []
    for edit in edits:
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


def plain_character(match: re.Match[str]) -> str:
    plain = unicodedata.normalize("NFKC", match.group())
    return plain if len(plain) == 1 else match.group()  # one character for one, so positions hold


def letters(match: re.Match[str]) -> str:
    """The letters digits stand for; a word's first one as a capital ("0y3l4r4n" reads "Oyelaran")."""
    read = match.group().translate(LEET)
    starts = match.start() == 0 or not match.string[match.start() - 1].isalnum()
    return read.capitalize() if starts and len(read) == 1 else read


def keep(plain: str, start: int, end: int, pieces: list[str], origin: list[int]) -> None:
    """Copy plain[start:end] unedited into the reading, leaving out hidden characters; a stretch
    without any (nearly all) is copied whole."""
    if HIDDEN.isdisjoint(plain[start:end]):
        pieces.append(plain[start:end])
        origin.extend(range(start, end))
        return
    for index in range(start, end):
        if plain[index] not in HIDDEN:
            pieces.append(plain[index])
            origin.append(index)


def reading(text: str) -> Reading | None:
    """The text with its disguises undone, or None when there is nothing to undo (most texts)."""
    plain = text
    odd = NOT_PLAIN.search(text) is not None  # also every hidden character
    if odd:
        plain = STYLED.sub(plain_character, text.translate(LOOKALIKE))
    if CAPS_LEET_HINT.search(plain):  # "J0AQUIM B3NAVENTE" reads "Joaquim Benavente", as a name is written
        plain = CAPS_LEET.sub(lambda match: match.group().translate(LEET).capitalize(), plain)
    if LEET_RUN.search(plain):  # twice: "4cc0unt" shows its first digit only once the second is read
        plain = LEET_RUN.sub(letters, plain)
        plain = LEET_RUN.sub(letters, plain)
    if "l" in plain and CAPITAL_L.search(plain):
        plain = CAPITAL_L.sub("I", plain)
    if DIGIT.search(plain) and DIGIT_LOOKALIKE.search(plain):
        plain = DIGIT_LOOKALIKE.sub(lambda match: "0" if match.group() in "Oo" else "1", plain)
    edits = replacements(plain)
    if plain == text and not edits and not (odd and HIDDEN_CHARACTER.search(text)):
        return None
    pieces: list[str] = []
    origin: list[int] = []
    position = 0
    for start, end, new in [*edits, (len(plain), len(plain), "")]:
        keep(plain, position, start, pieces, origin)
        pieces.append(new)
        origin.extend(end - 1 if i == len(new) - 1 else start for i in range(len(new)))
        position = end
    origin.append(len(text))
    return Reading("".join(pieces), origin)
