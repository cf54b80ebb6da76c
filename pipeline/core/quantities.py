"""Quantities: every measured number with unit, metric, period and status.

``parse_quantities(text, reference_date)`` scans one article body and returns
one ``Quantity`` per mention, with ``char_start``/``char_end`` indexing
``text`` so that ``text[char_start:char_end] == raw_text``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Iterator

from . import lexicon
from .numbers import CN_DIGITS, NumberError, compact, map_span, normalise_decimal, parse_number
from .timex import TimeExpr, find_times_in_compact
from .regex_gate import finditer_gated, reads_any
from .segmenter import word_freq
from .spans import select_disjoint
from .text import SENTENCE_END, SENTENCE_ENDS, clause_start

_CN_DIGIT = "".join(CN_DIGITS)
_DECIMAL_DIGIT = "".join(ch for ch in CN_DIGITS if ch not in "两俩仨")  # 一点两小时 is 一 … 两, not 1.2
_NUM_TEMPLATE = (
    r"(?:\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:MULT(?:零?\d+|零?[" + _CN_DIGIT + r"])?)*MULT*"
    r"|数?(?:[" + _CN_DIGIT + r"廿卅卌拾佰仟几]|MULT|兆(?=[" + _CN_DIGIT + r"十百千]))+(?:[点點](?:[" + _DECIMAL_DIGIT + r"]+|\d+))?(?:[万亿])*"
)
_PRE_QUAL = "大约|将近|接近|不低于|不少于|不超过|不高于|不到|不足|超过了|超过|突破|至少|最多|低于|高于|少于|大于|小于|约|近|逾|超|达"
_POST_QUAL = "及以上|以上|以下|以内|之内|之上|左右|上下"
_POST_QUAL_RE = re.compile(_POST_QUAL)
_SEP = r"\s*(?:至|到|—+|–|-{1,2}|~|～|－)\s*"
_INC = r"(?:[（(]含[）)])"
_NEG = r"(?:负|-|−|－)"


@lru_cache(maxsize=1)
def _currencies() -> dict[str, lexicon.Unit]:
    return {s: u for s, u in lexicon.units().items() if u.kind == "money" and s not in ("元", "圆", "块", "块钱", "角", "毛", "美分")}


@lru_cache(maxsize=1)
def _currencies_longest_first() -> tuple[str, ...]:
    """The currency surfaces, longest first: 新台币 is tried before 台币."""
    return tuple(sorted(_currencies(), key=len, reverse=True))


@lru_cache(maxsize=1)
def _num() -> str:
    """Number pattern whose multipliers never eat the first character of a unit (2亿千瓦时)."""
    alts = []
    for ch in "十百千万亿拾佰仟":
        tails = sorted({u[1:] for u in lexicon.units() if u.startswith(ch) and len(u) > 1}, key=len, reverse=True)
        tails += ["分之"] if ch in "百千万" else []
        tails += ["分位", "分比"] if ch == "百" else []  # 百分位, 百分比 are words, not multipliers
        alts.append(re.escape(ch) + (f"(?!{'|'.join(map(re.escape, tails))})" if tails else ""))
    return _NUM_TEMPLATE.replace("MULT", "(?:" + "|".join(alts) + ")")


def _core(unit: str) -> str:
    cur = "|".join(map(re.escape, _currencies_longest_first()))
    return (
        rf"(?P<cur>{cur})?(?P<pre>{_PRE_QUAL})?(?P<neg>{_NEG})?"
        rf"(?P<pct>百分之|千分之)?"
        rf"(?P<n1>{_num()})(?P<in1>余|多|来)?(?P<m1>(?:个?[万亿])*(?:(?<=\d)[kK](?![A-Za-z]))?)"
        rf"(?:(?P<u1>{lexicon.unit_pattern()})?{_INC}?(?P<sep>{_SEP})(?P<pct2>百分之)?(?P<n2>{_num()})(?P<in2>余|多)?(?P<m2>(?:个?[万亿])*(?:(?<=\d)[kK](?![A-Za-z]))?))?"
        rf"(?P<sp>[ ]?){unit}"
        rf"(?P<inc>{_INC})?(?P<post>{_POST_QUAL})?"
    )


@lru_cache(maxsize=1)
def quantity_patterns() -> tuple[re.Pattern[str], ...]:
    """Number + unit (the unit is required, so 2亿千瓦时 backtracks to 2亿 + 千瓦时);
    百分之… without a unit; a bare 万/亿 amount (money only by context); fractions."""
    units = lexicon.unit_pattern()
    first = _quantity_first_chars()
    return (
        re.compile(first + _core(rf"(?P<unit>{units})")),
        re.compile(first + _core(r"(?P<unit>)").replace("(?P<pct>百分之|千分之)?", "(?P<pct>百分之|千分之)")),
        re.compile(first + _core(r"(?P<unit>)")),
    )


def _quantity_first_chars() -> str:
    """Characters a quantity can start with (a digit, a numeral, a currency, a cue):
    a lookahead on them lets the regex engine skip every other position."""
    chars = set("0123456789." + _CN_DIGIT + "十拾廿卅佰仟百千万亿几数负-−－")
    for word in [*_currencies(), *_PRE_QUAL.split("|"), "百分之", "千分之"]:
        chars.add(word[0])
    return "(?=[" + re.escape("".join(sorted(chars))) + "])"


FRACTION = None


@lru_cache(maxsize=1)
def fraction_re() -> re.Pattern[str]:
    n = _num()
    # the denominator may end in 百/千/万 when a numeral precedes it (一百分之二 = 0.02; 百分之二 is a percent)
    den = rf"(?:{n})[百千万]|{n}"
    return re.compile(rf"(?P<neg>{_NEG})?(?:(?P<whole>{n})又)?(?P<dneg>{_NEG})?(?P<den>{den})分之(?P<nneg>{_NEG})?(?P<num>{n})")


@lru_cache(maxsize=1)
def _bare_kept_cue() -> re.Pattern[str]:
    """What a text needs for one of its bare numbers to be kept (``_unitless_money`` or a percent): 万 or 亿
    closing the number, a currency before it, 百分之 or 千分之."""
    return re.compile("|".join(["万", "亿", "分之", *map(re.escape, _currencies_longest_first())]))


# The sentence ends but the newline, a whitespace the bare pattern's ranges (3 至 5) may read.
_END_MARKS = SENTENCE_ENDS.replace("\n", "")
_END_MARK = re.compile("[" + re.escape(_END_MARKS) + "]")


@lru_cache(maxsize=None)
def _within_sentences(pattern: re.Pattern[str]) -> bool:
    """Whether no match of ``pattern`` and no lookaround it tries reads a sentence end mark: then the scan of a
    sentence, up to its end mark included, finds what the scan of the whole text finds in that sentence."""
    return not reads_any(pattern, _END_MARKS)


def _bare_matches_with_cue(text: str, bare: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """``bare.finditer(text)`` in the sentences holding a cue (``_bare_kept_cue``), where every bare number that
    is kept is: over 400 bench documents 243 of the 56,357 bare numbers are kept, 4,340 of the 21,576 sentences
    with one hold a cue, and those are 14% of the text."""
    if not _within_sentences(bare):  # the pattern reads across sentences: the whole text, if it holds a cue
        if _bare_kept_cue().search(text):
            yield from bare.finditer(text)
        return
    n = len(text)
    scanned_to = 0  # where the sentence last scanned ends (a sentence starts there)
    for cue in _bare_kept_cue().finditer(text):
        if cue.start() < scanned_to:
            continue
        start = clause_start(text, cue.start(), scanned_to, _END_MARKS)
        end_mark = _END_MARK.search(text, cue.end())
        scanned_to = end_mark.end() if end_mark else n
        yield from bare.finditer(text, start, scanned_to)


def _quantity_matches(text: str) -> list[re.Match[str]]:
    with_unit, percent_words, bare = quantity_patterns()
    found = list(with_unit.finditer(text))  # every match holds a number: n1 matches one character or more
    if "分之" in text:  # percent_words needs 百分之 or 千分之
        found.extend(percent_words.finditer(text))
    # A number with neither unit nor percent is a quantity only as an amount of money (_extract drops the others),
    # and these are three in five of all matches. One that cannot be money is left out here: such matches come last
    # in the choice below and never overlap one another (one pattern's), so it blocks nothing, and it spares
    # _extract's tests on every one of them.
    found.extend(m for m in _bare_matches_with_cue(text, bare) if m.group("pct") or _unitless_money(text, m) is not None)
    return select_disjoint(found, lambda m: m.span(),
                           lambda m: (-(m.end() - m.start()) if m.group("unit") or m.group("pct") else 0, m.start()))


@dataclass(slots=True)
class Quantity:
    raw_text: str
    char_start: int
    char_end: int
    raw_value: str
    raw_unit: str
    value: Decimal
    value_high: Decimal | None
    unit_code: str
    qualifier: str
    counted: str = ""
    metric_code: str = "other"
    status: str = "actual"
    comparison: str = ""
    period_label: str = ""
    period_start: date | None = None
    period_end: date | None = None
    period_inferred: bool = False
    sentence: str = ""
    sentence_start: int = 0
    confidence: float = 0.8
    kind: str = ""
    subject: str = ""  # surface text of the subject, filled by the linker


@dataclass(frozen=True, slots=True)
class NumberMention:
    raw_text: str
    char_start: int
    char_end: int
    value: Decimal
    value_high: Decimal | None


_CLAUSE_END = SENTENCE_ENDS + "，,：:"
_QUOTE_PAIRS = {"“": "”", "《": "》", "「": "」", "\"": "\""}
_FOLLOW_NOUN = re.compile(r"[\u4e00-\u9fff]")
_STOP_COUNTED = re.compile(
    r"(?:的|在|和|与|及|并|已|将|于|为|是|有|等|中|共|均|被|把|对|向|从|达|实现|完成|落地|参加|参与|注册|赴|达成|组成|成功|获|入选|"
    r"开工|竣工|建成|投产|落户|签约|签订|享受|提供|覆盖|累计|进行|开展|通过|发车|运营|涵盖|集聚|拥有|占|同比|增长|以上|以下|左右|兑现|"
    r"获得|受益|参会|入驻|招引|引进|新增|达到|投资|建设|办理|接待|服务|实施|推动)"
)
_COUNTED_MAX = 8


MAX_SENTENCE = 400
_sentence_cache: list = [None, None]


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The sentence around ``pos``: a bisect in the text's sentence ends (computed once per text)."""
    if _sentence_cache[0] is not text:
        _sentence_cache[0] = text
        _sentence_cache[1] = [m.start() for m in SENTENCE_END.finditer(text)]
    ends = _sentence_cache[1]
    k = bisect.bisect_left(ends, pos)
    start = ends[k - 1] + 1 if k > 0 else 0
    end = ends[k] + 1 if k < len(ends) else len(text)
    if end - start > MAX_SENTENCE:
        # A run-on "sentence" (a list or table flattened into one line): a window of whole clauses around pos.
        lo, hi = max(start, pos - MAX_SENTENCE // 2), min(end, pos + MAX_SENTENCE // 2)
        cuts = [i for i in (text.find(ch, lo, pos) for ch in "，,、") if i >= 0]
        start = min(cuts) + 1 if cuts else lo
        cut = max(text.rfind(ch, pos, hi) for ch in "，,、")
        end = cut + 1 if cut >= 0 else hi
    return start, end


def _inside_short_quote(text: str, start: int, end: int, sent_start: int) -> bool:
    """Numbers inside a short quoted name or slogan (“3815”, “1+2+N”, 《…》)."""
    for open_q, close_q in _QUOTE_PAIRS.items():
        o = text.rfind(open_q, sent_start, start)
        if o < 0:
            continue
        if open_q == close_q:
            if text.count(open_q, sent_start, start) % 2 == 0:
                continue
        elif text.rfind(close_q, o, start) >= 0:
            continue
        c = text.find(close_q, end)
        if c >= 0 and c - o <= 14 and open_q != "《":
            return True
        if open_q == "《" and c >= 0:
            return True
    return False


def _has_digit(raw: str) -> bool:
    return any(ch.isdigit() or ch in _CN_DIGIT or ch in "十拾廿卅" for ch in raw)


def _clean(raw: str) -> str:
    """数十亿 → 十亿 (数 = 'several': the lower bound), 两个亿 → 两亿."""
    return raw.replace("个", "").lstrip("数").replace("k", "千").replace("K", "千")  # 15k元 = 15千元


def _parse(raw: str, mult: str) -> tuple[Decimal, bool]:
    parsed = parse_number(_clean(raw + mult).replace("，", ","))
    return parsed.value, parsed.approx_digit or raw.startswith("数")


_ADJACENT_RANGE = re.compile(rf"^([{_CN_DIGIT}])([{_CN_DIGIT}])([十百千万亿佰仟].*)$")


def _adjacent_digit_range(raw: str) -> tuple[Decimal, Decimal] | None:
    """三四十 → 30..40, 七八百 → 700..800, 三五百 → 300..500."""
    m = _ADJACENT_RANGE.match(raw)
    if not m:
        return None
    a, b = CN_DIGITS[m.group(1)], CN_DIGITS[m.group(2)]
    if not 0 < a < b or b - a > 2 and not (a, b) == (3, 5):
        return None
    low = parse_number(m.group(1) + m.group(3)).value
    high = parse_number(m.group(2) + m.group(3)).value
    return low, high


def _scale(value: Decimal, factor: Fraction) -> Decimal:
    if factor == 1:
        return value
    return value * Decimal(factor.numerator) / Decimal(factor.denominator)


def _fraction_value(m: re.Match[str]) -> Decimal | None:
    try:
        den = parse_number(m.group("den")).value
        num = parse_number(m.group("num")).value
    except NumberError:
        return None
    if den == 0:
        return None
    value = num / den
    if m.group("whole"):
        value += parse_number(m.group("whole")).value
    negatives = sum(1 for g in ("neg", "dneg", "nneg") if m.group(g))
    return -value if negatives % 2 else value


# SI suffixes on Arabic numbers (40k, 1.04M); not G, which in this domain is a network generation (5G)
_SI_SUFFIX = {"k": 3, "K": 3, "M": 6}
_HALF = re.compile(r"一半|半[个個]")
_HALF_HUNDRED = re.compile(r"半百")  # 年过半百
# 2222.2222.22222.222, 1.2.3: dotted chains are version-like lists of integers, not decimals
_DOTTED_CHAIN = re.compile(r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d.])")


