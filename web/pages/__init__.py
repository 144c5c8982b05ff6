"""Pages for people, server-rendered, by audience: public (calls), account (sign-in), staff.

Every page stands on `templates/base.html` (landmarks, skip link, navigation by role, built
assets) and answers errors as French pages; JSON problems are for `/api/…` only.
"""

from __future__ import annotations

from flask import Flask, Response, request

from workflows import french

from . import (
    account,
    applicant,
    call_settings,
    commission,
    cse,
    dashboard,
    file_editors,
    instruction,
    instruction_list,  # noqa: F401 - its routes are the instruction blueprint's
    modeler,
    operations,
    people,
    public,
    reviews,
    staff,
)

# No inline script, no asset from elsewhere; inline style attributes stay allowed (the mails
# shown to staff and the form-js viewer use them), fonts too (the modeler's icons are embedded).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    for module in (public, account, applicant, cse, instruction, commission, reviews, staff,
                   operations, dashboard, call_settings, people, modeler,
                   file_editors):  # fmt: skip
        app.register_blueprint(module.bp)
    app.jinja_env.filters.update(
        datetime_fr=french.datetime_fr,
        date_fr=french.date_fr,
        day_fr=french.day_fr,
        time_fr=french.time_fr,
        amount_fr=french.amount_fr,
        number_fr=french.number_fr,
        duration_fr=french.duration_fr,
        of_duration_fr=french.of_duration_fr,
        deadline_fr=french.deadline_fr,
    )
    app.after_request(_protect)


def _protect(response: Response) -> Response:
    if response.mimetype == "text/html" and not request.path.startswith("/api/docs"):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
