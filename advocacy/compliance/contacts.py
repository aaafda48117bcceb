"""Contact details in a text (emails, phone numbers, street addresses, social handles) and which of them
are the organisation's own public ones, compared after normalising (digits, street abbreviations, domains).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from advocacy.compliance.context import LINK, Sentence, folded, has_digit, lowered, sentence_at
from advocacy.compliance.findings import Finding, Severity
from advocacy.compliance.policy import CompliancePolicy

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
AT = r"(?:\s*[(\[{]at[)\]}]\s*|\s+at\s+|\s+arroba\s+)"  # Spanish says "arroba" and "punto"
DOT = r"(?:\s*[(\[{]dot[)\]}]\s*|\s+dot\s+|\s+punto\s+|\.)"
SPELLED_EMAIL = re.compile(rf"\b[\w.-]+(?:{DOT}[\w-]+)*{AT}[\w-]+(?:{DOT}[a-z]{{2,}})+\b", re.IGNORECASE)
# A spelled-out address says "(at)" or "dot" somewhere: "apply at northbrook.org" is a web address.
SPELLED = re.compile(  # the class first, so that most positions fail at once
    r"(?=[(\[{dap])(?:[(\[{]at[)\]}]|\b(?:dot|arroba|punto)\b)", re.IGNORECASE
)


def spelled_out(address: str) -> str:
    """"jane dot doe (at) gmail dot com" as jane.doe@gmail.com, to compare with the allowed ones."""
    address = re.sub(rf"{AT}", "@", address, count=1, flags=re.IGNORECASE)
    return re.sub(rf"{DOT}", ".", address, flags=re.IGNORECASE)
PHONE_CANDIDATE = re.compile(r"\d[\d\s().+-]{5,}\d")
# North American shapes, which the phone library rejects when the area code is unassigned (555 ...).
PHONE_SHAPE = re.compile(  # the class first, so that most positions fail at once
    r"(?=[\d+(])(?:(?<![\d.,/-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?![\d/-])"
    r"|(?<![\d-])(?:\d ){2}\d\s*-?\s*(?:\d ){2}\d\s*-?\s*(?:\d ){3}\d\b)"
)
# A number of another country's shape is a phone number when the text asks someone to call it:
# "que la llamen al 612 555 789", "text her on 07700 900123".
CALLED = re.compile(  # the class first (under the same IGNORECASE), as in PHONE_SHAPE
    r"(?=[clmprtw])\b(?:call|ring|text|phone|llam\w*|tel[ée]fono|tel|cel(?:ular)?|m[óo]vil|whats\s?app)\b"
    r"[^\d\n.!?]{0,24}?(?<![\d-])(\+?\d[\d .-]{7,14}\d)(?![\d-])",
    re.IGNORECASE,
)
# Hours of a shift or an event in 24-hour time, which a phone library may read as a number.
TIME_RANGE = re.compile(r"(?<!\d)(?:[01]\d|2[0-3])[0-5]\d\s?[-–]\s?(?:[01]\d|2[0-3])[0-5]\d(?!\d)")
EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|opt\.?)\s*\d", re.IGNORECASE)
TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})
CODE_BEFORE = re.compile(
    r"(?:model|sku|part|item|lot|code|catalog(?:ue)?|order|ref(?:erence)?|serial|product|no\.|"
    r"(?<!ph)(?<!tel)(?<!cell)(?<!phone)#)\s*[:#]?\s*$",
    re.IGNORECASE,
)
STREET_TYPES = {
    "st": "street", "ave": "avenue", "av": "avenue", "rd": "road", "blvd": "boulevard", "ln": "lane",
    "dr": "drive", "ct": "court", "pl": "place", "ter": "terrace", "cir": "circle", "pkwy": "parkway",
    "hwy": "highway",
}
ADDRESS = re.compile(
    r"\b\d{1,5}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][A-Za-z0-9]*\.?\s+){1,3}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Court|Ct|Way|Place|Terrace|Circle|"
    r"Parkway|Pkwy|Highway|Hwy|Crescent|Close|Row|Trail|Square)\b\.?(?:,?\s+(?:Apt|Apartment|Unit|#)\.?\s*\w+)?"
    r"|\b(?:[Cc]alle|[Aa]venida|Av\.|[Pp]aseo|[Cc]arrera|[Cc]amino)\s+(?:[A-ZÁÉÍÓÚ][\wáéíóúñ]+\s+){1,3}\d{1,5}\b"
    r"(?:,?\s+(?:apartamento|apto\.?|piso|depto\.?)\s*\w+)?"
)
HOME_STREET = re.compile(  # the class first, so that most positions fail at once
    r"(?=[lrhapv])\b(?:lives?|living|resides?|house|home|apartment|place|vive)\s+(?:is\s+)?(?:on|at|in|en)\s+"
    r"(?:the\s+)?(?:[A-Z][a-z]+\s+){1,2}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Drive|Court|Way|Place|Terrace|Circle)\b"
)
# A person known by the street they come from: "the old guy from pine st", "the lady on Oak Avenue".
PERSON_STREET = folded(  # matched against the lower-cased text
    r"\b(?:guy|man|woman|lady|kid|boy|girl|patient|pt|family|grandma|grandpa|couple|gentleman)\s+"
    r"(?:from|on|off|over\s+on)\s+(?:the\s+)?(?:[a-z]+\s+){1,2}"
    r"(?:st|street|rd|road|ave|avenue|ln|lane|dr|drive|blvd|ct|court|way)\b"
    # Where someone is now, in lower case: "shes at 88 birch lane".
    r"|\b(?:she|he|they)(?:['’]?s|\s+is|\s+are|['’]re)?\s+(?:at|on)\s+\d{1,5}\s+(?:[a-z]+\s+){1,2}"
    r"(?:st|street|rd|road|ave|avenue|ln|lane|dr|drive|blvd|ct|court|way)\b",
)
HOME_WORDS = re.compile(
    r"\b(?:lives?|living|home|resides?|residence|house|apartment|apt|mailbox|vive|casa|"
    r"neighbou?rs?|(?:his|her|their|my|return|home)\s+address|(?:su|mi|tu)\s+(?:direcci[óo]n|domicilio))\b",
    re.IGNORECASE,
)
# A named house is a building or a service, not a home: "Sage House intake line", "Ronald McDonald House".
NAMED_HOUSE = re.compile(r"\b[A-Z][a-z]+\s+House\b")


def home_words(text: str) -> bool:
    if "House" in text:
        text = NAMED_HOUSE.sub(" ", text)
    return HOME_WORDS.search(text) is not None


# A local number of seven digits said to be someone's: "his number is 555 0188", "text her at 555-0137".
LOCAL_NUMBER = re.compile(r"(?<![\d(-])(?<!\d\s)\b\d{3}[\s.-]\d{4}\b(?![\d-])")
SOMEONES_NUMBER = folded(
    r"\b(?:his|her|their|hers)\s+(?:cell\s+|mobile\s+|phone\s+|home\s+)?(?:number|cell|phone|mobile|#)\b"
    r"|\b(?:text|call|ring|reach|phone)\s+(?:her|him|them)\b|\b(?:su|mi)\s+(?:n[úu]mero|celular|tel[ée]fono)\b"
)
NUMBER_WORDS = frozenset(
    "number cell phone mobile text call ring reach número numero celular teléfono".split()
)
APARTMENT = re.compile(r"\b(?:Apt|Apartment|apto|depto)\b\.?", re.IGNORECASE)
# An @ after a hyphen stands for a letter of a hyphenated word ("hosp1t@l-@cqu1red"), not a handle.
HANDLE = re.compile(r"(?<![\w@-])@[A-Za-z_][A-Za-z0-9_.]{2,}\b|\bGoFundMe\b", re.IGNORECASE)


@dataclass(frozen=True)
class AllowedContacts:
    phones: frozenset[str]  # last ten digits
    emails: frozenset[str]
    domains: frozenset[str]
    addresses: tuple[str, ...]  # normalised words, "1200 lakeview avenue northbrook"


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def address_words(value: str) -> str:
    words = re.findall(r"[a-z0-9]+", value.lower())
    return " ".join(STREET_TYPES.get(word, word) for word in words)


@lru_cache(maxsize=32)
def allowed_contacts(policy: CompliancePolicy) -> AllowedContacts:
    contacts = [contact.strip() for contact in policy.allowed_contacts if contact.strip()]
    emails = frozenset(c.lower() for c in contacts if EMAIL.fullmatch(c))
    domains = frozenset(c.lower() for c in contacts if re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", c))
    phones = frozenset(
        digits(c)[-10:] for c in contacts if c.lower() not in emails and len(digits(c)) >= 7
        and not re.search(r"[A-Za-z]{3}", c)
    )
    addresses = tuple(address_words(c) for c in contacts if ADDRESS.search(c))
    return AllowedContacts(phones, emails, domains | {e.split("@")[1] for e in emails}, addresses)


def is_allowed_email(address: str, allowed: AllowedContacts) -> bool:
    address = address.lower()
    domain = address.split("@")[-1]
    return address in allowed.emails or any(domain == d or domain.endswith("." + d) for d in allowed.domains)


def email_addresses(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    allowed = allowed_contacts(policy)
    found: list[tuple[int, int]] = []
    if "@" in text:  # every EMAIL match holds one; most texts have none
        found = [m.span() for m in EMAIL.finditer(text) if not is_allowed_email(m.group(), allowed)]
    if SPELLED.search(text):
        found += [
            m.span() for m in SPELLED_EMAIL.finditer(text)
            if "@" not in m.group() and SPELLED.search(m.group())
            and not is_allowed_email(spelled_out(m.group()), allowed)
        ]
    for start, end in found:
        yield Finding(
            "email_address", Severity.BLOCK, start, end,
            "An email address identifies a person; only the organisation's public addresses may be posted.",
            "Remove the address or use the organisation's public contact.",
        )


def phone_spans(text: str, policy: CompliancePolicy) -> Iterator[tuple[int, int]]:
    matcher = phonenumbers.PhoneNumberMatcher(text, policy.phone_region, leniency=phonenumbers.Leniency.VALID)
    found = [(match.start, match.end) for match in matcher]
    yield from found
    shaped = [match.span() for match in PHONE_SHAPE.finditer(text)]
    called = [match.span(1) for match in CALLED.finditer(text) if len(digits(match.group(1))) >= 9]
    for start, end in [*shaped, *called]:
        if not any(s < end and start < e for s, e in found):
            found.append((start, end))
            yield start, end


def someones_local_numbers(
    text: str, parts: list[Sentence], spans: list[tuple[int, int]], allowed: frozenset[str]
) -> Iterator[Finding]:
    """Seven digits said to be someone's number, which no phone library reads without an area code."""
    for sentence in parts:
        if sentence.words.isdisjoint(NUMBER_WORDS) or not SOMEONES_NUMBER.search(sentence.lower):
            continue
        for match in LOCAL_NUMBER.finditer(sentence.text):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if any(s < end and start < e for s, e in spans) or any(
                own.endswith(digits(match.group())) for own in allowed
            ):
                continue
            yield Finding(
                "phone_number", Severity.BLOCK, start, end,
                "A phone number identifies a person; only the organisation's public numbers may be posted.",
                "Remove the number or use the organisation's public number.",
            )