def find_numbers(text: str) -> list[NumberMention]:
    """Every number expression with its value, comparative bounds and ranges (for the extraction CLI)."""
    from .number_ranges import Bounded, attach_bounds

    ctext, cmap = compact(text)
    out: list[Bounded] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    def add(s: int, e: int, v: Decimal, h: Decimal | None = None) -> None:
        out.append(Bounded(s, e, v, h))
        taken.append((s, e))

    for m in fraction_re().finditer(ctext):
        v = _fraction_value(m)
        if v is not None:
            add(m.start(), m.end(), v)
    for m in re.finditer(r"(?P<neg>-)?(?:(?P<w>\d+) )?(?P<a>\d+)/(?P<b>\d+)(?![\d/])", ctext):
        if free(m.start(), m.end()) and int(m.group("b")) != 0:
            v = Decimal(m.group("a")) / Decimal(m.group("b")) + (Decimal(m.group("w")) if m.group("w") else 0)
            add(m.start(), m.end(), -v if m.group("neg") else v)
    for m in _HALF.finditer(ctext):
        if free(m.start(), m.end()):
            add(m.start(), m.end(), Decimal("0.5"))
    for m in _HALF_HUNDRED.finditer(ctext):
        if free(m.start(), m.end()):
            add(m.start(), m.end(), Decimal(50))
    for chain in _DOTTED_CHAIN.finditer(ctext):
        for part in re.finditer(r"\d+", chain.group()):
            add(chain.start() + part.start(), chain.start() + part.end(), Decimal(part.group()))
    si = "(?:[kKM](?![A-Za-z]))?"
    pat = re.compile(rf"(?P<neg>{_NEG})?(?P<n1>{_num()})(?P<in1>余|多)?(?P<m1>(?:个?[万亿])*)(?P<si1>{si})"
                     rf"(?:(?P<sep>{_SEP})(?P<n2>{_num()})(?P<in2>余|多)?(?P<m2>(?:个?[万亿])*)(?P<si2>{si}))?")
    for m in pat.finditer(ctext):
        raw1 = m.group("n1")
        if not _has_digit(raw1) or not free(m.start(), m.end()):
            continue
        n1_start = m.start("n1")
        if raw1.startswith(".") and n1_start and ctext[n1_start - 1] == ".":
            raw1, n1_start = raw1[1:], n1_start + 1  # ...9 is an ellipsis before 9, not 0.9
        neg = m.group("neg")
        if neg and m.start() > 0 and (ctext[m.start() - 1].isdigit() or re.match(_NEG, ctext[m.start() - 1])):
            neg = None  # 3-5 is a range; －－9 is a dash before 9
        try:
            low = _parse(raw1, m.group("m1") or "")[0] * _si_factor(raw1, m.group("si1"))
            high = None
            if m.group("n2") and _has_digit(m.group("n2")):
                high = _parse(m.group("n2"), m.group("m2") or "")[0] * _si_factor(m.group("n2"), m.group("si2"))
        except NumberError:
            # 五十千: keep the well-formed head of a malformed numeral
            head = _well_formed_head(raw1) if not m.group("m1") and not m.group("n2") else None
            if head is None:
                continue
            raw1, low, high = head
            add(n1_start, n1_start + len(raw1), low)
            continue
        end = m.end("si1") if high is None else m.end()
        if high is not None and high < low:
            high, end = None, m.end("si1")
        start = m.start() if neg else n1_start
        single = high is None and not m.group("m1") and not m.group("si1")
        if single and not neg and _REDUPLICATED.fullmatch(raw1):
            continue  # 两两, 一一, 三三两两, 阳光九九: adverbs and names, not 22 or 99
        if single and ctext[end:end + 1] == "打" and (end + 1 == len(ctext) or not word_freq(ctext[end:end + 2])):
            low, end = low * 12, end + 1  # 一打 = a dozen (but 打造, 打开 are verbs)
        elif single and not neg and len(raw1) == 1 and not raw1.isdigit():
            if raw1 in ("一", "壹", "两") and _word_neighbour(ctext, m.start("n1"), m.end("n1")) \
                    and not _POST_QUAL_RE.match(ctext, end):
                continue  # 一切, 壹切, 统一 (but 一以上 is a bound)
            if _inside_word(ctext, m.start("n1"), m.end("n1")):
                continue
        add(start, end, -low if neg else low, high)
    out.sort(key=lambda b: b.start)
    result = []
    for b in attach_bounds(ctext, out):
        os_, oe = map_span(cmap, b.start, b.end)
        high = normalise_decimal(b.value_high) if b.value_high is not None else None
        result.append(NumberMention(text[os_:oe], os_, oe, normalise_decimal(b.value), high))
    return result


