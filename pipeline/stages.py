"""Per-document work of each stage, as top-level functions a process pool can run.

A rule that fails on one article costs that article's records of this stage,
never the batch; the failure is returned as a message (last element of each
result, as ``(document_id, message)``) so the asset can report it with the file's name.
"""
from __future__ import annotations

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
