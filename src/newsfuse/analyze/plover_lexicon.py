"""The PLOVER trigger dictionary used by ``newsfuse.analyze.events``.

Written from the CAMEO 1.1b3 codebook and its mapping onto PLOVER 0.5 (CAMEO
03 intent → AGREE, 04 → CONSULT, 05 → SUPPORT, 06 → COOPERATE, 07 → AID,
08 → CONCEDE / RETREAT, 09 → INVESTIGATE, 10 → DEMAND, 11 → DISAPPROVE,
12 → REJECT, 13 → THREATEN, 14 → PROTEST, 15 → MOBILIZE, 16 → SANCTION,
17 → COERCE, 18 → ASSAULT, 19/20 → FIGHT), refined on the development half
of the PLOVER gold-standard records only (see ``newsfuse.eval.events``).

Entries are lemmas. Four tables, tried in this order for each verb:

- ``PHRASES``: verb + particle or preposition ("call for", "step down");
- ``VERB_OBJECTS``: verb + object noun ("impose sanction", "sign agreement");
- ``LIGHT_VERB_NOUNS``: the object noun of a light verb ("held talks",
  "launched an investigation", "staged a rally") decides the type;
- ``VERBS``: the verb alone.
"""

from __future__ import annotations


def _table(entries: dict[str, str]) -> dict[str, str]:
    """``{type: "lemma lemma ..."}`` → ``{lemma: type}``."""
    return {lemma: kind for kind, words in entries.items() for lemma in words.split()}


def word_set(text: str) -> frozenset[str]:
    """The set of the space-separated words of ``text``."""
    return frozenset(text.split())


def _pairs(entries: dict[str, list[str]]) -> dict[tuple[str, ...], str]:
    """``{type: ["verb object", ...]}`` → ``{("verb", "object"): type}``."""
    return {tuple(pair.split()): kind for kind, pairs in entries.items() for pair in pairs}


VERBS = _table({
    "AGREE": "agree promise pledge vow offer accept consent commit undertake guarantee",
    "CONSULT": "meet visit host negotiate mediate confer consult discuss arrive tour receive "
               "travel greet",
    "SUPPORT": "praise support endorse back welcome commend applaud hail forgive congratulate "
               "thank apologize apologise sign recognize recognise laud salute ratify reaffirm "
               "defend approve",
    "COOPERATE": "cooperate collaborate extradite coordinate",
    "AID": "aid donate evacuate rescue assist supply airlift finance fund lend",
    "CONCEDE": "concede ease relax legalize legalise pardon repeal rescind reopen",
    "RETREAT": "withdraw retreat resign demobilize disarm compensate surrender capitulate "
               "disband dismantle relinquish",
    "INVESTIGATE": "investigate probe inquire examine inspect interrogate question",
    "DEMAND": "demand urge insist request implore",
    "DISAPPROVE": "accuse criticize criticise condemn denounce blame complain sue deplore "
                  "censure rebuke castigate slam summon charge suspect lambast chastise "
                  "reprimand decry allege",
    "REJECT": "reject refuse dismiss veto rebuff deny defy violate oppose resist repudiate "
              "spurn snub decline",
    "THREATEN": "threaten warn intimidate",
    "PROTEST": "protest demonstrate rally march riot picket blockade",
    "SANCTION": "sanction embargo expel sever suspend boycott withhold freeze downgrade curtail",
    "MOBILIZE": "mobilize mobilise deploy reinforce strengthen amass fortify",
    "COERCE": "arrest detain deport confiscate seize ban outlaw imprison jail censor "
              "deface evict demolish raze torch sentence convict expropriate nationalize "
              "nationalise disperse repress suppress",
    "ASSAULT": "assassinate kidnap abduct torture behead hijack massacre kill wound murder "
               "stab slay injure rape lynch execute shoot",
    "FIGHT": "attack shell bomb fight clash invade occupy bombard besiege storm capture "
             "overrun annex battle raid",
})

