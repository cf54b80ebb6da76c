"""The multi-pattern matcher every lexicon and the gazetteer go through."""
from pathlib import Path

from pipeline.core.lexicon import build_automaton, find_all, metric_triggers, trigger_automaton
from pipeline.core.text import decode_bytes, normalise_text

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "documents"


def _every_occurrence(words: dict[str, object], text: str) -> list[tuple[int, int, str, object]]:
    """Brute force: every substring that is a word, by end, then longest first."""
    longest = max(map(len, words))
    found = [(s, e, text[s:e], words[text[s:e]]) for e in range(1, len(text) + 1)
             for s in range(max(0, e - longest), e) if text[s:e] in words]
    return sorted(found, key=lambda m: (m[1], m[0]))


def test_overlapping_matches_by_end_then_longest_first():
    automaton = build_automaton({"昆明": 1, "昆明市": 2, "明市": 3, "市": 4})
    assert find_all(automaton, "云南省昆明市") == [(3, 5, "昆明", 1), (3, 6, "昆明市", 2), (4, 6, "明市", 3),
                                                (5, 6, "市", 4)]
    assert find_all(automaton, "") == [] and find_all(build_automaton({}), "昆明市") == []


def test_offsets_count_characters_outside_the_basic_plane():
    automaton = build_automaton({"安宁": "region"})
    text = "𠀀😀安宁𠀁安宁"
    assert [(s, e) for s, e, _, _ in find_all(automaton, text)] == [(2, 4), (5, 7)]
    assert all(text[s:e] == "安宁" for s, e, _, _ in find_all(automaton, text))


def test_the_gazetteer_and_trigger_lexicons_match_what_a_brute_force_scan_finds():
    from pipeline.core import entities, gazetteer

    text = "\n".join(normalise_text(decode_bytes(p.read_bytes()).text) for p in sorted(SEEDS.glob("*.txt")))
    regions = {s: r for s, r in gazetteer.surface_index().items() if len(s) >= 2}
    found = find_all(build_automaton(regions), text)
    assert len(found) > 500
    assert found == _every_occurrence(regions, text)
    triggers: dict[str, list] = {}
    for trig in metric_triggers():
        triggers.setdefault(trig.text, []).append(trig)
    assert find_all(trigger_automaton(), text) == _every_occurrence(triggers, text)
    assert find_all(entities._lexicon_automaton(), text)  # the park and body lexicon is in use on real text


def test_the_unit_pattern_matches_what_the_plain_alternation_of_the_units_matches():
    """The lookahead on first characters only turns away places no unit starts at: at every position of the
    bundled documents, and at every unit surface in its own, upper and lower case (the Latin units of two or more
    letters match in any case, the Kelvin sign included: Python folds it to k), the pattern matches what the
    alternation alone matches."""
    import re

    from pipeline.core.lexicon import unit_pattern, units

    surfaces = sorted(units(), key=len, reverse=True)
    plain = re.compile("|".join(f"(?i:{re.escape(s)})" if s.isascii() and len(s) > 1 and s.isalpha()
                                else re.escape(s) for s in surfaces))
    gated = re.compile(unit_pattern())
    assert gated.pattern.startswith("(?=")
    text = "\n".join(normalise_text(decode_bytes(p.read_bytes()).text) for p in sorted(SEEDS.glob("*.txt")))
    probes = [text] + [v for s in surfaces for v in (s, s.upper(), s.lower(), s.replace("k", "\u212a"))]
    matched = 0
    for probe in probes:
        for i in range(len(probe)):
            a, b = plain.match(probe, i), gated.match(probe, i)
            assert (a and a.group()) == (b and b.group()), (probe[i:i + 6], a, b)
            matched += a is not None
    assert matched > 1000
    assert gated.fullmatch("KWH") and gated.fullmatch("\u212am") and not gated.fullmatch("M")
