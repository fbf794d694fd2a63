"""Who did what to whom, where and when: PLOVER-typed events from a spaCy parse.

``find_events(doc, times=..., places=...)`` reads each sentence once:

1. *Triggers*: every verb is looked up in ``plover_lexicon`` (verb +
   particle, verb + object noun, light verb + event noun, verb alone). A
   speech verb whose complement carries "must"/"should" ("X said Y must
   withdraw") is a DEMAND by X on Y.
2. *One event per governing verb*: a trigger inside the complement or
   adverbial clause of another trigger is folded into it — "threatened to
   ban" is one THREATEN, "shelled Juba, killing 20" one FIGHT — because the
   governing verb says what the source did. Planning verbs ("plans to",
   "is set to", "decided to") never fold: their complement is the event.
3. *Actors*: the subject is the source (the "by" agent in the passive, whose
   subject is then the target); objects, datives and the objects of
   with/to/against/on/from/between (on the verb or on its event noun: "held
   talks with X") are targets, looked for in the complement when the verb
   has none ("threatened to shell Iraqi towns"). Coordinated phrases are split
   into one actor each. **Compound subjects**: every conjunct is a source and
   the event keeps whatever targets its objects give — "Xi and Putin met"
   has sources [Xi, Putin] and no target (PLOVER's compound SRC/TAR actor),
   "Putin will meet Modi" has source Putin and target Modi; for reciprocal
   types read sources + targets as the participants.
4. *Mode*: ``negated`` ("did not meet"), ``planned`` (will/would/shall,
   "is set to", "due to", "plans to", "expected to"), ``possible``
   (may/might/could), else ``None`` (reported as having happened).
5. *Where and when*: ``place`` is the place mention introduced by
   in/at/near (or an all-capitals dateline) nearest the trigger in the
   sentence, else ``default_place``; ``date`` the calendar value of the
   DATE/TIME expression nearest the trigger in the sentence (not one after
   "since", which dates something else), else ``default_date``.
6. *Captions and reporting acts are not events*: a picture's caption or
   credit (``captions.is_caption``: "Image caption ...", a gallery's "12/34
   19 November 2017 ...") reports nothing; the press meeting, visiting or being
   told ("AFP journalists visited", "spoke to reporters", "residents told
   AFP of their pride in hosting ...") is how the news was gathered
   (``outlets.is_press`` names the press). "X told Y that ..." with Y a
   named person is a CONSULT between them ("Xi told Putin that ...").
   A general statement in the present ("its members work together to
   tackle ...": no date, no one named, a full stop) is no event either.
7. *Accidents*: PLOVER has no type for a crash; people hurt with no one
   hurting them where the sentence names an accident, or a vehicle failing
   ("derailed", "overturned"), is ``ACCIDENT`` (not a PLOVER type), never
   ASSAULT (``_accidental``, ``_vehicle_failed``).
8. *Background*: an event recalled rather than reported — past perfect
   outside reported speech ("they had met"), "the last time they met",
   "last met", "in the past", "previously", "formerly" — is marked
   ``background`` (``analyze.article`` also marks events dated well before
   publication).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..captions import caption_end
from ..outlets import is_press
from ..records import Event, Span
from . import plover_lexicon as lex
from .nlp import ents_within
from .plover_lexicon import word_set

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
OBJECT_DEPS = ("dobj", "dative", "attr")
TARGET_PREPS = word_set("with to against on upon from between toward towards into")
# Clause links through which a trigger is folded into a governing trigger.
FOLD_DEPS = word_set("xcomp ccomp advcl pcomp prep pobj acl dobj")
# Dependents that end an actor phrase ("officials, who ...", "Xi and Putin").
PHRASE_CUT_DEPS = word_set("relcl acl appos conj cc punct advcl det nummod quantmod predet neg "
                         "prep")
PHRASE_KEEP_PREPS = word_set("of in throughout")
ACTOR_ENTITIES = word_set("PERSON ORG GPE NORP LOC FAC")
INNER_PREPS = TARGET_PREPS | {"by", "of", "among"}
NOT_ACTOR_ENTITIES = word_set("DATE TIME CARDINAL ORDINAL MONEY PERCENT QUANTITY")
LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside)\s+(?:the\s+)?$", re.IGNORECASE)
SINCE = re.compile(r"\b(?:since|until|till)\s+(?:the\s+)?$", re.IGNORECASE)
CALENDAR_VALUE = re.compile(r"^\d{4}(?:-W\d\d|-\d\d(?:-\d\d)?)?")
LABEL_PREFERENCE = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC")


def find_events(doc, *, times: Iterable = (), places: Iterable[tuple] = (),
                default_place: str | None = None, default_date: str | None = None) -> list[Event]:
    """PLOVER events of every sentence of ``doc``, in text order."""
    times, places = list(times), sorted(places)
    events = []
    for sent in doc.sents:
        body = sent.start_char + caption_end(sent.text)  # a picture's caption reports no event
        for trigger, kind in sentence_triggers(sent):
            if trigger.idx < body:
                continue
            event = _build_event(trigger, kind, sent)
            if reporting_act(trigger, event):
                continue
            event.date = _date(sent, times, trigger, told=event.mode in ("planned", "possible"))
            if event.date is None and habitual(trigger, event):
                continue
            event.date = event.date or default_date
            event.place = _place(sent, places, trigger) or default_place
            event.background = recalled(trigger)
            events.append(event)
    return events


# --------------------------------------------------------------------------
# reporting acts and background

def reporting_act(trigger, event: Event) -> bool:
    """The press gathering the news, not news: a meeting or visit with the
    press as a party ("AFP journalists visited", "met reporters"), or an event
    whose subject is a speaker addressing the press ("Residents told AFP of
    their pride in hosting the summit": the residents host nothing)."""
    actors = [s.text for s in event.sources + event.targets]
    actors += [" ".join(t.text for t in o.subtree) for o in _addressees(trigger)]
    if event.type == "CONSULT" and any(is_press(a) for a in actors):
        return True
    node = trigger
    for _ in range(6):
        if node.lemma_.lower() in lex.SPEECH_VERBS and node is not trigger:
            return any(is_press(" ".join(t.text for t in o.subtree)) for o in _addressees(node))
        if not _shares_subject(node):
            return False
        node = node.head
    return False


def habitual(trigger, event: Event) -> bool:
    """A general description, not a happening: the simple present with no
    date and no one named doing it ("its members work together to tackle
    threats", "officials meet regularly"). A dated present is a headline's
    news ("Xi and Putin meet on Thursday"), and so is a named actor's
    ("Putin meets Xi") — the caller checks the date — and so is a headline's
    (no full stop: "Police arrest driver")."""
    if not trigger.sent.text.rstrip().endswith((".", "!", "?", '"', "”")) or trigger.tag_ not in ("VBZ", "VBP") or any(c.dep_ in ("aux", "auxpass") for c in trigger.children):
        return False
    heads = _source_heads(trigger)
    return bool(heads) and not any(t.pos_ == "PROPN" or t.ent_type_ in ACTOR_ENTITIES
                                   for head in heads for t in head.subtree)


def _addressees(verb) -> list:
    """Who a verb is addressed to: "told AFP", "said to reporters", "met with reporters"."""
    found = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
    return found + [p for prep in verb.children if prep.dep_ == "prep" and prep.lower_ in ("to", "with")
                    for p in prep.children if p.dep_ == "pobj"]


# not "earlier": "earlier on Thursday" is the same news day
_RECALL_WORDS = word_set("previously formerly once")


def recalled(trigger) -> bool:
    """Whether the event is recalled as background: past perfect outside
    reported speech ("they had met"; "said troops had withdrawn" is news told
    in the past tense), "last met", "the last time they met", "in the past"
    (also when said once for two conjoined verbs: "have in the past been
    rivals and have fought wars")."""
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ == "had" for c in trigger.children) and not _reported(trigger):
        return True
    verbs = [trigger, trigger.head] if trigger.dep_ == "conj" else [trigger]
    modifiers = [c for v in verbs for c in v.children]
    modifiers += [c for m in modifiers if m.dep_ == "aux" for c in m.children]
    return any(_recall_cue(m) for m in modifiers)


