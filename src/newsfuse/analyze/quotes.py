"""Quote attribution: who said what, with which cue, in an article's spaCy Doc.

``find_quotes(doc)`` returns ``Quote`` records (direct, indirect, mixed) with
character spans for the content, the cue ("said", "told reporters",
"according to") and the source ("Putin's foreign policy aide Yuri Ushakov",
"he"), and the speaker's name resolved where the text allows: titles are
dropped, a surname or a pronoun resolves to a person named earlier.

How: a logistic-regression cue detector over tokens, then a second one that
picks the source and content heads among the cue's dependency neighbours
(``quotes_model.py``); spans are dependency subtrees, and a content that
reaches into a quotation is widened to the whole quotation (quotes spanning
several sentences). Everything is one pass over the tokens and their
neighbours: linear in the length of the article.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..captions import caption_end
from ..records import Quote, Span
from .nlp import doc_ents
from .quotes_model import (
    ROLES,
    argument_candidates,
    argument_features,
    cue_candidates,
    cue_child_key,
    cue_features,
    keep_features,
    load_models,
    quote_mask,
    quote_regions,
)

Fragments = tuple[tuple[int, int], ...]
_OPENING, _CLOSING = {"“", '"', "''"}, {"”", '"', "''"}
_SINGULAR_PRONOUNS = {"he", "she", "him", "her", "i"}
# Cues that say what something is ("describing the summit as taking place
# against ...", "called it a provocation"): what is said is the object with
# its "as" phrase or predicate, not the object alone ("the summit").
_PREDICATIVE_CUES = frozenset("describe call characterise characterize label brand portray depict "
                              "term dub".split())


@dataclass
class Attribution:
    """One attribution with possibly discontinuous spans (character fragments)."""

    cue: Fragments
    content: Fragments
    source: Fragments = ()
    kind: str = "indirect"
    cue_head: int = -1
    source_head: int = -1

    def as_dict(self) -> dict:
        return {role: ({"spans": [list(f) for f in getattr(self, role)]} if getattr(self, role) else None)
                for role in ("source", "cue", "content")}


def find_attributions(doc, models: dict | None = None) -> list[Attribution]:
    """Every attribution in ``doc``, in reading order (``models``: see ``load_models``)."""
    models = models or load_models()
    token_regions = quote_regions(doc)
    mask = quote_mask(doc, token_regions)
    regions = [(doc[a].idx, doc[b].idx + len(doc[b].text)) for a, b in token_regions]
    threshold = models["meta"]["cue_threshold"]
    cues = [t for t in cue_candidates(doc)
            if models["cue"].probabilities(cue_features(t, mask[t.i]))[1] >= threshold]
    found = [a for a in (_attribution(doc, cue, models, regions) for cue in cues) if a is not None]
    cue_starts, text = [doc[a.cue_head].idx for a in found], doc.text
    for attribution in found:
        _add_continuation(doc, text, attribution, regions, cue_starts)
    return found


def _attribution(doc, cue, models, regions) -> Attribution | None:
    cue_tokens = _cue_tokens(cue, models["meta"]["cue_children"])
    source, content = _pick_arguments(cue, models)
    source_tokens = _span_tokens("source", source, models["keep"]) - cue_tokens
    content_tokens = _span_tokens("content", content, models["keep"]) - cue_tokens - source_tokens
    if content is not None and content.i == cue.head.i:
        content_tokens -= set(_subtree(cue))
    content_tokens |= _predicate_of(cue, content)
    content_frags = _widen_to_quotes(_fragments(doc, content_tokens), regions, _fragments(doc, cue_tokens))
    if not content_frags:
        return None
    return Attribution(cue=_fragments(doc, cue_tokens), content=content_frags,
                       source=_fragments(doc, source_tokens), kind=_kind(content_frags, regions),
                       cue_head=cue.i, source_head=source.i if source is not None else -1)


def _predicate_of(cue, content) -> set[int]:
    """The "as" phrase or predicate that completes an object of a
    predicative cue (``_PREDICATIVE_CUES``), when the object is the content."""
    if content is None or content.head.i != cue.i or cue.lemma_.lower() not in _PREDICATIVE_CUES:
        return set()
    return {i for child in cue.children if child.i > content.i
            and (child.dep_ == "oprd" or (child.dep_ == "prep" and child.lower_ == "as")) for i in _subtree(child)}


def _span_tokens(role: str, head, keep_model) -> set[int]:
    """The head's subtree without the children the ``keep`` model drops."""
    if head is None:
        return set()
    tokens = set(_subtree(head))
    for child in head.children:
        if keep_model.probabilities(keep_features(role, head, child))[1] < 0.5:
            tokens -= set(_subtree(child))
    return tokens