def _well_formed_head(raw: str) -> tuple[str, Decimal, None] | None:
    while len(raw) > 1 and raw[-1] in "十百千万亿拾佰仟":
        raw = raw[:-1]
        try:
            return raw, parse_number(raw).value, None
        except NumberError:
            continue
    return None


def _si_factor(raw: str, suffix: str | None) -> Decimal:
    if not suffix or not raw[:1].isdigit() and raw[:1] != ".":
        return Decimal(1)
    return Decimal(10) ** _SI_SUFFIX[suffix]


@lru_cache(maxsize=1)
def _numeral_neighbours() -> frozenset[str]:
    """Characters that make a word with a numeral without making it a non-number (一个, 三月, 第五)."""
    classifiers = {s[0] for s, u in lexicon.units().items() if u.kind in ("count", "person", "person_time", "duration")}
    return frozenset(classifiers | set("第月日号天周时点分秒岁倍成折双对") | set(_CN_DIGIT))


_REDUPLICATED = re.compile(r"([一二两三四五六七八九])\1(?:([一二两三四五六七八九])\2)?")
_PLAIN_DIGITS = frozenset("一二三四五六七八九十两")


@lru_cache(maxsize=1)
def _unit_after_re() -> re.Pattern[str]:
    measures = [s for s, u in lexicon.units().items() if u.kind not in ("count", "person", "person_time")]
    return re.compile("|".join(sorted(map(re.escape, measures), key=len, reverse=True)))