def _recall_cue(modifier) -> bool:
    word = modifier.lower_
    if modifier.dep_ == "advmod":
        return word == "last" or word in _RECALL_WORDS
    if modifier.dep_ == "prep":
        return word == "in" and any(p.lower_ == "past" for p in modifier.children)
    return modifier.dep_ == "npadvmod" and modifier.lemma_.lower() == "time" and \
        any(c.lower_ in ("last", "previous") for c in modifier.children)


def _reported(verb) -> bool:
    node = verb
    for _ in range(4):
        if node.dep_ != "ccomp" or node.head is node:
            return False
        node = node.head
        if node.lemma_.lower() in lex.SPEECH_VERBS:
            return True
    return False


def sentence_triggers(sent) -> list[tuple]:
    """``(token, type)`` of the governing event verbs of one sentence."""
    found = {}
    for token in sent:
        kind = trigger_type(token)
        if kind:
            found[token.i] = kind
    return [(sent.doc[i], kind) for i, kind in found.items()
            if not _folded(sent.doc[i], found) and not _background(sent.doc[i])]


def _background(verb) -> bool:
    """Verbs that modify a noun rather than report an event: "the banned party",
    "a plan signed in March", "where 28 people were killed", "involvement in killing"."""
    if verb.dep_ in ("amod", "acl", "compound"):
        return True
    if verb.dep_ == "relcl":
        return not any(c.dep_ == "nsubj" and c.tag_ in ("WDT", "WP") for c in verb.children)
    return verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.head.pos_ == "NOUN"