def _add_continuation(doc, text: str, attribution: Attribution, regions, cue_starts) -> None:
    """Append the quotation that follows the cue's sentence in the same paragraph
    ("…," he said. "More.") when it has no cue of its own."""
    if attribution.kind == "indirect":
        return
    cue = doc[attribution.cue_head]
    for start, end in regions:
        if start >= cue.sent.end_char:
            gap = text[cue.sent.end_char:start]
            region_sentence_end = doc.char_span(start, end, alignment_mode="expand")[-1].sent.end_char
            own_cue = any(start <= c < region_sentence_end for c in cue_starts)
            if not gap.strip() and "\n" not in text[cue.idx:start] and not own_cue:
                attribution.content = _merge(attribution.content + ((start, end),))
            return


def _cue_tokens(cue, table: dict[str, bool]) -> set[int]:
    """The cue head and the words next to it that belong to the cue ("according to")."""
    tokens = {cue.i}
    for child in cue.children:
        specific, generic = cue_child_key(cue, child)
        if abs(child.i - cue.i) <= 2 and table.get(specific, table.get(generic, False)):
            tokens.add(child.i)
    return set(range(min(tokens), max(tokens) + 1))


def _pick_arguments(cue, models):
    model, meta = models["argument"], models["meta"]
    best = {"source": (meta["source_threshold"], None), "content": (meta["content_threshold"], None)}
    for token, path in argument_candidates(cue):
        probs = model.probabilities(argument_features(cue, token, path))
        for role in ("source", "content"):
            p = probs[ROLES.index(role)]
            if p > best[role][0]:
                best[role] = (p, token)
    source, content = best["source"][1], best["content"][1]
    if source is not None and content is not None and (source.i == content.i or _dominates(source, content)):
        source = None
    return source, content


def _dominates(a, b) -> bool:
    return a.left_edge.i <= b.i <= a.right_edge.i


def _subtree(token) -> list[int]:
    return list(range(token.left_edge.i, token.right_edge.i + 1))


def _fragments(doc, token_ids) -> Fragments:
    """Contiguous character fragments of a token set, punctuation trimmed at the edges."""
    frags, run = [], []
    for i in sorted(token_ids):
        if run and i != run[-1] + 1:
            frags.append(run)
            run = []
        run.append(i)
    if run:
        frags.append(run)
    return tuple(f for f in (_char_span(doc, run) for run in frags) if f)


def _char_span(doc, run: list[int]):
    tokens = [doc[i] for i in run]
    while tokens and (tokens[0].is_punct or tokens[0].is_space) and tokens[0].text not in _OPENING:
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space) and tokens[-1].text not in _CLOSING:
        tokens.pop()
    if not tokens:
        return None
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))


def _widen_to_quotes(content: Fragments, regions, cue: Fragments) -> Fragments:
    """Widen fragments that reach into a quotation to the whole quotation (not over the cue)."""
    cue_start = cue[0][0] if cue else -1
    widened = []
    for start, end in content:
        for q_start, q_end in regions:
            if q_start < end and start < q_end and not q_start <= cue_start < q_end:
                start, end = min(start, q_start), max(end, q_end)
        widened.append((start, end))
    return _merge(widened)


