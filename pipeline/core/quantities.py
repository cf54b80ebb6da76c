"""Quantities: every measured number with unit, metric, period and status.

``parse_quantities(text, reference_date)`` scans one article body and returns
one ``Quantity`` per mention, with ``char_start``/``char_end`` indexing
``text`` so that ``text[char_start:char_end] == raw_text``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from . import lexicon
from .numbers import CN_DIGITS, NumberError, normalise_decimal, parse_number
from .timex import TimeExpr, find_times

_CN_DIGIT = "".join(CN_DIGITS)
_NUM_TEMPLATE = (
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:MULT(?:\d+|[" + _CN_DIGIT + r"])?)*MULT*"
    r"|(?:[" + _CN_DIGIT + r"廿卅拾佰仟几]|MULT)+(?:[点點][" + _CN_DIGIT + r"]+)?(?:[万亿])*"
)


@lru_cache(maxsize=1)
def _num() -> str:
    """Number pattern whose multipliers never eat the first character of a unit (2亿千瓦时)."""
    alts = []
    for ch in "十百千万亿":
        tails = sorted({u[1:] for u in lexicon.units() if u.startswith(ch) and len(u) > 1}, key=len, reverse=True)
        tails += ["分之"] if ch in "百千" else []
        alts.append(re.escape(ch) + (f"(?!{'|'.join(map(re.escape, tails))})" if tails else ""))
    return _NUM_TEMPLATE.replace("MULT", "(?:" + "|".join(alts) + ")")
_PRE_QUAL = "大约|将近|接近|不低于|不少于|不超过|不高于|超过|突破|至少|最多|不足|约|近|逾|超|达"
_POST_QUAL = "及以上|以上|以下|以内|之内|之上|左右|上下"
_SEP = r"\s*(?:至|到|—|–|-|~|～|－)\s*"


def _core(unit: str) -> str:
    return (
        rf"(?P<pre>{_PRE_QUAL})?"
        rf"(?P<pct>百分之|千分之)?"
        rf"(?P<n1>{_num()})(?P<in1>余|多|来)?(?P<m1>[万亿]*)"
        rf"(?:(?P<sep>{_SEP})(?P<pct2>百分之)?(?P<n2>{_num()})(?P<in2>余|多)?(?P<m2>[万亿]*))?"
        rf"(?P<sp>[ ]?){unit}"
        rf"(?P<post>{_POST_QUAL})?"
    )


@lru_cache(maxsize=1)
def quantity_patterns() -> tuple[re.Pattern[str], ...]:
    """Number + unit (the unit is required, so 2亿千瓦时 backtracks to 2亿 + 千瓦时);
    百分之… without a unit; and a bare 万/亿 amount (money only by context)."""
    units = lexicon.unit_pattern()
    return (
        re.compile(_core(rf"(?P<unit>{units})")),
        re.compile(rf"(?=百分之|千分之|[{_PRE_QUAL[0]}])" + _core(r"(?P<unit>)").replace("(?P<pct>百分之|千分之)?", "(?P<pct>百分之|千分之)")),
        re.compile(_core(r"(?P<unit>)")),
    )


def _quantity_matches(text: str) -> list[re.Match[str]]:
    found: list[re.Match[str]] = []
    for pat in quantity_patterns():
        found.extend(m for m in pat.finditer(text) if m.group("n1"))
    found.sort(key=lambda m: (m.start("n1"), -(m.end() - m.start())))
    out: list[re.Match[str]] = []
    for m in sorted(found, key=lambda m: (-(m.end() - m.start()) if m.group("unit") else 0, m.start())):
        if any(m.start() < o.end() and o.start() < m.end() for o in out):
            continue
        out.append(m)
    out.sort(key=lambda m: m.start())
    return out


@dataclass
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
    extras: dict = field(default_factory=dict)


@dataclass(frozen=True)
class NumberMention:
    raw_text: str
    char_start: int
    char_end: int
    value: Decimal
    value_high: Decimal | None


_SENT_END = "。！？!?；;\n"
_CLAUSE_END = _SENT_END + "，,：:"
_QUOTE_PAIRS = {"“": "”", "《": "》", "「": "」", "\"": "\""}
_FOLLOW_NOUN = re.compile(r"[\u4e00-\u9fff]")
_STOP_COUNTED = re.compile(
    r"(?:的|在|和|与|及|并|已|将|于|为|是|有|等|中|共|均|被|把|对|向|从|达|实现|完成|落地|参加|参与|注册|赴|达成|组成|成功|获|入选|"
    r"开工|竣工|建成|投产|落户|签约|签订|享受|提供|覆盖|累计|进行|开展|通过|发车|运营|涵盖|集聚|拥有|占|同比|增长|以上|以下|左右)"
)
_COUNTED_MAX = 8


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(ch, 0, pos) for ch in _SENT_END) + 1
    ends = [i for ch in _SENT_END if (i := text.find(ch, pos)) >= 0]
    end = min(ends) + 1 if ends else len(text)
    return start, end


def _clause_start(text: str, pos: int, floor: int, delimiters: str) -> int:
    return max(floor, max(text.rfind(ch, floor, pos) for ch in delimiters) + 1)


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


def _parse(raw: str, mult: str) -> tuple[Decimal, bool]:
    parsed = parse_number(raw + mult)
    return parsed.value, parsed.approx_digit


_ADJACENT_RANGE = re.compile(rf"^([{_CN_DIGIT}])([{_CN_DIGIT}])([十百千万亿].*)$")


def _adjacent_digit_range(raw: str) -> tuple[Decimal, Decimal] | None:
    """三四十 → 30..40, 七八百 → 700..800."""
    m = _ADJACENT_RANGE.match(raw)
    if not m:
        return None
    a, b = CN_DIGITS[m.group(1)], CN_DIGITS[m.group(2)]
    if b != a + 1 or m.group(1) in "零〇○":
        return None
    low = parse_number(m.group(1) + m.group(3)).value
    high = parse_number(m.group(2) + m.group(3)).value
    return low, high


def _scale(value: Decimal, factor: Fraction) -> Decimal:
    if factor == 1:
        return value
    result = value * Decimal(factor.numerator) / Decimal(factor.denominator)
    return result


def find_numbers(text: str) -> list[NumberMention]:
    """Every number expression with its value (for the extraction CLI)."""
    out: list[NumberMention] = []
    pat = re.compile(rf"(?P<n1>{_num()})(?:(?P<sep>{_SEP})(?P<n2>{_num()}))?")
    for m in pat.finditer(text):
        raw1 = m.group("n1")
        if not _has_digit(raw1):
            continue
        try:
            low = parse_number(raw1).value
            high = parse_number(m.group("n2")).value if m.group("n2") and _has_digit(m.group("n2")) else None
        except NumberError:
            continue
        end = m.end() if high is not None else m.start("n1") + len(raw1)
        out.append(NumberMention(text[m.start():end], m.start(), end, low, high))
    return out


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
    """Extract every quantity from one article body (normalised text)."""
    if times is None:
        times = find_times(text, reference_date)
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
        # A bare Chinese-numeral "一" before a classifier is an article (一批, 一个), not a count.
        sent_start, sent_end = _sentence_bounds(text, n1_start)
        if any(s <= n1_start < e for s, e in time_spans):
            continue
        if n1_start > 0 and text[n1_start - 1] in "第":
            continue  # ordinal
        if n1_start > 0 and (text[n1_start - 1].isdigit() or text[n1_start - 1] in "+.-/"):
            continue
        if _inside_short_quote(text, n1_start, m.end("n1"), sent_start):
            continue
        is_chinese = not any(ch.isdigit() for ch in raw1)
        unit = units.get(unit_surface) if unit_surface else None
        pct_prefix = m.group("pct")
        if unit is None and not pct_prefix:
            q = _unitless_money(text, m)
            if q is None:
                continue
            unit = q
        if unit_surface in ("年", "个月"):
            before = text[max(sent_start, n1_start - 4):n1_start]
            if not any(cue in before for cue in _DURATION_CUES) or is_chinese and raw1 in ("一",):
                continue
            after = text[end:end + 1]
            if after in "前后来内底初末度" and after:
                continue
        if is_chinese and raw1 in ("一", "壹") and unit is not None and unit.kind in ("count", "person"):
            continue
        if unit is not None and unit.kind == "count" and end < len(text) and text[end] in "个" and unit_surface == "个":
            # 一个个 reduplication
            continue
        if unit is not None and unit.kind in ("count",) and unit_surface in ("次", "届", "期", "轮", "节") and text[end:end + 1] in ("会", "全"):
            continue
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
        q.sentence_start, sent_end = sent_start, sent_end
        q.sentence = text[sent_start:sent_end].strip()
        results.append(q)
    _distribute_qualifiers(text, results)
    for q in results:
        _assign_metric(text, q)
        _assign_status(text, q)
        _assign_period(text, q, times, reference_date)
    return results


_MONEY_CONTEXT = re.compile(r"^(?:元|人民币)?[\u4e00-\u9fff]{0,6}?(?:资金|贷款|额度|投资|收入|产值|经费|税收|预算|资产|金额|外资|内资)")


def _unitless_money(text: str, m: re.Match[str]) -> lexicon.Unit | None:
    """1000亿专项再贷款额度: a 万/亿 amount with a money noun right after it."""
    raw = m.group("n1") + (m.group("m1") or "")
    if not raw or raw[-1] not in "万亿":
        return None
    if not _MONEY_CONTEXT.match(text[m.end():m.end() + 10]):
        return None
    return lexicon.Unit("", "CNY", Fraction(1), "money")


def _build(text: str, m: re.Match[str], unit: lexicon.Unit | None, unit_surface: str, pct_prefix: str | None) -> Quantity | None:
    if unit is None:
        unit = lexicon.Unit("", "percent", Fraction(1), "percent")
    raw1, raw2 = m.group("n1"), m.group("n2")
    mult1, mult2 = m.group("m1") or "", m.group("m2") or ""
    rng = _adjacent_digit_range(raw1 + mult1) if not raw2 else None
    approx_digit = False
    if rng:
        low, high = rng
    else:
        low, approx_digit = _parse(raw1, mult1)
        high = None
        if raw2 and _has_digit(raw2):
            high, _ = _parse(raw2, mult2)
            # 3至5万元: the multiplier written once applies to both ends.
            big2 = _trailing_multiplier(raw2 + mult2)
            if big2 and not _trailing_multiplier(raw1 + mult1):
                low = low * big2
            if high < low:
                return None
    factor = unit.factor
    unit_code = unit.unit_code
    kind = unit.kind
    if pct_prefix:
        unit_code, kind = "percent", "percent"
        factor = Fraction(1, 10) if pct_prefix == "千分之" else Fraction(1)
    if unit_surface in ("成", "折"):
        digits_only = (raw1.isdigit() and len(raw1) == 2) or (not any(c.isdigit() for c in raw1) and len(raw1) == 2 and "十" not in raw1)
        factor = Fraction(1) if digits_only else Fraction(10)
    value = _scale(low, factor)
    value_high = _scale(high, factor) if high is not None else None
    qualifier = _qualifier(m.group("pre"), m.group("in1") or m.group("in2"), m.group("post"), value_high is not None, approx_digit)
    start = m.start()
    end = m.end()
    pre = m.group("pre")
    if pre and lexicon.qualifier_cues()["before"].get(pre) in (None, "exact"):
        start = m.start("pct") if m.group("pct") else m.start("n1")  # 达 is a verb, not part of the mention
    raw_value = text[m.start("n1"):m.end("m2") if raw2 else m.end("m1")]
    q = Quantity(
        raw_text=text[start:end], char_start=start, char_end=end,
        raw_value=raw_value, raw_unit=unit_surface,
        value=normalise_decimal(value), value_high=normalise_decimal(value_high) if value_high is not None else None,
        unit_code=unit_code, qualifier=qualifier, kind=kind,
    )
    if kind in ("count", "person", "person_time"):
        q.counted = _counted(text, m.start("n1"), end)
        if unit_surface == "名" and q.counted and not _looks_human(q.counted):
            q.unit_code, q.kind = "count", "count"
        if unit_surface in ("人", "名", "位") or kind == "person":
            q.counted = q.counted or "人"
    _apply_context_units(text, q)
    return q


def _trailing_multiplier(raw: str) -> Decimal | None:
    power = 0
    for ch in reversed(raw):
        if ch == "万":
            power += 4
        elif ch == "亿":
            power += 8
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
    # 发掘意向企业23家 / 签订投资协议1个: noun before the number
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


def _apply_context_units(text: str, q: Quantity) -> None:
    before = text[max(q.sentence_start, q.char_start - 12):q.char_start]
    clause = text[_clause_start(text, q.char_start, q.sentence_start, "，,；;。"):q.char_start]
    if q.kind == "money" and ("亩均" in clause or "每亩" in before):
        q.unit_code, q.kind = "CNY/mu", "intensity"
    if q.kind == "mass" and re.search(r"(?:年产|年产能|年生产|每年生产|年处理|年加工)[^，。；]*$", before):
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
    for s, e, _word, payload in lexicon.find_all(lexicon.trigger_automaton(), window):
        for trig in payload:  # type: ignore[union-attr]
            if not _compatible(trig, applies):
                continue
            key = (e, e - s)  # nearest end, then longest
            if best is None or key > best[:2]:
                best = (e, e - s, trig)
    return best[2] if best else None


def _assign_metric(text: str, q: Quantity) -> None:
    applies = _KIND_TO_APPLIES.get(q.kind, "any")
    metric = None
    after = text[q.char_end:q.char_end + 10]
    cut = min([i for ch in _CLAUSE_END + "、" if (i := after.find(ch)) >= 0] or [len(after)])
    after = after[:cut]
    if q.kind in ("percent", "percentage_points"):
        before = text[_clause_start(text, q.char_start, q.sentence_start, "，,；;、"):q.char_start]
        if "同比" in before or "比上年" in before or "较上年" in before or "比去年" in before:
            q.comparison = "yoy"
        if after.startswith("的") or re.search(r"(?:^|[^增])占[^，。；]*$", before):
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
            start = _clause_start(text, q.char_start, q.sentence_start, delims)
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
    if "同比" in text[_clause_start(text, q.char_start, q.sentence_start, "，,；;"):q.char_start]:
        q.comparison = "yoy"


# --- status --------------------------------------------------------------

_STATUS_RANK = {"target": 4, "forecast": 3, "planned": 2, "actual": 1}
_FUTURE_WILL = re.compile(r"(?:将|拟|计划|规划)")
_ACTUAL_VERB = re.compile(r"(?:已|达成|完成|累计|截至|实现|共计|现有|已有|获得|达到了|落地|建成|签订|兑现)")


def _cues_in(window: str) -> list[tuple[int, str]]:
    cues = lexicon.status_cues()
    out = []
    for cue, status in cues.items():
        if cue in ("达到", "达"):
            continue
        start = 0
        while (i := window.find(cue, start)) >= 0:
            out.append((i, status))
            start = i + 1
    return out


def _assign_status(text: str, q: Quantity) -> None:
    clause_start = _clause_start(text, q.char_start, q.sentence_start, "，,；;")
    clause = text[clause_start:q.char_start]
    cues = [(i, s) for i, s in _cues_in(clause) if not _false_cue(clause, i)]
    modal = [s for _, s in cues if s != "actual"]
    if modal:
        q.status = max(modal, key=_STATUS_RANK.__getitem__)
        return
    if any(s == "actual" for _, s in cues) or _ACTUAL_VERB.search(clause):
        q.status = "actual"
        return
    sentence_before = text[q.sentence_start:clause_start]
    cues = [(i, s) for i, s in _cues_in(sentence_before) if not _false_cue(sentence_before, i)]
    modal = [s for _, s in cues if s != "actual"]
    if modal:
        q.status = max(modal, key=_STATUS_RANK.__getitem__)
        return
    q.status = "actual"


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
    sent_times = [t for t in times if q.sentence_start <= t.char_start < q.sentence_start + len(q.sentence) + 2]
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
        chosen = _paragraph_topic_time(text, q, times)
    if chosen is None:
        return
    if chosen.kind == "asof" or ("截至" in text[max(0, chosen.char_start - 3):chosen.char_start] and chosen.kind == "day"):
        q.period_label = chosen.label if chosen.kind != "asof" else f"{chosen.end:%Y-%m-%d}"
        q.period_start, q.period_end = None, chosen.end
    else:
        q.period_label = chosen.label
        q.period_start, q.period_end = chosen.start, chosen.end
    q.period_inferred = chosen.relative


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
