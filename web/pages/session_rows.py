"""The rows of the commission's session page, written by `str.format` with every value
escaped by markupsafe rather than by Jinja: a session of 300 dossiers is 300 rows of a dozen
fields each, which Jinja writes in about 100 ms (bench/pages.py) and this in a fraction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from workflows.fact.commission import OUTCOMES, Candidate
from workflows.french import amount_fr, number_fr

ROW = (
    '<tr class="candidate{disputed}" data-requested="{requested_value}">'
    '<td data-label="Rang">{rank}</td>'
    '<th scope="row"><a href="{url}">{id}</a> <span class="hint">{title} — {holder}</span></th>'
    '<td data-label="Demandé">{requested}</td>'
    '<td data-label="Moyenne /30">{mean}</td>'
    '<td class="scores">{scores}</td>'
    '<td class="decision">{decision}{amount}{motivation}</td></tr>\n'
)
SCORE = "<span>C{n}&nbsp;{mean}{flag}</span> "
FLAG = ' <strong class="flag">⚠&nbsp;{spread}</strong>'
FIELD = '<div{error_class}><label for="{id}">{label}</label>{error}{control}</div>'
ERROR = '<span class="field-error" id="{id}-erreur">{message}</span>'
DESCRIBED = ' aria-describedby="{id}-erreur" aria-invalid="true"'
SELECT = '<select id="{id}" name="{name}"{described}{off}>{options}</select>'
OPTION = '<option value="{value}"{selected}>{word}</option>'
INPUT = (
    '<input id="{id}" name="{name}" inputmode="numeric" value="{value}" data-amount'
    "{described}{off}>"
)
TEXTAREA = (
    '<textarea id="{id}" name="{name}" maxlength="2000" rows="2"{described}{off}>{value}</textarea>'
)


# The decision's options, one list per decision chosen (or none).
_OPTIONS = {
    chosen: '<option value="">—</option>'
    + "".join(
        OPTION.format(value=value, word=word, selected=" selected" if chosen == value else "")
        for value, word in OUTCOMES.items()
    )
    for chosen in (None, *OUTCOMES)
}


def rows_html(
    candidates: Iterable[Candidate],
    chosen: Mapping[str, Mapping[str, Any]],
    errors: Mapping[str, list[str]],
    *,
    sitting: bool,
    dossier_url: str,
) -> Markup:
    """The session's rows: each dossier with its synthesis and the decision typed or saved
    (`chosen`), errors beside their fields; `dossier_url` leads to a dossier's page, + its id."""
    off = "" if sitting else " disabled"
    return Markup(
        "".join(
            _row(rank, c, chosen.get(c.id) or {}, errors, off, dossier_url)
            for rank, c in enumerate(candidates, 1)
        )
    )


def _row(
    rank: int,
    c: Candidate,
    chosen: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    off: str,
    dossier_url: str,
) -> str:
    key, s, v = escape(f"d-{c.id}"), c.synthesis, c.variables

    def field(name: str, label: str, control: str, value: str) -> str:
        ident, problem = f"{key}-{name}", errors.get(f"d-{c.id}.{name}")
        described = DESCRIBED.format(id=ident) if problem else ""
        return FIELD.format(
            error_class=' class="has-error"' if problem else "",
            id=ident,
            label=label,
            error=ERROR.format(id=ident, message=escape(problem[0])) if problem else "",
            control=control.format(
                id=ident,
                name=f"{key}.{name}",
                described=described,
                off=off,
                options=value,
                value=value,
            ),
        )

    decision, amount = chosen.get("decision"), chosen.get("amount")
    options = _OPTIONS.get(decision) or _OPTIONS[None]
    return ROW.format(
        disputed=" disagreement" if s.disagreements else "",
        requested_value=int(c.requested),
        rank=rank,
        url=escape(dossier_url + c.id),
        id=escape(c.id),
        title=escape(v.get("title") or ""),
        holder=escape(v.get("holder_name") or ""),
        requested=amount_fr(c.requested),  # figures and spaces only: nothing to escape
        mean=number_fr(s.mean),
        scores="".join(
            SCORE.format(
                n=n,
                mean=number_fr(k.mean),
                flag=FLAG.format(spread=k.spread) if k.disagreement else "",
            )
            for n, k in enumerate(s.criteria, 1)
        ),
        decision=field("decision", "Décision", SELECT, options),
        amount=field(
            "amount", "Montant accordé (€)", INPUT, escape("" if amount is None else amount)
        ),
        motivation=field(
            "motivation", "Motivation", TEXTAREA, escape(chosen.get("motivation") or "")
        ),
    )
