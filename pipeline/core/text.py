"""Decoding raw bytes and normalising text for matching.

Decoding tries byte-order marks, strict UTF-8, then charset-normalizer's
candidates, and accepts a result only if it reads as Chinese or English text.
Normalisation maps full-width ASCII to half-width and traditional to simplified
Chinese; both are length-preserving so offsets into the normalised text stay
valid.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer


class UndecodableError(ValueError):
    """The bytes are not text in any supported encoding."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


# Where a sentence ends for the rules that read one at a time (a quantity's, a mention's, a relation's sentence).
SENTENCE_ENDS = "。！？!?；;\n"
SENTENCE_END = re.compile("[" + re.escape(SENTENCE_ENDS) + "]")


def clause_start(text: str, pos: int, floor: int, delimiters: str) -> int:
    """Where the clause that ``pos`` is in starts: after the last of ``delimiters`` in [floor, pos), else floor.
    (A loop, not max() over a generator: this runs for every quantity, several times.)"""
    last = -1
    for ch in delimiters:
        k = text.rfind(ch, floor, pos)
        if k > last:
            last = k
    return last + 1 if last >= floor else floor

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

# Encodings a Chinese news file realistically comes in, in order of preference
# when several decode the same bytes.
_CANDIDATES = ("gb18030", "big5", "utf_16_le", "utf_16_be")

_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")
# The 3,500 most common characters are all in this block; a wrong decoding of
# GBK as Big5 (or back) produces rare characters, which shows in this ratio.
_COMMON_CJK = re.compile(r"[\u4e00-\u9fa5]")


def text_quality(text: str) -> float:
    """Share of characters that are plausible in Chinese/English prose (0..1)."""
    if not text:
        return 0.0
    bad = len(_BAD.findall(text))
    return 1.0 - bad / len(text)


def _acceptable(text: str) -> bool:
    if not text.strip():
        return False
    if text_quality(text) < 0.98:
        return False
    return any(ch.isalpha() for ch in text)


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a file's bytes; raise UndecodableError with a reason if impossible."""
    if not data:
        raise UndecodableError("empty file")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"invalid {name} after byte-order mark: {exc.reason}") from exc
            if not _acceptable(text):
                raise UndecodableError(f"{name} text with control or private-use characters")
            if name != "utf-8-sig" and not text.isascii() and _chinese_score(text) < _MIN_SCORE:
                # FF FE also starts random binary data: the text after it must read as text.
                raise UndecodableError(f"{name} byte-order mark followed by bytes that are not text")
            return DecodedText(text, name)
    if b"\x00" in data[:4096] and data.count(b"\x00") > len(data) // 8:
        # UTF-16 without a BOM has NUL in every other byte of ASCII text.
        for codec in ("utf_16_le", "utf_16_be"):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _acceptable(text) and (_chinese_score(text) >= _MIN_SCORE or text.isascii()):
                return DecodedText(text, codec.replace("_", "-"))
        raise UndecodableError("binary content (NUL bytes)")
    utf8_error: UnicodeDecodeError | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        if not _acceptable(text):
            raise UndecodableError("UTF-8 text with control characters (binary content?)")
        return DecodedText(text, "utf-8")
    best: DecodedText | None = None
    best_score = -1.0
    guesses = [m.encoding for m in charset_normalizer.from_bytes(data[:200_000], cp_isolation=list(_CANDIDATES))]
    for codec in dict.fromkeys([*guesses, *_CANDIDATES]):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if not _acceptable(text):
            continue
        score = _chinese_score(text)
        if score > best_score:
            best, best_score = DecodedText(text, _canonical_codec(codec)), score
    if best is None or best_score < _MIN_SCORE:
        if utf8_error is not None and utf8_error.start > 0 and _mostly_utf8(data):
            raise UndecodableError(f"invalid UTF-8 at byte {utf8_error.start} ({utf8_error.reason}); "
                                   "the rest of the file is UTF-8: repair or re-export it")
        raise UndecodableError("not decodable as UTF-8, UTF-16, GB18030 or Big5 text")
    return best


