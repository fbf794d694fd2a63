"""The facts a sentence states, read from its dependency parse.

A sentence often states several facts: "Riots left three bank workers dead,
and protesters tried to storm parliament" (two clauses), "Tara Reid, 33,
checked into rehab" (an age in an apposition), "Raj Chohan, who was 59,
died" (a relative clause). Alignment compares facts, so each is given its
own span here:

- a coordinated clause: a ``conj`` of a clause's verb that has its own
  subject ("..., and protesters tried ...");
- an apposition ("Tara Reid, 33" states an age; "X, the mayor of Y" a role),
  from its head noun to its end;
- a relative clause ("Chohan, who was 59"), from its head noun to its end.

Attribution stays with what it attributes: "police said the gunman fled"
is one clause (``ccomp`` is not split off), and "the gunman fled, police
said" keeps its frame. A sentence that states one fact has no clause here.
"""

from __future__ import annotations

from ..records import Clause, Span

# The subject relations that make a coordinated verb a clause of its own.
_SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
# A part shorter than this many words states too little to be compared
# ("and said"): it stays in the clause it came from.
MIN_CLAUSE_WORDS = 4
# An apposition or relative clause this long is a fact of its own; "Smith, 33" is two words.
MIN_PART_WORDS = 2


def find_clauses(doc) -> list[Clause]:
    """The fact parts of every sentence of ``doc`` that states more than one fact, in text order."""
    found: list[Clause] = []
    for sentence in doc.sents:
        found += sentence_clauses(doc, sentence)
    return found


def sentence_clauses(doc, sentence) -> list[Clause]:
    heads = _clause_heads(sentence)
    pieces = [_trim(p) for p in _pieces(sentence, heads)] if heads else []
    parts = [_clause(doc, p, "clause") for p in pieces if len(p) >= MIN_CLAUSE_WORDS]
    if len(parts) == 1:  # the other clauses were too short to stand alone: one fact
        parts = []
    parts += [p for p in (_attached(doc, t) for t in sentence if t.dep_ in ("appos", "relcl")) if p is not None]
    return sorted(parts, key=lambda p: (p.span.start, p.span.end))


def _clause_heads(sentence) -> list:
    """The coordinated verbs with their own subject that join the sentence's
    main clause (the root, or what an attribution verb at the root reports)."""
    main = {sentence.root} | {c for c in sentence.root.children if c.dep_ == "ccomp"}
    heads = []
    for token in sentence:
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and _has_subject(token) and _top(token) in main:
            heads.append(token)
    return heads


def _has_subject(token) -> bool:
    return any(child.dep_ in _SUBJECTS for child in token.children)


def _top(token):
    """The first conjunct of the chain ``token`` is in."""
    while token.dep_ == "conj":
        token = token.head
    return token


def _pieces(sentence, heads: list) -> list[list]:
    """The sentence cut at each coordinated clause: every clause's own words,
    and the main clause's longest run of words outside them."""
    ranges = sorted((h.left_edge.i, h.right_edge.i) for h in heads)
    inner = [[t for t in sentence if a <= t.i <= b and not any(a < c <= t.i <= d for c, d in ranges)]
             for a, b in ranges]
    outside, run = [], []
    for token in sentence:
        if any(a <= token.i <= b for a, b in ranges):
            outside, run = max(outside, run, key=len), []
        else:
            run.append(token)
    return [max(outside, run, key=len)] + inner


def _trim(tokens: list) -> list:
    while tokens and (tokens[0].dep_ in ("cc", "punct") or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and (tokens[-1].dep_ == "cc" or tokens[-1].text in (",", ";", "--", "-")):
        tokens = tokens[:-1]
    return tokens


def _attached(doc, token) -> Clause | None:
    """An apposition or a relative clause with the noun it describes."""
    noun = token.head
    words = len(list(token.subtree))
    if words < (1 if token.dep_ == "appos" else MIN_PART_WORDS) or noun.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    start = min(noun.left_edge.i, token.left_edge.i)
    tokens = _trim([t for t in doc[start:token.right_edge.i + 1]])
    kind = "apposition" if token.dep_ == "appos" else "relative"
    return _clause(doc, tokens, kind) if len(tokens) >= 3 else None


def _clause(doc, tokens: list, kind: str) -> Clause:
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return Clause(kind, Span(start, end, doc.text[start:end]))
