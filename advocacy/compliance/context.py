"""What the rules share: sentences, care words and the people a text may be about (patients or staff).

A patient identifier (a name, a room, a time) only identifies someone when it is tied to care, so the
rules ask these questions of a text's sentences rather than of single words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from advocacy.compliance.findings import Finding
from advocacy.compliance.policy import CompliancePolicy


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    care: bool  # mentions a patient or a care event


Rule = Callable[[str, list[Sentence], CompliancePolicy], Iterator[Finding]]

# Titles end in a full stop but do not end a sentence.
SENTENCE_END = re.compile(r"(?<!\bPt)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMx)[.!?]+(?=\s)|\n+")
CARE_WORDS = re.compile(
    r"\b(?:patients?|pts?\b\.?|admitted|admission|discharged?|discharge|diagnos(?:ed|is)|treated|treating|"
    r"treatment|surgery|surgeries|surgeon|operated|ICU|NICU|PICU|ER|ED|emergency (?:room|department)|"
    r"trauma|intubated|extubated|ventilator|oxygen|transplant|underwent|bedside|ward|prognosis|"
    r"cardiac|arrest|stroke|chemo(?:therapy)?|radiation|dialysis|sepsis|cancer|leukemia|tumou?r|"
    r"our care|in our care|recovering|recovery|rehab|case|code|ambulance|airlifted|infusion|"
    r"oncology|pediatric|peds|maternity|labou?r|delivered|delivery|newborn|preemie|born|"
    r"step-down|telemetry|unit|floor|burn|fracture|overdose|transfusion|bypass|pneumonia|looked after|"
    r"infection|sick|leuka?emia|cath lab|artery|fainted|pregnant|birthing|L&D|twins|triplets|birth|"
    r"cubicle|bed|bay|"
    r"paciente|pacientes|alta|UCI|urgencias|cirug[ií]a|operad[oa]|ingres[óo]|trasplante|di[áa]lisis|"
    r"quimioterapia|oncolog[ií]a|cuidados intensivos|parto|naci[óo]|hospitalizad[oa]|quemados)\b",
    re.IGNORECASE,
)
UNIT_NAME = re.compile(r"\b\d{1,2}\s?(?:West|East|North|South)\b")  # "5 West" is a ward
# Someone a post may be about, as a patient: a person noun, singular (a crowd identifies nobody).
PERSON = re.compile(
    r"\b(?:patient|pt|man|woman|guy|lady|gentleman|kid|kiddo|child|boy|girl|baby|toddler|infant|teen|"
    r"teenager|grandma|grandpa|grandmother|grandfather|mom|mother|dad|father|husband|wife|son|daughter|"
    r"runner|cyclist|driver|farmer|worker|student|fighter|warrior|twins|triplets|"
    r"se[ñn]or|se[ñn]ora|ni[ñn][oa]|beb[ée]|abuel[oa]|paciente|hombre|mujer)\b",
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


def any_care(parts: list[Sentence]) -> bool:
    return any(part.care or UNIT_NAME.search(part.text) for part in parts)


def with_next(parts: list[Sentence]) -> Iterator[tuple[Sentence, Sentence | None]]:
    """Each sentence with the one after it (None after the last): a case often spans two."""
    following: list[Sentence | None] = [*parts[1:], None]
    yield from zip(parts, following[: len(parts)], strict=True)


def finding_in(sentence: Sentence, match: re.Match[str], group: int = 0) -> tuple[int, int]:
    """The span of a match made inside `sentence`, as positions in the whole text."""
    return sentence.start + match.start(group), sentence.start + match.end(group)
