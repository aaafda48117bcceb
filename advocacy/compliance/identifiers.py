"""Identifiers a label introduces (record numbers, patient and account ids, dates of birth), in any format.

The label is what makes a string of digits a patient's: "MRN", "acct #", "member ID", "DOB",
"historia clínica". The value after it may mix letters, digits, dashes, slashes, dots and spaces,
so it is read as a run of such characters holding at least three digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from advocacy.compliance.context import Sentence, folded, has_digit, lowered
from advocacy.compliance.findings import Finding, Severity
from advocacy.compliance.policy import CompliancePolicy

NUMBER_WORD = r"(?:number|num|no\.?|nbr|n[º°o0]\.?|#|identifier|id|ids|i\.d\.?|label|code|reference|ref\.?)"
VALUE = (
    # The label may name whose number it is before the value: "account # for the gentleman ... is 7734".
    r"(?:\s*(?:for|of|del?|on)\s+[^\d\n.:;!?]{1,48}?\s+(?=(?:is|was|es|should)\b))?"
    # The label and the value may be set apart by an arrow ("patient id → NBH-2291"), and a value's
    # last digits by a dash or dots ("mrn ends -4419", "ending in …4419").
    # A verb may stand between them too: "mrn is showing as …", "the record number … should be …".
    r"(?:\b(?:is|was)\s+(?:showing|shown|listed|written|entered|down)\s+as\b|\bshould\s+(?:be|read)\b|"
    r"[:#=]{1,2}|→|➡|⇒|⟹|->|=>|\bis\b|\bwas\b|\bend(?:s|ing)(?:\s+in)?\b|\bes\b)?\s*#?\s*(?:n[.º°o]+\s*)?"
    r"(?:(?:[-–*…]|\.{2,})\s*)?"
    # Groups of digits may be set apart by middle dots: "77·04·19·33".
    r"([A-Z0-9][\w/.·\-]*(?:\s\d[\w/.·\-]*){0,3})"
)
RECORD_LABELS = (
    r"m\.?\s?r\.?\s?n\.?|mr\s?#|med(?:ical)?\s+rec(?:ord)?s?(?:\s+" + NUMBER_WORD + r")?|"
    r"(?:chart|record)\s+" + NUMBER_WORD + r"|"
    r"(?:n[uú]mero\s+de\s+)?historia\s+cl[ií]nica|nhc|(?:n[uú]mero\s+de\s+)?expediente"
)
PATIENT_LABELS = (
    r"(?:patient|paciente|pt\.?|acc(?:oun)?t|acct\.?|member|policy|insurance|medicaid|medicare|encounter|visit|"
    r"admit|admission|case|specimen|accession|claim|subscriber|beneficiary|wristband|bed\s+tag|guarantor|"
    # What a patient wears is theirs: "her bracelet code was …", "band # …".
    r"bracelet|armband|band|pulsera|"
    r"hospital)\s*"
    + NUMBER_WORD
    # "p/id", "pt/id": a patient's id with a slash.
    + r"|pt?\s?/\s?id\b|pt\s*#|id\s*#|id\s+del\s+paciente|"
    r"n[uú]mero\s+de\s+(?:paciente|afiliad[oa]|cuenta|p[oó]liza|seguro)|"
    r"(?:n[º°]|no\.?)\s+de\s+(?:afiliad[oa]|cuenta|paciente|p[oó]liza|seguro|expediente)|c[ée]dula|curp|nss|dni|"
    r"p[oó]liza(?:\s+del\s+seguro)?\s*:|cuenta\s+(?:n[º°o]\.?|n[uú]m(?:ero)?\.?|#)"
)
# Labels that name one person's records with no "number" after them ("acct 99120-33", "hospital #"),
# looked for only in texts holding one of ACCOUNT_WORDS.
ACCOUNT_ID = folded(
    # The value may start with letters: "account HPRH-2024-0091837"; a Medicare beneficiary id ("MBI").
    r"(?=[aemshc])\b(?:(?:acct|account|encounter|member|medicaid|medicare|subscriber|accession|mbi|hicn)"
    r"(?=\s*(?:[:#=→➡]|->|=>)?\s*(?:\d|[a-z]{1,6}-?\d))|"
    r"hosp(?:ital)?\s*#|"
    r"cuenta\s+del?\s+paciente)\s*" + VALUE,
)
ACCOUNT_WORDS = frozenset(
    "acct account encounter member medicaid medicare subscriber accession hosp hospital cuenta mbi "
    "hicn".split()
)
# Matched against the lower-cased text (`folded`): an IGNORECASE pattern runs three to four times slower.
# Each starts with a class of every label's first letter, so that most positions fail at once.
MRN = folded(rf"(?=[mcrnhe])\b(?:{RECORD_LABELS})\s*{VALUE}")
PATIENT_ID = folded(rf"(?=[pamievcsbwghnd])\b(?:{PATIENT_LABELS})\s*{VALUE}")
DATE = (
    r"(\d{1,2}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|"
    r"[A-Z][a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|"
    # "7th of Sept 1988", "12 de mayo de 1990", and a month's letters between dashes: "3-ago-1977".
    r"\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?[A-Za-z]+\.?,?\s+(?:de\s+)?\d{4}|"
    r"\d{1,2}\s?[/.-]\s?[A-Za-z]{3,9}\.?\s?[/.-]\s?\d{2,4}|"
    # A month's name with a year of two digits: "3 jan 71", "14 Nov '52".
    r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+'?\d{2}\b)"
)
BIRTH = folded(  # the class of the labels' first letters first, as above
    r"(?=[dbfn])\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday\s+is|born(?:\s+on)?|"
    r"f\.?\s?nac\.?|fecha\s+(?:de\s+)?nac(?:imiento)?\.?|naci[óo](?:\s+el)?)"
    r"\s*(?:[:#=,]|→|➡|⇒|->|=>|is|was|es)?\s*" + DATE,
)
SSN = folded(
    r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b"
    r"|\b(?:SSN|social security(?:\s+(?:number|no\.?|#))?)\s*(?:last\s+(?:4|four)(?:\s+digits)?\s*)?"
    r"(?:[:#]|is|ending(?:\s+in)?|ends(?:\s+in)?)?\s*"
    r"(?:\d{9}|\d{4})\b",
)


# "ID: NB0048822" with no word before it to say whose: a patient's, unless the label names another kind of
# id (a meeting's, an employee's badge).
BARE_ID = folded(r"(?=i)\bid\s*[:#]\s*([A-Z]{0,4}[-/]?\d[\w/\-]*)")
OTHER_ID = folded(
    r"\b(?:meeting|webinar|zoom|teams|conference|event|session|employee|staff|badge|tax|user|login|network|"
    r"wi-?fi|course|class|donor|vendor|provider|npi|ein|order|tracking|ticket|room|device|asset|photo)\s*$"
)


def labelled(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """Spans of a `folded` label pattern's matches whose value holds three digits or more."""
    if not has_digit(text):
        return
    position, lower = 0, lowered(text)
    while match := pattern.search(lower, position):
        value = match.group(1).rstrip(".-/")
        if sum(character.isdigit() for character in value) >= 3:  # "patient ID badges" is no number
            yield match.start(), match.start(1) + len(value)
            position = match.end()
        else:
            position = match.start(1)  # the word taken for a value may start the next label


