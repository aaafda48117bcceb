"""The compliance rules: each finds one kind of problem and explains it in one sentence.

Rules are plain functions of (text, sentences, policy) so each can be read and tested on its own; they
live in modules by concern (identifiers, names, contacts, events) and are listed here in the order
the engine runs them. Ages, tone and the policy's blocked phrases are judged here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from advocacy.compliance.contacts import email_addresses, patient_handles, phone_numbers, street_addresses
from advocacy.compliance.context import (
    LINK,
    REHEARSAL,
    Rule,
    Sentence,
    folded,
    has_digit,
    lowered,
    sentence_at,
    sentences,
)
from advocacy.compliance.detector import patient_context
from advocacy.compliance.events import case_timing, incident_details, room_numbers
from advocacy.compliance.findings import Finding, Severity
from advocacy.compliance.identifiers import (
    dates_of_birth,
    medical_record_numbers,
    patient_identifiers,
    social_security_numbers,
)
from advocacy.compliance.names import patient_names
from advocacy.compliance.normalise import reading
from advocacy.compliance.photos import photo_patient_data
from advocacy.compliance.policy import CompliancePolicy

__all__ = ["IDENTIFIER_RULES", "FIRST_PERSON", "Rule", "Sentence", "blocked_terms_pattern", "sentences"]

AGE = folded(  # matched against the lower-cased text; the class first, so that most positions fail at once
    r"(?=[\d,adt])(?:\b(\d{1,3})[-\s](?:years?|yrs?|a[ñn]os)[-\s](?:old|de\s+edad)\b"
    r"|\b(?:aged?|age of)\s+(\d{1,3})\b"
    r"|(?<=[a-z]),\s+(\d{1,3}),(?!\d)"  # "Maria Lopez, 67, was ..."
    r"|(?<![$€£\d.,])\b(\d{1,3})\s?(?:y/o|yo)\b"  # "19 y/o"
    r"|(?<!m[áa]s\s)(?<!menos\s)(?<!despu[ée]s\s)\bde\s+(\d{1,3})\s+a[ñn]os\b"  # "de 62 años"
    r"|\b(\d{2,3})(?:st|nd|rd|th)\s+birthday\b|\bturn(?:ed|s|ing)\s+(\d{2,3})\b)",  # "her 100th birthday"
)
AGE_SEX = re.compile(r"(?=\d)(?<![$€£\d.,])\b(\d{1,3})[MF]\b")  # "74M", "45F": case matters (5m is minutes)
# "Our 100-year-old building" is an age, but not a person's.
THING_NOUNS = frozenset(
    "building bldg hospital tradition institution clinic campus company organization organisation "
    "program programme history legacy wing bridge tree oak elm house church chapel school landmark "
    "facility foundation practice brand library mural organ piano structure tower center centre museum "
    "partnership event race gala walk charity festival fair recipe photo photograph archive unit icu "
    "nicu er department room garage elevator lift auxiliary pavilion ward floor lab service hall "
    "equipment machine scanner ambulance helicopter fleet team club hospice clínica hospital it place "
    "cornerstone site location edificio pabellón pabellon capilla ala centro programa unidad servicio "
    "fundación fundacion instituto escuela health healthcare medical system network university college "
    "society association salud institute boiler furnace roof elevator generator sign carpet parking lot "
    "kitchen cafeteria lobby garden courtyard clock statue fountain jardín jardin".split()
)
# Staff ages are theirs to share: "our 24-year-old ICU nurse" is not a patient's age.
STAFF_NOUNS = frozenset(
    "nurse doctor physician surgeon resident intern volunteer colleague coworker therapist tech "
    "technician pharmacist paramedic medic enfermera enfermero dr dra director directora retires retiring"
    .split()
)
PERSON_NOUNS = frozenset(
    "man woman boy girl baby child kid patient grandmother grandfather grandma grandpa mom dad mother "
    "father son daughter teen teenager lady gentleman guy veteran runner cyclist driver survivor warrior "
    "fighter champ trooper hero princess cutie".split()
)
# An animal's age is no patient's: "our therapy dog Biscuit, 7, visited every unit".
ANIMAL_NOUNS = frozenset(
    "dog dogs puppy pup cat kitten horse pony mascot rabbit bunny parrot tortoise turtle fish goldfish "
    "perro perrita perrito gato caballo".split()
)
AGE_GROUP = re.compile(  # "children aged 6 months and older", "adults aged 50 to 75": a group
    r"\s*(?:months?|years?)?\s*(?:(?:and|or|y)\s+(?:older|over|up|above|under|younger|m[áa]s)\b|"
    r"(?:to|through|-|–|a)\s*\d)"
)
WORDS = re.compile(r"[A-Za-zÀ-ÿ]+")


def described(text: str, start: int, end: int) -> str:
    """Whose age [start, end) is: "thing" (a building, an institution), "animal", "staff", "person" or ""."""
    nearby = (
        # "It's 100 years old now, and every new nurse ...": the clause after a comma is another's.
        WORDS.findall(re.split(r"[.!?;:()]|,\s+(?:and|but|so|y|pero)\b", text[end : end + 60])[0])[:5],
        # "Our emergency department: 52 years old": a colon introduces what is aged.
        reversed(WORDS.findall(re.split(r"[.!?;]", text[max(0, start - 60) : start])[-1])[-6:]),
    )
    for words in nearby:
        for word in words:
            lowered = word.lower()
            if lowered in STAFF_NOUNS:
                return "staff"
            if lowered in PERSON_NOUNS:
                return "person"
            if lowered in ANIMAL_NOUNS:
                return "animal"
            if lowered in THING_NOUNS:
                return "thing"
    return ""


def animal_named(text: str, start: int) -> bool:
    """Whether the name before `start` is an animal's: "our therapy dog Biscuit, 7, ..."."""
    before = WORDS.findall(re.split(r"[.!?;:()]", text[max(0, start - 40) : start])[-1])[-3:-1]
    return any(word.lower() in ANIMAL_NOUNS for word in before)