def trigger_type(token) -> str | None:
    """The PLOVER type ``token`` triggers, or None."""
    if token.pos_ != "VERB":
        return None
    kind = _lexicon_type(token) or _obligation_demand(token) or _told_in_person(token)
    if kind == "CONSULT" and _lemma(token) in lex.TRAVEL_VERBS and _travel_host(token) is None:
        return None
    if _lemma(token) == "offer" and token.tag_ in ("VBZ", "VBP") and not any(c.dep_ == "xcomp" for c in token.children):
        return None  # "the bloc offers an alternative" describes; "offered concessions", "offers to mediate" act
    if kind == "THREATEN" and _forecast(token):
        return None
    if kind in lex.VIOLENCE_TYPES and _accidental(token) or kind is None and _vehicle_failed(token):
        return lex.ACCIDENT_TYPE
    if kind in lex.VIOLENCE_TYPES and token.lemma_.lower() in lex.CASUALTY_VERBS:
        return "FIGHT" if _military_agent(token) else "ASSAULT"
    return kind


def _forecast(verb) -> bool:
    """A warning of what may happen, to no one and by no one's hand ("warned
    the death toll may well increase", "warned that prices would rise"): not
    a threat, unlike "warned Russia" or "warned that it would retaliate"."""
    children = list(verb.children)
    said = [c for c in children if c.dep_ == "ccomp"]
    if not said or any(c.dep_ == "prep" for c in children):
        return False
    # the parser often makes the forecast's subject the verb's object ("warned [the death toll] may ...")
    subjects = [c for c in children if c.dep_ in ("dobj", "dative")]
    subjects += [s for s in said[0].children if s.dep_ in ("nsubj", "nsubjpass")]
    return bool(subjects) and not any(t.pos_ in ("PROPN", "PRON") or t.ent_type_ in ACTOR_ENTITIES or
                                      t.lemma_.lower() in lex.ACTOR_NOUNS for s in subjects for t in s.subtree)


def _vehicle_failed(verb) -> bool:
    """"the tram derailed", "a ferry capsized": an accident verb with no object
    ("derailed the talks" is an act), or whose object is its particle's
    ("derailed off the tracks")."""
    deps = {c.dep_ for c in verb.children}
    return _lemma(verb) in lex.ACCIDENT_VERBS and ("dobj" not in deps or "prt" in deps)


def _accidental(verb) -> bool:
    """People hurt with no one hurting them ("were killed when a tram derailed",
    "the crash injured 40") in a sentence that names an accident, or hurt by
    what failed ("a tram overturned, injuring 40": the tram hurt no one)."""
    if _lemma(verb) not in lex.HARM_VERBS:
        return False
    if not all(_lemma(head) in lex.ACCIDENT_WORDS or _failed(head) for head in _source_heads(verb)):
        return False
    words = {_lemma(t) for t in verb.sent}
    return bool(words & lex.ACCIDENT_WORDS) and not words & lex.ATTACK_WORDS


def _failed(noun) -> bool:
    """Whether ``noun`` is what an accident verb says failed: its subject
    ("a tram overturned") or the noun it describes ("a tram overturned in ...",
    parsed as a clause on "tram")."""
    if noun.dep_ == "nsubj" and _vehicle_failed(noun.head):
        return True
    return any(c.dep_ in ("acl", "relcl") and _vehicle_failed(c) for c in noun.children)


def _travel_host(verb):
    """Where a movement verb went, when that is a host ("arrived in Amman",
    "travelled to Beijing", "toured the factory"), else None."""
    heads = [c for c in verb.children if c.dep_ == "dobj"]
    heads += [p for prep in verb.children if prep.dep_ == "prep" and prep.lower_ in lex.DESTINATION_PREPS
              for p in prep.children if p.dep_ == "pobj"]
    return next((h for h in heads if h.ent_type_ in lex.HOST_ENTITIES), None)


def _lemma(token) -> str:
    lemma = token.lemma_.lower()
    return lex.LEMMA_FIXES.get(lemma, lemma)


