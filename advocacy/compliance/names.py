"""The patient-name rule: people named in a care context, unless the text names them as staff.

A name is found three ways: after a cue that marks a patient ("Mrs.", "baby", "patient", "the Patel
family", "la señora"), as two or more capitalised words of which the name lexicon knows enough, or as
a lower-case first and last name the lexicon knows (careless posts, digits for letters), or next to
what happens to a patient ("Chidi Okafor was discharged", "Oluwaseun Adebayo beat sepsis"). Staff are
told apart in `staff.py`: by a role next to the name, a deed done for others, a department, or what
they are celebrated for in a sentence that says nothing of a patient.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from advocacy.compliance.context import REHEARSAL, Sentence, any_care, lowered, sentence_at
from advocacy.compliance.findings import Finding, Severity
from advocacy.compliance.lexicon import NameLexicon, name_lexicon
from advocacy.compliance.normalise import SPELLED_OUT
from advocacy.compliance.policy import CompliancePolicy
from advocacy.compliance.staff import PATIENT_STATUS, WORD_BEFORE, staff_named, staff_sentence

# A capitalised word, with the surnames that capitalise twice: O'Connell, D'Souza, McAllister, DeShawn.
# Letters of Latin Extended-A (Polish, Czech, Turkish, Vietnamese names: "Wiśniewska") count in both.
UPPER, LOWER = "A-ZÀ-ÝĀ-ž", "a-zà-ÿĀ-ž"
WORD = rf"[{UPPER}](?:['’][A-Z])?[{LOWER}]+(?:[-'’](?!s\b)[{UPPER}]?[{LOWER}]+|[A-Z][{LOWER}]+)?"
CUED = re.compile(  # the class first, so that most positions fail at once
    rf"(?=[MSsDdBbGgAaPpLlTtYyHh\d])(?:\b(?:(?:Mr|Mrs|Ms|Miss|Mx|Sr|Sra|Srta)\.?\s*|(?:[Ss]e[ñn]ora?|[Dd]o[ñn]a|[Dd]on|[Bb]aby|[Bb]eb[ée]|"
    # A relative of the one addressed or spoken of: "caring for your mother Folasade".
    rf"(?:[Yy]our|[Hh]is|[Hh]er|[Tt]heir)\s+(?:mother|father|mom|mum|dad|son|daughter|wife|husband|"
    rf"grandmother|grandfather|grandson|granddaughter|brother|sister)|"
    rf"[Gg]rand(?:ma|pa|mother|father)|[Aa]buel[oa]|[Pp]atients?(?:\s+named)?|[Pp]aciente|[Pp]t\.?|"
    rf"\d+[-\s](?:month|week|day|year)s?[-\s]old|[Ss]ix-month-old|[Ll]ittle|[Pp]eque[ñn](?:it)?[oa])\s+(?:boy\s+|girl\s+|ni[ñn][oa]\s+)?)"
    # A nickname in quotes after the cue is a name too: "patient 'Tater'".
    rf"[\"“'‘]?((?:[A-Z]\.\s*)?{WORD}(?:\s+{WORD}){{0,2}})"
    rf"|\b[Tt]he\s+({WORD})\s+(?:family|twins|triplets|baby)\b|\b[Tt]he\s+({WORD})s\b(?!\s+family)|\b[Ll]a\s+familia\s+({WORD}))"
)
# A title is part of the name it introduces; "patient" or "baby" is not.
TITLE = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Sr|Sra|Srta|[Ss]e[ñn]ora?|[Dd]o[ñn]a|[Dd]on)\b")
TITLED_INITIALS = re.compile(  # "Mrs. G.", "mr. b", patient "J.S."; the class first, for every alternative
    r"(?=[MmPp])(?:\b(?:[Mm]rs?|M[Ss]|Miss|Mx)\.?\s*[A-Z](?:\.(?:\s*[A-Z]\.)?|\b(?![\w'.-]))"
    # "Patient I.D." is the abbreviation of identification, not someone's initials.
    r"|\b(?:mrs?|ms)\.?\s+[a-z]\b(?![\w'.-])|\b[Pp]atient\s+[\"“']?(?!I\.\s*D\.)[A-Z]\.\s*[A-Z]\.)"
)
CAPITALISED_RUN = re.compile(rf"(?=[{UPPER}])\b{WORD}(?:\s+{WORD}){{1,3}}\b")
LEET_INSIDE = re.compile(r"[0-9@$](?<=[a-z].)|[0134@$](?=[a-z])")  # a digit for a letter: "m1ke", "0livia"
LOWER_TOKEN = re.compile(r"\b[a-z0-9@$]{3,}\b")  # each pair of them is read, overlapping
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
def cued(text: str, start: int) -> bool:
    """Whether a patient cue or a title introduces the name at `start` ("baby", "patient", "Mrs.")."""
    before = WORD_BEFORE.findall(text[max(0, start - 16) : start])[-1:]
    return bool(before and before[0].lower() in CUE_WORDS or TITLE.match(text, start))


def person_run(words: list[str], lexicon: NameLexicon) -> bool:
    """Whether capitalised words read as a person's name rather than a place's or a sentence start."""
    if any(word.lower() in PLACE_WORDS for word in words):
        return False
    known = sum(lexicon.is_name(word) for word in words)
    # A first name followed by another capitalised word, wherever the run starts ("Thanks Mike Kestrel").
    if known >= 2 or any(lexicon.is_first(word) for word in words[:-1]):
        return True
    # A given name the lists lack before a surname they hold ("Keep Olumide Bakare"), once the words that
    # start the sentence are set aside.
    while words and words[0].lower() in lexicon.ordinary:
        words = words[1:]
    return len(words) == 2 and lexicon.is_last(words[1]) and words[0].lower() not in STARTERS


CUE_WORDS = frozenset("patient patients paciente baby bebé grandma grandpa little the".split())
# A lower-case name after a cue a careless post still writes: "baby marisol", "ptnt brody", "mr dalloway".
LOWER_CUED = re.compile(
    r"(?=[mbpl])\b(?:mrs?|ms|miss|baby|beb[ée]|pt|ptnt|patient|paciente|lil|little)\.?\s+([a-zà-ÿā-ž]{3,}(?:\s+[a-zà-ÿā-ž]{3,})?)\b"
)
LOWER_FAMILY = re.compile(r"\bthe\s+([a-z]{3,})\s+(?:family|twins|baby)\b")  # "the kowalczyk twins"
# Words that follow a cue without being a name.
CUE_FOLLOWERS = frozenset(
    """was is who and the with in on at for from had has got went boy girl shower steps care safety
    experience transport portal advocate advocates family families names name room bed shark yoda
    food formula monitor monitors girls boys one two three went said says told fall falls access relations
    services financial satisfaction education navigator navigators flow intake registration liaison
    representative representatives engagement voice council""".split()
)


VERBS_AFTER = frozenset("were was is are has have had will would can could did does".split())


def lower_name(first: str, last: str, lexicon: NameLexicon) -> bool:
    """A lower-case first and last name; digits for letters ("j0hn k0walski") mark a disguised one."""
    if first in lexicon.ordinary or last in lexicon.ordinary:
        return False  # "tan bien", "una hora": words of the text, not a name
    if last in VERBS_AFTER:
        return False  # "records from that era were lost": a verb after a word, not a surname
    if first.isalpha() and last.isalpha():
        return first in lexicon.first and last in lexicon.last
    for leet in LEETS:
        plain_first, plain_last = first.translate(leet), last.translate(leet)
        if not (plain_first.isalpha() and plain_last.isalpha() and lexicon.is_first(plain_first)):
            continue
        if (plain_first != first and plain_last != last) or lexicon.is_last(plain_last):
            return True
    return False


def lower_pairs(text: str, lexicon: NameLexicon) -> Iterator[tuple[int, int]]:
    """Lower-case first and last names, every pair of words read ("omg marcus delgado")."""
    for one, two in pairwise(LOWER_TOKEN.finditer(text)):
        word = one.group()
        if word.isalpha() and word not in lexicon.first:
            continue  # most word pairs: no first name, no digit for a letter
        between = text[one.end() : two.start()]
        if between.isspace() and lower_name(word, two.group(), lexicon):
            yield one.start(), two.end()


def name_spans(text: str, lexicon: NameLexicon) -> Iterator[tuple[int, int]]:
    for match in CUED.finditer(text):
        group = match.lastindex or 1
        # A double-barrelled surname is a name when either half is: "the Adeyemi-Okonkwo family".
        halves = match.group(group).split("-")
        if group == 2 and not (len(halves) == 2 and all(half[:1].isupper() for half in halves)) and not any(
            lexicon.is_name(half) for half in halves
        ):
            continue
        if group in (3, 4) and not any(lexicon.is_last(half) for half in halves):
            continue  # "the Johnsons", "la familia Contreras", not "the Giants"
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
        words = match.group().split()
        if person_run(words, lexicon):
            start = match.start()
            while len(words) > 2 and words[0].lower() in lexicon.ordinary:  # "Keep Adebayo Bakare"
                start = text.index(words[1], start + len(words[0]))
                words = words[1:]
            yield start, match.end()
    for match in LOWER_CUED.finditer(text):
        if match.group(1).lower() in CUE_FOLLOWERS:
            continue
        title_cue = match.group(0)[0].lower() == "m" and not match.group(0).lower().startswith("miss")
        # "mr dalloway" needs no list, but "we'll miss your jokes" is no title
        if lexicon.is_first(match.group(1).split()[0]) or title_cue:
            words = match.group(1).split()
            if len(words) == 2 and not lexicon.is_last(words[1]):  # "baby marisol finally": the name alone
                yield match.start(1), match.start(1) + len(words[0])
            else:
                yield match.span(1)
    spelled: list[tuple[int, int, bool]] = []  # a first and last name spelled out are one name
    for match in SPELLED_OUT.finditer(text) if text.count("-") + text.count(".") > 2 else ():
        letters = re.sub(r"[^A-Za-z]", "", match.group())
        known = len(letters) >= 4 and lexicon.is_name(letters)
        if spelled and text[spelled[-1][1] : match.start()].isspace():
            spelled[-1] = (spelled[-1][0], match.end(), spelled[-1][2] or known)
        else:
            spelled.append((*match.span(), known))
    for start, end, known in spelled:
        if known:
            yield start, end  # a name spelled out to hide it: "J-A-C-K-S-O-N"
    for match in LOWER_FAMILY.finditer(text) if "family" in text or "twins" in text or "baby" in text else ():
        surname = match.group(1)
        if lexicon.is_last(surname) and surname not in lexicon.ordinary and surname not in PLACE_WORDS:
            yield match.span()
    disguised = LEET_INSIDE.search(text) is not None
    if disguised or not lexicon.first.isdisjoint(LOWER_TOKEN.findall(text)):
        yield from lower_pairs(text, lexicon)
    for match in SPACED_PAIR.finditer(text) if "  " in text else ():

        first, last = match.group(1).replace(" ", ""), match.group(2).replace(" ", "")
        if (lexicon.is_first(first) or first.lower() in ("mrs", "miss")) and lexicon.is_name(last):
            yield match.span()


# "Maria was discharged today", "Oluwaseun Adebayo beat sepsis"; the class first, as in CAPITALISED_RUN.
FIRST_NAME_SUBJECT = re.compile(
    # An age may stand between the name and what happened: "Anaya (4) finished", "Walt, 92, went home".
    rf"(?=[{UPPER}])\b({WORD}(?:\s+{WORD})?)(?:\s*\(\d{{1,3}}\)|\s*,\s*\d{{1,3}}\s*,)?\s*,?\s+(?:who\s+)?"
    r"(?:(?:was|is|has\s+been|got|went|goes)\s+(?:discharged|admitted|"
    # Treatment over time is care too: "who has been coming to us three times a week".
    r"diagnosed|transferred|extubated|intubated|home|to\s+rehab|coming\s+(?:to\s+us|in\s+for))|beat|survived|rang\s+the\s+bell|"
    r"received\s+(?:his|her|their|a)\s+(?:new|donor)|moved\s+out\s+of\s+(?:the\s+)?(?:ICU|PICU|NICU)|"
    r"came\s+home|was\s+with\s+us\s+(?:for\s+)?(?:\d+|a|an|one|two|three|four|five|six|several)\s+(?:days?|weeks?|months?)|"
    r"finished\s+(?:his|her|their)\s+(?:last\s+|final\s+)?(?:(?:round|cycle|course|dose|session)\s+of\s+)?"
    r"(?:chemo|treatment|radiation|rehab)|"
    r"arrived\s+(?:in|at)\s+(?:our|the)\s+(?:ED|ER|ICU|emergency)|"
    r"came\s+to\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}(?:unit|ICU|NICU|PICU|ER|ED|ward|emergency))\b"
)
WHO = re.compile(r"\s*,?\s+who\b")
# Capitalised words that start a sentence without being a name.
STARTERS = frozenset(
    "our my the this that today tonight yesterday everyone team staff she he they it we".split()
)
SURNAME_RUN = re.compile(rf"(?=[{UPPER}])\b({WORD})\s+({WORD})\b")  # the class first, as above
# A first name alone, cheered for what only a patient does: "Shoutout to Frank for finally walking".
MILESTONE = re.compile(  # the class first, as in CAPITALISED_RUN
    rf"(?=[{UPPER}])\b({WORD})\s*,?\s+(?:for|on)\s+(?:finally\s+|officially\s+)?(?:walking|beating|ringing|"
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
        words = [word.lower() for word in match.group(1).split()]
        if any(word in STARTERS or word in CUE_FOLLOWERS for word in words):
            continue
        if any(word in PLACE_WORDS for word in words) and not WHO.match(text, match.end(1)):
            continue  # "Lake Harrow was closed", but "Evelyn Park, who rang the bell" is a person
        if len(words) == 2 or lexicon.is_first(words[0]):  # a first and last name need no lexicon
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
        if any(cue in around.lower for cue in ("sim", "man", "drill", "fict", "hypoth", "made-up")):
            if REHEARSAL.search(around.lower):
                continue  # "pt = manikin 'Baby Sim'": a rehearsal's patient is no one
        taken.append((start, end))
        yield Finding(
            "patient_name", Severity.BLOCK, start, end,
            "A patient's name in a care context identifies them; post it only with a signed release, "
            "which this tool cannot see.",
            "Leave the name out, or ask the patient's release to be attached by public affairs.",
        )