def ages(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    if not has_digit(text):
        return
    found = sorted([*AGE.finditer(lowered(text)), *AGE_SEX.finditer(text)], key=lambda match: match.start())
    for match in found:
        value = int(next(group for group in match.groups() if group))
        if value > 115:
            continue  # no one's age: a count or an amount
        if match.re is AGE and match.group(3):
            # A number between commas is an age only when a patient is in view; an age over 89 is rare
            # enough that care anywhere in the text will do: "Walter, 92, told me … Dialysis days …".
            if not (sentence_at(parts, match.start()).care or value > 89 and any(p.care for p in parts)):
                continue
            start, end = match.span(3)  # follows a name: never a building's age
            whose = described(text, match.start(), end)
            if value <= 89 and whose == "staff" or animal_named(text, match.start()):
                continue  # "our volunteer Harold Finch, 81, ...", "our therapy dog Biscuit, 7, ..."
        else:
            start, end = match.span()
            whose = described(text, start, end)
            if whose in ("thing", "animal") or AGE_GROUP.match(text, end) or whose == "staff" and value <= 89:
                continue
        if value > 89:
            yield Finding(
                "age", Severity.BLOCK, start, end,
                "Ages over 89 are rare enough to identify a person and must not be posted.",
                "Leave the age out.",
            )
        elif (where := sentence_at(parts, start)).care and not REHEARSAL.search(where.lower):
            # A made-up or rehearsed case's age is no one's: "a 67-year-old fictional patient".
            yield Finding(
                "age", Severity.BLOCK, start, end,
                "The seed guidelines forbid giving a patient's age: it helps identify them.",
                "Leave the age out.",
            )


def blocked_terms_pattern(policy: CompliancePolicy) -> re.Pattern[str] | None:
    terms = sorted({t.strip() for t in policy.blocked_terms if t.strip()}, key=len, reverse=True)
    if not terms:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(word) for word in term.split()) for term in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


FIRST_PERSON = re.compile(  # the class first, so that most positions fail at once
    r"(?=[imwou])\b(?:I|I'm|I’m|I've|I’ve|me|my|mine|we|we're|we’re|our|ours|us)\b", re.IGNORECASE
)
POLITICAL = folded(  # matched against the lower-cased text
    r"\b(?:vote\s+(?:for|yes|no|against)|re-?elect\w*|endors(?:e|es|ed|ing)\s+(?:candidate|senator|"
    r"governor|mayor|representative|congress\w*|[A-Z]\w+)|democrats?|republicans?|GOP|ballot\s+measure|"
    r"(?:candidate|campaign)\s+for\s+(?:senate|governor|mayor|congress|president|office))\b",
)


def political_endorsement(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for match in POLITICAL.finditer(lowered(text)):
        yield Finding(
            "political", Severity.WARN, match.start(), match.end(),
            "The guidelines keep political activity out of posts that carry the organisation's name.",
            "Remove the political endorsement, or post it only from your own voice without the brand.",
        )


IDENTIFIER_RULES: tuple[Rule, ...] = (
    medical_record_numbers,
    patient_identifiers,
    dates_of_birth,
    social_security_numbers,
    email_addresses,
    phone_numbers,
    street_addresses,
    patient_handles,
    room_numbers,
    ages,
    patient_names,
    case_timing,
    incident_details,
    photo_patient_data,
    political_endorsement,
)


def identifier_findings(text: str, policy: CompliancePolicy) -> list[Finding]:
    """Every rule's findings on the text, and on its reading with disguises undone (mapped back); and,
    when none of them blocks, the patient-context model's finding if it reads the text as a case.

    Links are read as blanks of their own length: a link's path is an address (a page id, a share's
    random tracking slug such as "MsUkMio…"), not words about anyone, and a finding's span stays the
    same in the text as written.
    """
    text = LINK.sub(lambda link: " " * len(link.group()), text)
    parts = sentences(text)
    findings = [finding for rule in IDENTIFIER_RULES for finding in rule(text, parts, policy)]
    plain = reading(text)
    if plain is not None:
        seen = {(f.rule, f.start, f.end) for f in findings}
        parts = sentences(plain.text, parts)
        for rule in IDENTIFIER_RULES:
            for finding in rule(plain.text, parts, policy):
                start, end = plain.span(finding.start, finding.end)
                if finding.blocks and (finding.rule, start, end) not in seen:  # its warnings add nothing
                    seen.add((finding.rule, start, end))
                    findings.append(replace(finding, start=start, end=end))
    if not any(finding.blocks for finding in findings):  # the model only adds what the rules missed
        found = patient_context(plain.text if plain is not None else text, parts)
        if found is not None and plain is not None:
            start, end = plain.span(found.start, found.end)
            found = replace(found, start=start, end=end)
        findings.extend([found] if found is not None else [])
    return findings
