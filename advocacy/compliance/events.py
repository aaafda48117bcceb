"""Where and when a patient was cared for: rooms and beds, the timing of a case, incidents.

Each is harmless alone ("room 3 hosts grand rounds", "join us tonight", "a photo of the team") and
identifying when tied to one patient, so every rule here asks for the tie within the sentence (or,
for case timing and incidents, the sentence after it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from advocacy.compliance.context import (
    AGE_SHORT,
    CARE_PHRASES,
    CARE_TERMS,
    PERSON,
    PERSON_TERMS,
    REHEARSAL,
    WORD,
    Sentence,
    finding_in,
    folded,
    has_digit,
    staff_role_in,
    with_next,
)
from advocacy.compliance.findings import Finding, Severity
from advocacy.compliance.policy import CompliancePolicy

ROOM = folded(  # matched against the sentence's lower-cased text
    r"\b(?:room|rm\.?|bed|bay|bed\s+space|isolette|incubadora|crib|stretcher|cubicle|suite|pod\s+\w+,?\s+isolette|pod|isolation|"
    r"habitaci[óo]n|hab\.?|cama|camilla|cuarto|box|cub[íi]culo|quarto|leito)\s*#?\s*(?:[A-Z](?=\d))?\d{1,4}[A-Z]?\b(?!\s*(?:-|–|to|through|a)\s*\d)"
    r"|\b(?:patient|pt|guy|lady|man|woman|kid|kiddo|baby|teen|teenager|gentleman|gent|boy|girl|toddler|gal|"
    r"dude|fella|grandma|grandpa)\s+in\s+(?:r\.m\.\s*)?#?(?:\d{2,4}[A-Z]?|\d[A-Z])\b"
    # or in a unit's numbered room or bed: "the mom in L&D 9", "the girl in PICU 4".
    r"|\b(?:patient|pt|guy|lady|man|woman|kid|baby|teen|teenager|gentleman|boy|girl|toddler|mom|mum|dad|"
    r"grandma|grandpa)\s+in\s+(?:the\s+)?(?:l&d|l\s?&\s?d|ldr|ed|er|icu|picu|nicu|pacu|ccu|triage|pre-?op|"
    r"post-?op|labou?r|recovery|peds|ob)\s*#?\d{1,3}\b(?!\s*(?:-|–|to|through)\s*\d)"
    # A nurse's assignment is a room, and so is whoever lies in it: "whoever has 418", "whoever is in 5110".
    r"|\bwhoever(?:['’]s|\s+(?:has|gets|takes|had|is|was))?(?:\s+in)?\s+(?:room\s+|rm\.?\s*)?#?\d{2,4}[A-Z]?\b"
    r"|\btrauma\s+(?:bay\s+|room\s+)?\d{1,2}\b"
    r"|\b(?:se[ñn]ora?|paciente|ni[ñn][oa]|abuel[oa]|chic[oa]|beb[ée])\s+(?:del|de\s+la|de\s+el)\s+\d{2,4}[A-Z]?\b",
)
# A bay or bed named by a letter: "the teenager in Bay C".
LETTERED_BED = re.compile(r"(?=[BbPpCc])\b(?:[Bb]ay|[Bb]ed|[Pp]od|[Cc]ubicle)\s+[A-H]\b(?![\w'’&])")
LETTERED_WORDS = frozenset(("bay", "bed", "pod", "cubicle"))
TITLED_IN_ROOM = re.compile(  # the class first, as in WHEN
    r"(?=[Mm])\b(?:(?:Mrs?|Ms|Miss)\.?|(?:mrs?|ms)\.)\s+\w+\s+in\s+#?\d{2,4}[A-Za-z]?\b"
)
# A room standing for its patient ("room 215's family", "rm 317 coding again") needs no other tie.
ROOM_AS_PATIENT = re.compile(  # the class first (under the same IGNORECASE), as in WHEN
    r"(?=[rb])\b(?:room|rm\.?|bed)\s*#?\s*\d{2,4}[A-Z]?(?=['’]s\s+(?:family|wife|husband|mom|dad|mother|father|"
    r"daughter|son|kids?|visitors?)\b|\s+(?:(?:has|just|again)\s+)?(?:pressed|coded|refused|"
    r"pulled\s+(?:out|(?:his|her)\b)|went\s+home)|\s+(?:(?:is|just|keeps|again)\s+)?(?:pressing|coding|"
    r"crashing|refusing|yelling|screaming|desatt?ing|asking\s+for))",
    re.IGNORECASE,
)
TIED = re.compile(  # the class first (under the same IGNORECASE), as in WHEN
    r"(?=[hswf])\b(?:he|she|his|her|him|whoever|who|from\s+(?:room|rm|bed|bay))\b", re.IGNORECASE
)
PATIENT_WORD = re.compile(r"(?=p)\b(?:patient|pt|paciente)", re.IGNORECASE)
SPACED_ROOM = re.compile(r"(?=r)\br o o m((?: \d){1,4})\b", re.IGNORECASE)
NOT_A_WARD = re.compile(
    r"\b(?:conf|conference|meeting|class|board|break|waiting|training|simulation|lecture|community|store|"
    r"staff|call|supply|sala\s+de\s+juntas|playroom|classroom|auditorium|lounge|chapel|library|gym)\.?[\s(]*$"
    # Things kept in a room: "downtime kits in rm 118", "the box is in room 204".
    r"|\b(?:kits?|supplies|carts?|forms|binders?|boxe?s?|trays?)\s+(?:are\s+|is\s+)?(?:in|at)\s+$",
    re.IGNORECASE,
)


# A gathering held in the room: "the stroke summit Fri 11/20, Room 305", "potluck ... rm 512".
GATHERING = folded(  # the class first, as in WHEN
    r"(?=[cglmprstw])\b(?:conferences?|summit|symposium|potluck|meet-?up|seminar|workshop|lecture|grand\s+rounds|posters?|"
    r"presenting|presentation|luncheon|reception|taller|charla|conferencia)\b"
)
# What a numbered room in a teaching or meeting space is for: "bed 4 in the simulation lab".
NOT_A_WARD_AFTER = re.compile(
    r"\s*(?:in|of|at)\s+(?:the|our)\s+(?:new\s+)?(?:sim\w*|skills|training|conference|education|teaching|"
    r"learning|meeting)\b"
    # or named for it right after: "Room 3 sim suite", "rm 12 skills lab".
    r"|\s+(?:sim|simulation|skills|training|conference|meeting|education)\s+(?:suite|lab|room|cent(?:er|re))\b",
    re.IGNORECASE,
)


# A suite or room given after a street address is part of the address: "400 Oak Parkway, Suite 120".
STREET_BEFORE = re.compile(
    r"\b(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Parkway|Pkwy|Place|Court|Ct|"
    r"Highway|Hwy|Plaza|Square)\.?,?\s*$",
    re.IGNORECASE,
)
def care_beyond_rooms(sentence: Sentence, rooms: list[re.Match[str]]) -> bool:
    """Whether the sentence speaks of care in other words than the rooms found ("the tiles in bay 3" is a
    place; "Cuarto 1204, cama junto a la ventana" still speaks of a bed)."""
    if not sentence.care:
        return False
    named = {word for room in rooms for word in WORD.findall(room.group().lower())}
    return not (sentence.words & CARE_TERMS) <= named or bool(CARE_PHRASES.search(sentence.lower))


# A room of a building, with no one in it: "rm 5 of the cath lab is still the original".
BUILDING_ROOM_AFTER = re.compile(
    r"\s*(?:of|in)\s+(?:the|our)\s+(?:[\w-]+\s+){0,2}(?:lab|wing|building|tower|pavilion|annex|basement)\b",
    re.IGNORECASE,
)
# A bed or a bay with a history is a thing, not a patient's place: "bed 12 is our oldest bed frame, bought
# in 1994", "bay 3 was the first with a CT scanner, installed 31 years ago", "bed 1 of the 1925 ward is on
# display".
OBJECT_HISTORY = folded(
    r"\b(?:(?:19|20)\d\d|oldest|installed|bought|purchased|built|on\s+display|antique|frame|"
    r"first\s+in\s+the\s+(?:county|state|region|country))\b"
)
# A count over time is no one's room: "how many babies were born in room 4 last year?".
AGGREGATE = folded(r"\bhow\s+many\b|\b(?:per|a|each|every)\s+(?:year|month)\b")
# The family or visitors of a room are its patient's: "the family in room 226 brought pizza".
FAMILY_OF_ROOM = folded(
    r"\b(?:family|visitors?|wife|husband|daughter|son|parents)\s+(?:in|of|from)\s+(?:room|rm\.?|bed)\s*#?\d"
)
FAMILY_WORDS = frozenset("family visitor visitors wife husband daughter son parents".split())
# A bed said to be empty is no one's: "bed 12 (empty room)".
EMPTY_AFTER = re.compile(r"\s*[(,]?\s*(?:is\s+)?(?:empty|vacant|unoccupied)\b", re.IGNORECASE)


def room_numbers(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for sentence in parts:
        if not has_digit(sentence.text) and sentence.words.isdisjoint(LETTERED_WORDS):
            continue
        matches = [
            *ROOM.finditer(sentence.lower), *TITLED_IN_ROOM.finditer(sentence.text),
            *SPACED_ROOM.finditer(sentence.text), *LETTERED_BED.finditer(sentence.text),
        ]
        family = not sentence.words.isdisjoint(FAMILY_WORDS) and FAMILY_OF_ROOM.search(sentence.lower)
        tied = sentence.person or TIED.search(sentence.text) or family
        if not (care_beyond_rooms(sentence, matches) or tied):
            matches = list(ROOM_AS_PATIENT.finditer(sentence.text))
        if not matches or REHEARSAL.search(sentence.lower):
            continue
        tie = tied or PATIENT_WORD.search(sentence.text)
        if not tie and (OBJECT_HISTORY.search(sentence.lower) or AGGREGATE.search(sentence.lower)):
            continue  # a bed frame's or a bay's history, or a count over a year
        if not tie and staff_role_in(sentence.words):
            continue  # "tech Marcus in rm 12 of the cath lab": where a colleague works
        if not tie and GATHERING.search(sentence.lower):
            continue  # where a conference, a talk or a potluck is held
        for match in matches:
            before, after = NOT_A_WARD.search(sentence.text[: match.start()]), NOT_A_WARD_AFTER
            if before or after.match(sentence.text, match.end()):
                continue
            if EMPTY_AFTER.match(sentence.text, match.end()):
                continue
            if STREET_BEFORE.search(sentence.text, 0, match.start()):
                continue
            if not tie and BUILDING_ROOM_AFTER.match(sentence.text, match.end()):
                continue
            start, end = finding_in(sentence, match)
            yield Finding(
                "room_number", Severity.BLOCK, start, end,
                "A room or bed number next to a patient tells people where that patient is.",
                "Remove the room or bed number.",
            )


DAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
WHEN = folded(  # the class first (every alternative's first character), so that most positions fail at once
    r"(?=[acdefhjlmnostwy~@\d])"
    rf"\b(?:{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|"
    rf"Christmas\s+(?:Eve|Day)|New\s+Year's\s+(?:Eve|Day)|"
    rf"yesterday(?:'s)?|y-?day|last\s+(?:night|nite|week|weekend|month|{DAYS})|th(?:i?s)\s+(?:a\.?m\.?|p\.?m\.?|morning|afternoon|evening|"
    rf"weekend|week|shift|past\s+week(?:end)?)(?:'s)?|(?:at|around|after|just\s+before)\s+(?:midnight|noon)|"
    rf"a\s+couple\s+of\s+hours\s+ago|just\s+now|earlier\s+(?:today|tonight|this\s+(?:week|shift|morning|afternoon|evening))|(?:on\s+)?(?:{DAYS}|tues|thurs|weds)(?:\s+(?:night|morning|"
    r"afternoon|evening))?|(?:just\s+)?(?:\d+|an?|one|a\s+few|two|three|several)\s+(?:minutes?|mins?|hours?|hrs?|"
    r"days?)\s+ago|just\s+an\s+hour\s+ago|overnight|tonight|tonite|2nite|tn|today|at\s+dawn|over\s+the\s+weekend|"
    r"on\s+my\s+(?:last\s+)?shift|2day|(?:en|durante)\s+mi\s+turno|"
    r"~?\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m|p\.m)~?|"
    # A 24-hour time of a case, "at 0312" (not a street number: "at 1200 Lakeview Avenue").
    r"(?:at|@)\s*(?:[01]\d|2[0-3])[0-5]\d(?:\s*h(?:rs|ours)?)?(?!\s+[a-z]+\s+(?:avenue|ave|street|st|drive|dr|road|rd|"
    r"blvd|boulevard|lane|ln|way|court|ct|parkway|pkwy)\b)|"
    r"a\s+las?\s+\d{1,2}(?::\d{2})?\s+de\s+la\s+(?:ma[ñn]ana|tarde|noche|madrugada)|"
    r"just\s+(?:finished|discharged|delivered|admitted|intubated|coded|operated|transferred|finished)|"
    r"anoche|anteayer|esta\s+(?:ma[ñn]ana|tarde|noche|madrugada)|hoy|ayer|la\s+semana\s+pasada|"
    r"al\s+mediod[íi]a|a\s+medianoche|de\s+madrugada|"
    r"el\s+fin\s+de\s+semana|hace\s+un\s+rato|hace\s+(?:unas?|\d+|dos|tres|pocas)\s+"
    r"(?:horas?|minutos?|d[íi]as?)|el\s+(?:lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo)"
    r"(?:\s+por\s+la\s+(?:noche|ma[ñn]ana|tarde))?|del\s+(?:lunes|martes|mi[ée]rcoles|jueves|viernes|"
    r"s[áa]bado|domingo))\b",
)
# One person named by a noun ("a man", "our little patient", "the woman from Glenview"), looked for only
# when a person noun is among the words; the other ways to speak of one person are in ONE_PERSON.
PERSON_NOUN = folded(  # the class first, as in WHEN
    rf"(?=[aoteul])\b(?:an?|one|the|this|our|un[ao]?|el|la)\s+(?:[\w-]+\s+){{0,5}}?{PERSON.pattern[2:-2]}\b"
    r"(?!\s+(?:rooms?|portal|experience|safety|care|advocates?|lounge|beds|units?|services|satisfaction|"
    r"education|transport|parking|entrance|chief|head|surgeon|physician|doctor|nurse|director|leader|"
    r"president|pilot|firefighter|officer|life))",  # "our first female chief of surgery" is a colleague
)
# Someone from a named place: "the woman from Glenview", "un albañil de Villa Nueva" (case-sensitive).
FROM_TOWN = re.compile(
    rf"\b(?i:{PERSON.pattern[2:-2]})\s+from\s+(?:the\s+)?[A-Z]"
    # A team or a service of somewhere is no one: "el equipo de urgencias de High Plains".
    r"|\b(?i:an?|un[ao]?|el|la)\s+(?!(?i:equipo|servicio|departamento|personal|team|staff|crew)\b)"
    r"(?:[\w-]+\s+){1,4}?(?:from|de)\s+"
    # A department's name is no town: "la Unidad de Cuidados Intensivos", "el Servicio de Urgencias".
    r"(?!(?:Cuidados|Urgencias|Emergencias|Pediatr|Cardiolog|Oncolog|Neonatolog|Enfermer|Maternidad|Salud|"
    r"Medicina|Cirug|Trasplante|Quemados|Rehabilitaci|Radiolog|Neurolog|Obstetricia)\w*)[A-Z]"
)
# "brought in $85,000": money raised, not a patient brought in.
NOT_MONEY = r"(?!\s+(?:over\s+|nearly\s+|almost\s+)?[$€£\d])"
ONE_PERSON = folded(  # the class first, so that most positions fail at once
    r"(?=[twoinlcbrapfdgm\d])(?:\b(?:twins|triplets|gemel[oa]s|mellizos|trillizos)\b|\bwe\s+(?:coded|intubated|resuscitated|operated|delivered|admitted)\b"
    r"|\b(?:operamos|ingres[óo]|naci[óo]|lleg[óo])\b|\b(?:came|walked|brought|rushed)\s+(?:in|into)\b"
    + NOT_MONEY +
    r"|\b(?:arrest|overdose|collapsed|in\s+(?:active\s+)?labou?r|pregnant)\b"
    r"|\b(?:an?|one|the|this)\s+\d+-(?:year|month|week|day)-old\b|\bfrequent\s+flyer\b|\b\d{2}-weeker\b"
    # A cluster of cases: "3 kids from the same daycare".
    r"|\b[2-9]\s+(?:kids|children|babies|boys|girls|teens|students|patients|pts)\b"
    rf"|{AGE_SHORT.pattern})",
)
# A drill or a simulation rehearses a case; a schedule or an invitation speaks of an event to come.
DRILL = folded(r"(?=[dmsrt])\b(?:drills?|mock|simulat\w*|rehears\w*|tabletop)\b")
# An invitation or a schedule speaks of an event to come, not of a case that happened.
ANNOUNCED = folded(  # the class of every alternative's first letter first, as in WHEN
    rf"(?=[jwcrsuiabognt])\b(?:join\s+us|will|we'll|come|RSVP|register|sign\s+up|save\s+the\s+date|upcoming|"
    rf"(?:is|are|starts|begins|opens)\s+(?:this\s+|next\s+|on\s+)?{DAYS}|open\s+house|grand\s+opening|"
    rf"next\s+(?:week|month|{DAYS})|tomorrow|"
    rf"ribbon[\s-]cutting|tours?)\b",
)


# One person's case that a meeting to come will present: "the boy who was airlifted", "the case of a woman".
PRESENTED = folded(  # the class first, as in WHEN
    rf"(?=[taoc])\b(?:(?:the|a|an|this|our)\s+(?:[\w-]+\s+){{0,3}}?{PERSON.pattern[2:-2]}\s+(?:who|that)\s+"
    r"(?:was|were|came|had|got)|case\s+of\s+(?:the|a|an|this|our)\s+(?:[\w-]+\s+){0,3}?"
    rf"{PERSON.pattern[2:-2]})\b"
)
CASE_EVENT = folded(  # the class first, as in WHEN
    r"(?=[abceghilnprstuw])\b(?:(?:was|were|been|got)\s+(?:admitted|discharged|treated|diagnosed|born|delivered|rushed|"
    r"brought|airlifted|flown|transferred|resuscitated|intubated)|underwent|came\s+in\b|arrived\s+(?:in|at)\s+our|"
    r"admission|we\s+(?:performed|operated|delivered|treated|saved|admitted|discharged)|airlifted|"
    r"(?:performed|completed)\s+(?:a|an|the|her|his|their)\s+\w*\s*(?:surgery|transplant|procedure|"
    r"operation)|(?:the|this|her|his|their)\s+case|case\s+we|code\s+blue|brought\s+in"
    + NOT_MONEY + r"|"
    r"came\s+into\s+our\s+(?:ER|ED|emergency)|"
    # "had a guy come in with a fishhook": someone who came in, whatever words describe them.
    r"(?:had|got)\s+(?:an?|one|this|two|three|\d+)\s+(?:\S+\s+){0,6}?come\s+in\b|"
    r"(?:ICU|NICU|PICU|ER|ED|team|we)\s+(?:admitted|delivered|resuscitated|intubated|operated\s+on)|"
    r"resuscitated\s+(?:a|an|the|our)\b|"
    r"(?:saved|lost)\s+(?:a|the|his|her)\s+(?:life|patient|baby|mother|man|woman|child)|"
    r"we\s+(?:got|had|received|coded|intubated|resuscitated)\s+(?:a|an|the|two|three|\d)|"
    r"(?:recibimos|lleg[óo]|ingres[óo]|atendimos)\b|"
    r"(?:pt|patient|he|she)\s+(?:coded|crashed|arrested|seized|died|passed\s+away)\b)",
)


# A number in a patient's words is a detail of the case, unless it counts things ("200 cookies").
DETAIL = re.compile(r"\d(?![\d,.]*\s+[a-z]+s\b)")
# A patient's words to us ("a patient told me today ...") are feedback, not a case, unless a detail is said.
SPOKE = folded(  # the class first, as in WHEN
    r"(?=[twshbdmn])(?:\b(?:told|tell|wrote\s+(?:to\s+)?|sent|thanked|thank|hugged|hugs)\s+(?:me|us)\b|\bsaid\s+(?:that|to\s+(?:me|us))\b|"
    # Gifts to the staff are thanks too: "a patient's family brings you cookies at 3am".
    r"\b(?:brings?|brought|sends?|drops?\s+off|dropped\s+off|bakes?|baked)\s+(?:you|me|us)\b|"
    r"\b(?:me|nos)\s+(?:dijo|escribi[óo])\b)",
)


# Someone we had come in came in: "we had a little girl ... come in blue" invites no one.
HAD_COME = folded(r"\b(?:had|got)\s+(?:\S+\s+){1,7}?come\s+in\b")


def tied_to_a_case(sentence: Sentence, following: Sentence | None) -> bool:
    if DRILL.search(sentence.lower):
        return False
    if following is not None and following.text.lstrip().startswith("(") and DRILL.search(following.lower):
        return False  # "Code Blue at 2pm Friday! (just the drill)": the parenthesis says what it was
    event = CASE_EVENT.search(sentence.lower)
    announced = ANNOUNCED.search(HAD_COME.sub(" ", sentence.lower) if event else sentence.lower)
    # An event to come may present a case that happened: "rounds will present the woman airlifted at 3:30".
    if announced and not (event and PRESENTED.search(sentence.lower)):
        return False
    # The time itself is not a detail of the case: "brings you cookies at 3am".
    if SPOKE.search(sentence.lower) and not (event or DETAIL.search(WHEN.sub(" ", sentence.lower))):
        return False
    if event:
        return True
    if not (sentence.care or sentence.person):
        return False
    # "Earlier today our cath lab opened an artery. The patient is talking": the next sentence counts.
    nextone = following if following and sentence.care else None
    window = sentence.lower + (nextone.lower if nextone else "")
    nouns = not PERSON_TERMS.isdisjoint(sentence.words) or (
        nextone is not None and not PERSON_TERMS.isdisjoint(nextone.words)
    )
    if nouns and PERSON_NOUN.search(window) or ONE_PERSON.search(window):
        return True
    words = sentence.words | nextone.words if nextone else sentence.words
    if words.isdisjoint(("from", "de")):
        return False  # every FROM_TOWN match holds one of them, and the pattern is slow
    return bool(FROM_TOWN.search(sentence.text + (nextone.text if nextone else "")))


# Every time WHEN finds holds a digit or one of these words: sentences with neither are skipped.
WHEN_AFTER = frozenset(("am", "m", "now", "shift"))
WHEN_WORDS = frozenset(
    """yesterday yesterday's y-day yday night nite tn turno week weekend month morning afternoon evening
    morning's evening's today week's weekend's month's night's
    ago overnight tonight tonite 2nite 2day dawn midnight noon finished discharged delivered admitted
    intubated
    coded
    operated transferred hour christmas year's anoche anteayer mañana manana tarde noche madrugada hoy
    ayer pasada fin rato hora horas minuto minutos día días dia dias mediodía mediodia medianoche
    monday tuesday wednesday thursday tues thurs weds
    friday saturday sunday
    monday's tuesday's wednesday's thursday's friday's saturday's sunday's lunes martes miércoles
    miercoles jueves viernes sábado sabado domingo""".split()
)


def case_timing(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for sentence, following in with_next(parts):
        if sentence.words.isdisjoint(WHEN_WORDS) and not has_digit(sentence.text) and not (
            # "this am", "just now", "on my shift": common words that are a time only after another
            not sentence.words.isdisjoint(("this", "ths", "just", "my"))
            and not sentence.words.isdisjoint(WHEN_AFTER)
        ):
            continue
        when = list(WHEN.finditer(sentence.lower))
        if not when or not tied_to_a_case(sentence, following):
            continue
        for match in when:
            start, end = finding_in(sentence, match)
            yield Finding(
                "case_timing", Severity.BLOCK, start, end,
                "The guidelines forbid saying when a case happened: the timing can identify the patient.",
                "Leave out when it happened (and post a case only a month after it, or with consent).",
            )


INCIDENT = folded(
    r"\b(?:crash\w*|pile-?up|collision|wreck|fire|blaze|blast|shooting|stabbing|explosion|collapse|rollover|"
    r"accident|fell|fall\s+(?:from|at|on|in)|strike|standoff|shootout|"
    # Someone hit or struck by a vehicle: "the kid hit by the pickup outside the school".
    r"(?:hit|struck)\s+by\s+(?:a|an|the)\s+(?:[\w-]+\s+)?(?:car|truck|pickup|van|bus|train|vehicle|driver|suv|semi|tractor)|pulled\s+from|drown\w*|leak|lightning|bite|rescued|"
    r"hit\s+on|mvc|mva|gsw|motor\s+vehicle|caved\s+in|collaps\w*|poison\w*|outbreak|carbon\s+monoxide|brote|"
    r"injured|choque|incendio|accidente|tiroteo|explosi[óo]n|ca[íi]da|herid[oa]s?|derrumb\w*|intoxica\w*|"
    r"atropell\w*|volcadura|inundaci[óo]n|F\.?I\.?R\.?E|shot|stabbed|gunshot|electrocut\w*|tornado|hurricane|"
    r"earthquake|hurac[áa]n|terremoto|se\s+cay[óo]|(?:bar|street|gang)\s+fights?|brawl|stab\s+wounds?|"
    # A vehicle against another, through a window, over on its roof; someone pinned or trapped under one.
    r"(?:bus|car|truck|van|pickup|suv|semi|motorcycle|bike|train|vehicle)\s+(?:versus|vs(?=\.?\s)|v(?=\.\s))|"
    r"(?:went|drove|crashed|plowed|ploughed|slammed)\s+(?:through|into)\s+(?:the\s+|a\s+)?(?:front\s+)?"
    r"(?:window|wall|storefront|crowd|building|house)|pinned\s+(?:under|beneath|between|behind|in)|"
    r"trapped\s+(?:under|beneath|in)|flip(?:ped)?|capsiz\w*|overturn\w*|rolled\s+over|"
    # An animal's attack, a spill or a release of something harmful, a crowd crushed.
    r"(?:dog|animal|bear|shark|pit\s?bull)\s+(?:attack|bite)s?|mauled|(?:chemical|gas|fuel|acid|toxic|ammonia|chlorine)\s+"
    r"(?:spill|leak|release|exposure|cloud)|spill|stampede|crowd\s+crush|crush(?=\s*[,.;]|\s+(?:at|on|in)\b))\b"
    "|[🚗🚙🚕🚌🚚🚑🏍🚲🛻]\ufe0f?💥",  # "the 🚗💥 on Hwy 12": a vehicle crashing
)
HURT = folded(
    r"\b(?:victims?|injured|hurt|heridos?|herida|survivors?|critical|stable|in\s+our\s+care|pulled|"
    r"rescued|hit|fell|surgery|P?ICU|NICU|ER|ED|trauma|burns?|treated|received|recovering|ventilator|awake|"
    r"intubat\w*|injur\w*|fractur\w*|pts|patients|atendid[oa]s|intubad[oa]s|UCI|urgencias|cirug[íi]a|"
    r"from\s+(?:the|that|this)|we\s+(?:got|had|received|took\s+in)|pinned|trapped|hypotherm\w*|"
    r"(?:un)?conscious|came\s+through\s+our\s+doors|burned|burnt|quemad[oa]s?|lesionad[oa]s?|"
    r"recibimos|atendimos|atendi[óo]|caring\s+for|cared\s+for|cath\s+lab)\b",
)
PLACE = re.compile(
    r"\b[A-Z][a-z]+\s+(?:[a-z]+\s+)?(?:fire|crash|shooting|explosion|collapse|accident|pile-?up|blaze|wreck|"
    r"outbreak|incident|attack|spill|stampede|crush|standoff)\b"
    # One incident named by the kind of thing it happened to: "the grain elevator explosion".
    r"|\bthe\s+(?:[a-z-]+\s+){1,3}(?:explosion|accident|crash|fire|collapse|wreck|rollover|shooting|standoff|"
    r"blaze|pile-?up|spill|leak)\b"
    r"|\b(?:at|near)\s+mile(?:\s+marker)?\s+\d+"
    r"|\bin\s+(?!(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Spanish|English)\b)[A-Z][a-z]+\b"
    # A place named by its kind, in lower case: "the trampoline park collapse", "the pool accident at …".
    r"|(?i:\b(?:park|mall|stadium|arena|pool|plant|factory|warehouse|school|daycare|market|club|concert|gym|"
    r"mine|site|lake|river|beach)\s+(?:fire|crash|shooting|explosion|collapse|accident|attack|stampede|crush|spill|"
    r"leak|blaze|outbreak)\b)"
    # A street in Spanish: "en la calle Olmo", "la avenida Juárez".
    r"|\b(?:calle|avenida|carretera|barrio|colonia|plaza)\s+(?:del?\s+|la\s+)?[A-ZÁÉÍÓÚ]"
    r"|\b(?:[A-Z][a-z]+\s+){1,2}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Highway|Route|Mall|Station|High|Square|Plaza|"
    r"Elementary|Park|Ridge|Tower|Bridge|Drive)\b|\b(?:Route|Highway|I-|County\s+Road|autopista|"
    r"carretera|calle|Interstate)\s*\d+|\bI-\d+\b|\bon\s+[A-Z][a-z]+\b|\b(?:near|at)\s+(?:the\s+)?[A-Z][a-z]+\b"
    r"|\b[a-z]+\s+(?:rd|st|ave|blvd|hwy|road|street)\b|\b(?:de|en)\s+(?:la\s+|el\s+)?[A-ZÁÉÍÓÚ][a-zá-ú]+",
)


# People hurt in an incident identify as a group too: "the two boys pulled from Miller Pond".
VICTIMS = folded(
    r"\b(?:victims?|injured|heridos?|survivors?|boys|girls|kids|children|teens|students|workers|passengers|"
    r"hikers|players|toddlers|siblings|customers|diners|shoppers|residents|riders|pedestrians|"
    r"niños|niñas|trabajadores|pasajeros|people|ppl|survived|members|miembros|familia|brothers|sisters|"
    r"hermanos|hermanas)\b"
    # A count of the people hurt in clinical shorthand: "GSW x2", "MVC x 3".
    r"|\bx\s?[2-9]\b"
    r"|\b(?:they|she|he)(?:['’]re|['’]s|\s+are|\s+is)\s+(?:still\s+)?with\s+us\b"
    # Someone known by the incident they came from: "the lifeguard from the pool accident".
    r"|\bthe\s+[a-z]+\s+(?:from|in)\s+(?:the|that|this|last\s+\w+['’]s|\w+['’]s)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:accident|crash|fire|blaze|attack|collapse|explosion|shooting|spill|wreck|pile-?up|stampede|crush)\b"
)
# An incident said to be in the news is as findable as its place: "the kid from the dog attack in the news".
NEWS = folded(r"\b(?:in|on|made)\s+the\s+(?:news|paper|papers)\b|\bsal(?:i[óo]|e)\s+en\s+las\s+noticias\b")
REHEARSED = folded(
    r"\b(?:drills?|simulat\w*|scenario|exercise|mock|rehears\w*|training|(?:response|safety)\s+plans?|"
    r"preparedness|summit|spoke|lecture|presentation|(?<!press\s)conference|webinar|awareness)\b"
)


# Every INCIDENT match holds a word starting so: a sentence with none is not searched.
INCIDENT_STEMS = (
    "crash", "pile", "collision", "wreck", "fire", "blaze", "blast", "shooting", "stabbing", "explosion",
    "collaps",
    "rollover", "accident", "fell", "standoff", "shootout", "struck",
    "fall", "strike", "pulled", "drown", "leak", "lightning", "bite",
    "rescued", "hit", "mvc", "mva", "gsw", "motor", "caved", "poison", "injured", "choque", "incendio",
    "shot", "stabbed", "gunshot", "electrocut", "fight", "fights", "brawl", "stab",
    "tiroteo", "outbreak", "carbon", "brote", "tornado", "hurricane", "earthquake", "hurac", "terremoto",
    "cay",
    "explosi", "caída", "caida", "herid", "derrumb", "intoxica", "atropell", "volcadura", "inundaci",
    "versus", "drove", "crashed", "plowed", "ploughed", "slammed", "pinned", "trapped",
    "flip", "capsiz", "overturn", "rolled", "attack", "attacks", "mauled", "spill", "stampede", "crush",
)


# A word of the sentence starting with one of the stems (a word as context.WORD reads it), found in one
# search of its lower-cased text rather than word by word.
STEM_STARTS = re.compile(
    rf"(?=[{''.join(sorted({re.escape(stem[0]) for stem in INCIDENT_STEMS}))}])(?<![\w&'-])"
    rf"(?:{'|'.join(re.escape(stem) for stem in INCIDENT_STEMS)})"
)
VERSUS = frozenset(("vs", "v"))  # "car vs. bike": words too short to be stems


def incident_details(text: str, parts: list[Sentence], policy: CompliancePolicy) -> Iterator[Finding]:
    for sentence, following in with_next(parts):
        stem = STEM_STARTS.search(sentence.lower) is not None or "💥" in sentence.text
        if not stem and sentence.words.isdisjoint(VERSUS) and not (
            "went" in sentence.words and "through" in sentence.words
        ):
            continue
        incident = INCIDENT.search(sentence.lower)
        if not incident or REHEARSED.search(sentence.lower):
            continue
        # The people hurt are often in the next sentence: "...the stadium collapse. The victims we treated"
        window = sentence.lower + (following.lower if following else "")
        tied = [sentence] + ([following] if following else [])
        people = any(part.care or part.person for part in tied) or VICTIMS.search(window)
        if not HURT.search(window) or not people:
            continue
        if not (PLACE.search(sentence.text) or WHEN.search(sentence.lower) or NEWS.search(sentence.lower)):
            continue
        start, end = finding_in(sentence, incident)
        yield Finding(
            "incident_details", Severity.BLOCK, start, end,
            "A named incident with its place or time lets readers work out who the injured are.",
            "Leave out the incident's place and time, or the link to the people we treated.",
        )