def phone_numbers(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    if not PHONE_CANDIDATE.search(text):
        return
    allowed = allowed_contacts(policy).phones
    links = [link.span() for link in LINK.finditer(text)]
    spans = list(phone_spans(text, policy))
    yield from someones_local_numbers(text, parts, spans, allowed)
    for start, end in spans:
        if any(s <= start < e for s, e in links):
            continue  # digits in a link's path are page ids, not someone's number
        if CODE_BEFORE.search(text[max(0, start - 24) : start]):
            continue  # a product or order code that happens to look like a number
        if TIME_RANGE.search(text[start:end]):
            continue  # "0700-1900": a shift's hours, not a number
        number = digits(EXTENSION.split(text[start:end])[0])[-10:]
        if number in allowed:
            continue
        around = sentence_at(parts, start)
        # A department's line shares the organisation's exchange and the first digit of its lines: with
        # "(555) 214-3000" public, "555-214-3240" is a line of the same block of a thousand.
        if any(number[:7] == own[:7] for own in allowed if len(own) == 10) and not (
            around.person or home_words(around.text)
        ):
            yield Finding(  # an extension line of the organisation's own block: "(847) 555-0135"
                "phone_number", Severity.WARN, start, end,
                "This number is in the organisation's own block of lines; check it is a department's line.",
            )
            continue
        if number[:3] in TOLL_FREE:
            yield Finding(
                "phone_number", Severity.WARN, start, end,
                "A toll-free number is a business line, not a person's; check it is one the public may call.",
            )
            continue
        yield Finding(
            "phone_number", Severity.BLOCK, start, end,
            "A phone number identifies a person; only the organisation's public numbers may be posted.",
            "Remove the number or use the organisation's public number.",
        )


def is_allowed_address(words: str, allowed: AllowedContacts) -> bool:
    return any(contact.startswith(words) or words.startswith(contact) for contact in allowed.addresses)


# A place the public is asked to: a clinic's or an event's address, not a patient's.
VENUE = re.compile(
    r"\b(?:clinic|center|centre|hospital|campus|office|fair|event|venue|drive|screenings?|opens?|located|"
    r"parking|entrance|visit\s+us|join\s+us|walk-?ins?|cl[íi]nica|feria)\b",
    re.IGNORECASE,
)


def tied_to_a_home(sentence: Sentence, address: str) -> bool:
    if sentence.person or APARTMENT.search(address):
        return True
    if VENUE.search(sentence.text.replace(address, " ")):  # "Hollister Drive" is no blood drive
        return False
    return sentence.care or home_words(sentence.text)


def street_addresses(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    allowed = allowed_contacts(policy)
    spans = [m.span() for m in ADDRESS.finditer(text)] if has_digit(text) else []  # each holds a number
    spans += [m.span() for m in HOME_STREET.finditer(text)]
    spans += [m.span() for m in PERSON_STREET.finditer(lowered(text))]
    for start, end in spans:
        if is_allowed_address(address_words(text[start:end]), allowed):
            continue
        if tied_to_a_home(sentence_at(parts, start), text[start:end]):
            yield Finding(
                "street_address", Severity.BLOCK, start, end,
                "A street address tied to a patient or a home identifies a person.",
                "Remove the address.",
            )
        else:
            yield Finding(
                "street_address", Severity.WARN, start, end,
                "Check this address is a public place (an event venue, a clinic), not someone's home.",
            )


def patient_handles(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    if "@" not in text and "gofundme" not in text.lower():
        return
    organisation = re.sub(r"\W", "", policy.organization.lower())
    for match in HANDLE.finditer(text):
        sentence = sentence_at(parts, match.start())
        if organisation and organisation[:8] in match.group().lower():
            continue
        if sentence.care or sentence.person:
            yield Finding(
                "patient_contact", Severity.BLOCK, match.start(), match.end(),
                "A social media account or fundraiser next to a patient leads straight to them.",
                "Leave the account or fundraiser out.",
            )