def _lexicon_type(token) -> str | None:
    lemma = _lemma(token)
    for child in token.children:
        if child.dep_ in ("prt", "prep") and (lemma, child.lemma_.lower()) in lex.PHRASES:
            return lex.PHRASES[(lemma, child.lemma_.lower())]
    for noun in _object_nouns(token):
        noun_lemma = _lemma(noun)
        if (lemma, noun_lemma) in lex.VERB_OBJECTS:
            return lex.VERB_OBJECTS[(lemma, noun_lemma)]
        if lemma in lex.LIGHT_VERBS and noun_lemma in lex.LIGHT_VERB_NOUNS:
            return lex.LIGHT_VERB_NOUNS[noun_lemma]
    return lex.VERBS.get(lemma)


def _object_nouns(verb) -> list:
    """The verb's object (or passive subject), its compound nouns ("mediation
    efforts") and the noun of its "of" phrase ("a state of emergency")."""
    nouns = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    for noun in list(nouns):
        nouns += [c for c in noun.children if c.dep_ == "compound" and c.pos_ == "NOUN"]
        nouns += [pobj for prep in noun.children if prep.dep_ == "prep" and prep.lower_ == "of"
                  for pobj in prep.children if pobj.dep_ == "pobj"]
    return nouns


def _obligation_demand(token) -> str | None:
    """DEMAND for "X said (that) Y must ..." and "X issued a reminder that Y must ..."."""
    clauses = [c for c in token.children if c.dep_ == "ccomp"]
    if token.lemma_.lower() not in lex.SPEECH_VERBS:
        clauses = [c for obj in token.children if obj.dep_ == "dobj"
                   for c in obj.children if c.dep_ in ("acl", "ccomp")]
    for clause in clauses:
        if any(c.dep_ == "aux" and c.lower_ in lex.OBLIGATION_MODALS for c in clause.children):
            return "DEMAND"
    return None


def _told_in_person(token) -> str | None:
    """CONSULT for "X told Y (that) ..." with Y a named person, not the press:
    "Xi told his Russian counterpart Vladimir Putin that ..." is the two talking."""
    if token.lemma_.lower() != "tell":
        return None
    for listener in _addressees(token):
        phrase = " ".join(t.text for t in listener.subtree)
        if listener.ent_type_ == "PERSON" and not is_press(phrase):
            return "CONSULT"
        if any(t.ent_type_ == "PERSON" for t in listener.subtree) and listener.lemma_.lower() in _PEER_NOUNS:
            return "CONSULT"
    return None


# Heads of "his Russian counterpart Vladimir Putin", "the visiting president, Emmanuel Macron".
_PEER_NOUNS = word_set("counterpart president premier minister leader chancellor king host guest")


def _military_agent(verb) -> bool:
    words = {t.lower_ for head in _source_heads(verb) for t in head.subtree}
    return bool(words & lex.MILITARY_WORDS)


def _folded(token, found: dict) -> bool:
    """Whether a governing trigger above ``token`` absorbs it; a conjoined verb
    of the same type is the same event ("killed two and wounded five")."""
    if token.dep_ == "conj" and found.get(token.head.i) == found[token.i]:
        return True
    node = token
    for _ in range(6):
        if node.dep_ not in FOLD_DEPS or node.head is node:
            return False
        node = node.head
        if node.i in found and node.lemma_.lower() not in lex.PLAN_WORDS and not _telling(node, found):
            return True
    return False


def _telling(node, found: dict) -> bool:
    """"X told Y that ...": the two talking and what was said are two events."""
    return found[node.i] == "CONSULT" and node.lemma_.lower() == "tell"


_LINE_BREAK = re.compile(r"\n\s*")


def _evidence(sent, trigger) -> Span:
    """The trigger's sentence within its paragraph: the parser may run a
    sentence on across a line break (a cleaned text's paragraphs are its
    lines), and the arrest in 'They later confirmed that the driver was
    arrested' had the paragraph before as its evidence ('A spokesman added:
    "... recovery efforts."'). A line going on in lower case is one sentence
    wrapped at the line's width, not a new paragraph."""
    text, at = sent.text, trigger.idx - sent.start_char
    start, end = 0, len(text)
    for brk in _LINE_BREAK.finditer(text):
        if text[brk.end():brk.end() + 1].islower():
            continue
        if brk.end() <= at:
            start = brk.end()
        elif brk.start() >= at:
            end = brk.start()
            break
    return Span(sent.start_char + start, sent.start_char + end, text[start:end])


