"""Photos described as showing patient information: a chart, a screen, a board or the patient in view.

A post is judged from the words describing its picture ("a selfie with Mr. D in his bed", "the census
board behind us"); the picture itself is not looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from advocacy.compliance.context import Sentence
from advocacy.compliance.findings import Finding, Severity
from advocacy.compliance.policy import CompliancePolicy

# The class of every alternative's first character first, so that most positions fail at once.
PHOTO = re.compile(
    r"(?=[abcfhilmoprstvy📸📷🤳🎥🖼])(?:\b(?:photos?|pics?|pictures?|captions?|shots?|selfies?|snap|snaps|snapped|screenshots?|images?|fotos?|attached|"
    r"you\s+can\s+see|look\s+at\s+this|taped\s+to|on\s+the\s+wall|(?:screen|monitor)\s+shows|"
    r"in\s+the\s+corner|"
    r"in\s+the\s+background|behind\s+(?:us|them|me)|in\s+view|visible|al\s+fondo|miren|look\s+at|"
    # What someone sees from their desk, posted: "my view from the charge desk".
    r"(?:my|the)\s+view\s+from|"
    r"videos?|vids?|clips?|filmed|recorded|sneak\s+peek|polaroids?|capturas?|"
    # Someone's record shown: "Here's Kenji Watanabe's chart printout", "here is Mrs. Oyelaran's".
    r"here(?:['’]?s|\s+is)\s+(?-i:(?:(?:Mrs?|Ms|Miss)\.?\s+)?(?:[A-Z][\w-]*\s+){0,2}[A-Z][\w-]*)['’]s)\b"
    r"|📸|📷|🤳|🎥|🖼)",
    re.IGNORECASE,
)
PATIENT_DATA = re.compile(  # the class first (under the same IGNORECASE), as in PHOTO
    r"(?=[abcdefhilmnoprstuvwx])\b(?:whiteboard|census|tracking\s+board|bed\s+board|trauma\s+board|board\s+with|assignment\s+sheet|"
    # A board of who is where, a card on a door, and names set beside rooms or birth dates.
    r"(?:assignment|status|room|unit)\s+boards?|door\s+(?:cards?|tags?|labels?)|"
    # The operating rooms' board of the day, and what can still be read in the picture.
    r"(?-i:OR)\s+boards?|(?:surgery|surgical|theatre)\s+boards?|"
    r"(?:can|could)\s+(?:still\s+)?(?:read|see)\s+(?:the|her|his|their)\s+(?:band|name|tag|bracelet|label|chart)|"
    r"names?\s*(?:and|&|\+|,)\s*(?:rooms?|beds?|dobs?|birth\w*|diagnos\w*|mrns?|complaints?|ages?|acuity|"
    r"conditions?)|"
    # Every patient's name on a list: "listing each admitted child's name" (not "every donor's name").
    r"(?:each|every)\s+(?:[\w-]+\s+){0,2}?(?:child|kid|baby|patient|pt|person|family|mom|mum|parent)['’]s\s+names?\b|"
    r"(?:rooms?|beds?)\s*(?:and|&|\+|,)\s*names?|(?:lista|tablero|pizarr[óo]n|censo)\s+de\s+(?:los\s+)?pacientes|"
    r"(?:patient|pt)s?['’]?\s+(?:list|labels?|stickers?|names?|tracking|tracker|board|diagnos[ie]s)|diagnos[ie]s\s+(?:on|in)|(?:OR|surgery|surgical|clinic|case)\s+schedule|name\s+tags?|med(?:ication)?s?\s+lists?|nombres\s+de\s+los\s+pacientes|name\s+cards?|wristbands?|armbands?|x-?rays?|scans?|"
    r"scan\s+results|charts?|(?:EHR|Epic)\s+(?:screen|record)|medical\s+record|discharge\s+summary|care\s+plan|labels?|"
    r"discharge\s+(?:papers?|paperwork|instructions|forms?)|(?:abg|blood(?:\s+gas)?|lab|test|biopsy|pathology)\s+results|"
    r"requisition|rhythm\s+strip|vitals|monitor|schedule\s+screen|screen|printout|med\s+cart|"
    r"name\s+on\s+the\s+door|board\s+(?:lists|shows)|door\s+sign|bracelet|lab\s+results|sonogram|"
    r"expediente|pizarra|historia\s+cl[íi]nica|pantalla|nombres|pulsera|radiograf[íi]a|etiquetas?|"
    r"flowsheets?|chair\s+tag|pre-?op\s+checklists?|consent\s+forms?|name\s+(?:is\s+)?on|(?:patient|pt)['’]s|footprints?\s+card|"
    r"(?:his|her|their|full)\s+(?:full\s+)?name\s+(?:and|&|with)|"
    r"(?:of|with|w/?|del|de\s+(?:la|una?))\s+(?:(?:the|our|a|one\s+of\s+our|my|mi|nuestr[oa]|un[ao]?)\s+)?"
    r"(?:(?:fave|fav|favou?rite|sweet|brave|little)\s+)?"
    r"(?:patients?|pts?|paciente|mrs?|ms)\b(?!\s+(?:experience|safety|advoca|portal|relations|family))"
    r"|in\s+(?:his|her|their|su)\s+(?:hospital\s+)?(?:bed|cama))\b",
    re.IGNORECASE,
)


# A chart of figures is not a patient's chart.
FIGURES_CHART = re.compile(r"\b(?:bar|pie|line|org|growth|flow|gantt|seating)\s*$", re.IGNORECASE)


def figures_chart(text: str, start: int) -> bool:
    return bool(FIGURES_CHART.search(text[max(0, start - 12) : start]))


# Every PHOTO match holds one of these words or a camera emoji: texts with none are skipped.
PHOTO_WORDS = frozenset(
    """photo photos pic pics picture pictures caption captions shot shots selfie selfies snap snaps snapped
    screenshot screenshots image images foto fotos attached see look taped wall screen monitor corner
    background behind view visible fondo miren video videos vid vids clip clips filmed recorded peek polaroid
    polaroids here's heres here captura capturas""".split()
)
CAMERA = re.compile("[📸📷🤳🎥🖼]")
# Rates per thousand or percentiles say the chart is one of figures: "falls 1.9/1000 pt days. Chart attached".
RATES = re.compile(r"/\s*1,?000\b|\bper\s+1,?000\b|\bpctl\b|\bpercentiles?\b", re.IGNORECASE)
# So do measures over many patients or staff: occupancy, an average daily census, patient days, rates
# among a group: "bed occupancy across the hospital - 91% today" on a screen, "average daily census 348".
AGGREGATE = re.compile(
    r"\b(?:(?:bed\s+)?occupancy|(?:average|avg)\s+(?:daily\s+)?(?:census|length|los|wait)|patient[\s-]days|"
    r"rates?\s+(?:among|across)|across\s+the\s+(?:hospital|system|organi[sz]ation)|"
    r"of\s+our\s+[\d,]+\s+(?:employees|staff|nurses|colleagues))\b",
    re.IGNORECASE,
)
# What a photo of figures shows: a chart, a screen or a dashboard of them, not a patient's.
CHART = re.compile(r"charts?|screens?|census|dashboards?|boards?|board\s+(?:lists|shows)", re.IGNORECASE)


def photo_patient_data(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    if all(part.words.isdisjoint(PHOTO_WORDS) for part in parts) and not CAMERA.search(text):
        return
    if not PHOTO.search(text):
        return
    figures = RATES.search(text) is not None or AGGREGATE.search(text) is not None
    shown = next(
        (m for m in PATIENT_DATA.finditer(text)
         if not figures_chart(text, m.start()) and not (figures and CHART.fullmatch(m.group()))),
        None,
    )
    if shown is None:
        return
    yield Finding(
        "photo_patient_data", Severity.BLOCK, shown.start(), shown.end(),
        "A photo that shows a chart, a screen or a board can show patient information.",
        "Use a photo without records, screens or boards in view.",
    )
