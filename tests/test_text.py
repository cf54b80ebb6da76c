"""Encodings and normalisation, on a test corpus the tests write themselves."""
import codecs

import pytest

from pipeline.core.text import UndecodableError, clause_start, decode_bytes, normalise_text

SAMPLE = "滇中新区与西部5个国家级新区签订战略合作协议，完成全口径到位资金52.17亿元，同比增长116.96%。\n" * 3
TRADITIONAL = "滇中新區與西部5個國家級新區簽訂戰略合作協議，完成全口徑到位資金52.17億元，同比增長116.96%。\n" * 3


@pytest.mark.parametrize("data,encoding", [
    (SAMPLE.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
    (SAMPLE.encode("gb18030"), "gb18030"),
    (SAMPLE.encode("gbk"), "gb18030"),
    (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16"),
])
def test_simplified_encodings_decode_to_the_same_text(data, encoding):
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert decoded.text == SAMPLE


def test_big5_traditional_normalises_to_simplified():
    decoded = decode_bytes(TRADITIONAL.encode("big5"))
    assert decoded.encoding == "big5"
    assert decoded.text == TRADITIONAL
    assert normalise_text(decoded.text) == SAMPLE


def test_fullwidth_digits_and_letters():
    assert normalise_text("完成５２．１７亿元，ＧＤＰ增长５％") == "完成52.17亿元，GDP增长5%"


def test_spaces_line_ends_and_invisible_characters_normalise_but_sentence_punctuation_stays():
    text = "投资\u3000１０亿元\u00a0（一期）\r\n占地\u200b５０亩\ufeff；\r完成：「好」！"
    assert normalise_text(text) == "投资 10亿元 （一期）\n占地50亩；\n完成：「好」！"


def test_simplified_text_keeps_a_traditional_character_in_a_name():
    text = "区党工委书记梁崑作工作报告，" + SAMPLE
    assert "梁崑" in normalise_text(text)


def test_the_share_of_traditional_characters_decides_the_script_wherever_they_fall():
    from pipeline.core.text import looks_traditional

    # one traditional character in 50 Chinese ones is the threshold; the blocks compared whole must not hide any
    simplified = SAMPLE * 20
    assert not looks_traditional(simplified) and looks_traditional(TRADITIONAL * 20)
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in simplified)
    pos = [i for i, ch in enumerate(simplified) if ch == "区"]
    few = list(simplified)
    for i in pos[:han // 50]:
        few[i] = "區"
    assert not looks_traditional("".join(few))  # exactly han/50 differences: not more than the threshold
    for i in pos[han // 50:han // 50 + 2]:
        few[i] = "區"
    assert looks_traditional("".join(few))


def test_normalisation_keeps_length():
    text = TRADITIONAL + "５２．１７亿元"
    assert len(normalise_text(text)) == len(text)


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (bytes(range(256)) * 20, "binary"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02\xff" * 500, "binary"),
])
def test_undecodable_inputs_raise_with_reason(data, reason):
    with pytest.raises(UndecodableError) as err:
        decode_bytes(data)
    assert str(err.value)


def test_invalid_utf8_that_is_gb18030_decodes():
    data = "禄脿街道招商引资到位资金预计完成11亿元".encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_bytes(data).text.startswith("禄脿街道")


def test_a_clause_starts_after_the_last_delimiter_before_the_position():
    text = "今年以来，全市规上工业增加值增长8.5%，其中高技术产业增长12%"
    pos = text.index("12%")
    assert text[clause_start(text, pos, 0, "，,"):pos] == "其中高技术产业增长"
    assert clause_start(text, text.index("8.5%"), 0, "，,") == text.index("全市")
    assert clause_start(text, 3, 0, "，,") == 0  # no delimiter before the position: the floor
    floor = text.index("高技术")
    assert clause_start(text, pos, floor, "，,") == floor  # never before the floor