def _inside_word(text: str, s: int, e: int) -> bool:
    """四川, 陆地, 队伍, 收拾, 十足: a lone numeral character that belongs to a dictionary word."""
    if text[s:e] in _PLAIN_DIGITS and _unit_after_re().match(text, e):
        return False  # 十斤, 五吨: a numeral before its unit even where the pair is a word (but 登陆部队)
    keep = _numeral_neighbours()
    for length in (2, 3, 4):
        for ws in range(max(0, e - length), s + 1):
            we = ws + length
            if we > len(text):
                continue
            outside = text[ws:s] + text[e:we]
            if outside and not all(ch in keep for ch in outside) and word_freq(text[ws:we]):
                return True
    return False


def _word_neighbour(text: str, s: int, e: int) -> bool:
    """一 in 一切 / 统一: a numeral character that is part of a word."""
    after = text[e:e + 1]
    before = text[s - 1:s] if s else ""
    return bool(re.match(r"[\u4e00-\u9fff]", after) and after not in _numeral_neighbours()) or bool(
        re.match(r"[\u4e00-\u9fff]", before) and before not in "第约近超过达有了是为共和与及、负")


def _qualifier(pre: str | None, inner: str | None, post: str | None, has_high: bool, approx_digit: bool) -> str:
    if has_high:
        return "range"
    cues = lexicon.qualifier_cues()
    if post and post in cues["after"]:
        return cues["after"][post]
    if pre and pre in cues["before"] and cues["before"][pre] != "exact":
        return cues["before"][pre]
    if inner or approx_digit:
        return "approx"
    return "exact"


_DURATION_CUES = ("连续", "为期", "历时", "用时", "仅用", "长达", "期限", "达", "近", "已有", "运营")
_CATEGORY_NOUN = re.compile(r"^(?:的)?[\u4e00-\u9fff]")


def parse_quantities(text: str, reference_date: date | None = None, times: list[TimeExpr] | None = None) -> list[Quantity]:
    """Extract every quantity from one article body (normalised text).

    Matching runs on a copy without stray spaces; offsets are mapped back so
    that ``text[char_start:char_end] == raw_text``.
    """
    ctext, cmap = compact(text)
    ctimes = find_times_in_compact(ctext, reference_date)
    results = _extract(ctext, ctimes)
    _distribute_qualifiers(ctext, results)
    for q in results:
        _assign_metric(ctext, q)
        _assign_status(ctext, q)
        _assign_period(ctext, q, ctimes, reference_date)
    for q in results:
        s, e = map_span(cmap, q.char_start, q.char_end)
        q.char_start, q.char_end, q.raw_text = s, e, text[s:e]
        sent_start, sent_end = _sentence_bounds(text, s)
        q.sentence_start = sent_start
        q.sentence = text[sent_start:sent_end].strip()
    return results


def _extract(text: str, times: list[TimeExpr]) -> list[Quantity]:
    time_spans = [(t.char_start, t.char_end) for t in times]
    results: list[Quantity] = []
    units = lexicon.units()
    for m in _quantity_matches(text):
        raw1 = m.group("n1")
        if not _has_digit(raw1):
            continue
        unit_surface = m.group("unit") or ""
        start, end = m.start(), m.end()
        n1_start = m.start("n1")
        sent_start = _sentence_bounds(text, n1_start)[0]
        if any(s <= n1_start < e for s, e in time_spans):
            continue
        if n1_start > 0 and text[n1_start - 1] in "第":
            continue  # ordinal
        lead = m.start("neg") if m.group("neg") else n1_start
        if lead > 0 and (text[lead - 1].isdigit() or text[lead - 1] in "+./"):
            continue
        if _inside_short_quote(text, n1_start, m.end("n1"), sent_start):
            continue
        is_chinese = not any(ch.isdigit() for ch in raw1)
        unit = _unit_for(unit_surface)
        pct_prefix = m.group("pct")
        if unit is None and not pct_prefix:
            unit = _unitless_money(text, m)
            if unit is None:
                continue
        if unit_surface in ("年", "个月"):
            before = text[max(sent_start, n1_start - 4):n1_start]
            if not any(cue in before for cue in _DURATION_CUES) or is_chinese and raw1 in ("一",):
                continue
            after = text[end:end + 1]
            if after in "前后来内底初末度" and after:
                continue
        if is_chinese and raw1 in ("一", "壹") and unit is not None and unit.kind in ("count", "person"):
            continue  # 一批, 一个: an article, not a count
        if unit is not None and unit.kind == "count" and end < len(text) and text[end] in "个" and unit_surface == "个":
            continue  # 一个个 reduplication
        if unit is not None and unit.kind in ("count",) and unit_surface in ("次", "届", "期", "轮", "节") and text[end:end + 1] in ("会", "全"):
            continue
        if unit is not None and unit.kind == "count" and is_chinese and _small_chinese_count(raw1):
            continue  # 四个阶段, 两个重点提案: rhetorical enumerations, not measurements
        post = m.group("post")
        if post in ("以上", "以下", "及以上") and _CATEGORY_NOUN.match(text[end:end + 2] or "。"):
            nxt = text[end:end + 2]
            if not nxt.startswith(("的", "。", "，")) or nxt.startswith("的") and _FOLLOW_NOUN.match(nxt[1:2] or ""):
                continue  # 亿元以上项目: a threshold inside a category name
        try:
            q = _build(text, m, unit, unit_surface, pct_prefix)
        except (NumberError, ValueError, ArithmeticError):
            continue
        if q is None:
            continue
        q.sentence_start = sent_start  # its sentence is read from the original text once the spans map back
        results.append(q)
    results.extend(_fractions(text, results, time_spans))
    results.extend(_word_quantities(text, results, time_spans))
    results.sort(key=lambda q: (q.char_start, -q.char_end))
    # a compound tail (两美元又三美分) may have grown over a match of its own; links and addresses are not text
    # (the e-mail pattern tries every run of word characters, Chinese included)
    masked = [m.span() for m in finditer_gated(_LINK, text)]
    kept: list[Quantity] = []
    for q in results:
        if kept and q.char_start < kept[-1].char_end or any(q.char_start < e and s < q.char_end for s, e in masked):
            continue
        kept.append(q)
    return kept