def _mostly_utf8(data: bytes) -> bool:
    decoded = data.decode("utf-8", errors="replace")
    return decoded.count("\ufffd") <= max(3, len(decoded) // 1000)


# Share of frequent characters below which a decoding is noise, not Chinese
# prose (real news text scores 0.6-0.8; random bytes about 0.1).
_MIN_SCORE = 0.3


def _canonical_codec(codec: str) -> str:
    name = codecs.lookup(codec).name
    return {"gb18030": "gb18030", "big5": "big5"}.get(name, name)


@lru_cache(maxsize=1)
def _frequent_chars() -> frozenset[str]:
    # Characters common in both scripts of news prose: function words and
    # economic vocabulary. Used only to rank candidate decodings.
    return frozenset("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞")


def _chinese_score(text: str) -> float:
    han = _COMMON_CJK.findall(text)
    if not han:
        return 0.5 if text.isascii() else 0.0
    frequent = _frequent_chars()
    return sum(map(frequent.__contains__, han)) / len(han)


# --- normalisation -------------------------------------------------------

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
# Keep Chinese sentence punctuation: it carries clause structure and is what
# readers expect to see; map only what number/unit parsing needs.
for _keep in "，。：；！？（）【】「」":
    _FULLWIDTH.pop(ord(_keep), None)
_EXTRA = {
    ord("\u00a0"): " ",
    ord("\u2002"): " ",
    ord("\u2003"): " ",
    ord("\u2009"): " ",
    ord("\u200b"): "",  # zero-width space and byte-order mark: dropped
    ord("\ufeff"): "",
    ord("\r"): "\n",
    ord("．"): ".",
}
# Both tables as one character → string map, applied by a regex over the few
# characters that change: str.translate looks up every character of the text.
_NORMALISE = {chr(cp): chr(to) for cp, to in _FULLWIDTH.items()} | {chr(cp): to for cp, to in _EXTRA.items()}
_NEEDS_NORMALISING = re.compile("[" + re.escape("".join(_NORMALISE)) + "]")


def _normalise_char(match: re.Match) -> str:
    return _NORMALISE[match.group()]


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified; keeps the length so offsets stay aligned."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase conversion changed the length: fall back to per-character.
    conv = _t2s().convert
    return "".join(c if len(c := conv(ch)) == 1 else ch for ch in text)


def normalise_text(text: str, traditional: bool | None = None) -> str:
    """Normalise decoded text for matching: line ends, widths, script.

    Full-width ASCII (５２．１７亿元) becomes half-width; traditional Chinese
    becomes simplified. The original is kept by the caller (dim_document).
    ``traditional``: ``looks_traditional`` of the text, when the caller has it already.
    """
    text = text.replace("\r\n", "\n")
    text = _NEEDS_NORMALISING.sub(_normalise_char, text)
    text = unicodedata.normalize("NFC", text)
    # Only convert text that is written in traditional script: converting
    # simplified text would rewrite names that use a traditional character
    # on purpose (梁崑).
    if traditional is None:
        traditional = looks_traditional(text)
    return to_simplified(text) if traditional else text


def looks_traditional(text: str) -> bool:
    sample = text[:5000]
    if not sample:
        return False
    converted = to_simplified(sample)
    if converted == sample:
        return False
    diffs = _differences(sample, converted)  # at least one: the conversion keeps the length
    # a simplified text may hold the odd traditional character in a name (梁崑)
    return diffs > sum(map(len, _CJK_RUN.findall(sample))) / 50


_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")  # counted by runs: a list of runs, not of characters


def _differences(a: str, b: str, block: int = 64) -> int:
    """Positions where ``a`` and ``b`` (of one length) differ: a simplified text differs from its conversion in
    a few characters, so blocks are compared whole and only the differing ones character by character."""
    n = 0
    for i in range(0, len(a), block):
        x, y = a[i:i + block], b[i:i + block]
        if x != y:
            n += sum(map(str.__ne__, x, y))
    return n