def _merge(frags) -> Fragments:
    merged = []
    for start, end in sorted(frags):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _kind(content: Fragments, regions) -> str:
    quoted = sum(min(e, qe) - max(s, qs) for s, e in content for qs, qe in regions if qs < e and s < qe)
    total = sum(e - s for s, e in content)
    if quoted == 0:
        return "indirect"
    return "direct" if quoted >= total - 2 * len(content) else "mixed"


def find_quotes(doc) -> list[Quote]:
    """Quotes in ``doc`` with speakers resolved; offsets are ``doc`` character offsets.

    A discontinuous content ("A," he said, "B.") is reported by its outer bounds.
    """
    names, text = _person_names(doc), doc.text  # doc.text is rebuilt on every access
    quotes, previous = [], None
    for attribution in find_attributions(doc):
        if _in_caption(doc, attribution):
            continue
        speaker = _speaker(doc, attribution, names, previous)
        quotes.append(Quote(content=_outer(text, attribution.content), kind=attribution.kind,
                            cue=_outer(text, attribution.cue), source=_outer(text, attribution.source),
                            speaker=speaker))
        previous = (speaker, doc[attribution.cue_head].sent.start) if speaker else previous
    return quotes


def _in_caption(doc, attribution: Attribution) -> bool:
    """Whether the cue is in a picture's caption (``captions.caption_end``):
    a gallery left as one line glues captions to credits ("... stretchered
    from the tram James Long"), so its speakers are the photographers'
    names, and events skip captions too."""
    sent = doc[attribution.cue_head].sent
    return doc[attribution.cue_head].idx < sent.start_char + caption_end(sent.text)


def _outer(text: str, fragments: Fragments) -> Span | None:
    if not fragments:
        return None
    start, end = fragments[0][0], fragments[-1][1]
    return Span(start, end, text[start:end])


def _person_names(doc) -> dict[str, str]:
    """Surname (lower case) → the first full name with it ("ushakov" → "Yuri Ushakov");
    a last name wins over a first name."""
    by_last: dict[str, str] = {}
    by_first: dict[str, str] = {}  # family name first: "Xi" → "Xi Jinping"
    for ent in doc_ents(doc):
        name = _clean_name(ent)
        if ent.label_ == "PERSON" and " " in name:
            by_last.setdefault(name.split()[-1].lower(), name)
            by_first.setdefault(name.split()[0].lower(), name)
    return by_first | by_last


def _clean_name(span) -> str:
    tokens = [t for t in span if t.tag_ != "POS" and not t.is_punct]
    while tokens and tokens[0].lower_ in ("the", "a", "an"):
        tokens.pop(0)
    return " ".join(t.text for t in tokens)


def _speaker(doc, attribution: Attribution, names: dict[str, str], previous) -> str | None:
    """Who speaks: a person or organisation named in the source, people named
    together ("Xi and Putin say"), a pronoun resolved to them, or a common
    noun naming people or an organisation ("residents", "a port official");
    None for an unresolved pronoun or a thing ("according to a schedule")."""
    if attribution.source_head < 0 or not attribution.source:  # the head's span may have been trimmed away
        return None
    head = doc[attribution.source_head]
    named = _people_together(doc, head, names) or _named_speaker(doc, attribution, head, names)
    if named:
        return named
    if head.lower_ in _SINGULAR_PRONOUNS or _is_role_noun(head):
        return _antecedent(doc, attribution, previous) or _agent_phrase(doc, attribution, head)
    if head.lower_ in _PLURAL_PRONOUNS:
        return _plural_antecedent(doc, head, names)
    if head.lower_ == "it":  # "The firm said ... It added": the organisation quoted just before
        return _antecedent_organisation(doc, attribution, previous, names)
    if head.tag_ in ("WP", "WDT") and head.head.dep_ == "relcl":  # "Paddock, who told police"
        return _named_at(doc, head.head.head, names)
    if head.pos_ == "PROPN":  # a name the tagger missed: "the Telegraph reported"
        return _agent_span(doc, attribution)
    return _agent_phrase(doc, attribution, head)