def _build_event(trigger, kind: str, sent) -> Event:
    source_spans = _actor_spans(_source_heads(trigger), [])
    target_heads = _target_heads(trigger, kind)
    if not target_heads and _lemma(trigger) in lex.TRAVEL_VERBS:
        target_heads = _expand(_travel_host(trigger))  # the visited place is the host (PLOVER's target)
    if not target_heads and kind not in lex.RECIPROCAL_TYPES:
        target_heads = _place_targets(trigger)
    target_spans = _actor_spans(target_heads, source_spans)
    return Event(
        type=kind, trigger=_trigger_span(trigger),
        sentence=_evidence(sent, trigger),
        sources=[_span(s) for s in source_spans], targets=[_span(t) for t in target_spans],
        source_names=[actor_name(s) for s in source_spans],
        target_names=[actor_name(t) for t in target_spans],
        mode=event_mode(trigger))


# --------------------------------------------------------------------------
# actors

def _source_heads(verb) -> list:
    clause, subject = _subject_of(verb)
    if subject is None:
        return []
    if subject.dep_ == "nsubjpass" and clause is verb or _passive_below(verb, clause):
        return _expand(_agent_of(verb))
    return _expand(_resolve_pronoun(_after_dateline(subject), clause))


def _passive_below(verb, clause) -> bool:
    """A passive verb whose subject is a governing clause's ("people are
    believed to have been injured"): that subject suffered it, the doer is
    the "by" agent."""
    return clause is not verb and any(c.dep_ == "auxpass" for c in verb.children)


def _after_dateline(subject):
    """"SAMARKAND, Uzbekistan — Chinese President Xi Jinping told ...": the
    parser makes the dateline's place the subject and the speaker its
    apposition; the subject is the phrase after the dash."""
    if subject.i - subject.sent.start > 3:
        return subject
    dash = next((t for t in subject.children if t.text in ("—", "–", "-", "--")), None)
    after = [c for c in subject.children if c.dep_ == "appos" and dash is not None and c.i > dash.i]
    return after[0] if after else subject


def _subject_of(verb) -> tuple:
    """The clause that holds ``verb``'s subject (walking up xcomp/conj) and that subject."""
    node = verb
    for _ in range(6):
        subjects = [c for c in node.children if c.dep_ in SUBJECT_DEPS]
        if subjects:
            subject = subjects[0]
            if subject.tag_ in ("WDT", "WP") and node.dep_ == "relcl":
                return node, node.head
            return node, subject
        if node.dep_ in ("relcl", "acl") and node.head.pos_ in ("NOUN", "PROPN"):
            return node, node.head
        if not _shares_subject(node):
            break
        node = node.head
    return verb, None


def _shares_subject(node) -> bool:
    """Whether ``node``'s subject is its governor's: "threatened to ban",
    "killed and wounded", "resorted to throwing stones"."""
    if node.head is node:
        return False
    if node.dep_ in ("xcomp", "acomp", "conj", "advcl"):
        return True
    return node.dep_ in ("pcomp", "pobj", "prep") and node.head.pos_ in ("ADP", "VERB")


def _agent_of(verb):
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _resolve_pronoun(subject, clause):
    """"X said they would ..." → X: the speaker stands in for a pronoun subject."""
    if subject.pos_ != "PRON":
        return subject
    node = clause
    while node.dep_ == "ccomp" and node.head is not node:
        node = node.head
        speaker = next((c for c in node.children if c.dep_ == "nsubj"), None)
        if speaker is not None and speaker.pos_ != "PRON":
            return speaker
    return subject


def _target_heads(verb, kind: str) -> list:
    """Targets of ``verb``, else of its complement; purpose clauses ("to protest X")
    count too, except for reciprocal types ("met to discuss the Ukraine war")."""
    clause_deps = ("xcomp", "ccomp") if kind in lex.RECIPROCAL_TYPES else ("xcomp", "ccomp", "advcl")
    clause, subject = _subject_of(verb)
    if any(c.dep_ == "nsubjpass" for c in verb.children) or _passive_below(verb, clause):
        return _expand(subject)
    heads = _direct_targets(verb)
    for clause in verb.children:
        if heads:
            break
        if clause.dep_ in clause_deps:
            subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            heads = _expand(subject) if clause.dep_ == "ccomp" else []
            heads = heads or _direct_targets(clause)
    return heads


