"""Article segmentation: a page into articles with headline, byline and date.

Works on the ``Block``s of ``layout.repair_layout``. An article starts at a
headline block (kicker / title / subtitle lines) that is followed by a byline
or dateline (本报讯, 本报记者, 新华社…电), or at a continuation marker
(上接一版). A page without bylines (a web page) is one article. Related-article
lists after a header (相关文章, 推荐) become boilerplate articles.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from .layout import Block, is_headline_like, repair_layout
from .reference import load_csv
from .text import clause_start
from .timex import find_times

_NAME = r"[\u4e00-\u9fff·]{2,4}"

BYLINE_START = re.compile(
    r"^(?:本报讯|本报记者|本报通讯员|本报特约|(?:[\u4e00-\u9fff·]{2,12}?)?全媒体记者|记者|通讯员|实习生|见习记者|"
    r"(?:新华社|中新社|人民网|新华网|央视网|中新网)[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电|新华社记者|据[\u4e00-\u9fff]{2,10}(?:报道|消息))"
)
# (记者 喻劲猛 通讯员 付怀旭) and its half-width twin, right after 本报讯.
BYLINE_PAREN = re.compile(r"^本报讯\s*[（(]([^）)]{2,60})[）)]")
STANDALONE_BYLINE = re.compile(
    rf"^(?:本报记者|记者|通讯员|实习生|见习记者|特约记者|[\u4e00-\u9fff·]{{2,12}}?全媒体记者)\s*[:：]?\s*{_NAME}(?:\s+(?:(?:见习记者|实习生|通讯员|记者)\s*)?{_NAME})*$"
)
TRAILING_SOURCE = re.compile(r"[(（]\s*([\u4e00-\u9fff]{2,10})\s*[)）]\s*$")
STAMP = re.compile(r"(?:发布时间|发布日期|发表时间|时间)\s*[:：]\s*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})")
DATELINE = re.compile(r"(?:新华社|中新社|本报)[\u4e00-\u9fff]{0,6}?(\d{1,2})月(\d{1,2})日电")
OUTLET = re.compile(r"^([\u4e00-\u9fff·]{2,12}?(?:日报|晚报|早报|商报|时报|新闻|电视台|报))(?:全媒体)?记者")
ROLE_WORDS = None


def _roles() -> dict[str, str]:
    global ROLE_WORDS
    if ROLE_WORDS is None:
        ROLE_WORDS = {r["role"]: r["role_in_doc"] for r in load_csv("byline_roles.csv")}
    return ROLE_WORDS


@dataclass
class Segment:
    kind: str  # kicker, title, subtitle, byline, paragraph, subhead, caption, credit, editor, meta
    text: str


@dataclass
class ArticleDraft:
    seq: int
    title: str = ""
    kickers: list[str] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    reporters: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    editors: list[tuple[str, str]] = field(default_factory=list)  # (role, name)
    byline_people: list[tuple[str, str]] = field(default_factory=list)  # (role, name)
    outlet: str = ""
    is_boilerplate: bool = False
    stamp_date: date | None = None
    continued: bool = False
    published_date: date | None = None
    published_date_inferred: bool = False

    @property
    def body(self) -> str:
        return "\n".join(s.text for s in self.segments)

    def spans(self) -> list[tuple[str, int, int]]:
        """(kind, start, end) of every segment inside ``body``."""
        out, pos = [], 0
        for s in self.segments:
            out.append((s.kind, pos, pos + len(s.text)))
            pos += len(s.text) + 1
        return out


@dataclass
class PageLayout:
    articles: list[ArticleDraft]
    furniture: list[Block]
    source_name: str
    published_date: date | None
    published_date_inferred: bool


def _is_byline_block(text: str) -> bool:
    return bool(BYLINE_START.match(text) or STANDALONE_BYLINE.match(text))


@lru_cache(maxsize=1)
def _byline_tokens() -> re.Pattern[str]:
    """What cuts a byline into names: spaces, colons and the role words (the longest first, kept as tokens)."""
    roles = sorted(_roles(), key=len, reverse=True)
    return re.compile(rf"\s+|[:：]|({'|'.join(map(re.escape, roles))})")


def parse_byline(text: str) -> list[tuple[str, str]]:
    """(role, name) pairs from a byline: 本报讯（记者 喻劲猛 通讯员 付怀旭）."""
    m = BYLINE_PAREN.match(text)
    if m:
        inner = m.group(1)
    else:
        m2 = STANDALONE_BYLINE.match(text)
        if m2:
            inner = text
        else:
            m3 = re.match(rf"^((?:[\u4e00-\u9fff·]{{2,12}}?)?全媒体记者|本报记者|记者|通讯员)\s*[:：]?\s*((?:{_NAME}\s*)+)", text)
            if not m3:
                return []
            inner = m3.group(0)
    pairs: list[tuple[str, str]] = []
    current = "记者"
    for tok in _byline_tokens().split(inner):
        if not tok:
            continue
        tok = tok.strip()
        if not tok or tok == "本报":
            continue
        if tok in _roles():
            current = tok
            continue
        if tok.startswith("本报"):
            tok = tok[2:]
            if tok in _roles():
                current = tok
                continue
        outlet = OUTLET.match(tok + "记者")
        if outlet and tok.endswith(("日报", "晚报", "全媒体", "早报")):
            continue
        if re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", tok):
            pairs.append((current, tok))
        elif re.fullmatch(r"[\u4e00-\u9fff·]{5,}", tok) and current:
            # 长沙晚报全媒体记者 刘攀 通讯员 胡谦“初生…: stop at the first non-name
            break
    return pairs


_CREDIT_NAME = re.compile(r"(?:记者|通讯员|摄影)?\s*([\u4e00-\u9fff·]{2,4})\s*(?:/)?摄\s*$")


def _credit_name(text: str) -> str | None:
    m = re.search(r"(?:记者|通讯员|摄影)\s*([\u4e00-\u9fff·]{2,4})\s*/?摄", text)
    if m:
        return m.group(1)
    m = _CREDIT_NAME.search(text)
    return m.group(1) if m else None


def _headline_block_before(blocks: list[Block], i: int, floor: int) -> int:
    """Index where the headline block that ends right before ``i`` starts."""
    j = i
    captions = 0
    while j - 1 >= floor and blocks[j - 1].kind == "text" and is_headline_like(blocks[j - 1].text) and i - j < 4:
        j -= 1
    # a caption line between headline and byline (演出合影。)
    if j == i and i - 1 >= floor and blocks[i - 1].kind in ("text", "credit") and len(blocks[i - 1].text) <= 14 and blocks[i - 1].text.endswith("。"):
        captions = 1
        j = i - 1
        while j - 1 >= floor and blocks[j - 1].kind == "text" and is_headline_like(blocks[j - 1].text) and i - 1 - j < 4:
            j -= 1
        if j == i - 1:
            return i
    return j


def segment_page(text: str) -> PageLayout:
    """Split one normalised document into articles (see module docstring)."""
    blocks = repair_layout(text)
    furniture: list[Block] = []
    # 1. related lists: everything after a related header is boilerplate items.
    related_at = next((k for k, b in enumerate(blocks) if b.kind == "related_header"), None)
    main_blocks = blocks if related_at is None else blocks[:related_at]
    tail_blocks = [] if related_at is None else blocks[related_at:]

    # 2. article starts in the main part
    starts: list[tuple[int, int, bool]] = []  # (headline_start, byline_index, continued)
    for i, b in enumerate(main_blocks):
        if b.kind == "text" and _is_byline_block(b.text):
            floor = starts[-1][1] + 1 if starts else 0
            h = _headline_block_before(main_blocks, i, floor)
            if h < i:
                starts.append((h, i, False))
        elif b.kind == "continuation":
            starts.append((i, i, True))
    articles: list[ArticleDraft] = []
    if not starts or starts[0][0] > 0 and _has_content(main_blocks[: starts[0][0]]):
        starts.insert(0, (0, -1, False))
    for n, (h, by, continued) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(main_blocks)
        art = _build_article(main_blocks[h:end], by - h if by >= 0 else -1, continued, len(articles) + 1, furniture)
        if art is not None:
            articles.append(art)
    # 3. boilerplate items from related lists
    for art in _related_items(tail_blocks, furniture):
        art.seq = len(articles) + 1
        articles.append(art)
    source = _source_name(articles)
    doc_date, inferred = _document_date(text, articles, blocks)
    for art in articles:
        if art.stamp_date is not None:
            art.published_date, art.published_date_inferred = art.stamp_date, False
        else:
            art.published_date, art.published_date_inferred = doc_date, inferred
    return PageLayout(articles, furniture, source, doc_date, inferred)


def _has_content(blocks: list[Block]) -> bool:
    return any(b.kind == "text" for b in blocks)


def _build_article(blocks: list[Block], byline_at: int, continued: bool, seq: int, furniture: list[Block]) -> ArticleDraft | None:
    art = ArticleDraft(seq=seq, continued=continued)
    head: list[str] = []
    k = 0
    if continued:
        furniture.append(blocks[0])
        k = 1
        if k < len(blocks) and blocks[k].kind == "text" and is_headline_like(blocks[k].text):
            head.append(blocks[k].text)
            k += 1
    elif byline_at >= 0:
        for b in blocks[:byline_at]:
            if b.kind == "text" and is_headline_like(b.text):
                head.append(b.text)
            else:
                art.segments.append(Segment("caption", b.text))
        k = byline_at
    else:
        # a page with no byline: the first headline-like lines are the title
        while k < len(blocks) and blocks[k].kind != "text":
            _furniture_or_meta(blocks[k], art, furniture)
            k += 1
        while k < len(blocks) and blocks[k].kind == "text" and is_headline_like(blocks[k].text) and len(head) < 3:
            head.append(blocks[k].text)
            k += 1
    _set_headline(art, head)
    for b in blocks[k:]:
        if b.kind == "text":
            if _is_byline_block(b.text):
                pairs = parse_byline(b.text)
                _add_people(art, pairs)
                outlet = OUTLET.match(b.text)
                if outlet:
                    art.outlet = outlet.group(1)
                if STANDALONE_BYLINE.match(b.text) or len(b.text) < 30 and pairs:
                    art.segments.append(Segment("byline", b.text))
                    continue
            kind = "subhead" if is_headline_like(b.text) and len(b.text) <= 30 else "paragraph"
            art.segments.append(Segment(kind, b.text))
        elif b.kind == "credit":
            name = _credit_name(b.text)
            if name and name not in art.photographers:
                art.photographers.append(name)
                art.byline_people.append(("摄影", name))
            art.segments.append(Segment("credit", b.text))
        elif b.kind == "editor":
            role, _, name = re.split(r"\s*([:：])\s*", b.text, maxsplit=1)[0], None, re.split(r"[:：]", b.text, maxsplit=1)[1].strip()
            art.editors.append((role, name))
            art.byline_people.append((role, name))
            art.segments.append(Segment("editor", b.text))
        else:
            _furniture_or_meta(b, art, furniture)
    if not art.segments and not art.title:
        return None
    return art


def _furniture_or_meta(b: Block, art: ArticleDraft, furniture: list[Block]) -> None:
    m = STAMP.search(b.text)
    if m:
        try:
            art.stamp_date = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    furniture.append(b)


def _set_headline(art: ArticleDraft, head: list[str]) -> None:
    if not head:
        return
    main = [h for h in head if not h.endswith(("——", "--")) and not h.startswith(("——", "--"))]
    title = main[-1] if main else head[-1]
    # a very short first line (昆速览, 图片新闻) is a column name, a kicker
    if len(main) >= 2 and not any(h.startswith("——") for h in head):
        title = max(main[-2:], key=len) if len(main[-1]) < 6 else main[-1]
    art.title = title
    art.kickers = [h for h in head[: head.index(title)]]
    art.subtitles = [h for h in head[head.index(title) + 1:]]
    for h in art.kickers:
        art.segments.append(Segment("kicker", h))
    art.segments.append(Segment("title", title))
    for h in art.subtitles:
        art.segments.append(Segment("subtitle", h))


def _add_people(art: ArticleDraft, pairs: list[tuple[str, str]]) -> None:
    for role, name in pairs:
        art.byline_people.append((role, name))
        kind = _roles().get(role, "reporter")
        if role == "摄影":
            if name not in art.photographers:
                art.photographers.append(name)
        elif kind == "reporter" and name not in art.reporters:
            art.reporters.append(name)


def _related_items(blocks: list[Block], furniture: list[Block]) -> list[ArticleDraft]:
    items: list[ArticleDraft] = []
    current: ArticleDraft | None = None
    for b in blocks:
        if b.kind in ("related_header", "chrome", "separator", "footer", "nav", "counter"):
            furniture.append(b)
            if b.kind in ("separator",):
                current = None
            continue
        if b.kind == "timestamp":
            if current is not None:
                m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", b.text)
                if m:
                    try:
                        current.stamp_date = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                    except ValueError:
                        pass
            current = None
            continue
        if current is None:
            current = ArticleDraft(seq=0, is_boilerplate=True)
            _set_headline(current, [b.text])
            items.append(current)
            continue
        pairs = parse_byline(b.text) if _is_byline_block(b.text) else []
        _add_people(current, pairs)
        current.segments.append(Segment("paragraph", b.text))
    return items


def _source_name(articles: list[ArticleDraft]) -> str:
    for art in articles:
        if art.is_boilerplate:
            continue
        if art.outlet:
            return art.outlet
    for art in articles:
        if art.is_boilerplate:
            continue
        paras = [s.text for s in art.segments if s.kind == "paragraph"]
        if paras:
            m = TRAILING_SOURCE.search(paras[-1])
            if m:
                return m.group(1)
    return ""


_PAST_CUE = re.compile(r"(?:完成|实现|累计|达到|增长|总结|回顾|截至|已|全部|共|同比)")
_FUTURE_CUE = re.compile(r"(?:将|计划|力争|确保|目标|安排|预计|是.{0,20}(?:关键|开局|之年))")


def _document_date(text: str, articles: list[ArticleDraft], blocks: list[Block]) -> tuple[date | None, bool]:
    """Publication date: a stamp, else datelines completed with the inferred year."""
    for art in articles:
        if not art.is_boilerplate and art.stamp_date:
            return art.stamp_date, False
    m = STAMP.search(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), False
        except ValueError:
            pass
    main_text = "\n".join(a.body for a in articles if not a.is_boilerplate)
    year = infer_year(main_text)
    if year is None:
        return None, True
    # Latest month-day dateline of the main text, completed with that year.
    best: date | None = None
    ref = date(year, 12, 31)
    for clause in dateline_clauses(main_text):
        for t in find_times(clause, ref):
            # the whole clause is the date: 5月8日，… / (记者 …)1月20日，…
            if t.char_start == 0 and t.char_end == len(clause) and t.kind in ("day", "range") and t.end \
                    and t.end.year == year and t.relative and (best is None or t.end > best):
                best = t.end
    return (best or date(year, 1, 1)), True


# A clause that opens a sentence and ends at a comma and names a month or day: the only place a dateline can be,
# so the time scan runs on these few clauses rather than the whole text.
_CLAUSE_ENDS = "\n。）)，,"
_CLAUSE_END = re.compile(f"[{_CLAUSE_ENDS}]")
_DAY_OR_MONTH = re.compile("[月日号號]")
_DATELINE_REACH = 38  # characters a dateline clause holds on either side of its 月/日/号


def dateline_clauses(text: str) -> list[str]:
    """The clauses of ``text`` (runs between ``_CLAUSE_ENDS``) that end at a comma and hold a 月, 日 or 号 with at
    most 38 characters on either side of it, in order. Found from the 月/日/号 characters, which the regex engine
    finds by a scan for them, and the clause ends around each, instead of a pattern tried at every position
    (a fifth of the layout stage's text core)."""
    ends = [m.start() for m in _CLAUSE_END.finditer(text)]
    out: list[str] = []
    last = -1  # start of the last clause taken or rejected
    for m in _DAY_OR_MONTH.finditer(text):
        k = m.start()
        i = bisect_left(ends, k)
        start = ends[i - 1] + 1 if i else 0
        if start == last:
            continue  # the clause of an earlier 月/日/号: decided already
        last = start
        end = ends[i] if i < len(ends) else len(text)
        if end == len(text) or text[end] not in "，," or end - start > 2 * _DATELINE_REACH + 1:
            continue
        # some 月/日/号 of the clause has at most 38 characters before it and at most 38 after it (a window the
        # length test above keeps non-empty)
        lo, hi = max(start, end - 1 - _DATELINE_REACH), min(end - 1, start + _DATELINE_REACH)
        if _DAY_OR_MONTH.search(text, lo, hi + 1):
            out.append(text[start:end])
    return out


def year_contexts(text: str) -> list[tuple[int, str, str]]:
    """(year, the words before it, the words from it on) for every year the text names: its sentence's words at
    most 10 characters before the year and 40 after it, looked for no further (a search to the text's end for
    every year was a quarter of ``infer_year``'s time)."""
    out = []
    for m in re.finditer(r"((?:19|20)\d{2})\s*年", text):
        s, e = m.start(), m.end()
        before = text[clause_start(text, s, max(0, s - 10), "。！？\n"):s]
        clause_end = min([i for ch in "。！？\n" if (i := text.find(ch, e, e + 40)) >= 0], default=e + 40)
        out.append((int(m.group(1)), before, text[s:clause_end]))
    return out


def infer_year(text: str) -> int | None:
    """The year the text is written in: the latest year it reports on as past,
    or the year it plans for when that year directly follows it."""
    past: list[int] = []
    future: list[int] = []
    for y, before, clause in year_contexts(text):
        if _FUTURE_CUE.search(clause) or _FUTURE_CUE.search(before):
            future.append(y)
        elif _PAST_CUE.search(clause) or _PAST_CUE.search(before):
            past.append(y)
        else:
            past.append(y)
    if not past and not future:
        return None
    if future:
        first_future = min(future)
        if not past or first_future == max(past) + 1 or first_future <= max(past):
            return first_future if not past or first_future >= max(past) else max(past)
    return max(past) if past else min(future)