def _antecedent_organisation(doc, attribution: Attribution, previous, names: dict[str, str]) -> str | None:
    """The previous quote's speaker when it was recent and not a person (no
    one calls a person "it"); else unresolved."""
    sentence = doc[attribution.cue_head].sent.start
    if previous is None or sentence - previous[1] >= 120 or previous[0] in names.values():
        return None
    return None if SPEAKERS_JOINED in previous[0] else previous[0]


def _named_at(doc, token, names: dict[str, str]) -> str | None:
    """The person, organisation or place named at ``token``, else None."""
    ent = next((e for e in doc_ents(doc) if e.start <= token.i < e.end
                and e.label_ in ("PERSON", "ORG", "GPE", "NORP")), None)
    return _full_name(_clean_name(ent), names) if ent is not None else None


_PLURAL_PRONOUNS = {"they", "we", "them"}
SPEAKERS_JOINED = " & "  # "Xi Jinping & Vladimir Putin": people who speak together


def _people_together(doc, head, names: dict[str, str]) -> str | None:
    """"Xi, ..., and Putin, ..., say": every person the conjoined source names, joined by " & "."""
    tokens = sorted({head, *head.conjuncts, *_apposition_conjuncts(head)}, key=lambda t: t.i)
    people = [_person_at(doc, t, names) for t in tokens]
    people = list(dict.fromkeys(p for p in people if p))
    return SPEAKERS_JOINED.join(people) if len(people) > 1 else None


def _apposition_conjuncts(head) -> list:
    """"Xi, the son of ..., and Putin": the parser often joins the second
    person to the first one's apposition rather than to the first one."""
    return [c for appos in head.children if appos.dep_ == "appos" for c in appos.conjuncts]


def _person_at(doc, token, names: dict[str, str]) -> str | None:
    """The person named at ``token``: a PERSON entity, or a bare name the
    tagger left untagged (a surname opening a sentence often is)."""
    ent = next((e for e in doc_ents(doc) if e.start <= token.i < e.end), None)
    if ent is not None:
        return _full_name(_clean_name(ent), names) if ent.label_ == "PERSON" else None
    return _full_name(token.text, names) if token.pos_ == "PROPN" and token.text[:1].isupper() else None


def _plural_antecedent(doc, pronoun, names: dict[str, str]) -> str | None:
    """"The last time Xi and Putin met, they declared": people named together
    earlier in the same sentence; else unresolved (None)."""
    for token in reversed(doc[pronoun.sent.start:pronoun.i]):
        together = _people_together(doc, token, names) if token.ent_type_ == "PERSON" else None
        if together:
            return together
    return None


def _agent_phrase(doc, attribution: Attribution, head) -> str | None:
    """The source as written when its head noun names people or an
    organisation ("residents", "a Kremlin spokesman"), else None."""
    if head.pos_ != "NOUN" or not is_agent_noun(head.lemma_.lower(), head.lower_):
        return None
    return _agent_span(doc, attribution)


def _agent_span(doc, attribution: Attribution) -> str | None:
    span = doc.char_span(attribution.source[0][0], attribution.source[-1][1], alignment_mode="expand")
    return span.text if span is not None else None


