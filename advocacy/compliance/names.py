"""The patient-name rule: people named in a care context, unless the text names them as staff.

A name is found three ways: after a cue that marks a patient ("Mrs.", "baby", "patient", "the Patel
family", "la señora"), as two or more capitalised words of which the name lexicon knows enough, or as
a lower-case first and last name the lexicon knows (careless posts, digits for letters), or next to
what happens to a patient ("Chidi Okafor was discharged", "Maria was admitted"). Staff are told
apart by their role next to the name ("nurse Keisha Brown", "Kevin Li, RN", "Dr. Chen") or by what
they are celebrated for (an award, a shift, years of service) in a sentence that says nothing of care.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from advocacy.compliance.context import Sentence, any_care, folded, lowered, sentence_at
from advocacy.compliance.findings import Finding, Severity
from advocacy.compliance.lexicon import NameLexicon, name_lexicon
from advocacy.compliance.policy import CompliancePolicy

WORD = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[-'][A-ZÀ-Ý]?[a-zà-ÿ]+)?"
CUED = re.compile(
    rf"\b(?:(?:Mr|Mrs|Ms|Miss|Mx|Sr|Sra|Srta)\.?\s*|(?:[Ss]e[ñn]ora?|[Dd]o[ñn]a|[Dd]on|[Bb]aby|[Bb]eb[ée]|"
    rf"[Gg]rand(?:ma|pa|mother|father)|[Aa]buel[oa]|[Pp]atients?(?:\s+named)?|[Pp]aciente|[Pp]t\.?|"
    rf"\d+-(?:month|week|day|year)-old|[Ss]ix-month-old|[Ll]ittle)\s+(?:boy\s+|girl\s+|ni[ñn][oa]\s+)?)"
    rf"((?:[A-Z]\.\s*)?{WORD}(?:\s+{WORD}){{0,2}})"
    rf"|\b[Tt]he\s+({WORD})\s+family\b|\b[Tt]he\s+({WORD})s\b(?!\s+family)"
)
# A title is part of the name it introduces; "patient" or "baby" is not.
TITLE = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Sr|Sra|Srta|[Ss]e[ñn]ora?|[Dd]o[ñn]a|[Dd]on)\b")
TITLED_INITIALS = re.compile(  # "Mrs. G.", "mr. b", patient "J.S."
    r"\b(?:[Mm]rs?|M[Ss]|Miss|Mx)\.?\s*[A-Z](?:\.(?:\s*[A-Z]\.)?|\b(?![\w'.-]))|\b(?:mrs?|ms)\.?\s+[a-z]\b(?![\w'.-])"
    r"|\b[Pp]atient\s+[\"“']?[A-Z]\.\s*[A-Z]\."
)
CAPITALISED_RUN = re.compile(rf"\b{WORD}(?:\s+{WORD}){{1,3}}\b")
LOWER_PAIR = re.compile(r"\b([a-z0-9@$]{3,})\s+([a-z0-9@$]{3,})\b")
SPACED_PAIR = re.compile(r"\b([A-Za-z](?: [A-Za-z]){2,})\s{2,}([A-Za-z](?: [A-Za-z]){2,})\b")
LEETS = (str.maketrans("0134@$5", "oieaass"), str.maketrans("0134@$5", "oleaass"))
# Words that make a capitalised run a place, a building or an event, not a person.
PLACE_WORDS = frozenset(
    "street st road rd avenue ave lane drive court way crescent close terrace boulevard highway route "
    "park lake mall station "
    "school high elementary college university hospital health center centre clinic pavilion tower "
    "house home arbor wing unit award awards foundation fund day week month gala run walk race fair team "
    "program programme institute society association church chapel library hall bridge ridge county city "
    "north south east west river valley heights plaza square garden gardens kitchen cafe monday tuesday "
    "wednesday thursday friday saturday sunday january february march april june july august september "
    "october november december christmas easter thanksgiving marathon triathlon 5k 10k cup classic games "
    "open festival parade challenge series conference summit expo symposium tournament".split()
)
ROLES = frozenset(
    "nurse nurses rn md np pa do cna dr doctor doctora physician surgeon anesthesiologist therapist "
    "tech technician technologist pharmacist chaplain secretary consultant lead head chief director "
    "manager assistant practitioner resident attending preceptor educator volunteer interpreter "
    "coordinator specialist midwife paramedic emt aide colleague coworker co-worker nursing officer "
    "rev rev. reverend pastor rabbi imam ceo cno cmo cfo coo vp own president founder donor mayor "
    "speaker author enfermera enfermero médico "
    "médica medico trabajadora trabajador social cirujano cirujana doctor. dr. dra. dra officer security "
    "guard housekeeper receptionist scheduler clerk porter transporter phlebotomist dietitian nutritionist "
    "sonographer radiographer librarian chef cook engineer analyst administrator charge intern fellow "
    "hospitalist intensivist nurse-midwife doula sw rt rrt slp ot crna lpn cnm pharmd scribe".split()
)
# ", our security officer," after a name: its role in apposition, read as words and looked up in ROLES.
APPOSITION = re.compile(
    r"\s*,\s*(?:our|the|a|an|nuestr[oa]|el|la|who\s+leads)\s+((?:[\w'’-]+\s+){0,5}[\w-]+)"
)
# The person's own care said after their name ("during his ICU stay", "before her discharge",
# "through 12 rounds of chemo"): what they did was as a patient, whatever the verb.
OWN_CARE = re.compile(
    r"\b(?:his|her|their|su)\s+(?:own\s+|whole\s+|long\s+)?(?:[\w-]+\s+)?(?:stay|discharge|care|surgery|chemo|"
    r"treatment|diagnosis|transplant|recovery|mastectomy|delivery|labou?r|birth|procedure|rounds?|admission|"
    r"biopsy|operation|illness|cancer|injur\w*|fracture|stroke|heart\s+attack|rehab|therapy|"
    r"hospitali[sz]ation|tratamiento|cirug[íi]a|alta)\b|\brounds?\s+of\s+(?:chemo|radiation|treatment)",
    re.IGNORECASE,
)
# Where a colleague works, said in apposition: "Gwen Harper, the heart of our front desk".
WORKPLACE = frozenset(
    "desk team crew staff department office shift lab pharmacy registration kitchen council committee "
    "board volunteers auxiliary".split()
)
# Who a writer shadows, learns from or works beside is a colleague.
STAFF_BEFORE = re.compile(
    r"(?:shadow(?:ed|ing)?|learn(?:ed|ing)?\s+from|work(?:ed|ing)?\s+(?:alongside|with|beside)|precepted\s+by|"
    r"mentored\s+by|trained\s+(?:by|with)|paired\s+with|teamed\s+up\s+with|relieved\s+by|report\s+to)\s+$",
    re.IGNORECASE,
)
ROLE_AFTER = re.compile(
    r"\s*,?\s*(?:RN|MD|DO|NP|PA-C|CNA|BSN|PhD|LPN|CRNA)\b"
    r"|\s*,\s*(?:our|the|a|nuestr[oa]|el|la|who\s+leads)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:nurse|pharmacist|lead|chief|director|manager|physician|surgeon|therapist|chaplain|doctor|"
    r"enfermera|médic[oa]|coordinator|specialist|educator|volunteer|tech)\b",
)
WORD_BEFORE = re.compile(r"[\w.'-]+")


# What the person named did for others: a colleague's deed ("for staying late with a patient",
# ", who comforted a family"); a patient is who care was given to, not who gave it.
AGENT = re.compile(
    r"\s*[,(]?\s*(?:who|for|por|que)\s+(?:(?:always|never|quietly|patiently|calmly|tirelessly|just|also|"
    r"really|once\s+again|again)\s+)*(?:stay|sit|sat|comfort|cover|car(?:e|ing|ed)\b|held|hold|help|lead|led|"
    r"run|ran|organi[sz]|coordinat|train|teach|taught|mentor|catch|caught|spott|notic|advocat|go(?:es|ing)?\s+"
    r"above|went\s+above|step|pick|keep|kept|mak|made|bring|brought|calm|translat|interpret|work|volunteer|"
    r"knit|donat|rais|start|creat|built|design|launch|champion|listen|answer|sang|sing|play|cubri|cuid|"
    r"acompa|atend|trabaj|your\s+(?:care|work|kindness|compassion|dedication|leadership|help))",
    re.IGNORECASE,
)


def staff_named(text: str, start: int, end: int) -> bool:
    """Whether the name at [start, end) is introduced or followed by a staff role, or does staff work."""
    before = WORD_BEFORE.findall(text[max(0, start - 48) : start])[-3:] + text[start:end].split()[:1]
    if any(word.lower() in ROLES or word.lower().removesuffix("s") in ROLES for word in before):
        return True
    if ROLE_AFTER.match(text, end):
        return True
    if AGENT.match(text, end) and not OWN_CARE.search(text, end, end + 120):
        return True
    if STAFF_BEFORE.search(text[max(0, start - 30) : start]):
        return True
    apposition = APPOSITION.match(text, end)
    return apposition is not None and any(
        word.lower() in ROLES or word.lower() in WORKPLACE for word in apposition.group(1).split()
    )


# What staff are celebrated for, and what only happens to patients (which wins when both are said).
STAFF_DEED = folded(
    r"\b(?:retir\w*|award\w*|certifi\w*|promot\w*|anniversary|years\s+(?:of\s+service|on\s+our|at|"
    r"in\s+our|with\s+us|on\s+the)|precept\w*|mentor\w*|hired|new\s+grad|"
    r"join(?:s|ed)?\s+(?:our|the)\s+(?:\w+\s+)?team|"
    r"welcome\s+(?:back\s+)?to\s+the\s+team|shifts?|colleagues?|coworkers?|co-workers?|cover(?:ed|ing)\s+for|"
    r"trained|teaches|taught\s+(?:our|new)|leads|led\s+(?:our|the|by)|fix(?:ed|ing)|"
    r"(?:in|from)\s+(?:radiology|pharmacy|the\s+lab|IT|facilities|billing|registration|admitting|transport|"
    r"dietary|housekeeping|environmental\s+services|evs|security|finance|hr|human\s+resources|materials|"
    r"supply|sterile\s+processing|food\s+services?|nutrition|the\s+kitchen|maintenance|engineering|"
    r"imaging|patient\s+access|volunteer\s+services|nursing\s+administration)|"
    r"(?:and|with|of)\s+(?:the|our)\s+(?:whole\s+|entire\s+)?(?:[\w-]+\s+){0,3}(?:team|crew|staff|council|"
    r"committee|board|volunteers|auxiliary)|of\s+the\s+(?:year|month|quarter)|"
    r"day\s+off|stayed\s+late|extra\s+shifts?|picked\s+up|volunteered|exams?|boards|lucky\s+to\s+have|"
    r"employee\s+of|nurses?\s+week|(?:has|have|had)\s+worked|who\s+(?:works|worked)|welcome\s+back|"
    r"returning\s+to\s+(?:our|the)|(?:maternity|parental|paternity|medical)\s+leave|"
    r"jubilaci[óo]n|a[ñn]os\s+de\s+servicio|compa[ñn]er[oa]s?)\b",
)
PATIENT_CUE = folded(
    r"\b(?:discharged|admitted|diagnosed|chemo\w*|went\s+home|going\s+home|rang\s+the\s+bell|"
    r"recovering|"
    r"recovery|beat(?:ing)?\s+(?:cancer|leuka?emia|covid|sepsis)|his\s+surgery|her\s+surgery|"
    r"transplant|delivered|born|in\s+room|bed\s+\d|our\s+care|patient|survivor|treatment|alta|"
    r"paciente)\b(?!s)",
)


# Years of service, or a working life, are a colleague's whatever the care words around them.
SERVICE = folded(
    r"\b(?:\d+|[a-z]+(?:-[a-z]+)?)\s+(?:years?|yrs?|a[ñn]os)\s+(?:on|in|with|at|of\s+service|de\s+servicio|en)\b"
    r"(?!\s+remission)|\b(?:has|have|had)\s+worked\b|\bretir(?:es|ing|ed|ement)\b",
)


def cued(text: str, start: int) -> bool:
    """Whether a patient cue or a title introduces the name at `start` ("baby", "patient", "Mrs.")."""
    before = WORD_BEFORE.findall(text[max(0, start - 16) : start])[-1:]
    return bool(before and before[0].lower() in CUE_WORDS or TITLE.match(text, start))


def staff_sentence(around: str) -> bool:
    """A sentence (lower-cased) about work (an award, a shift, years of service) that says nothing of care."""
    if SERVICE.search(around) and not PATIENT_STATUS.search(around):
        return True
    return bool(STAFF_DEED.search(around)) and not PATIENT_CUE.search(around)


def person_run(words: list[str], lexicon: NameLexicon) -> bool:
    """Whether capitalised words read as a person's name rather than a place's or a sentence start."""
    if any(word.lower() in PLACE_WORDS for word in words):
        return False
    known = sum(lexicon.is_name(word) for word in words)
    return known >= 2 or (lexicon.is_first(words[0]) and len(words) >= 2 and known >= 1)


CUE_WORDS = frozenset("patient patients paciente baby bebé grandma grandpa little the".split())
# A lower-case name after a cue a careless post still writes: "baby marisol", "ptnt brody", "mr dalloway".
LOWER_CUED = re.compile(
    r"\b(?:mrs?|ms|miss|baby|beb[ée]|pt|ptnt|patient|paciente|lil|little)\.?\s+([a-zà-ÿ]{3,}(?:\s+[a-zà-ÿ]{3,})?)\b"
)
# Words that follow a cue without being a name.
CUE_FOLLOWERS = frozenset(
    """was is who and the with in on at for from had has got went boy girl shower steps care safety
    experience transport portal advocate advocates family families names name room bed shark yoda
    food formula monitor monitors girls boys one two three went said says told fall falls""".split()
)


def lower_name(first: str, last: str, lexicon: NameLexicon) -> bool:
    """A lower-case first and last name; digits for letters ("j0hn k0walski") mark a disguised one."""
    if first.isalpha() and last.isalpha():
        return first in lexicon.first and last in lexicon.last
    for leet in LEETS:
        plain_first, plain_last = first.translate(leet), last.translate(leet)
        if not (plain_first.isalpha() and plain_last.isalpha() and lexicon.is_first(plain_first)):
            continue
        if (plain_first != first and plain_last != last) or lexicon.is_last(plain_last):
            return True
    return False


def name_spans(text: str, lexicon: NameLexicon) -> Iterator[tuple[int, int]]:
    for match in CUED.finditer(text):
        group = match.lastindex or 1
        if group == 2 and not lexicon.is_name(match.group(2)):
            continue
        if group == 3 and not lexicon.is_last(match.group(3)):
            continue  # "the Johnsons", not "the Giants"
        if any(word.lower() in PLACE_WORDS for word in match.group(group).split()):
            continue  # "Patient Experience Week"
        if group == 1 and not TITLE.match(text, match.start()) and match.group(1).lower() in CUE_FOLLOWERS:
            continue  # "patient Transport", not a name
        titled = group == 1 and TITLE.match(text, match.start())
        yield match.start() if titled or group > 1 else match.start(1), match.end(group) + (group == 3)
    for match in TITLED_INITIALS.finditer(text):
        yield match.span()
    for match in CAPITALISED_RUN.finditer(text):
        if match.group().split()[0].lower() in CUE_WORDS:
            continue  # "Patient Maria Lopez": the cue above gives the name alone
        if person_run(match.group().split(), lexicon):
            yield match.span()
    for match in LOWER_CUED.finditer(text):
        if match.group(1).lower() in CUE_FOLLOWERS:
            continue
        if lexicon.is_first(match.group(1).split()[0]) or match.group(0)[0].lower() == "m":  # "mr dalloway"
            yield match.span(1)
    for match in LOWER_PAIR.finditer(text):
        if lower_name(match.group(1), match.group(2), lexicon):
            yield match.span()
    for match in SPACED_PAIR.finditer(text):
        first, last = match.group(1).replace(" ", ""), match.group(2).replace(" ", "")
        if lexicon.is_first(first) and lexicon.is_name(last):
            yield match.span()


PATIENT_STATUS = folded(
    r"\b(?:was|is|been|got)\s+(?:discharged|admitted|diagnosed|treated|transferred|extubated|intubated)\b"
    r"|\b(?:went|going|gone)\s+home\b|\brang\s+the\s+bell\b|\brecovering\b|\bbeat\b",
)
FIRST_NAME_SUBJECT = re.compile(  # "Maria was discharged today"
    rf"\b({WORD})\s+(?:was|is|has\s+been|got|went|goes)\s+(?:discharged|admitted|diagnosed|transferred|"
    r"extubated|intubated|home|to\s+rehab)\b"
)
SURNAME_RUN = re.compile(rf"\b({WORD})\s+({WORD})\b")
# A first name alone, cheered for what only a patient does: "Shoutout to Frank for finally walking".
MILESTONE = re.compile(
    rf"\b({WORD})\s*,?\s+(?:for|on)\s+(?:finally\s+|officially\s+)?(?:walking|beating|ringing|"
    r"finishing\s+(?:his|her|their)|completing\s+(?:his|her|their)|going\s+home|surviving|getting\s+"
    r"(?:discharged|extubated|home)|taking\s+(?:his|her|their)\s+first|breathing\s+on|being\s+discharged|"
    r"(?:his|her|their)\s+(?:discharge|recovery|transplant|surgery|new\s+(?:heart|kidney|liver|hip|knee)))"
)


def status_named(text: str, lexicon: NameLexicon) -> Iterator[tuple[int, int]]:
    """Two capitalised words ending in a known surname, in a sentence saying what happened to a patient."""
    for match in MILESTONE.finditer(text):
        if match.group(1).lower() not in PLACE_WORDS and match.group(1).lower() not in CUE_FOLLOWERS:
            yield match.span(1)
    if not PATIENT_STATUS.search(lowered(text)):
        return
    for match in SURNAME_RUN.finditer(text):
        first, last = match.group(1), match.group(2)
        if lexicon.is_last(last) and first.lower() not in PLACE_WORDS and last.lower() not in PLACE_WORDS:
            yield match.span()
    for match in FIRST_NAME_SUBJECT.finditer(text):
        if lexicon.is_first(match.group(1)) and match.group(1).lower() not in PLACE_WORDS:
            yield match.span(1)


def patient_names(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    if not any_care(parts):
        return
    taken: list[tuple[int, int]] = []
    staff: dict[int, bool] = {}  # each sentence is judged once, however many names it holds
    lexicon = name_lexicon()
    for start, end in sorted({*name_spans(text, lexicon), *status_named(text, lexicon)}):
        if any(s < end and start < e for s, e in taken) or staff_named(text, start, end):
            continue
        around = sentence_at(parts, start)
        if around.start not in staff:
            staff[around.start] = staff_sentence(around.lower)
        if staff[around.start] and not cued(text, start):
            continue
        taken.append((start, end))
        yield Finding(
            "patient_name", Severity.BLOCK, start, end,
            "A patient's name in a care context identifies them; post it only with a signed release, "
            "which this tool cannot see.",
            "Leave the name out, or ask the patient's release to be attached by public affairs.",
        )
