"""Per-document work of each stage, as top-level functions a process pool can run.

A rule that fails on one article costs that article's records of this stage,
never the batch; the failure is returned as a message (last element of each
result, as ``(document_id, message)``) so the asset can report it with the file's name.
"""
from __future__ import annotations

from . import staging
from .core import records


def _error(stage: str, document_id: str, key: str, exc: Exception) -> tuple[str, str]:
    return document_id, f"{stage}: {key}: {exc!r}"[:500]


def articles_of(item: tuple[str, str]) -> tuple[list[dict], list[dict], list[dict], list[tuple[str, str]]]:
    """([document fields], articles, removed furniture, errors): like every stage, lists of rows."""
    document_id, text = item
    try:
        meta, articles, furniture = records.split_articles(document_id, text)
        return [meta], articles, furniture, []
    except Exception as exc:  # noqa: BLE001 - one document's failure never stops the batch
        meta = {"document_id": document_id, "source_name": "", "published_date": None,
                "published_date_inferred": True}
        return [meta], [], [], [_error("articles", document_id, document_id, exc)]


def entities_of(articles: list[dict]) -> tuple[list[dict], list[dict], list[dict], list[tuple[str, str]]]:
    mentions, roles, errors = [], [], []
    for art in articles:
        try:
            m, r = records.extract_entities(art)
        except Exception as exc:  # noqa: BLE001 - an article that breaks a rule loses its entities, not the batch
            errors.append(_error("entities", art["document_id"], art["article_id"], exc))
            continue
        mentions.extend(m)
        for role in r:
            role["person_entity_id"] = records.entity_id_for(role["person_key"])
            role["org_entity_id"] = records.entity_id_for(role["org_key"]) if role["org_key"] else None
            role["document_id"] = art["document_id"]
        roles.extend(r)
    return mentions, roles, records.entity_rows(mentions), errors


def _per_article(stage: str, extract, item: tuple[list[dict], dict[str, list[dict]]]) -> tuple[list[dict], list[tuple[str, str]]]:
    articles, mentions = item
    rows, errors = [], []
    for art in articles:
        try:
            rows.extend(extract(art, mentions.get(art["article_id"], [])))
        except Exception as exc:  # noqa: BLE001
            errors.append(_error(stage, art["document_id"], art["article_id"], exc))
    return rows, errors


def quantities_of(item: tuple[list[dict], dict[str, list[dict]]]) -> tuple[list[dict], list[tuple[str, str]]]:
    return _per_article("quantities", records.extract_quantities, item)


def relations_of(item: tuple[list[dict], dict[str, list[dict]]]) -> tuple[list[dict], list[tuple[str, str]]]:
    return _per_article("relations", records.extract_relations, item)


# --- a chunk of documents per worker task, Arrow in and out ---------------------------------------------
# The staging rows travel as Arrow (IPC bytes in, tables out) and become Python rows only in the worker: the
# process that reads and writes the staging file does no per-row work, so both cores go to the text core.

# Documents per worker task. Every task costs the process holding the staging file a fixed amount: an IPC stream per
# input table, a future, a result to unpickle, and one more chunk in each table it appends. At 8 documents (2,500
# tasks a stage at 20,000 documents) that process used 5.3-7.2 s of CPU in the layout stage and 6.3 s in the
# relations stage; at 20, 3.6-4.6 s and 4.4 s, and those stages took 9.5-9.9 s instead of 10.9-12.5 s and 9.5 s
# instead of 11.2 s (entities and quantities: 1 s less of that CPU each). Two batches ahead still hold 40 tasks.
CHUNK = 20

OUTPUTS: dict[str, tuple[str, ...]] = {
    "articles": ("stg_document_meta", "stg_article", "stg_furniture"),
    "entities": ("stg_mention", "stg_person_role", "stg_entity"),
    "quantities": ("stg_quantity",),
    "relations": ("stg_relation",),
}
_DOCUMENT_FUNCTION = {"articles": articles_of, "entities": entities_of, "quantities": quantities_of,
                      "relations": relations_of}


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def _items(stage: str, ids: list[str], inputs: dict[str, list[dict]]) -> list:
    """The per-document arguments of ``stage`` for the documents ``ids``."""
    if stage == "articles":
        text = {r["document_id"]: r["text"] for r in inputs["documents"]}
        return [(d, text[d]) for d in ids if d in text]
    articles = _by(inputs["articles"], "document_id")
    if stage == "entities":
        return [articles.get(d, []) for d in ids]
    mentions = _by(inputs["mentions"], "document_id")
    return [(articles.get(d, []), _by(mentions.get(d, []), "article_id")) for d in ids]


def run_chunk(stage: str, chunk: tuple[list[str], dict[str, bytes]]) -> tuple[dict, list[tuple[str, str]]]:
    """``stage`` over a chunk of documents: their ids and their staging rows (name → Arrow IPC stream).
    Returns (staging table → Arrow table of the rows it gains, errors)."""
    ids, inputs = chunk
    rows: dict[str, list[dict]] = {t: [] for t in OUTPUTS[stage]}
    errors: list[tuple[str, str]] = []
    decoded = {name: staging.from_ipc(data).to_pylist() for name, data in inputs.items()}
    for item in _items(stage, ids, decoded):
        *parts, errs = _DOCUMENT_FUNCTION[stage](item)
        for table, part in zip(OUTPUTS[stage], parts):
            rows[table].extend(part)
        errors.extend(errs)
    return {t: staging.to_arrow(t, r) for t, r in rows.items()}, errors
