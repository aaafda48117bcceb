"""What the rules share: sentences, care words and the people a text may be about (patients or staff).

A patient identifier (a name, a room, a time) only identifies someone when it is tied to care, so the
rules ask these questions of a text's sentences rather than of single words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from advocacy.compliance.findings import Finding
from advocacy.compliance.policy import CompliancePolicy


@lru_cache(maxsize=1)  # most rules ask for the whole text's, one after another
def lowered(text: str) -> str:
    """`text` in lower case, character for character, so that a match's positions hold in `text`."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def folded(pattern: str) -> re.Pattern[str]:
    """`pattern` for lower-cased text, compiled without IGNORECASE (which makes a pattern three to four
    times slower in Python's engine); the caller matches it against `lowered` text."""
    if "(?-i" in pattern:
        raise ValueError("a case-sensitive part cannot be folded")
    out, escaped = [], False
    for character in pattern:
        out.append(character if escaped else character.lower())
        escaped = not escaped and character == "\\"
    return re.compile("".join(out))


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    care: bool  # mentions a patient or a care event
    person: bool  # mentions one person a post could be about ("a man", "the baby", "la señora")
    words: frozenset[str]  # its lower-case words, for rules that look a word up before a pattern
    lower: str  # its text in lower case, position for position, for patterns made by `folded`


Rule = Callable[[str, list[Sentence], CompliancePolicy], Iterator[Finding]]

# Titles end in a full stop but do not end a sentence.
LINK = re.compile(r"https?://\S+")  # a web address, up to the next space
SENTENCE_END = re.compile(r"[.!?]+(?=\s)|\n+")
# "Rm. 4" and "R.m. 4" are a room, not a sentence's end.
# "Car vs. bike" is one sentence too.
TITLE_BEFORE = re.compile(
    r"\b(?:Pt|Mr|Mrs|Ms|Dr|St|Mx|Sr|Sra|Srta|Lt|Prof|pt|mr|mrs|ms|dr|[Rr]\.?m|[Vv][Ss])$"
)
WORD = re.compile(r"[\w&'-]+")
DIGIT = re.compile(r"\d")
# Looked up as lower-case words in a set: one regex alternation of a hundred words costs far more.
CARE_TERMS = frozenset(
    """patient patients pt pts admitted admission discharge discharged diagnosed diagnosis treated
    treating treatment surgery surgeries surgeon operated icu nicu picu er ed trauma intubated extubated
    ventilator oxygen transplant underwent bedside ward prognosis cardiac arrest stroke chemo
    chemotherapy radiation dialysis sepsis cancer leukemia leukaemia tumor tumour recovering recovery
    rehab case code ambulance airlifted infusion oncology pediatric peds maternity labor labour delivered
    delivery newborn preemie born step-down telemetry unit floor burn fracture overdose transfusion
    bypass pneumonia infection sick artery fainted pregnant birthing l&d twins triplets birth cubicle bed
    bay atendimos atendido atendida paciente pacientes alta uci urgencias cirugía cirugia operado operada
    ingresó ingreso trasplante diálisis dialisis quimioterapia oncología oncologia parto nació nacio
    hospitalizado hospitalizada quemados hospice palliative burns fractures injuries injury stemi mvc gcs
    coded cardioverted ambulating splenectomy nacida nacido nacieron partos rehabilitación
    rehabilitacion fisioterapia infarto intubado intubada intubados internado internada cama
    replacement post-op postop operation ccu pacu cvicu sicu micu mastectomy lumpectomy biopsy quimio
    cáncer vent vented readmit readmitted readmission admit admits hx chf copd c-section abruption ama
    intubation amputation amputated remission deliver delivering ecmo stitches coding deceased
    measles flu influenza covid rsv norovirus mumps chickenpox fx postpartum hemorrhage haemorrhage
    hemorragia quirófano quirofano stent stents resuscitated reanimado reanimada gemelos mellizos
    trillizos sober sobriety detox relapse relapsed tonsils tonsillectomy appendectomy gallbladder
    concussion""".split()
)
CARE_PHRASES = folded(
    r"\b(?:emergency (?:room|department)|our care|looked after|cath lab|cuidados intensivos|"
    r"into the world|first breath|came in|cared\s+for|took\s+care\s+of|sala\s+de\s+partos|s/p|"
    r"new\s+(?:heart|kidney|liver|lungs?|hip|knee|cornea)|(?:his|her|their)\s+care|spinal\s+tap|"
    r"lumbar\s+puncture|bone\s+marrow|blood\s+draw|(?:hospital|medical)\s+(?:bills|expenses)|"
    r"(?:stable|critical|serious|fair|grave)\s+condition|passed\s+(?:away|on|at)|call\s+(?:light|bell)|"
    r"frequent\s+flyer|(?:dio|dar|dando|diera)\s+a\s+luz|heart\s+attack|"
    # Going home after a stay: "headed home after 94 days with us".
    r"(?:headed|heading|going|went|sent)\s+home\s+(?:after|from|today|with)|\d+\s+days\s+with\s+us)\b",
)
# Every CARE_PHRASES match holds one of these words: sentences with none are not searched.
CARE_PHRASE_WORDS = frozenset(
    "emergency care looked cath cuidados world breath came cared took sala s new tap puncture marrow "
    "draw bills expenses condition passed call frequent luz home days heart".split()
)
UNIT_NAME = re.compile(r"\b\d{1,2}\s?(?:West|East|North|South)\b", re.IGNORECASE)  # "5 West" is a ward
# Someone a post may be about, as a patient: a person noun, singular (a crowd identifies nobody).
PERSON_TERMS = frozenset(
    """patient pt man woman guy lady gentleman kid kiddo child boy girl baby toddler infant teen teenager
    grandma grandpa grandmother grandfather mom mother dad father husband wife son daughter runner
    mr mrs ms sr sra srta grampa gramma granny gal cyclist motorcyclist pedestrian hiker swimmer passenger
    driver farmer worker student jogger walker roofer skier skateboarder dude bro
    fighter warrior twins triplets motociclista ciclista peatón conductor señor senor señora senora niño
    nino niña nina bebé bebe abuelo abuela paciente hombre mujer female male chico chica muchacho
    muchacha mamá""".split()
)
# Clinical shorthand for one person: "74M", "19 y/o F", "34 yo", "de 62 años" (an age is a person).
AGE_SHORT = re.compile(  # the class first, so that most positions fail at once
    # "después de 35 años" is how long, not how old.
    r"(?=[\dd])(?:(?<![$€£\d.,])(?<!\dh\s)(?<!\dhr\s)\b\d{1,3}s?\s?(?:y/?o|[MF])\b"
    r"|(?<!despu[ée]s\s)(?<!m[áa]s\s)(?<!menos\s)\bde\s+\d{1,3}\s+a[ñn]os\b)",
    re.IGNORECASE,  # "80s F"
)
AGED_ONE = folded(r"\b(?:an?|one)\s+\d{1,3}\s?(?:yrs?|years?|mos?|months?)\s?old\b")  # "a 70 yr old"
PERSON = re.compile(rf"\b(?:{'|'.join(sorted(PERSON_TERMS))})\b", re.IGNORECASE)


