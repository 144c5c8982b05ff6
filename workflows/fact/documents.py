"""PDF documents of a FACT dossier: the deposit receipt, the decision letter and the grant
agreement (convention).

Each document is a Jinja2 HTML template printed by WeasyPrint. The Python side turns process
data into display values (Paris dates, French amounts, labels) and names the first missing or
malformed field in an `InvalidInputError`, so a service task fails with a readable incident.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
import weasyprint

from engine import InvalidInputError
from engine.dates import add_duration, parse_datetime
from workflows.fact.config import AXES, HOLDER_TYPES, TRACKS
from workflows.french import amount_fr, date_fr, duration_fr, size_fr, time_fr

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "documents"

ANACT = {
    "name": "Agence nationale pour l'amélioration des conditions de travail",
    "short": "Anact",
    "address": "192 avenue Thiers, 69457 Lyon Cedex 06",
    "representative": "son directeur général",
}
CONVENTION_MONTHS = 18  # duration of the agreement, counted from the last signature
INTERMEDIATE_REPORT_MONTHS = 9  # mid-term report, counted from the signature
PAYMENTS = (  # (percent, when): the instalments of the grant, summing to 100
    (50, "à la signature de la présente convention par les deux parties"),
    (50, "à la réception et à la validation par l'Anact du rapport final"),
)

OUTCOMES = ("accepted", "partial")  # a refused dossier has no convention
NBSP = "\u00a0"  # keeps "50 000 €" and "23 h 59" on one line


# --- French formatting (Babel, Paris time: workflows.french) -------------------------------


def _glued(text: str) -> str:
    return text.replace(" ", NBSP)


def _on(moment: datetime | date) -> str:
    return _glued(date_fr(moment))


def format_siret(siret: str) -> str:
    """`123 456 789 00018` (SIREN then NIC) when it has the 14 digits of a SIRET."""
    digits = siret.replace(" ", "")
    if len(digits) != 14 or not digits.isdigit():
        return siret
    return NBSP.join([digits[:3], digits[3:6], digits[6:9], digits[9:]])


def _when(moment: datetime) -> str:
    return _glued(f"{date_fr(moment)} à {time_fr(moment, seconds=True)}")


# --- reading process data ------------------------------------------------------------------


def _require(data: Mapping[str, Any], key: str, *, prefix: str = "") -> Any:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        name = f"{prefix}{key}"
        raise InvalidInputError(f"champ manquant pour le document : {name}", field=name)
    return value


def _text(data: Mapping[str, Any], key: str, *, prefix: str = "") -> str:
    return str(_require(data, key, prefix=prefix)).strip()


def _moment(data: Mapping[str, Any], key: str) -> datetime:
    try:
        return parse_datetime(_require(data, key))
    except (TypeError, ValueError) as exc:  # naive or unparsable: its zone would be a guess
        raise InvalidInputError(f"date invalide : {key} ({exc})", field=key) from exc


def _amount(data: Mapping[str, Any], key: str) -> Decimal:
    value = _require(data, key)
    try:
        if isinstance(value, bool):  # True would read as 1 €
            raise InvalidOperation
        amount = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation as exc:
        raise InvalidInputError(f"montant invalide : {key}", field=key) from exc
    if not amount.is_finite() or amount < 0:
        raise InvalidInputError(f"montant invalide : {key}", field=key)
    return amount


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = _require(data, key)
    if not isinstance(value, bool):
        raise InvalidInputError(f"oui ou non attendu : {key}", field=key)
    return value


def _label(data: Mapping[str, Any], key: str, labels: Mapping[str, str]) -> str:
    code = _text(data, key)
    if code not in labels:
        raise InvalidInputError(f"valeur inconnue pour {key} : {code!r}", field=key)
    return labels[code]


def _axes(data: Mapping[str, Any]) -> list[str]:
    chosen = _require(data, "axes")
    axes = data.get("call_axes") or AXES  # the call's own axes (dossiers of old kept none)
    labels = {str(axis["id"]): f"Axe {axis['id']} : {axis['label']}" for axis in axes}
    if not isinstance(chosen, list | tuple) or not chosen:
        raise InvalidInputError("au moins un axe attendu : axes", field="axes")
    unknown = [axis for axis in chosen if str(axis) not in labels]
    if unknown:
        raise InvalidInputError(f"axe inconnu : {unknown[0]!r}", field="axes")
    return [labels[str(axis)] for axis in sorted(chosen, key=str)]


def _holder(data: Mapping[str, Any]) -> dict[str, Any]:
    """What both documents say of the call, the dossier and its holder."""
    return {
        "call_id": _text(data, "call_id"),
        "call_title": _text(data, "call_title"),
        "dossier_id": _text(data, "dossier_id"),
        "holder_name": _text(data, "holder_name"),
        "siret": format_siret(_text(data, "siret")),
        "holder_type": _label(data, "holder_type", HOLDER_TYPES),
        "track": _label(data, "track", {t["id"]: t["label"] for t in TRACKS}),
        "title": _text(data, "title"),
        "axes": _axes(data),
        "deposited_on": _on(_moment(data, "deposited_at")),
    }


def _cse(data: Mapping[str, Any]) -> dict[str, Any]:
    """How the staff representatives were informed and associated, as the holder declared it."""
    informed_on = data.get("cse_informed_on")
    if informed_on:
        try:  # the form gives a plain date: no time, hence no zone to convert
            informed_on = _on(date.fromisoformat(str(informed_on)[:10]))
        except ValueError as exc:
            message = "date invalide : cse_informed_on"
            raise InvalidInputError(message, field="cse_informed_on") from exc
    return {
        "informed": _flag(data, "cse_informed"),
        "informed_on": informed_on or None,
        "informed_how": str(data.get("cse_informed_how") or "").strip() or None,
        "associated": _flag(data, "cse_associated"),
    }


# --- contexts ------------------------------------------------------------------------------


def receipt_context(data: Mapping[str, Any]) -> dict[str, Any]:
    """The receipt's display values; raises InvalidInputError naming the first missing field."""
    received = _moment(data, "deposited_at")
    commission = _moment(data, "commission_at")
    delay = _text(data, "response_delay")
    try:
        response_by = parse_datetime(add_duration(commission, delay))
    except ValueError as exc:
        raise InvalidInputError(f"durée invalide : {delay!r}", field="response_delay") from exc
    deadline = data.get("deposit_deadline")
    return {
        **_holder(data),
        "received": _when(received),
        "deadline": _when(_moment(data, "deposit_deadline")) if deadline else None,
        "commission_on": _on(commission),
        "response_delay": duration_fr(delay),
        "response_by": _on(response_by),
        "contact": _contact(data),
        "amount_requested": amount_fr(_amount(data, "amount_requested")),
        "budget_total": amount_fr(_amount(data, "budget_total"))
        if data.get("budget_total") not in (None, "")
        else None,
        "cse": _cse(data),
        "holder_email": str(data.get("holder_email") or "").strip() or None,
        "pieces": _pieces(data),
    }


