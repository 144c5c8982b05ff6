"""FACT PDF documents: the deposit receipt and the convention, read back with pypdf."""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from engine import InvalidInputError
from workflows.fact.config import CONTACT
from workflows.fact.documents import (
    TEMPLATES_DIR,
    check_url,
    render_convention,
    render_decision,
    render_document,
    render_receipt,
)

OUTPUT_DIR = Path(__file__).resolve().parents[2] / "output"  # tests/output, git-ignored


PIECES = (
    ("cse_opinion", "Avis ou procès-verbal du CSE sur le projet", "PV CSE du 2 mars 2020.pdf",
     412_000),
    ("budget_annex", "Annexe budgétaire (budget détaillé du projet)",
     "Budget détaillé Atelier connecté.pdf", 88_500),
    ("rib", "Relevé d'identité bancaire (RIB)", "RIB Menuiserie Durand.pdf", 61_000),
    ("legal_document", "Extrait Kbis de moins de trois mois", "Kbis mars 2020.pdf", 1_250_000),
)  # fmt: skip


def piece(key: str, label: str, filename: str, size: int) -> dict[str, Any]:
    return {"label": label, "document": f"piece-{key}", "filename": filename, "size": size,
            "mimetype": "application/pdf"}  # fmt: skip


def dossier(**changes: Any) -> dict[str, Any]:
    """The task data of a deposited, then partly funded, FACT 2020-01 dossier."""
    data: dict[str, Any] = {
        "call_id": "2020-01",
        "call_title": "Transformation Numérique Concertée",
        "dossier_id": "2020-01-0042",
        "holder_user": "m.durand",
        "holder_email": "direction@menuiserie-durand.example",
        "track": "entreprise",
        "deposit_deadline": "2020-04-14T21:59:59+00:00",
        "commission_at": "2020-05-05T07:30:00+00:00",
        "response_delay": "P1M",
        "contact": dict(CONTACT),
        "deposited_at": "2020-04-14T21:59:58+00:00",  # 23:59:58 in Paris (summer time)
        "holder_name": "Menuiserie Durand SAS",
        "siret": "81234567800019",
        "holder_type": "company",
        "headcount": 48,
        "axes": [1, 3],
        "title": "Atelier connecté : concevoir avec les compagnons le suivi de production",
        "summary": "Choix et déploiement concertés d'un outil de suivi de production.",
        "objectives": "Associer les équipes au choix des outils et prévenir les TMS.",
        "methodology": "Diagnostic partagé, groupes de travail, expérimentation, bilan.",
        "partners": "Aract Auvergne-Rhône-Alpes, cabinet conseil",
        "cse_informed": True,
        "cse_informed_on": "2020-03-02",
        "cse_informed_how": "Réunion ordinaire du CSE",
        "cse_associated": True,
        "budget_total": 160_000,
        "amount_requested": 80_000,
        "outcome": "accepted",
        "amount_granted": 50_000,
        "pieces": {key: piece(key, label, name, size) for key, label, name, size in PIECES},
    }
    data.update(changes)
    return data