PHRASES = _pairs({
    "DEMAND": ["call for", "call on", "appeal for", "appeal to", "press for", "ask for"],
    "ASSAULT": ["gun down"],
    "RETREAT": ["step down", "pull out", "pull back", "back down"],
    "COERCE": ["blow up", "crack down", "shut down", "close down", "round up"],
    "FIGHT": ["shoot down", "open up", "fire at", "fire on"],
    "REJECT": ["turn down"],
    "CONSULT": ["talk with", "speak with", "meet with"],
    "COOPERATE": ["share with", "work with"],
    "MOBILIZE": ["remain on"],
    "PROTEST": ["walk out"],
})

VERB_OBJECTS = _pairs({
    "AGREE": ["reach settlement", "reach understanding", "reach agreement", "reach consensus",
              "reach deal", "reach accord", "accept formula", "accept proposal", "accept offer", "accept plan"],
    "SUPPORT": ["establish relation", "restore relation", "normalize relation",
                "conclude agreement", "sign agreement", "sign treaty", "sign accord", "sign deal",
                "sign pact", "sign memorandum", "sign protocol"],
    "CONSULT": ["give welcome", "launch mediation", "renew negotiation", "resume negotiation",
                "renew talk", "resume talk", "pay visit", "make visit"],
    "CONCEDE": ["lift curfew", "lift ban", "lift embargo", "lift sanction", "lift restriction",
                "lift emergency", "lift state", "lift blockade", "lift siege",
                "cancel restriction", "ease restriction", "release prisoner", "free prisoner",
                "release hostage", "free hostage", "take step"],
    "RETREAT": ["declare ceasefire", "declare cease-fire", "declare truce",
                "pay compensation", "receive observer", "receive inspector"],
    "AID": ["grant asylum", "give aid", "provide aid", "send aid", "give assistance",
            "provide assistance", "give dollar", "open border"],
    "SANCTION": ["prohibit aid", "prohibit import", "prohibit export", "ban import", "ban export",
                 "sever relation", "sever tie", "break relation", "break tie", "cut tie",
                 "cut aid", "suspend aid", "suspend link", "suspend relation", "suspend talk",
                 "halt aid", "end aid", "end mediation", "halt mediation", "reduce supply",
                 "expel diplomat", "recall ambassador", "deny entry", "freeze asset"],
    "MOBILIZE": ["send troop", "deploy troop", "mass troop", "order patrol", "strengthen force"],
    "COERCE": ["set fire", "impose curfew", "declare emergency"],
    "FIGHT": ["open fire", "launch attack", "launch offensive", "launch strike", "launch raid",
              "launch artillery", "launch airstrike", "launch assault"],
    "REJECT": ["deny allocation", "deny admission", "deny permission"],
    "PROTEST": ["block road", "block highway", "stop work", "shun work", "collect signature",
                "throw stone", "throw rock"],
    # not events at all: "meet demands", "the deadline was met"; a vehicle
    # negotiating a bend, an official visiting the scene of an accident
    "": ["meet demand", "meet need", "meet target", "meet deadline", "meet requirement",
         "meet expectation", "meet condition", "meet criterion", "meet goal", "meet standard",
         "meet obligation", "meet cost", "negotiate curve", "negotiate bend", "negotiate corner",
         "negotiate turn", "visit scene", "visit site"],
})

# Objects of a verb + object pair that are the target, not the event ("expelled diplomats").
PERSON_OBJECTS = word_set("diplomat prisoner hostage observer inspector troop ambassador")

# Lemmatizer slips of en_core_web_sm on news verbs.
LEMMA_FIXES = {"stag": "stage"}

LIGHT_VERBS = word_set("hold launch stage open begin start issue make take give lodge file declare "
                     "impose conduct carry reach renew resume express voice mount organize "
                     "organise initiate announce call hold go reiterate speed complete step "
                     "order")

LIGHT_VERB_NOUNS = _table({
    "CONSULT": "talk talks meeting negotiation negotiations consultation summit visit mediation",
    "DEMAND": "demand appeal ultimatum",
    "DISAPPROVE": "protest complaint accusation criticism lawsuit suit",
    "INVESTIGATE": "investigation inquiry probe hearing inquest",
    "PROTEST": "demonstration rally strike march sit-in boycott",
    "SANCTION": "sanction sanctions embargo suspension expulsion blockade",
    "COERCE": "crackdown curfew",
    "CONCEDE": "amnesty",
    "AID": "airlift",
    "RETREAT": "ceasefire cease-fire truce withdrawal",
    "THREATEN": "threat warning",
    "FIGHT": "attack offensive airstrike raid assault bombardment",
    "SUPPORT": "agreement treaty",
})