def _pieces(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The pieces received with the dossier, as the receipt lists them."""
    pieces = data.get("pieces") or {}
    if not isinstance(pieces, Mapping):
        raise InvalidInputError("pièces jointes attendues : pieces", field="pieces")
    return [
        {
            "label": str(piece.get("label") or key),
            "filename": str(piece.get("filename") or ""),
            "size": size_fr(int(piece.get("size") or 0)),
        }
        for key, piece in pieces.items()
        if isinstance(piece, Mapping)
    ]


def _contact(data: Mapping[str, Any]) -> dict[str, str]:
    contact = _require(data, "contact")
    if not isinstance(contact, Mapping):
        raise InvalidInputError("coordonnées du service attendues : contact", field="contact")
    return {
        key: _text(contact, key, prefix="contact.")
        for key in ("service", "address", "email", "phone")
    }


def decision_context(data: Mapping[str, Any]) -> dict[str, Any]:
    """The decision letter's display values; raises InvalidInputError naming the first
    missing field."""
    outcome = _text(data, "outcome")
    if outcome not in (*OUTCOMES, "refused"):
        raise InvalidInputError(f"pas de décision {outcome!r} à notifier", field="outcome")
    granted = _amount(data, "amount_granted") if outcome != "refused" else None
    commission_at = data.get("commission_at")
    return {
        **_holder(data),
        "outcome": outcome,
        "partial": outcome == "partial",
        "amount_granted": amount_fr(granted) if granted is not None else None,
        "amount_requested": amount_fr(_amount(data, "amount_requested")),
        "commission_on": _on(_moment(data, "commission_at")) if commission_at else None,
        "motivation": str(data.get("motivation") or "").strip() or None,
        "contact": _contact(data),
    }


def convention_context(data: Mapping[str, Any]) -> dict[str, Any]:
    """The convention's display values; raises InvalidInputError naming the first missing field."""
    outcome = _text(data, "outcome")
    if outcome not in OUTCOMES:
        raise InvalidInputError(f"pas de convention pour la décision {outcome!r}", field="outcome")
    granted = _amount(data, "amount_granted")
    if granted <= 0:
        raise InvalidInputError("montant accordé nul : amount_granted", field="amount_granted")
    # The first instalments are rounded to the cent; the last takes the remainder so the
    # instalments always add up to the amount granted.
    instalments, paid = [], Decimal(0)
    for index, (percent, when) in enumerate(PAYMENTS):
        share = (
            granted - paid
            if index == len(PAYMENTS) - 1
            else (granted * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        )
        paid += share
        instalments.append({"percent": percent, "amount": amount_fr(share), "when": when})
    commission_at = data.get("commission_at")
    return {
        **_holder(data),
        "anact": ANACT,
        "partial": outcome == "partial",
        "amount_granted": amount_fr(granted),
        "amount_requested": amount_fr(_amount(data, "amount_requested"))
        if outcome == "partial"
        else None,
        "commission_on": _on(_moment(data, "commission_at")) if commission_at else None,
        "months": CONVENTION_MONTHS,
        "intermediate_months": INTERMEDIATE_REPORT_MONTHS,
        "instalments": instalments,
        "cse": _cse(data),
        "signed": _signatures(data) if data.get("convention_signed") else None,
    }


def _signatures(data: Mapping[str, Any]) -> dict[str, str | None]:
    """Who signed the convention, as what and when (the signed copy)."""

    def said(key: str) -> str | None:
        return str(data.get(key) or "").strip() or None

    return {
        "holder_name": said("signatory_name"),
        "holder_role": said("signatory_role"),
        "holder_on": _on(_moment(data, "holder_signed_at")) if said("holder_signed_at") else None,
        "anact_name": said("countersignatory_name"),
        "anact_on": _on(_moment(data, "countersigned_at")),
    }


# --- rendering -----------------------------------------------------------------------------


def check_url(url: str) -> None:
    """Refuse every resource but data: URLs and files of the templates folder (no network)."""
    if url.startswith("data:"):
        return
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        path = Path(url2pathname(parts.path)).resolve()
        if path.is_relative_to(TEMPLATES_DIR):
            return
    raise ValueError(f"ressource refusée dans un document : {url}")


def _url_fetcher() -> Any:
    """A fetcher for this WeasyPrint: a URLFetcher subclass (>= 68) or a function (older)."""
    base = getattr(weasyprint, "URLFetcher", None)
    if base is None:
        default: Callable[[str], dict[str, Any]] = weasyprint.default_url_fetcher

        def fetch(url: str) -> dict[str, Any]:
            check_url(url)
            return default(url)

        return fetch

    class LocalFetcher(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> Any:
            check_url(url)
            return super().fetch(url, headers)

    return LocalFetcher()  # one per document: a URLFetcher keeps per-request state


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,  # holder text is printed as typed, never interpreted as HTML
    undefined=jinja2.StrictUndefined,  # a template typo fails the tests, not a silent blank
    trim_blocks=True,
    lstrip_blocks=True,
)


def _print(template: str, context: Mapping[str, Any]) -> bytes:
    html = _environment.get_template(f"{template}.html").render(context)
    document = weasyprint.HTML(
        string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=_url_fetcher()
    )
    return document.write_pdf()


def render_receipt(data: Mapping[str, Any]) -> bytes:
    """The deposit receipt ("accusé de réception") as a one-page A4 PDF."""
    return _print("receipt", receipt_context(data))


def render_decision(data: Mapping[str, Any]) -> bytes:
    """The decision letter ("notification de décision") as a one-page A4 PDF."""
    return _print("decision", decision_context(data))


def render_convention(data: Mapping[str, Any]) -> bytes:
    """The grant agreement ("convention de subvention") as an A4 PDF."""
    return _print("convention", convention_context(data))


RENDERERS: dict[str, Callable[[Mapping[str, Any]], bytes]] = {
    "receipt": render_receipt,
    "decision": render_decision,
    "convention": render_convention,
}


def render_document(template: str, data: Mapping[str, Any]) -> bytes:
    """The named document ("receipt", "decision" or "convention") as PDF bytes."""
    renderer = RENDERERS.get(template)
    if renderer is None:
        raise InvalidInputError(f"modèle de document inconnu : {template!r}", field="template")
    return renderer(data)
