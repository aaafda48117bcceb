"""Who a text names as a colleague rather than a patient: a role, a deed done for others, a department,
years of service. A patient is who care was given to, not who gave it.
"""

from __future__ import annotations

import re

from advocacy.compliance.context import folded

PATIENT_STATUS = folded(
    r"\b(?:was|is|been|got)\s+(?:discharged|admitted|diagnosed|treated|transferred|extubated|intubated)\b"
    r"|\breceived\s+(?:his|her|their|a)\s+(?:new|donor)\b|\bmoved\s+out\s+of\s+(?:the\s+)?(?:icu|picu|nicu)\b"
    r"|\b(?:went|going|gone|came)\s+home\b|\brang\s+the\s+bell\b|\brecovering\b|\bbeat\b|\bsurvived\b"
    r"|\bfinished\s+(?:his|her|their)\s+(?:last\s+|final\s+)?(?:(?:round|cycle|course|dose|session)\s+of\s+)?"
    r"(?:chemo|treatment|radiation|rehab)\b"
    r"|\bcame\s+to\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}(?:unit|icu|nicu|picu|er|ed|ward|emergency)\b"
    r"|\bbeen\s+coming\s+(?:to\s+us|in\s+for)\b"
    # A stay: "Gus was with us 3 weeks after his heart attack".
    r"|\bwas\s+with\s+us\s+(?:for\s+)?(?:\d+|a|an|one|two|three|four|five|six|several)\s+(?:days?|weeks?|months?)\b",
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
    "hospitalist intensivist nurse-midwife doula sw rt rrt slp ot crna lpn cnm pharmd scribe "
    "celador celadora camillero camillera auxiliar recepcionista voluntario voluntaria".split()
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
    r"biopsy|operation|illness|cancer|radiation|chemotherapy|dialysis|injur\w*|fracture|stroke|heart\s+attack|rehab|therapy|"
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
# A title of the period between a role and the name it introduces: "our volunteer of the month, Gerald".
TITLE_OF = re.compile(r"\s+of\s+the\s+(?:year|month|quarter|week)\s*[,:\-–]?\s*$", re.IGNORECASE)
# Digits for letters in a role or a title ("Nurs3 0f the M0nth"), read as letters; one for one.
LEET_LETTERS = str.maketrans("0134@$5", "oieaass")
# Who put on an event: "Organised by Thanh Huong Vo and Min-jun Cho", "hosted by ... and".
BY_STAFF = re.compile(
    r"\b(?:organi[sz]ed|hosted|led|run|presented|facilitated|moderated|taught|coordinated)\s+by\s+"
    r"(?:(?:Dr\.?\s+)?[\w'’-]+\s+){0,3}?(?:(?:Dr\.?\s+)?[\w'’-]+\s*,?\s+(?:and|&|y)\s+)?$",
    re.IGNORECASE,
)


# What the person named did for others: a colleague's deed ("for staying late with a patient",
# ", who comforted a family"); a patient is who care was given to, not who gave it.
AGENT = re.compile(
    r"\s*[,(]?\s*(?:who|for|por|que)\s+(?:(?:always|never|quietly|patiently|calmly|tirelessly|just|also|"
    r"really|once\s+again|again)\s+)*(?:stay|sit|sat|comfort|cover|car(?:e|ing|ed)\b|held|hold|help|lead|led|"
    r"run|ran(?!g)|organi[sz]|coordinat|train|teach|taught|mentor|catch|caught|spott|notic|advocat|go(?:es|ing)?\s+"
    r"above|went\s+above|step|pick|keep|kept|mak|made|bring|brought|calm|translat|interpret|work|volunteer|"
    r"knit|donat|rais|start|creat|built|design|launch|champion|listen|answer|sang|sing|play|cubri|cuid|"
    r"acompa|atend|trabaj|your\s+(?:care|work|kindness|compassion|dedication|leadership|help))",
    re.IGNORECASE,
)


def role(word: str) -> bool:
    """Whether `word` is a staff role, also in the plural or dotted out ("n.u.r.s.e")."""
    lowered = word.lower()
    forms = (lowered, lowered.replace(".", ""), lowered.translate(LEET_LETTERS))
    return any(form in ROLES or form.removesuffix("s") in ROLES for form in forms)


def staff_named(text: str, start: int, end: int) -> bool:
    """Whether the name at [start, end) is introduced or followed by a staff role, or does staff work."""
    window = text[max(0, start - 64) : start]
    title = TITLE_OF.search(window.translate(LEET_LETTERS))
    window = window[: title.start()] if title else window[-48:]
    before = WORD_BEFORE.findall(window)[-3:] + text[start:end].split()[:1]
    if any(role(word) for word in before):
        return True
    if ROLE_AFTER.match(text, end):
        return True
    if AGENT.match(text, end) and not OWN_CARE.search(text, end, end + 120):
        return True
    if STAFF_BEFORE.search(text[max(0, start - 30) : start]):
        return True
    if BY_STAFF.search(text[max(0, start - 80) : start]):
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
    r"employee\s+of|(?:staff|team|employee|colleague)\s+spotlight|nurses?\s+week|(?:has|have|had)\s+worked|who\s+(?:works|worked)|welcome\s+back|"
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
    r"\b(?:\d+|[a-z]+(?:-[a-z]+)?)\s+(?:years?|yrs?|a[ñn]os)\s+(?:on|in|with|at|as|of\s+service|de\s+servicio|en|como)\b"
    r"(?!\s+remission)|\b(?:has|have|had)\s+worked\b|\bretir(?:es|ing|ed|ement)\b",
)


def staff_sentence(around: str) -> bool:
    """A sentence (lower-cased) about work (an award, a shift, years of service) that says nothing of care."""
    if SERVICE.search(around) and not PATIENT_STATUS.search(around):
        return True
    return bool(STAFF_DEED.search(around)) and not PATIENT_CUE.search(around)