def text_of(pdf: bytes) -> tuple[int, str]:
    """Page count and the text on one line: no hyphenation breaks, plain spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"[\u2010-]\n", "", text)  # words hyphenated at a line end
    return len(reader.pages), re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture(scope="module")
def receipt() -> tuple[int, str]:
    return text_of(render_receipt(dossier()))


@pytest.fixture(scope="module")
def convention_pdf() -> bytes:
    return render_convention(dossier())


def test_receipt_is_one_page_with_the_legal_mentions(receipt: tuple[int, str]) -> None:
    pages, text = receipt
    assert pages == 1  # four pieces listed, and still one page
    assert "Pièces jointes reçues" in text
    assert "Relevé d'identité bancaire (RIB) : RIB Menuiserie Durand.pdf (61" in text
    assert "Kbis mars 2020.pdf (1,2" in text
    assert "Accusé de réception".upper() in text.upper() and "Mission Fact" in text
    assert "Dossier n° 2020-01-0042" in text
    assert "2020-01 « Transformation Numérique Concertée »" in text
    assert "reçu le 14 avril 2020 à 23 h 59 min 58 s, heure de Paris" in text
    assert "Menuiserie Durand SAS" in text and "812 345 678 00019" in text
    assert "Entreprise" in text and "Fact entreprise" in text
    assert "Atelier connecté : concevoir avec les compagnons le suivi de production" in text
    for fact in ("Anact, mission Fact", CONTACT["address"], "infofact@anact.fr", "04 72 56 14 73"):
        assert fact in text
    assert "au plus tard le 5 juin 2020" in text and "5 mai 2020" in text
    assert "Axe 1 : Concertation et négociation" in text and "Axe 3 : Solutions" in text
    assert "Axe 2" not in text
    assert "80 000 €" in text and "160 000 €" in text
    assert "Oui, le 2 mars 2020 (Réunion ordinaire du CSE)" in text
    assert "CSE associé au projet Oui" in text


def test_receipt_shows_a_winter_deposit_in_paris_time() -> None:
    _, text = text_of(render_receipt(dossier(deposited_at="2020-01-31T23:30:05+00:00")))
    assert "reçu le 1er février 2020 à 0 h 30 min 05 s, heure de Paris" in text


def test_convention_has_parties_amount_terms_and_signatures(convention_pdf: bytes) -> None:
    pages, text = text_of(convention_pdf)
    assert 2 <= pages <= 3
    assert "Convention de subvention".upper() in text.upper()
    assert "Agence nationale pour l'amélioration des conditions de travail" in text
    assert "192 avenue Thiers, 69457 Lyon Cedex 06" in text and "directeur général" in text
    assert "Menuiserie Durand SAS" in text and "SIRET 812 345 678 00019" in text
    assert "« Atelier connecté : concevoir avec les compagnons le suivi de production »" in text
    assert "n° 2020-01 « Transformation Numérique Concertée »" in text
    assert "50 000 €" in text and "18 mois" in text
    assert "50 %, soit 25 000 €, à la signature" in text and "rapport final" in text
    assert "rapport intermédiaire" in text and "capitalisation et de transfert" in text
    assert "comité social et économique (CSE)" in text
    assert "La commission de sélection est souveraine" in text
    assert "Financement partiel" not in text
    for label in ("Pour le porteur", "Pour l'Anact", "Nom et prénom du signataire", "Qualité"):
        assert label in text
    assert "Signature et cachet" in text
    assert f"Page 1 sur {pages}" in text and f"Page {pages} sur {pages}" in text


def test_convention_mentions_a_partial_funding() -> None:
    _, text = text_of(render_convention(dossier(outcome="partial", amount_granted="45000.5")))
    assert "la commission de sélection a accordé une partie du montant demandé" in text
    assert "soit 45 000,50 € sur les 80 000 € sollicités" in text
    # The instalments add up to the amount granted, cents included.
    assert "soit 22 500,25 €" in text and text.count("22 500,25 €") == 2


@pytest.mark.parametrize(
    ("outcome", "granted", "says", "never"),
    [
        ("accepted", 50_000, ["Le projet est retenu : subvention de 50 000 €",
                              "La convention de subvention"], ["partie des"]),
        ("partial", 30_000, ["financement partiel, pour 80 000 € demandés",
                             "soit une partie des 80 000 € demandés"], []),
        ("refused", None, ["Le projet n'est pas retenu", "n'a pas retenu le projet"],
         ["convention", "subvention de"]),
    ],
)  # fmt: skip
def test_the_decision_letter_says_the_outcome_in_one_page(
    outcome: str, granted: int | None, says: list[str], never: list[str]
) -> None:
    pages, text = text_of(render_decision(dossier(outcome=outcome, amount_granted=granted)))
    assert pages == 1
    assert "Notification de décision" in text and "réunie le 5 mai 2020" in text
    assert "aucun recours n'est recevable" in text and "infofact@anact.fr" in text
    for words in says:
        assert words in text, (outcome, words)
    for words in never:
        assert words not in text.replace("Fonds pour", ""), (outcome, words)


def test_the_decision_letter_gives_the_motivation_when_there_is_one() -> None:
    reasons = "Projet solide ; la capitalisation auprès de la branche reste à préciser."
    motivated = dossier(outcome="partial", amount_granted=30_000, motivation=reasons)
    pages, text = text_of(render_decision(motivated))
    assert pages == 1 and "Motivation de la décision" in text
    assert " ".join(reasons.split()) in " ".join(text.split())
    _, silent = text_of(render_decision(dossier(outcome="refused", amount_granted=None)))
    assert "Motivation" not in silent


@pytest.mark.parametrize(
    ("render", "changes", "field"),
    [
        (render_receipt, {"deposited_at": None}, "deposited_at"),
        (render_receipt, {"siret": "  "}, "siret"),
        (render_receipt, {"contact": {**CONTACT, "email": ""}}, "contact.email"),
        (render_receipt, {"response_delay": "un mois"}, "response_delay"),
        (render_receipt, {"deposited_at": "2020-04-14T23:59:58"}, "deposited_at"),  # naive
        (render_receipt, {"axes": [4]}, "axes"),
        (render_receipt, {"track": "autre"}, "track"),
        (render_convention, {"amount_granted": None}, "amount_granted"),
        (render_convention, {"amount_granted": "beaucoup"}, "amount_granted"),
        (render_convention, {"outcome": "refused"}, "outcome"),
        (render_convention, {"cse_informed": "oui"}, "cse_informed"),
        (render_decision, {"outcome": "expired"}, "outcome"),
        (render_decision, {"outcome": "accepted", "amount_granted": None}, "amount_granted"),
        (render_decision, {"commission_at": "bientôt"}, "commission_at"),
    ],
)
def test_documents_name_the_missing_or_bad_field(
    render: Any, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        render(dossier(**changes))
    assert caught.value.field == field and field in caught.value.errors


def test_documents_refuse_an_absent_key() -> None:
    data = dossier()
    del data["holder_name"]
    with pytest.raises(InvalidInputError) as caught:
        render_convention(data)
    assert caught.value.field == "holder_name"


def test_render_document_dispatches_by_template_name() -> None:
    assert render_document("receipt", dossier()).startswith(b"%PDF-")
    with pytest.raises(InvalidInputError) as caught:
        render_document("invoice", dossier())
    assert caught.value.field == "template"


def test_documents_print_holder_text_literally() -> None:
    title = "<b>Outils</b> & <script>alert(1)</script> numériques"
    for render in (render_receipt, render_convention):
        _, text = text_of(render(dossier(title=title)))
        assert title in text


def test_documents_render_without_weasyprint_warnings(caplog: pytest.LogCaptureFixture) -> None:
    # A warning means unsupported CSS, a missing font or a refused resource.
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_receipt(dossier())
        render_convention(dossier(outcome="partial"))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_documents_fetch_only_local_template_files() -> None:
    check_url((TEMPLATES_DIR / "document.css").as_uri())
    check_url("data:text/css;base64,Ym9keXt9")
    for url in (
        "https://fonts.googleapis.com/css?family=Roboto",
        "http://127.0.0.1/",
        "file:///etc/passwd",
        (TEMPLATES_DIR / ".." / ".." / "config.py").as_uri(),
        "file://remote-host/share/document.css",
    ):
        with pytest.raises(ValueError, match="refusée"):
            check_url(url)


def test_convention_page_one_as_png(convention_pdf: bytes, tmp_path: Path) -> None:
    """Renders page 1 to tests/output/ so a person can look at the layout."""
    started = time.perf_counter()
    render_convention(dossier(outcome="partial"))
    print(f"\nconvention rendered in {time.perf_counter() - started:.3f} s")  # not asserted
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / "convention.pdf"
    source.write_bytes(convention_pdf)
    OUTPUT_DIR.mkdir(exist_ok=True)
    target = OUTPUT_DIR / "convention-page-1"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", source, target],
        check=True,
        timeout=60,
    )
    png = target.with_suffix(".png")
    assert png.read_bytes().startswith(b"\x89PNG")