def medical_record_numbers(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for start, end in labelled(MRN, text):
        yield Finding(
            "medical_record_number", Severity.BLOCK, start, end,
            "A medical record number identifies a patient and must never be posted.",
            "Remove the record number.",
        )


def bare_ids(text: str) -> Iterator[tuple[int, int]]:
    lower = lowered(text)
    for start, end in labelled(BARE_ID, text):
        if not OTHER_ID.search(lower, max(0, start - 16), start):
            yield start, end


def patient_identifiers(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    spans = list(labelled(PATIENT_ID, text))
    if (":" in text or "#" in text) and ("id" in text or "ID" in text or "Id" in text):
        spans += [s for s in bare_ids(text) if not any(s[0] < e and b < s[1] for b, e in spans)]
    if any(not part.words.isdisjoint(ACCOUNT_WORDS) for part in parts):
        spans += [s for s in labelled(ACCOUNT_ID, text) if not any(s[0] < e and b < s[1] for b, e in spans)]
    for start, end in spans:
        yield Finding(
            "patient_identifier", Severity.BLOCK, start, end,
            "A labelled patient, account, member or case number points to one person's records.",
            "Remove the number and its label.",
        )


# A building or a service "born" on a date is no person: "Heliport born: 08/22/1997", "the wing, born 1962".
BORN_THING = folded(
    r"\b(?:heliport|helipad|building|wing|tower|hospital|chapel|campus|pavilion|annex|foundation|program|"
    r"programme|clinic|service|website|podcast|newsletter)\W{0,3}$"
)


def dates_of_birth(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    lower = lowered(text)
    for start, end in labelled(BIRTH, text):
        if BORN_THING.search(lower, max(0, start - 16), start):
            continue
        yield Finding(
            "date_of_birth", Severity.BLOCK, start, end,
            "A date of birth is one of the identifiers the privacy rules forbid posting.",
            "Remove the date of birth.",
        )


def social_security_numbers(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    if not has_digit(text):
        return  # every SSN match holds digits
    for match in SSN.finditer(lowered(text)):
        yield Finding(
            "social_security_number", Severity.BLOCK, match.start(), match.end(),
            "A social security number identifies a person and must never be posted.",
            "Remove the number.",
        )
