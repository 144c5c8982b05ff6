"""Pieces (attachments) through the API: checked by content and size, required at deposit,
listed on the receipt, readable by whoever reads the dossier and nobody else."""

from __future__ import annotations

import io

from pypdf import PdfReader

from workflows.fact.bots import SAMPLE_PDF

from .conftest import PIECES, Api

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _pieces(api: Api, dossier: str, user: str = "ana") -> dict:
    return api.get(f"/api/dossiers/{dossier}", user).json["variables"].get("pieces") or {}


def test_a_file_is_taken_by_what_it_contains_not_by_its_name(api: Api) -> None:
    dossier = api.draft("ana")
    as_pdf = api.attach(dossier, "rib", b"MZ\x90\x00 not a pdf at all", filename="rib.pdf")
    assert as_pdf.status_code == 422, as_pdf.json
    assert as_pdf.json["errors"] == {
        "file": ["ce fichier n'est ni un PDF, ni une image JPEG ou PNG"]
    }
    png_named_txt = api.attach(dossier, "rib", PNG, filename="rib.txt")
    assert png_named_txt.status_code == 200, png_named_txt.json
    assert png_named_txt.json["mimetype"] == "image/png"
    assert png_named_txt.json["filename"] == "rib.txt.png"  # its real kind shows in its name
    jpeg = api.attach(dossier, "budget_annex", JPEG, filename="../../etc/annexe budget.jpeg")
    assert jpeg.status_code == 200 and jpeg.json["filename"] == "annexe budget.jpeg"
    assert jpeg.json["mimetype"] == "image/jpeg"
    # The refused file changed nothing: the RIB is the PNG sent after it.
    assert _pieces(api, dossier)["rib"]["mimetype"] == "image/png"


def test_empty_too_big_unknown_or_missing_files_are_refused_and_nothing_changes(api: Api) -> None:
    dossier = api.draft("ana")
    before = _pieces(api, dossier)
    empty = api.attach(dossier, "rib", b"")
    assert empty.status_code == 422 and empty.json["errors"] == {"file": ["le fichier est vide"]}
    too_big = api.attach(dossier, "rib", b"%PDF-" + b"0" * 10_000_000)
    assert too_big.status_code == 422
    assert too_big.json["errors"] == {"file": ["le fichier dépasse 10\u202fMo"]}, too_big.json
    huge = api.attach(dossier, "rib", b"%PDF-" + b"0" * 12 * 1024 * 1024)
    assert huge.status_code == 413 and huge.json["title"] == "Fichier trop volumineux"
    unknown = api.attach(dossier, "photo_du_chat", SAMPLE_PDF)
    assert unknown.status_code == 404 and "photo_du_chat" in unknown.json["detail"]
    no_file = api.call("PUT", f"/api/dossiers/{dossier}/pieces/rib", "ana", data={})
    assert no_file.status_code == 422 and "file" in no_file.json["errors"], no_file.json
    assert _pieces(api, dossier) == before


def test_a_deposit_requires_every_required_piece_and_the_receipt_lists_them(api: Api) -> None:
    dossier = api.draft("ana")
    other = api.draft("bruno")
    # A draft whose pieces were never sent: the deposit names each missing one.
    response = api.post("/api/calls/2020-01/dossiers", "ana", json={"track": "entreprise"})
    bare = response.json["business_key"]
    refused = api.deposit(bare)
    assert refused.status_code == 422
    assert set(PIECES) <= set(refused.json["errors"]), refused.json
    # A reference to another dossier's file is not a piece of this one.
    borrowed = api.deposit(bare, rib=_pieces(api, other, "bruno")["rib"]["document"])
    assert borrowed.status_code == 422 and "rib" in borrowed.json["errors"]
    assert "deposited_at" not in api.get(f"/api/dossiers/{bare}", "ana").json["variables"]
    replaced = api.attach(dossier, "cse_opinion", SAMPLE_PDF, filename="PV du CSE — 3 mars.pdf")
    assert replaced.status_code == 200
    deposited = api.deposit(dossier)
    assert deposited.status_code == 200, deposited.json
    after = api.attach(dossier, "rib", SAMPLE_PDF)
    assert after.status_code == 409 and "n'accepte plus de pièces" in after.json["detail"]
    receipt = api.get(f"/api/dossiers/{dossier}/documents/receipt-{dossier}.pdf", "ana")
    pages = PdfReader(io.BytesIO(receipt.data)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Pièces jointes reçues" in text
    assert "PV du CSE — 3 mars.pdf" in text and "piece.pdf" in text
    piece = api.get(f"/api/dossiers/{dossier}/documents/piece-cse_opinion", "ana")
    assert piece.status_code == 200 and piece.data == SAMPLE_PDF
    assert "PV%20du%20CSE" in piece.headers["Content-Disposition"]  # the name it was sent with


def test_only_those_who_read_a_dossier_read_its_pieces(api: Api) -> None:
    dossier = api.draft("ana")
    url = f"/api/dossiers/{dossier}/documents/piece-rib"
    assert api.get(url, "ana").status_code == 200
    assert api.get(url, "staff").status_code == 200
    assert api.get(url, "bruno").status_code == 404  # as if it did not exist
    assert api.get(url).status_code == 401
    listed = api.get(f"/api/dossiers/{dossier}/documents", "bruno")
    assert listed.status_code == 404
    # Nor may another applicant send files for it.
    foreign = api.attach(dossier, "rib", PNG, user="bruno")
    assert foreign.status_code == 404
    assert _pieces(api, dossier)["rib"]["mimetype"] == "application/pdf"