# Governing verbs whose complement carries the event ("decided to meet",
# "plans to attack"): they never absorb the complement's type.
PLAN_WORDS = word_set("plan intend expect schedule due set going prepare aim hope want seek "
                    "scheduled poised likely ready")

# Movement verbs in CONSULT: going somewhere is a visit (CAMEO 042, PLOVER
# CONSULT mode visit: "Saddam Hussein arrived in Amman") only when it has a
# host, a country, city, site, organisation or person gone to; "Xi arrived in
# Central Asia" (a region) or "the president arrived on Monday" is travel, no event.
TRAVEL_VERBS = word_set("arrive travel tour")
HOST_ENTITIES = word_set("GPE FAC ORG PERSON")
DESTINATION_PREPS = word_set("in to at into")

# Verbs whose object is what is talked about, never a party: "discussed
# Ukraine and Taiwan" (with whom is the target: "discussed trade with Macron").
TOPIC_VERBS = word_set("discuss debate")

# Verbs that report speech: "X said Y must ..." is a DEMAND by X on Y.
SPEECH_VERBS = word_set("say declare announce insist tell state add stress assert reiterate")

OBLIGATION_MODALS = word_set("must should")
FUTURE_MODALS = word_set("will would 'll shall wo")
POSSIBLE_MODALS = word_set("may might could")

# Subjects that make "kill"/"wound"/"bomb" conventional warfare (FIGHT)
# rather than unconventional violence (ASSAULT).
MILITARY_WORDS = word_set("army troop troops force forces aircraft jet jets warplane warplanes "
                        "helicopter helicopters gunship gunships artillery tank tanks navy "
                        "military soldier soldiers airstrike airstrikes minefield missile "
                        "missiles")
VIOLENCE_TYPES = frozenset({"ASSAULT", "FIGHT"})
CASUALTY_VERBS = word_set("kill wound bomb shoot injure murder")

# Accidents. PLOVER codes deliberate acts between political actors and has no
# type for a crash: "seven people were killed when a tram derailed" is no
# ASSAULT. ACCIDENT (not a PLOVER type) is a vehicle or structure failing
# ("derailed", "overturned", "capsized", intransitive: "derailed the talks"
# is an act), or people hurt with no one doing it (no agent, or the crash
# itself as subject) where the sentence names an accident.
ACCIDENT_TYPE = "ACCIDENT"
ACCIDENT_VERBS = word_set("derail overturn capsize collide")
ACCIDENT_WORDS = word_set("accident crash collision derailment derail overturn capsize collide wreck "
                          "pile-up")
HARM_VERBS = word_set("kill injure wound hurt")
# ... unless the sentence names an attack: "injured in the assault after a
# suicide bomber crashed into ..." is violence.
ATTACK_WORDS = word_set("attack assault bomb bomber bombing gunman gunmen shooting shooter militant militants "
                        "terrorist terrorists terror")

# Head nouns that only count or group the real actor ("thousands of Kurds").
QUANTITY_NOUNS = word_set("thousand thousands hundred hundreds dozen dozens group groups score "
                        "scores number some members member crowd crowds")

# PLOVER types that coordinate two parties symmetrically: conjoined subjects
# are all sources (PLOVER's compound SRC/TAR actor).
RECIPROCAL_TYPES = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "FIGHT"})

# Common nouns that name actors, so an object like "the wounded" or
# "refugees" is a target even without a named entity in it.
ACTOR_NOUNS = word_set("people person civilian civilians refugee refugees official officials "
                     "leader leaders government authority authorities soldier soldiers troop "
                     "troops force forces rebel rebels militant militants guerrilla guerrillas "
                     "police policeman worker workers student students prisoner prisoners "
                     "hostage hostages diplomat diplomats minister president prime protester "
                     "protesters demonstrator demonstrators candidate candidates journalist "
                     "journalists resident residents villager villagers settler settlers "
                     "immigrant immigrants national nationals citizen citizens member members "
                     "opposition party army militia wounded youth youths officer officers "
                     "servicemen serviceman man men woman women child children family families "
                     "group groups community communities country countries state states nation "
                     "nations population")