# A rehearsal has no patient in it: a drill, a mock code, a simulation with a manikin, a case said to be
# made up ("a fictional patient", "teaching case (fictional)").
REHEARSAL = folded(
    r"\b(?:drills?|mock|simulat\w*|sim\s+lab|manikins?|mannequins?|scenario|fictional|fictitious|made-up|"
    r"hypothetical)\b"
)


SERVICE_NAME = re.compile(
    r"\bchild\s+life\b|\bpatient\s+(?:portal|experience|safety|relations|advocates?|access|services|"
    r"financial|education|navigators?|registration|transport|liaison|satisfaction|engagement)\b"
)


def sentence(text: str, start: int, end: int) -> Sentence:
    part = text[start:end]
    lower = lowered(part)
    found = WORD.findall(lower)
    if "'s" in lower or "’s" in lower:  # most sentences have none: their words are not gone over
        found += [word[:-2] for word in found if word.endswith(("'s", "’s"))]  # "patient's"
    words = frozenset(found)
    care = not CARE_TERMS.isdisjoint(words) or (not CARE_PHRASE_WORDS.isdisjoint(words) and bool(
        CARE_PHRASES.search(lower)
    ))
    # A child life specialist is a colleague and a patient portal a service: the person noun in the name of
    # a discipline or a service is no one a post is about.
    nouns = words
    if ("child" in words or "patient" in words) and (service := SERVICE_NAME.sub(" ", lower)) != lower:
        nouns = frozenset(WORD.findall(service))
    person = (
        not PERSON_TERMS.isdisjoint(nouns) or "-old" in part  # "the 5-year-old from the fire"
        or bool(DIGIT.search(part) and (AGE_SHORT.search(part) or "old" in words and AGED_ONE.search(lower)))
    )
    return Sentence(start, end, part, care, person, words, lower)


def sentences(text: str, known: list[Sentence] | None = None) -> list[Sentence]:
    """The sentences of `text`; one worded as one of `known` (the sentences of the text as written, when
    this is its reading with disguises undone: most are the same) is only placed, not read again."""
    read = {part.text: part for part in known or ()}

    def placed(start: int, end: int) -> Sentence:
        same = read.get(text[start:end]) if read else None
        return sentence(text, start, end) if same is None else replace(same, start=start, end=end)

    found: list[Sentence] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        if match.group() == "." and TITLE_BEFORE.search(text, max(0, match.start() - 4), match.start()):
            continue
        if found and start == match.start() and match.group()[0] == "\n":
            continue  # the line break after a sentence's stop opens no sentence: the next one follows
        found.append(placed(start, match.end()))
        start = match.end()
    if start < len(text):
        found.append(placed(start, len(text)))
    return found


def has_digit(text: str) -> bool:
    """Rules whose every match holds a digit skip texts without one (most texts have none)."""
    return DIGIT.search(text) is not None


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


# Words that make a sentence about a colleague at work ("tech Marcus in rm 12 of the cath lab").
STAFF_ROLES = frozenset(
    """nurse nurses rn rns md np cna dr doctor physician surgeon therapist tech techs technician
    technologist pharmacist chaplain secretary resident attending preceptor educator volunteer
    interpreter coordinator specialist midwife paramedic emt aide colleague coworker enfermera enfermero
    housekeeping security staff""".split()
)


def staff_role_in(words: frozenset[str]) -> bool:
    return not STAFF_ROLES.isdisjoint(words)
