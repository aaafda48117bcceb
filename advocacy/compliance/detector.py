"""The patient-context model: a learned second opinion beside the rules, for posts about one patient.

The rules find what they were written for; texts worded otherwise slip past them. This detector
scores a whole text with a logistic regression over features that describe categories rather than
sentences: words and word pairs in which names the lexicon knows stand as a placeholder (`<name>`),
digits as their shape (`<0000>`), and care, person, colleague and time words also as their class;
and, per sentence, which of those classes meet (a name with a care word, a person with a time).
Its weights are a small data file (`patient_context_model.json`), trained by
`scripts/train_patient_context_model.py` on the development corpus and read once per process;
nothing is downloaded and the score of a text is always the same.

The engine asks it only about texts no rule blocks: a text scoring at or above the file's threshold
gets one blocking finding, `patient_context_model`, whose span is the sentence carrying the most
weight. The figures behind the threshold, measured leaving each development batch out, are in
docs/compliance.md.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import combinations, repeat

from advocacy.compliance.context import CARE_TERMS, LINK, PERSON_TERMS, STAFF_ROLES, Sentence, sentences
from advocacy.compliance.findings import Finding, Severity
from advocacy.compliance.lexicon import name_lexicon
from advocacy.compliance.normalise import reading

RULE = "patient_context_model"
WEIGHTS = "patient_context_model.json"
TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
DIGITS = re.compile(r"\d")
# Words that place an event in time: a case told "this morning" or "last nite" is a recent one.
TIME_WORDS = frozenset(
    """today tonight tonite tn yesterday morning afternoon evening night nite overnight shift am pm
    earlier ago weekend week hoy anoche ayer mañana tarde noche madrugada semana just 2day 2nite""".split()
)
CLASSES = (
    ("care", CARE_TERMS), ("person", PERSON_TERMS), ("staff", STAFF_ROLES), ("time", TIME_WORDS),
)


@lru_cache(maxsize=1 << 14)  # words repeat from text to text: most are read once
def token_of(word: str, first: bool) -> tuple[str, tuple[str, ...]]:
    """The word as the model reads it, and the classes it belongs to."""
    lexicon = name_lexicon()
    lower = word.lower()
    if DIGITS.search(lower):
        shape = DIGITS.sub("0", lower)
        return f"<{shape[:6]}>", ("digit",)
    classes = tuple(name for name, words in CLASSES if lower in words)
    if not classes and lower not in lexicon.ordinary and lexicon.is_name(lower):
        # A name is a name, whichever one: the model must learn contexts, not people.
        if word[0].isupper():
            return ("<start>" if first else "<name>"), ("name",)
        return "<lname>", ("lname",)
    if not (classes or first or word.isupper()) and word[0].isupper() and lower not in lexicon.ordinary:
        return "<cap>", ("cap",)  # a capitalised word the lists lack: a name, a place or a brand
    return lower, classes


def text_features(text: str, parts: list[Sentence]) -> dict[str, int]:
    """Each feature of the text, with the index of the first sentence that holds it."""
    found: dict[str, int] = {}
    for index, part in enumerate(parts):
        read = [token_of(word, number == 0) for number, word in enumerate(TOKEN.findall(part.text))]
        tokens = [token for token, _ in read]
        present = {name for _, classes in read for name in classes}
        if part.care:
            present.add("care")
        if part.person:
            present.add("person")
        features = ["w:" + token for token in tokens]
        features += ["b:" + one + " " + two for one, two in zip(tokens, tokens[1:], strict=False)]
        # Word pairs again with care, person, colleague and time words as their class ("care <name>").
        kinds = [classes[0] if classes and token[0] != "<" else "" for token, classes in read]
        features += [
            "k:" + (kinds[i] or tokens[i]) + " " + (kinds[i + 1] or tokens[i + 1])
            for i in range(len(tokens) - 1) if kinds[i] or kinds[i + 1]
        ]
        features += ["s:" + one + "&" + two for one, two in combinations(sorted(present), 2)]
        if index == 0:
            found = dict.fromkeys(features, 0)
            continue
        for feature in features:
            if feature not in found:
                found[feature] = index
    return found


def model_input(text: str) -> tuple[str, list[Sentence]]:
    """What the model reads of a text, as the engine gives it: links blanked, disguises undone."""
    text = LINK.sub(lambda link: " " * len(link.group()), text)
    plain = reading(text)
    read = plain.text if plain is not None else text
    return read, sentences(read)


@dataclass(frozen=True)
class PatientContextModel:
    weights: dict[str, float]
    bias: float
    threshold: float  # the probability at or above which a text is blocked

    def score(self, features: dict[str, int]) -> float:
        total = self.bias + sum(map(self.weights.get, features, repeat(0.0)))  # unknown features weigh 0
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def heaviest_sentence(self, features: dict[str, int]) -> int:
        """The index of the sentence whose features add the most towards a patient text."""
        weight: dict[int, float] = {}
        for feature, index in features.items():
            weight[index] = weight.get(index, 0.0) + self.weights.get(feature, 0.0)
        return max(sorted(weight), key=weight.__getitem__) if weight else 0

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PatientContextModel:
        weights = data["weights"]
        if not isinstance(weights, dict):
            raise ValueError("the model's weights must map features to numbers")
        return cls({str(k): float(v) for k, v in weights.items()}, float(str(data["bias"])),
                   float(str(data["threshold"])))


@lru_cache(maxsize=1)
def patient_context_model() -> PatientContextModel:
    """The shipped model, read once per process from the installed package."""
    raw = (files("advocacy.compliance") / WEIGHTS).read_text(encoding="utf-8")
    return PatientContextModel.from_json(json.loads(raw))


def patient_context(text: str, parts: list[Sentence]) -> Finding | None:
    """A blocking finding when the model reads `text` as a post about a patient's care, else None."""
    if not parts:
        return None
    model = patient_context_model()
    features = text_features(text, parts)
    probability = model.score(features)
    if probability < model.threshold:
        return None
    part = parts[model.heaviest_sentence(features)]
    start = part.start + len(part.text) - len(part.text.lstrip())
    end = part.start + len(part.text.rstrip())
    return Finding(
        RULE, Severity.BLOCK, start, end,
        f"Read as a whole, this post looks like one about a patient's care, and this sentence weighs "
        f"most (the patient-context model gives {probability:.0%}).",
        "Leave out who the patient is and what happened to them, or post it only with a signed release.",
    )
