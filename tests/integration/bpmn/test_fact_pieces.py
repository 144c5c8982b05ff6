"""Pieces sent at once for one draft are all kept; each is stored with the step recording it."""

from __future__ import annotations

import threading

from workflows.fact import dossiers
from workflows.fact.bots import SAMPLE_PDF

from .conftest import FactCall

KEYS = ("cse_opinion", "budget_annex", "rib", "legal_document")


def test_pieces_sent_at_the_same_time_are_all_kept(fact: FactCall) -> None:
    dossier = dossiers.create_draft(
        fact.engine, "2020-01", holder_user="h", holder_email="h@example.org",
        track="branche", actor="h",
    ).business_key or ""  # fmt: skip
    errors: list[BaseException] = []
    start = threading.Barrier(len(KEYS) + 1)

    def send(key: str) -> None:
        start.wait()
        try:
            content = SAMPLE_PDF + key.encode()
            dossiers.attach_piece(fact.engine, dossier, key, f"{key}.pdf", content, actor="h")
        except BaseException as exc:
            errors.append(exc)

    def autosave() -> None:
        start.wait()
        for n in range(5):
            dossiers.save_draft(fact.engine, dossier, {"title": f"v{n}"}, actor="h")

    threads = [threading.Thread(target=send, args=(key,)) for key in KEYS]
    threads.append(threading.Thread(target=autosave))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    instance = dossiers.get_dossier(fact.engine, dossier)
    assert set(instance.variables["pieces"]) == set(KEYS)
    assert instance.variables["draft"] == {"title": "v4"}
    for key in KEYS:
        _, content = fact.engine.documents.get(instance.id, f"piece-{key}")
        assert content == SAMPLE_PDF + key.encode()  # each file under its own piece
