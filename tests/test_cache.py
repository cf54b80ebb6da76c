"""The disk cache of derived lexicons: built once, loaded after, rebuilt when an input changes, never trusted
when damaged; and what it loads is what building gives."""
import pickle

from pipeline.core import cache, gazetteer, segmenter


def test_built_once_then_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"磨憨": ["530902"]}

    assert cache.load_or_build("lexicon", "k1", build) == {"磨憨": ["530902"]}
    assert cache.load_or_build("lexicon", "k1", build) == {"磨憨": ["530902"]}
    assert len(calls) == 1
    cache.load_or_build("lexicon", "k2", build)  # another input: built again, the stale file removed
    assert len(calls) == 2
    assert [p.name for p in tmp_path.glob("lexicon-*.pickle")] == ["lexicon-k2.pickle"]


def test_a_damaged_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    (tmp_path / "lexicon-k.pickle").write_bytes(pickle.dumps([1, 2, 3])[:-4])
    assert cache.load_or_build("lexicon", "k", lambda: "fresh") == "fresh"
    assert cache.load_or_build("lexicon", "k", lambda: "other") == "fresh"


def test_an_unwritable_folder_only_costs_the_build(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(blocker / "sub"))
    assert cache.load_or_build("lexicon", "k", lambda: 42) == 42


def test_the_key_follows_file_contents(tmp_path):
    f = tmp_path / "parks.csv"
    f.write_text("canonical_name\n滇中新区\n", encoding="utf-8")
    before = cache.input_key(files=[f], packages=["jieba"])
    f.write_text("canonical_name\n滇中新区\n磨憨口岸\n", encoding="utf-8")
    assert cache.input_key(files=[f], packages=["jieba"]) != before


def test_the_cached_dictionary_is_the_built_one():
    freq, total, added, tags = segmenter._dictionary()  # from the cache when this machine built it before
    b_freq, b_total, b_added, b_tags = segmenter._build_dictionary()
    assert (total, added) == (b_total, b_added)
    assert freq == b_freq and tags == b_tags
    assert tags["磨憨"] == "ns" and "磨憨" in added and segmenter.dictionary_freq("磨憨") == 0
    assert segmenter.dictionary_freq("建设") > 0


def test_the_cached_gazetteer_is_the_parsed_one():
    regions, index = gazetteer._tables()
    parsed = gazetteer._parse_gazetteer()
    assert regions.keys() == parsed.keys()
    assert all((r.name, r.level, r.parent_id, r.aliases) == (parsed[k].name, parsed[k].level, parsed[k].parent_id,
                                                             parsed[k].aliases) for k, r in regions.items())
    assert {r.region_id for r in index["安宁市"]} >= {"530181"}
    assert all(r is regions[r.region_id] for rs in index.values() for r in rs)  # one object per division