def _direct_targets(verb) -> list:
    """Objects of ``verb`` and of with/to/against/... on it or on its event noun;
    an object that is a mere thing gives way to those ("refused admittance to X")."""
    objects, noun_preps = [], []
    topic_verb = _lemma(verb) in lex.TOPIC_VERBS
    for child in verb.children:
        if child.dep_ in OBJECT_DEPS and not topic_verb:
            if _is_event_noun(verb, child):
                noun_preps += _prep_objects(child)
            else:
                objects += _expand(child)
    return _actors_of(objects + noun_preps + _prep_objects(verb))


def _actors_of(heads: list, depth: int = 2) -> list:
    """Actors among ``heads``: a thing ("a fresh offer from Afghanistan", "a
    Senegalese peace plan") gives way to the actors named inside it, or to none."""
    actors = []
    for head in heads:
        if _is_thing(head):
            actors += _actors_inside(head, depth) if depth else []
        elif head not in actors:
            actors.append(head)
    return actors


def _actors_inside(noun, depth: int) -> list:
    inner = []
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in INNER_PREPS:
            inner += [p for p in child.children if p.dep_ == "pobj" and _is_actor(p)]
        elif child.dep_ in ("poss", "amod", "compound", "nmod") and child.ent_type_ in ACTOR_ENTITIES:
            inner.append(child)
    return _actors_of(inner, depth - 1)


def _is_thing(head) -> bool:
    """A common noun with no name in its phrase: "plans", "security", "a ban"."""
    if head.pos_ != "NOUN" or head.lemma_.lower() in lex.ACTOR_NOUNS:
        return False
    # its own phrase, not a set-off apposition the parser hung on it ("fought wars, Putin and Xi share")
    return not any(t.ent_type_ in ACTOR_ENTITIES for t in _phrase(head))


def _place_targets(verb) -> list:
    """Where the action fell when nothing else is its target: "lifted a curfew in Montenegro"."""
    heads = [verb] + [c for c in verb.children if c.dep_ in ("dobj", "xcomp")]
    for head in heads:
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ == "in" and prep.i > verb.i:
                places = [p for p in prep.children if p.dep_ == "pobj"
                          and p.ent_type_ in ("GPE", "LOC", "FAC")]
                if places:
                    return _expand(places[0])
    return []


def _is_event_noun(verb, noun) -> bool:
    verb_lemma, lemma = _lemma(verb), _lemma(noun)
    if lemma in lex.PERSON_OBJECTS:
        return False
    return ((verb_lemma, lemma) in lex.VERB_OBJECTS
            or (verb_lemma in lex.LIGHT_VERBS and lemma in lex.LIGHT_VERB_NOUNS))


def _prep_objects(head) -> list:
    """Actors after ``head`` introduced by with/to/against/...; never dates."""
    objects = []
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in TARGET_PREPS and prep.i > head.i:
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.pos_ in ("PROPN", "NOUN", "PRON"):
                    objects += _expand(pobj)
    return objects


def _expand(head) -> list:
    """``head`` and its conjuncts, each stripped of counting words ("thousands of")."""
    if not _is_actor(head):
        return []
    head = _counted(head)
    return [head] + [c for c in head.conjuncts if _is_actor(c)]


def _is_actor(token) -> bool:
    return (token is not None and token.pos_ in ("PROPN", "NOUN", "PRON", "ADJ")
            and token.ent_type_ not in NOT_ACTOR_ENTITIES and token.tag_ not in ("WP", "WDT"))


def _counted(head):
    if head.lemma_.lower() not in lex.QUANTITY_NOUNS:
        return head
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return next((c for c in prep.children if c.dep_ == "pobj"), head)
    return head


def _actor_spans(heads: list, taken: list) -> list:
    """One phrase per actor, not overlapping each other or ``taken``."""
    spans = []
    for head in heads:
        for segment in _segments(_phrase(head)):
            if not any(_overlap(segment, other) for other in spans + taken):
                spans.append(segment)
    return spans


def _segments(phrase) -> list:
    """A phrase that still coordinates actors ("Hungarian and Romanian officials"),
    split at its conjunctions and commas outside named entities."""
    if not any(t.dep_ == "cc" for t in phrase):
        return [phrase]
    segments, start = [], phrase.start
    for token in phrase:
        if token.dep_ in ("cc", "punct") and token.ent_iob_ != "I":
            segments.append(phrase.doc[start:token.i])
            start = token.i + 1
    segments.append(phrase.doc[start:phrase.end])
    return [s for s in segments if any(t.pos_ in ("PROPN", "NOUN", "ADJ", "PRON") for t in s)]


