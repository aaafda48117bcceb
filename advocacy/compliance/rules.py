"""The compliance rules: each finds one kind of problem and explains it in one sentence.

Rules are plain functions of (text, sentences, policy) so each can be read and tested on its own.
Patient identifiers that only identify someone when tied to care (rooms, addresses, ages, names) are
judged within their sentence, so an event address or a building's age is not mistaken for a patient's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import phonenumbers

from advocacy.compliance.findings import Finding, Severity
from advocacy.compliance.policy import CompliancePolicy

B, W = Severity.BLOCK, Severity.WARN


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    care: bool  # mentions a patient or a care event


# Titles end in a full stop but do not end a sentence.
SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMx)[.!?]+(?=\s)|\n+")
CARE_WORDS = re.compile(
    r"\b(?:patients?|pt\.|admitted|admission|discharged|diagnos(?:ed|is)|treated|treating|surgery|"
    r"surgeon|operated|ICU|NICU|PICU|ER|emergency (?:room|department)|trauma|intubated|transplant|"
    r"underwent|bedside|ward|prognosis|cardiac arrest|stroke|chemo(?:therapy)?|our care|in our care|"
    r"recovering|recovery|case)\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[Sentence]:
    found, start = [], 0
    for match in SENTENCE_END.finditer(text):
        end = match.end()
        part = text[start:end]
        found.append(Sentence(start, end, part, bool(CARE_WORDS.search(part))))
        start = end
    if start < len(text):
        part = text[start:]
        found.append(Sentence(start, len(text), part, bool(CARE_WORDS.search(part))))
    return found


def sentence_at(parts: list[Sentence], position: int) -> Sentence:
    for part in parts:
        if part.start <= position < part.end:
            return part
    return parts[-1]


Rule = Callable[[str, list[Sentence], CompliancePolicy], Iterator[Finding]]

# --- patient and personal identifiers -------------------------------------------------------------

MRN = re.compile(
    r"\b(?:MRN|MR\s?#|med(?:ical)?\s+rec(?:ord)?s?(?:\s+(?:number|no\.?|#))?|chart\s+(?:number|no\.?|#))"
    r"\s*(?:[:#]|is|was)?\s*[A-Z]{0,2}\d{5,12}\b",
    re.IGNORECASE,
)


def medical_record_numbers(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for match in MRN.finditer(text):
        yield Finding(
            "medical_record_number", B, match.start(), match.end(),
            "A medical record number identifies a patient and must never be posted.",
            "Remove the record number.",
        )


SSN = re.compile(
    r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b"
    r"|\b(?:SSN|social security(?:\s+(?:number|no\.?|#))?)\s*[:#]?\s*\d{9}\b",
    re.IGNORECASE,
)


def social_security_numbers(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for match in SSN.finditer(text):
        yield Finding(
            "social_security_number", B, match.start(), match.end(),
            "A social security number identifies a person and must never be posted.",
            "Remove the number.",
        )


EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")


def email_addresses(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    allowed = {contact.lower() for contact in policy.allowed_contacts}
    for match in EMAIL.finditer(text):
        if match.group().lower() in allowed:
            continue
        yield Finding(
            "email_address", B, match.start(), match.end(),
            "An email address identifies a person; only the organisation's public addresses may be posted.",
            "Remove the address or use the organisation's public contact.",
        )


# Cheap pre-filter so the (slower) phone number library only runs on texts with a digit run.
PHONE_CANDIDATE = re.compile(r"\d[\d\s().+-]{5,}\d")
CODE_BEFORE = re.compile(
    r"(?:model|sku|part|item|lot|code|catalog(?:ue)?|order|ref(?:erence)?|serial|product|no\.|#)\s*[:#]?\s*$",
    re.IGNORECASE,
)


LINK = re.compile(r"https?://\S+")


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def phone_numbers(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    if not PHONE_CANDIDATE.search(text):
        return
    allowed = {digits(contact)[-10:] for contact in policy.allowed_contacts if len(digits(contact)) >= 7}
    links = [link.span() for link in LINK.finditer(text)]
    matcher = phonenumbers.PhoneNumberMatcher(text, policy.phone_region, leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        if any(start <= match.start < end for start, end in links):
            continue  # digits in a link's path are page ids, not someone's number
        if CODE_BEFORE.search(text[max(0, match.start - 24) : match.start]):
            continue  # a product or order code that happens to look like a number
        if digits(match.raw_string)[-10:] in allowed:
            continue
        yield Finding(
            "phone_number", B, match.start, match.end,
            "A phone number identifies a person; only the organisation's public numbers may be posted.",
            "Remove the number or use the organisation's public number.",
        )


ADDRESS = re.compile(
    r"\b\d{1,5}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][A-Za-z0-9]*\.?\s+){1,3}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Court|Ct|Way|Place|Terrace|Circle|"
    r"Parkway|Pkwy|Highway|Hwy)\b\.?(?:\s+(?:Apt|Apartment|Unit|#)\.?\s*\w+)?"
)
HOME_WORDS = re.compile(r"\b(?:lives?|living|home|resides?|residence|house|apartment|apt)\b", re.IGNORECASE)


def street_addresses(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    allowed = [contact.lower() for contact in policy.allowed_contacts]
    for match in ADDRESS.finditer(text):
        if any(match.group().lower() in contact for contact in allowed):
            continue
        sentence = sentence_at(parts, match.start())
        if sentence.care or HOME_WORDS.search(sentence.text):
            yield Finding(
                "street_address", B, match.start(), match.end(),
                "A street address tied to a patient or a home identifies a person.",
                "Remove the address.",
            )
        else:
            yield Finding(
                "street_address", W, match.start(), match.end(),
                "Check this address is a public place (an event venue, a clinic), not someone's home.",
            )


ROOM = re.compile(r"\b(?:room|rm\.?|bed|bay|bed\s+space)\s*#?\s*\d{1,4}[A-Z]?\b", re.IGNORECASE)


def room_numbers(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for match in ROOM.finditer(text):
        if sentence_at(parts, match.start()).care:
            yield Finding(
                "room_number", B, match.start(), match.end(),
                "A room or bed number next to a patient tells people where that patient is.",
                "Remove the room or bed number.",
            )


AGE = re.compile(
    r"\b(\d{1,3})[-\s](?:years?|yrs?)[-\s]old\b(?:\s+([A-Za-z]+))?"
    r"|\b(?:aged?|age of)\s+(\d{1,3})\b"
    r"|(?<=[a-z]),\s+(\d{1,3}),",  # "Maria Lopez, 67, was ..."
    re.IGNORECASE,
)
# "Our 100-year-old building" is an age, but not a person's.
THING_NOUNS = frozenset(
    "building hospital tradition institution clinic campus company organization organisation program "
    "programme history legacy wing bridge tree oak elm house church chapel school landmark facility "
    "foundation practice brand library mural organ piano structure tower center centre museum "
    "partnership event race gala walk charity festival fair recipe photo photograph archive".split()
)


def ages(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for match in AGE.finditer(text):
        value = int(match.group(1) or match.group(3) or match.group(4))
        following = (match.group(2) or "").lower()
        if following in THING_NOUNS:
            continue
        if match.group(4):
            if not sentence_at(parts, match.start()).care:
                continue  # a number between commas is an age only when a patient is in view
            start, end = match.span(4)
        else:
            start, end = match.start(), match.start(2) if following else match.end()
            end = len(text[:end].rstrip())
        if value > 89:
            yield Finding(
                "age", B, start, end,
                "Ages over 89 are rare enough to identify a person and must not be posted.",
                "Leave the age out.",
            )
        elif sentence_at(parts, start).care:
            yield Finding(
                "age", B, start, end,
                "The seed guidelines forbid giving a patient's age: it helps identify them.",
                "Leave the age out.",
            )


NAME = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
PATIENT_NAME = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+{NAME}(?:\s+{NAME})?"
    rf"|\b[Pp]atients?(?:\s+named)?\s+({NAME}(?:\s+{NAME})?)"
    rf"|\b{NAME}\s+{NAME},?\s+(?:\d{{1,3}},\s+)?(?:who\s+)?(?:was|is|has been|had been|were)\s+"
    r"(?:admitted|treated|discharged|diagnosed|rushed|brought|airlifted|transferred|hospitalized|"
    r"intubated|resuscitated)"
    rf"|\b{NAME}\s+{NAME},\s+\d{{1,3}},"
)
FULL_NAME = re.compile(rf"(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+)?{NAME}(?:\s+{NAME})?")
NOT_NAMES = frozenset(
    "Our The This That These Today Yesterday Last Every When After Before Dr Doctor Nurse Team Staff "
    "Join Meet Thank Thanks Congratulations Welcome Happy Proud".split()
)


def patient_names(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for match in PATIENT_NAME.finditer(text):
        words = match.group().split()
        if match.group(1) is None and words[0].rstrip(".,") in NOT_NAMES:
            continue
        if text[max(0, match.start() - 4) : match.start()].rstrip().endswith(("Dr.", "Dr")):
            continue  # a clinician, named with their title
        if match.group(1) is None and not sentence_at(parts, match.start()).care:
            continue
        if match.group(1):
            start, end = match.span(1)
        else:
            two_names = FULL_NAME.match(text, match.start())
            start, end = match.start(), two_names.end() if two_names else match.end()
        yield Finding(
            "patient_name", B, start, end,
            "A patient's name in a care context identifies them; post it only with a signed release, "
            "which this tool cannot see.",
            "Leave the name out, or ask the patient's release to be attached by public affairs.",
        )


MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
WHEN = re.compile(
    rf"\b(?:{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|"
    r"yesterday|last\s+(?:night|week|weekend|month|(?:mon|tues|wednes|thurs|fri|satur|sun)day)|"
    r"this\s+(?:morning|afternoon|evening|past\s+week)|earlier\s+(?:today|this\s+week)|"
    r"(?:on|this|last)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"(?:just\s+)?(?:\d+|a\s+few|two|three)\s+(?:hours|days)\s+ago|overnight|tonight|today)\b",
    re.IGNORECASE,
)
CASE_EVENT = re.compile(
    r"\b(?:(?:was|were|been|got)\s+(?:admitted|discharged|treated|diagnosed|born|delivered|rushed|"
    r"brought|airlifted|flown|transferred|resuscitated|intubated)|underwent|arrived\s+(?:in|at)\s+our|"
    r"admission|we\s+(?:performed|operated|delivered|treated|saved|admitted|discharged)|"
    r"(?:performed|completed)\s+(?:a|an|the|her|his|their)\s+\w*\s*(?:surgery|transplant|procedure|"
    r"operation)|(?:the|this|her|his|their)\s+case|code\s+blue|came\s+into\s+our\s+(?:ER|ED|emergency))",
    re.IGNORECASE,
)


def case_timing(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for sentence in parts:
        if not CASE_EVENT.search(sentence.text):
            continue
        for match in WHEN.finditer(sentence.text):
            yield Finding(
                "case_timing", B, sentence.start + match.start(), sentence.start + match.end(),
                "The guidelines forbid saying when a case happened: the timing can identify the patient.",
                "Leave out when it happened (and post a case only a month after it, or with consent).",
            )


# --- confidential terms, tone ----------------------------------------------------------------------


def blocked_terms_pattern(policy: CompliancePolicy) -> re.Pattern[str] | None:
    terms = sorted({t.strip() for t in policy.blocked_terms if t.strip()}, key=len, reverse=True)
    if not terms:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(word) for word in term.split()) for term in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|me|my|mine|we|we're|we’re|our|ours|us)\b", re.IGNORECASE)
POLITICAL = re.compile(
    r"\b(?:vote\s+(?:for|yes|no|against)|re-?elect\w*|endors(?:e|es|ed|ing)\s+(?:candidate|senator|"
    r"governor|mayor|representative|congress\w*|[A-Z]\w+)|democrats?|republicans?|GOP|ballot\s+measure|"
    r"(?:candidate|campaign)\s+for\s+(?:senate|governor|mayor|congress|president|office))\b",
    re.IGNORECASE,
)


def political_endorsement(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for match in POLITICAL.finditer(text):
        yield Finding(
            "political", W, match.start(), match.end(),
            "The guidelines keep political activity out of posts that carry the organisation's name.",
            "Remove the political endorsement, or post it only from your own voice without the brand.",
        )


IDENTIFIER_RULES: tuple[Rule, ...] = (
    medical_record_numbers,
    social_security_numbers,
    email_addresses,
    phone_numbers,
    street_addresses,
    room_numbers,
    ages,
    patient_names,
    case_timing,
    political_endorsement,
)