# Common nouns that name people or organisations, beyond what their ending
# tells (``_AGENT_ENDINGS``); written from what the words mean, not from data.
_AGENT_NOUNS = {
    "people", "police", "aide", "official", "source", "expert", "witness", "critic", "lawyer", "attorney",
    "judge", "doctor", "staff", "government", "ministry", "agency", "department", "office", "company",
    "firm", "bank", "court", "committee", "council", "union", "association", "organisation", "organization",
    "administration", "campaign", "team", "club", "media", "newspaper", "paper", "broadcaster", "network",
    "embassy", "delegation", "parliament", "party", "army", "military", "navy", "authority", "group",
    "family", "relative", "victim", "survivor", "diplomat", "envoy", "chief", "head", "boss",
    "executive", "staffer", "adviser", "advisor", "analyst", "economist", "scientist", "academic",
    "colleague", "friend", "neighbour", "neighbor", "mother", "father", "son", "daughter", "wife", "husband",
    "child", "student", "youth", "crowd", "public", "opposition", "coalition", "regime", "cabinet",
    "senate", "congress", "house", "board", "panel", "commission", "institute", "university", "school",
    "hospital", "clinic", "force", "troop", "guard", "operator", "airline", "carrier", "ally", "rival",
    "partner", "counterpart", "outlet", "accused", "press", "host", "guest", "veteran", "prosecutor", "investigator", "inspector",
    "candidate", "politician", "lawmaker", "legislator", "activist", "protester", "resident", "citizen",
    "villager", "refugee", "migrant", "soldier", "officer", "leader", "president", "minister", "premier",
    "chairman", "chairwoman", "spokesman", "spokeswoman", "spokesperson", "man", "woman", "boy", "girl",
    "person", "user", "owner", "fan", "player", "coach", "manager", "director", "worker", "employee"}
_AGENT_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "man", "men", "person", "people", "ee", "ess")
# Endings that also end words for things: "statement", "letter", "order", "document".
_THING_WORDS = {
    "letter", "order", "number", "matter", "chapter", "quarter", "register", "filter", "poster", "flyer",
    "cover", "power", "water", "border", "corner", "center", "answer", "offer", "computer", "printer",
    "container", "disaster", "weather", "winter", "summer", "dinner", "river", "tower", "cancer", "danger",
    "anger", "transfer", "character", "banner", "layer", "barrier", "shelter", "trailer", "error", "factor",
    "sector", "indicator", "floor", "door", "color", "colour", "motor", "mirror", "calendar", "content",
    "event", "percent", "incident", "component", "accident", "extent", "intent", "consent", "talent",
    "plant", "restaurant", "grant", "fee", "coffee", "tree", "degree", "knee", "progress", "process",
    "address", "access", "success", "stress", "report"}


def is_agent_noun(lemma: str, word: str = "") -> bool:
    """Whether a common noun names people or an organisation ("officials",
    "the ministry", "a worker"), not a thing ("a schedule", "the report")."""
    if lemma in _AGENT_NOUNS or word in _AGENT_NOUNS:
        return True
    if lemma in _THING_WORDS or lemma.endswith("ment"):
        return False
    return lemma.endswith(_AGENT_ENDINGS)


def _named_speaker(doc, attribution: Attribution, head, names: dict[str, str]) -> str | None:
    start, end = attribution.source[0][0], attribution.source[-1][1]
    ents = [e for e in doc_ents(doc) if e.start_char >= start and e.end_char <= end
            and e.label_ in ("PERSON", "ORG", "GPE", "NORP")]
    own = [e for e in ents if e.start <= head.i < e.end] or [e for e in ents if e.label_ == "PERSON"][-1:]
    if own:
        return _full_name(_clean_name(own[0]), names)
    if head.pos_ == "PROPN" and head.lower_ in names:
        return names[head.lower_]
    return None


def _full_name(name: str, names: dict[str, str]) -> str:
    if " " not in name and name.lower() in names:
        return names[name.lower()]
    return name


def _is_role_noun(head) -> bool:
    """"the aide", "the spokesman": a definite singular common noun naming one person."""
    return head.tag_ == "NN" and any(c.lower_ in ("the", "this", "that") for c in head.children)


def _antecedent(doc, attribution: Attribution, previous) -> str | None:
    """The last person named before the source in its own sentence ("Martin
    Bamford ... said he recalled it", after a police statement), else the
    previous quote's speaker if recent, else the last person named before."""
    sentence = doc[attribution.cue_head].sent.start
    start = attribution.source[0][0]
    persons = [e for e in doc_ents(doc) if e.label_ == "PERSON" and e.end_char <= start]
    if persons and persons[-1].start >= sentence:
        return _clean_name(persons[-1])
    if previous is not None and sentence - previous[1] < 120:
        return previous[0]
    return _clean_name(persons[-1]) if persons else None