def _overlap(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def _phrase(head):
    """The noun phrase of ``head``: modifiers, of/in phrases and a close apposition
    ("premier Narendra Modi"); not clauses, set-off appositions or possessive pronouns."""
    kept = {t.i for t in head.subtree}
    for child in head.children:
        if _cuts_phrase(child):
            kept -= {t.i for t in child.subtree}
    low = high = head.i
    while low - 1 in kept:
        low -= 1
    while high + 1 in kept:
        high += 1
    doc = head.doc
    high = _titled_name_end(head, high)
    while high > low and doc[high].is_punct:
        high -= 1
    while low < high and doc[low].tag_ == "PRP$":
        low += 1
    return doc[low:high + 1]


def _titled_name_end(head, high: int) -> int:
    """A title right before a person's name takes the name in, whatever the
    parser hung it on ("Mongolian President Ukhnaa Khurelsukh", with the name
    parsed as an apposition of another word)."""
    doc, after = head.doc, high + 1
    if head.lower_ not in _PEER_NOUNS or after >= len(doc) or doc[after].ent_iob_ != "B" \
            or doc[after].ent_type_ != "PERSON":
        return high
    end = after
    while end + 1 < len(doc) and doc[end + 1].ent_iob_ == "I":
        end += 1
    return end


def _cuts_phrase(child) -> bool:
    if child.dep_ == "punct":
        return child.text != "-"
    if child.dep_ == "prep":
        return child.lower_ not in PHRASE_KEEP_PREPS
    if child.dep_ == "appos":
        return child.doc[child.left_edge.i - 1].is_punct
    return child.dep_ in PHRASE_CUT_DEPS


def _span(tokens) -> Span:
    return Span(tokens.start_char, tokens.end_char, tokens.text)


def actor_name(tokens) -> str:
    """The actor without titles or determiners: its best named entity, else the phrase."""
    ents = ents_within(tokens)
    for label in LABEL_PREFERENCE:
        for ent in ents:
            if ent.label_ == label:
                return _strip_the(ent.text)
    return _strip_the(tokens.text)


def _strip_the(text: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"['’]s$", "", text).strip()


# --------------------------------------------------------------------------
# trigger, mode, place, date

def _trigger_span(verb) -> Span:
    doc, end = verb.doc, verb.i
    for child in verb.children:
        part_of_trigger = child.dep_ == "prt" or (
            child.dep_ in ("dobj", "nsubjpass") and _is_event_noun(verb, child))
        if part_of_trigger and 0 < child.i - verb.i <= 4:
            end = max(end, child.i)
    return _span(doc[verb.i:end + 1])


def event_mode(verb) -> str | None:
    """negated / planned / possible / None, from the verb and the verbs governing it."""
    modes = set()
    node = verb
    for _ in range(4):
        modes |= _clause_modes(node)
        if node.dep_ not in ("xcomp", "acomp") or node.head is node:
            break
        node = node.head
        if node.lemma_.lower() in lex.PLAN_WORDS or node.lower_ in lex.PLAN_WORDS:
            modes.add("planned")
    return next((m for m in ("negated", "planned", "possible") if m in modes), None)


def _clause_modes(verb) -> set[str]:
    modes = set()
    for child in verb.children:
        word = child.lower_
        if child.dep_ == "neg":
            modes.add("negated")
        elif child.dep_ == "aux" and word in lex.FUTURE_MODALS:
            modes.add("planned")
        elif child.dep_ == "aux" and word in lex.POSSIBLE_MODALS:
            modes.add("possible")
    return modes


def _place(sent, places: Sequence[tuple], trigger) -> str | None:
    """The locative place nearest the trigger ("On his first trip outside China,
    Xi arrived in Central Asia": Central Asia), else the dateline; never where
    the event was told ("Ushakov told reporters in Moscow the presidents will
    meet": the meeting is not in Moscow)."""
    text, offset = sent.text, sent.start_char  # doc.text would rebuild the whole text
    best = None
    for start, end, name in places:
        if sent.start_char <= start < sent.end_char and not _where_told(sent, start, end, trigger):
            before = text[max(0, start - 16 - offset):start - offset]
            dateline = start == sent.start_char and text[start - offset:end - offset].isupper()
            distance = abs(start - trigger.idx) if LOCATIVE.search(before) else len(text) if dateline else None
            if distance is not None and (best is None or distance < best[0]):
                best = (distance, name)
    return best[1] if best else None


def _where_told(sent, start: int, end: int, trigger) -> bool:
    span = sent.doc.char_span(start, end, alignment_mode="expand")
    return span is not None and len(span) > 0 and _in_telling_clause(span.root, trigger)


def _in_telling_clause(token, trigger) -> bool:
    """Whether ``token`` belongs to the clause of a speech verb above the
    trigger ("told reporters in Moscow on Tuesday that ... will meet")."""
    node = token
    for _ in range(12):
        if node.pos_ in ("VERB", "AUX") or node.head is node:
            break
        node = node.head
    return node is not trigger and node.lemma_.lower() in lex.SPEECH_VERBS and node in trigger.ancestors


def _date(sent, times: Sequence, trigger, told: bool = False) -> str | None:
    """The calendar value of the time expression nearest the trigger among
    those dating its own clause, a clause above it ("On Friday, Putin is set
    to meet") or a "when" clause on it, not another verb's clause ("they met ... just weeks before
    Russia invaded Ukraine on Feb. 24": Feb. 24 dates the invasion) or a
    "since" ("their first talks since 2019"). For a ``told`` (planned or
    possible) event, not the clause of the speech verb telling it ("said on
    Tuesday the leaders will meet": Tuesday is when it was said)."""
    recalled_at = _date_of_when_clause(trigger, times)
    if recalled_at:
        return recalled_at
    text, offset, best = sent.text, sent.start_char, None  # doc.text would rebuild the whole text
    above = {trigger.i} | {t.i for t in trigger.ancestors} | _when_clauses(trigger)
    for ref in times:
        match = CALENDAR_VALUE.match(ref.value or "")
        if ref.type not in ("DATE", "TIME") or not match or not offset <= ref.start < sent.end_char:
            continue
        if SINCE.search(text[max(0, ref.start - offset - 8):ref.start - offset]):
            continue
        verb = _governing_verb(sent, ref)
        if verb not in above or (told and verb != trigger.i and sent.doc[verb].lemma_.lower() in lex.SPEECH_VERBS):
            continue
        distance = abs(ref.start - trigger.idx)
        if best is None or distance < best[0]:
            best = (distance, match.group(0))
    return best[1] if best else None


def _date_of_when_clause(trigger, times: Sequence) -> str | None:
    """The date a "when" clause hangs on, for an event inside it: "the worst
    since 2004, when seven people were killed ... when a driver trying to kill
    himself ...": 2004, not the sentence's Wednesday."""
    for node in (trigger, *trigger.ancestors):
        if node.dep_ == "relcl" and any(c.dep_ == "advmod" and c.lower_ == "when" for c in node.children):
            ref = next((r for r in times if r.type == "DATE" and r.start <= node.head.idx < r.end), None)
            match = CALENDAR_VALUE.match(ref.value or "") if ref else None
            return match.group(0) if match else None
    return None


def _when_clauses(trigger) -> set[int]:
    """The verbs of "when" clauses on the trigger: they happen at its time
    ("were killed when a tram derailed on Wednesday": Wednesday), also when
    hung on a verb conjoined after it ("were killed and injured when ...")."""
    verbs = [trigger] + [c for c in trigger.children if c.dep_ == "conj"]
    return {c.i for verb in verbs for c in verb.children if c.dep_ == "advcl"
            and any(w.dep_ == "advmod" and w.lower_ == "when" for w in c.children)}


# Words that make a clause a reference point of the sentence's own event.
_REFERENCE_MARKS = frozenset({"before", "after", "since", "until", "till"})


def mark_references(doc, times: Sequence) -> None:
    """Mark the time expressions that date another event the sentence
    measures from (``TimeRef.reference``): in a clause opened by "before",
    "after", "since", "until" ("just weeks before Russia invaded Ukraine on
    Feb. 24") or right after "since" ("since 2019")."""
    text = doc.text
    for ref in times:
        if SINCE.search(text[max(0, ref.start - 8):ref.start]):
            ref.reference = True
            continue
        token = doc.char_span(ref.start, ref.end, alignment_mode="expand")
        verb = _governing_verb(token[0].sent, ref) if token is not None and len(token) else None
        ref.reference = verb is not None and _opens_reference(doc[verb])


def _opens_reference(verb) -> bool:
    if verb.dep_ == "ROOT":
        return False
    marks = [c.lower_ for c in verb.children if c.dep_ == "mark"]
    return bool(_REFERENCE_MARKS & set(marks)) or (verb.dep_ == "pcomp" and verb.head.lower_ in _REFERENCE_MARKS)


def _governing_verb(sent, ref) -> int | None:
    """The index of the verb whose clause a time expression sits in."""
    span = sent.doc.char_span(ref.start, min(ref.end, sent.end_char), alignment_mode="expand")
    node = span.root if span is not None and len(span) else None
    for _ in range(12):
        if node is None or node.pos_ in ("VERB", "AUX") or node.head is node:
            return node.i if node is not None else None
        node = node.head
    return None