# URLs, e-mail addresses and file names: their digits are identifiers, not quantities
_LINK = re.compile(r"(?:https?://|ftp://|www\.)[^\s\u4e00-\u9fff，。；！？）》】]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _small_chinese_count(raw: str) -> bool:
    try:
        return parse_number(raw).value < 10 and len(raw) == 1
    except NumberError:
        return False


@lru_cache(maxsize=1)
def _unit_lookup() -> dict[str, lexicon.Unit]:
    out = dict(lexicon.units())
    for s, u in lexicon.units().items():
        if s.isascii() and len(s) > 1:
            out.setdefault(s.lower(), u)
    return out


def _unit_for(surface: str) -> lexicon.Unit | None:
    if not surface:
        return None
    table = _unit_lookup()
    return table.get(surface) or table.get(surface.lower())


@lru_cache(maxsize=1)
def _per_power_re() -> re.Pattern[str]:
    # 千分之二, 万分之三, 百万分之五: a share of a power of ten, no leading digit
    return re.compile(rf"(?<![{_CN_DIGIT}\d])(?P<den>[百千万仟萬]+)分之(?P<num>{_num()})")


def _fractions(text: str, found: list[Quantity], time_spans) -> list[Quantity]:
    """三分之一 → 33.33 percent; 万分之三 → 0.03 percent."""
    out: list[Quantity] = []
    if "分之" not in text:
        return out  # both patterns need it: skip the scan
    taken = [(q.char_start, q.char_end) for q in found]
    for pattern in (_per_power_re(), fraction_re()):
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if pattern is fraction_re():
                v = _fraction_value(m)
                if v is None:
                    continue
                value = v * 100
            else:
                try:
                    den = parse_number("一" + m.group("den").replace("仟", "千").replace("萬", "万")).value
                    value = parse_number(m.group("num")).value / den * 100
                except NumberError:
                    continue
            s, e = m.start(), m.end()
            taken.append((s, e))
            if value != value.to_integral_value():
                value = value.quantize(Decimal("1e-10"))
            out.append(_bare_quantity(text, s, e, m.group(0), "分之", value, "percent", "percent"))
    return out


def _bare_quantity(text: str, s: int, e: int, raw_value: str, raw_unit: str, value: Decimal, unit_code: str,
                   kind: str, qualifier: str = "exact") -> Quantity:
    """A quantity found outside the number + unit patterns (fractions, words), with its sentence's start."""
    q = Quantity(raw_text=text[s:e], char_start=s, char_end=e, raw_value=raw_value, raw_unit=raw_unit,
                 value=normalise_decimal(value), value_high=None, unit_code=unit_code, qualifier=qualifier, kind=kind)
    q.sentence_start = _sentence_bounds(text, s)[0]
    return q


# Financial numerals (大写数字) are written only for amounts of money: 肆佰叁拾万, 壹角, 负壹分
_FINANCIAL_AMOUNT = re.compile(
    r"(?P<neg>负)?(?P<num>[壹贰叁肆伍陆柒捌玖拾佰仟][零壹贰叁肆伍陆柒捌玖拾佰仟万亿]*)"
    r"(?P<unit>[角分])?(?![\u4e00-\u9fff]{0,1}[元圆块])")
_LIANG_AND_HALF = re.compile(rf"(?P<n>\d+|[{_CN_DIGIT}十]+)[两兩]半(?![天日月年小个周])")  # not 一两半天
_METRE_AND_TENTHS = re.compile(r"(?:^|(?<=[\s，,。；;：:、]))米(?P<d>[一二三四五六七八九])(?![一二三四五六七八九十百千万\d])(?P<post>左右|上下)?")
_SUBUNIT_FACTOR = {"角": Decimal("0.1"), "分": Decimal("0.01"), None: Decimal(1)}
# 对折 = half price, 半成 = 5 percent: percentages written as words
_PERCENT_WORDS = re.compile(r"(?<=打)[对對]折|半折|半成(?!品)")  # 对折 alone is folding; 半成品 a product


def _word_quantities(text: str, found: list[Quantity], time_spans) -> list[Quantity]:
    out: list[Quantity] = []
    taken = [(q.char_start, q.char_end) for q in found] + list(time_spans)

    def add(s: int, e: int, raw_value: str, raw_unit: str, value: Decimal, unit_code: str, kind: str,
            qualifier: str = "exact") -> None:
        taken.append((s, e))
        out.append(_bare_quantity(text, s, e, raw_value, raw_unit, value, unit_code, kind, qualifier))

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    # these rare forms' patterns start with groups or lookbehinds: the engine would try every position
    for m in finditer_gated(_FINANCIAL_AMOUNT, text):
        if not free(*m.span()) or len(m.group("num")) < 2 and not m.group("unit"):
            continue  # a lone 伍 or 陆 is a name (伍仁, 陆地) more often than an amount
        try:
            value = parse_number(m.group("num")).value * _SUBUNIT_FACTOR[m.group("unit")]
        except NumberError:
            continue
        add(m.start(), m.end(), m.group("num"), m.group("unit") or "", -value if m.group("neg") else value, "CNY", "money")
    for m in finditer_gated(_LIANG_AND_HALF, text):  # 9两半 = 9.5 liang of 50 g
        try:
            liang = parse_number(m.group("n")).value + Decimal("0.5")
        except NumberError:
            continue
        if free(*m.span()):
            add(m.start(), m.end(), m.group("n"), "两", _scale(liang, Fraction(1, 20000)), "t", "mass")
    for m in finditer_gated(_METRE_AND_TENTHS, text):  # 米九 = 1.9 m, a height said without its 一
        if free(*m.span()):
            add(m.start(), m.end(), m.group("d"), "米", _scale(1 + Decimal(CN_DIGITS[m.group("d")]) / 10, Fraction(1, 1000)),
                "km", "length", "approx" if m.group("post") else "exact")
    for m in finditer_gated(_PERCENT_WORDS, text):
        if free(*m.span()):
            add(m.start(), m.end(), m.group()[0], m.group()[1], Decimal(5 if m.group() == "半成" else 50), "percent", "percent")
    return out


_MONEY_CONTEXT = re.compile(r"^(?:元|人民币)?[\u4e00-\u9fff]{0,6}?(?:资金|贷款|额度|投资|收入|产值|经费|税收|预算|资产|金额|外资|内资)")


def _unitless_money(text: str, m: re.Match[str]) -> lexicon.Unit | None:
    """1000亿专项再贷款额度 / 人民币3.14: an amount with a money noun or a currency before it."""
    if m.group("cur"):
        return _currencies()[m.group("cur")]
    raw = m.group("n1") + (m.group("m1") or "")
    if not raw or raw[-1] not in "万亿":
        return None
    if not _MONEY_CONTEXT.match(text[m.end():m.end() + 10]):
        return None
    return lexicon.Unit("", "CNY", Fraction(1), "money")


_SUBUNITS = re.compile(rf"(?:又)?(?P<jiao>[{_CN_DIGIT}\d])(?:角|毛)(?:(?P<fen>[{_CN_DIGIT}\d])分)?(?:钱)?|(?:又|零)?(?P<fen2>[{_CN_DIGIT}\d])分(?:钱)?")
_AFTER_YUAN = re.compile(r"(?P<integral>整|正)")


def _tails(text: str, q: Quantity, unit_surface: str, m: re.Match[str]) -> None:
    """Compound amounts: 五元三毛, 123元1角1分, 两美元又三美分, 三斤半, 3斤5两, 三米九, 元整, 三万元欧元."""
    end = q.char_end
    rest = text[end:end + 12]
    if m.group("post"):
        return
    if q.unit_code == "CNY" and unit_surface in ("元", "圆", "块", "块钱"):
        cur = next((c for c in _currencies_longest_first() if rest.startswith(c)), None)
        if cur and not m.group("cur"):
            q.unit_code = _currencies()[cur].unit_code
            q.char_end += len(cur)
            return
        sm = _SUBUNITS.match(rest)
        if sm:
            jiao = sm.group("jiao")
            fen = sm.group("fen") or sm.group("fen2")
            add = Decimal(0)
            if jiao:
                add += Decimal(CN_DIGITS.get(jiao, jiao if jiao.isdigit() else 0)) / 10
            if fen:
                add += Decimal(CN_DIGITS.get(fen, fen if fen.isdigit() else 0)) / 100
            q.value += add
            q.char_end += sm.end()
            rest = text[q.char_end:q.char_end + 2]
        im = _AFTER_YUAN.match(rest)
        if im:
            q.char_end += im.end()
        return
    if unit_surface == "美元":
        sm = re.match(rf"又?(?P<c>[{_CN_DIGIT}\d]{{1,2}})美分", rest)
        if sm:
            q.value += parse_number(sm.group("c")).value / 100
            q.char_end += sm.end()
        return
    if rest.startswith("半") and q.kind in ("mass", "length", "area", "percent", "money") and not rest.startswith(("半年", "半月")):
        base = _unit_for(unit_surface)
        factor = base.factor if base else Fraction(1)
        q.value += _scale(Decimal("0.5"), factor) if unit_surface != "成" else Decimal(5)
        q.char_end += 1
        return
    if unit_surface == "斤":
        sm = re.match(rf"(?P<l>[{_CN_DIGIT}\d])两", rest)
        if sm:
            q.value += _scale(Decimal(CN_DIGITS.get(sm.group("l"), sm.group("l"))) / 10, Fraction(1, 2000))
            q.char_end += sm.end()
        return
    if unit_surface in ("米", "成") and not m.group("sep"):
        sm = re.match(rf"(?P<d>[{_CN_DIGIT}\d])(?![\d{_CN_DIGIT}十百千万亿\u4e00-\u9fff])", rest)
        if sm and sm.group("d") not in "两":
            d = Decimal(CN_DIGITS.get(sm.group("d"), sm.group("d")))
            q.value += _scale(d / 10, Fraction(1, 1000)) if unit_surface == "米" else d
            q.char_end += 1


def _build(text: str, m: re.Match[str], unit: lexicon.Unit | None, unit_surface: str, pct_prefix: str | None) -> Quantity | None:
    if unit is None:
        unit = lexicon.Unit("", "percent", Fraction(1), "percent")
    raw1, raw2 = m.group("n1"), m.group("n2")
    mult1, mult2 = m.group("m1") or "", m.group("m2") or ""
    rng = _adjacent_digit_range(_clean(raw1 + mult1)) if not raw2 else None
    approx_digit = False
    if rng:
        low, high = rng
    else:
        low, approx_digit = _parse(raw1, mult1)
        high = None
        if raw2 and _has_digit(raw2):
            high, _ = _parse(raw2, mult2)
            # 3至5万元, 两到三仟: the multiplier written once applies to both ends.
            # 一千到两千万元: 万/亿 written once apply to a left end that has none, even if it has 千.
            left, right = _clean(raw1 + mult1), _clean(raw2 + mult2)
            scale = _trailing_scale(right, large_only=True)
            if not (scale and not _trailing_scale(left, large_only=True)):
                scale = _trailing_scale(right) if not _trailing_scale(left) else None
            if scale and low * scale <= high:
                low = low * scale
            if high < low:
                return None
    factor = unit.factor
    unit_code = unit.unit_code
    kind = unit.kind
    if m.group("cur") and unit.kind == "money" and unit_surface in ("元", "圆", "块", ""):
        unit_code = _currencies()[m.group("cur")].unit_code
    if m.group("u1") and _unit_for(m.group("u1")) and _unit_for(m.group("u1")).unit_code != unit_code:
        return None  # 1万元-5公里: two different things
    if pct_prefix:
        unit_code, kind = "percent", "percent"
        factor = Fraction(1, 10) if pct_prefix == "千分之" else Fraction(1)
    if unit_surface == "折":
        # 75折 / 七五折 = 75 percent; 9折 / 7.5折 = 90 / 75 percent
        digits_only = (raw1.isdigit() and len(raw1) == 2) or (not any(c.isdigit() for c in raw1) and len(raw1) == 2 and "十" not in raw1 and "点" not in raw1)
        factor = Fraction(1) if digits_only else Fraction(10)
    value = _scale(low, factor)
    value_high = _scale(high, factor) if high is not None else None
    if unit_surface == "折" and value >= 100:
        return None  # 十折 is no discount at all: 折 counts tenths of a price below it
    if m.group("neg") and not (m.start("neg") > 0 and text[m.start("neg") - 1].isdigit()):
        value = -value
    qualifier = _qualifier(m.group("pre"), m.group("in1") or m.group("in2"), m.group("post"), value_high is not None, approx_digit)
    start = m.start()
    end = m.end()
    pre = m.group("pre")
    if pre and lexicon.qualifier_cues()["before"].get(pre) in (None, "exact") and not m.group("cur"):
        start = m.start("neg") if m.group("neg") else (m.start("pct") if m.group("pct") else m.start("n1"))  # 达 is a verb
    if value_high is not None and start > 0 and text[start - 1] == "从" and not m.group("cur"):
        start -= 1  # 从8500到3万港元: the range opens with 从
    raw_value = text[m.start("n1"):m.end("m2") if raw2 else m.end("m1")]
    q = Quantity(
        raw_text=text[start:end], char_start=start, char_end=end,
        raw_value=raw_value, raw_unit=unit_surface,
        value=value, value_high=value_high, unit_code=unit_code, qualifier=qualifier, kind=kind,
    )
    _tails(text, q, unit_surface, m)
    q.value = normalise_decimal(q.value)
    q.value_high = normalise_decimal(q.value_high) if q.value_high is not None else None
    q.raw_text = text[q.char_start:q.char_end]
    if kind in ("count", "person", "person_time"):
        q.counted = _counted(text, m.start("n1"), q.char_end)
        if unit_surface == "名" and q.counted and not _looks_human(q.counted):
            q.unit_code, q.kind = "count", "count"
        if unit_surface in ("人", "名", "位") or kind == "person":
            q.counted = q.counted or "人"
    _apply_context_units(text, q)
    return q


def _trailing_scale(raw: str, large_only: bool = False) -> Decimal | None:
    """The place value written at the end of a number: 5万 → 1e4, 三仟 → 1e3 (only 万/亿 if ``large_only``)."""
    power = 0
    for ch in reversed(raw):
        if ch in "万萬":
            power += 4
        elif ch in "亿億":
            power += 8
        elif large_only:
            break
        elif ch in "千仟" and power == 0:
            power += 3
        elif ch in "百佰" and power == 0:
            power += 2
        else:
            break
    return Decimal(10) ** power if power else None


_HUMAN = re.compile(r"(?:人|员|者|家|师|生|工|民|代表|干部|专家|学者|院士|委员|记者|嘉宾|游客|选手|志愿者|职工|老人|儿童|学生|科学家|运动员|名长)$")


def _looks_human(noun: str) -> bool:
    return bool(_HUMAN.search(noun))


def _counted(text: str, num_start: int, end: int) -> str:
    """What a count counts: the noun after the classifier, else the noun before the number."""
    follow = []
    for ch in text[end:end + _COUNTED_MAX + 4]:
        if not ("\u4e00" <= ch <= "\u9fff"):
            break
        follow.append(ch)
    phrase = "".join(follow)
    stop = _STOP_COUNTED.search(phrase)
    if stop:
        phrase = phrase[:stop.start()]
    phrase = phrase[:_COUNTED_MAX]
    if len(phrase) >= 2:
        return phrase
    back = []
    i = num_start - 1
    while i >= 0 and "\u4e00" <= text[i] <= "\u9fff" and len(back) < _COUNTED_MAX:
        back.append(text[i])
        i -= 1
    phrase = "".join(reversed(back))
    stops = list(_STOP_COUNTED.finditer(phrase))
    if stops:
        phrase = phrase[stops[-1].end():]
    for verb in ("签订", "发掘", "引进", "新增", "培育", "建成", "打造", "拥有", "办理", "开展", "组织", "提供", "接待", "服务", "举办", "推出", "设立", "建设"):
        if phrase.startswith(verb):
            phrase = phrase[len(verb):]
    return phrase[-6:]


_ANNUAL_OUTPUT = re.compile(r"(?:年产|年产能|年生产|每年生产|年处理|年加工)[^，。；]*$")


def _apply_context_units(text: str, q: Quantity) -> None:
    if q.kind not in ("money", "mass"):
        return  # the words before are read for these two only (one quantity in seven)
    before = text[max(q.sentence_start, q.char_start - 12):q.char_start]
    if q.kind == "money":
        clause = text[clause_start(text, q.char_start, q.sentence_start, "，,；;。"):q.char_start]
        if "亩均" in clause or "每亩" in before:
            q.unit_code, q.kind = "CNY/mu", "intensity"
    elif _ANNUAL_OUTPUT.search(before):
        q.unit_code, q.kind = "t/yr", "capacity"


def _distribute_qualifiers(text: str, qs: list[Quantity]) -> None:
    """分别达到400万元、300万元以上: the last item's qualifier covers the list."""
    for i in range(len(qs) - 1, 0, -1):
        last = qs[i]
        if last.qualifier not in ("at_least", "at_most", "approx"):
            continue
        j = i
        while j > 0:
            prev = qs[j - 1]
            gap = text[prev.char_end:qs[j].char_start]
            if gap not in ("、", "，", ",") or prev.unit_code != last.unit_code or prev.qualifier != "exact":
                break
            j -= 1
        if j < i and "分别" in text[max(0, qs[j].char_start - 8):qs[j].char_start]:
            for k in range(j, i):
                qs[k].qualifier = last.qualifier


# --- metric --------------------------------------------------------------

_KIND_TO_APPLIES = {
    "money": "money", "intensity": "money", "percent": "percent", "percentage_points": "percent",
    "area": "area", "mass": "mass", "capacity": "mass", "power": "power", "energy": "power",
    "count": "count", "person": "person", "person_time": "person", "length": "length", "duration": "duration",
}
_DEFAULT_METRIC = {
    "money": "other", "intensity": "output_value", "percent": "rate_other", "percentage_points": "rate_other",
    "area": "land_area", "mass": "production", "capacity": "capacity", "power": "capacity", "energy": "production",
    "count": "count", "person": "people", "person_time": "people", "length": "length", "duration": "duration",
}


def _compatible(trigger: lexicon.Trigger, applies: str) -> bool:
    if trigger.applies_to == "any":
        return True
    if trigger.applies_to == applies:
        return True
    if trigger.applies_to == "count" and applies == "person":
        return True
    if trigger.applies_to == "person" and applies == "count":
        return trigger.metric_code == "jobs"
    return False


def _nearest_trigger(window: str, applies: str) -> lexicon.Trigger | None:
    best: tuple[int, int, lexicon.Trigger] | None = None
    for s, e, _word, payload in lexicon.trigger_automaton().matches(window):  # a span's key is its own
        for trig in payload:  # type: ignore[union-attr]
            if not _compatible(trig, applies):
                continue
            key = (e, e - s)  # nearest end, then longest
            if best is None or key > best[:2]:
                best = (e, e - s, trig)
    return best[2] if best else None


_AFTER_ENDS = _CLAUSE_END + "、"  # the noun after a quantity ends at the first of these
_SHARE_OF = re.compile(r"(?:^|[^增])占[^，。；]*$")  # 占全市的12%


def _assign_metric(text: str, q: Quantity) -> None:
    applies = _KIND_TO_APPLIES.get(q.kind, "any")
    metric = None
    after = text[q.char_end:q.char_end + 10]
    for ch in _AFTER_ENDS:
        i = after.find(ch)
        if i >= 0:
            after = after[:i]  # the shorter it gets, the earlier the next end would have to be
    if q.kind in ("percent", "percentage_points"):
        before = text[clause_start(text, q.char_start, q.sentence_start, "，,；;、"):q.char_start]
        if "同比" in before or "比上年" in before or "较上年" in before or "比去年" in before:
            q.comparison = "yoy"
        if after.startswith("的") or _SHARE_OF.search(before):
            trig = _nearest_trigger(before, applies)
            metric = trig.metric_code if trig and trig.metric_code in ("completion_rate",) else "share"
    if metric is None and after:
        # 2000亿元主营业务收入, 5.18万平方米标准厂房, 47.03亩土地: the noun right after.
        for s, e, _w, payload in lexicon.find_all(lexicon.trigger_automaton(), after):
            if s <= 1:
                trig = next((t for t in payload if _compatible(t, applies)), None)  # type: ignore[union-attr]
                if trig:
                    metric = trig.metric_code
                    break
    if metric is None:
        for delims in ("、，,；;：:", "，,；;：:"):
            start = clause_start(text, q.char_start, q.sentence_start, delims)
            trig = _nearest_trigger(text[start:q.char_start], applies)
            if trig:
                metric = trig.metric_code
                break
    if metric is None and after and applies in ("area", "mass", "power"):
        trig = _nearest_trigger(after, applies)
        if trig:
            metric = trig.metric_code
    if metric is None:
        trig = _nearest_trigger(text[q.sentence_start:q.char_start], applies)
        if trig and not trig.weak and applies not in ("count", "person"):
            metric = trig.metric_code
    if metric is None:
        metric = _DEFAULT_METRIC.get(q.kind, "other")
    if q.kind in ("count",) and metric not in ("count", "jobs"):
        metric = "count"
    if q.kind in ("person", "person_time") and metric not in ("people", "jobs"):
        metric = "people"
    if q.kind == "percent" and metric not in ("growth_rate", "share", "completion_rate", "rate_other"):
        metric = "rate_other"
    if q.kind == "percentage_points" and metric not in ("growth_rate", "share", "completion_rate", "rate_other"):
        metric = "rate_other"
    if q.kind == "duration":
        metric = "duration"
    if q.kind == "length":
        metric = "length"
    q.metric_code = metric
    if "同比" in text[clause_start(text, q.char_start, q.sentence_start, "，,；;"):q.char_start]:
        q.comparison = "yoy"


# --- status --------------------------------------------------------------

_STATUS_RANK = {"target": 4, "forecast": 3, "planned": 2, "actual": 1}
_FUTURE_WILL = re.compile(r"(?:将|拟|计划|规划)")
_ACTUAL_VERB = re.compile(r"(?:已|达成|完成|累计|截至|实现|共计|现有|已有|获得|达到了|落地|建成|签订|兑现)")


@lru_cache(maxsize=1)
def _status_cue_automaton() -> lexicon.Automaton:
    return lexicon.build_automaton({cue: status for cue, status in lexicon.status_cues().items()
                                    if cue not in ("达到", "达")})


def _cues_in(window: str) -> list[tuple[int, str]]:
    """(offset, status) of every status cue in ``window``, overlapping ones included."""
    return [(s, status) for s, _, _, status in _status_cue_automaton().matches(window)]


def _assign_status(text: str, q: Quantity) -> None:
    opens = clause_start(text, q.char_start, q.sentence_start, "，,；;")
    clause = text[opens:q.char_start]
    cues = [(i, s) for i, s in _cues_in(clause) if not _false_cue(clause, i)]
    modal = [s for _, s in cues if s != "actual"]
    if modal:
        q.status = max(modal, key=_STATUS_RANK.__getitem__)
        return
    if any(s == "actual" for _, s in cues):
        q.status = "actual"
        return
    sentence_before = text[q.sentence_start:opens]
    before = [(i, s) for i, s in _cues_in(sentence_before) if not _false_cue(sentence_before, i)]
    modal = [s for _, s in before if s != "actual"]
    # 力争引进…，实现产值突破1000亿元: a bare 实现 after a target clause is part of the target
    if modal and not (_ACTUAL_VERB.search(clause) and any(s == "actual" for _, s in before)):
        q.status = max(modal, key=_STATUS_RANK.__getitem__)
        return
    if not before and not _ACTUAL_VERB.search(clause):
        # 主要预期目标是：GDP增长6.5%左右；就业1.2万人: a target stated once scopes the clauses after ；
        lead = text[_full_sentence_start(text, q.sentence_start):q.sentence_start]
        intro = _LIST_INTRO.search(lead)
        modal = [s for i, s in _cues_in(intro.group(0)) if s != "actual"] if intro else []
        if modal:
            q.status = max(modal, key=_STATUS_RANK.__getitem__)
            return
    q.status = "actual"


# 主要预期目标是： / 今年的工作计划为： introduces a list of targets separated by ；
_LIST_INTRO = re.compile(r"[^，,；;。]{0,12}(?:目标|预期|计划|任务|安排)[^，,；;。]{0,6}?[:：]")


def _full_sentence_start(text: str, pos: int) -> int:
    """Start of the sentence around ``pos`` when ； does not end sentences."""
    return clause_start(text, pos, 0, "。！？!?\n")


def _false_cue(window: str, i: int) -> bool:
    # 将 as the object marker (将产业导入…作为) is not "will"; 目标任务 etc. stay.
    if window.startswith("将", i) and window[i + 1:i + 2] in ("其", "此", "该", "这"):
        return True
    if window.startswith("计划", i) and window[i - 2:i] in ("雨露", "参保") if i >= 2 else False:
        return True
    return False


# --- period --------------------------------------------------------------

_ASOF_CUES = re.compile(r"(?:截至目前|截止目前|目前|至今|现已|已有|已累计|已经|以来)")


def _assign_period(text: str, q: Quantity, times: list[TimeExpr], ref: date | None) -> None:
    sent_start, sent_end = _sentence_bounds(text, q.char_start)
    sent_times = [t for t in times if sent_start <= t.char_start < sent_end]
    before = [t for t in sent_times if t.char_end <= q.char_start]
    chosen: TimeExpr | None = None
    if before:
        chosen = before[-1]
    else:
        after = [t for t in sent_times if t.char_start >= q.char_end]
        if after and after[0].kind != "asof" and q.status == "actual":
            chosen = after[0]
    sentence_before = text[q.sentence_start:q.char_start]
    if chosen is None and ref is not None and _ASOF_CUES.search(sentence_before):
        q.period_label = f"{ref:%Y-%m-%d}"
        q.period_end = ref
        q.period_inferred = True
        return
    if chosen is None:
        # 2025年主要预期目标是：…；…: the period stated before the list scopes its items
        full_start = _full_sentence_start(text, sent_start)
        lead_times = [t for t in times if full_start <= t.char_start and t.char_end <= sent_start]
        if lead_times and _LIST_INTRO.search(text[full_start:sent_start]):
            chosen = lead_times[0]
    if chosen is None or (chosen.relative and text[chosen.char_start:chosen.char_end] in _WHOLE_YEAR):
        # 2024年，…。全年实施项目146个: the paragraph's year, not the article's
        chosen = _paragraph_topic_time(text, q, times) or chosen
    if chosen is None:
        return
    if chosen.kind == "asof" or ("截至" in text[max(0, chosen.char_start - 3):chosen.char_start] and chosen.kind == "day"):
        q.period_label = chosen.label if chosen.kind != "asof" else f"{chosen.end:%Y-%m-%d}"
        q.period_start, q.period_end = None, chosen.end
    else:
        q.period_label = chosen.label
        q.period_start, q.period_end = chosen.start, chosen.end
    q.period_inferred = chosen.relative


_WHOLE_YEAR = ("全年", "年内", "全年度")


def _paragraph_topic_time(text: str, q: Quantity, times: list[TimeExpr]) -> TimeExpr | None:
    """A period stated at the start of an earlier sentence of the same paragraph (2021年，…)."""
    para_start = text.rfind("\n", 0, q.sentence_start) + 1
    for t in reversed(times):
        if t.char_start < para_start or t.char_end > q.sentence_start:
            continue
        sent_start, _ = _sentence_bounds(text, t.char_start)
        lead = text[sent_start:t.char_start].strip()
        if t.kind in ("year", "range", "quarter", "half") and len(lead) <= 2 and text[t.char_end:t.char_end + 1] in "，,":
            return t
    return None
