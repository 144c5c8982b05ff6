"""Accounts changed by staff: roles and access, each change kept with who made it; a closed
account's token and session stop answering at once; the rules of workflows.fact.people."""

from __future__ import annotations

import pytest

from engine import Engine, ForbiddenError, InvalidInputError
from workflows.fact.people import change_roles, set_open

PASSWORD = "mot-de-passe-test"


@pytest.fixture
def people(engine: Engine) -> Engine:
    engine.identity.create_user("chef", PASSWORD, roles=["admin"], email="chef@x.fr")
    engine.identity.create_user("mf", PASSWORD, roles=["staff"], email="mf@x.fr")
    engine.identity.create_user("lea", PASSWORD, roles=["reviewer"], email="lea@x.fr", actor="mf")
    return engine


def test_changes_are_kept_with_who_made_them(people: Engine) -> None:
    mf = people.identity.get("mf")
    change_roles(people, "lea", ["reviewer", "commission"], by=mf)
    change_roles(people, "lea", ["commission", "reviewer"], by=mf)  # the same: nothing kept
    set_open(people, "lea", False, by=mf)
    changes = people.identity.account_changes("lea")
    assert [(c.actor, c.change) for c in changes] == [
        ("mf", {"active": [True, False]}),
        ("mf", {"roles": [["reviewer"], ["commission", "reviewer"]]}),
        ("mf", {"created": {"roles": ["reviewer"]}}),
    ]
    assert people.identity.account_changes()[0].username == "lea"


def test_a_closed_account_stops_at_once_and_reopens(people: Engine) -> None:
    token = people.identity.issue_token("lea")
    session = people.sessions.open("lea")
    assert people.identity.user_for_token(token) is not None  # and now cached
    set_open(people, "lea", False, by=people.identity.get("mf"))
    assert people.identity.user_for_token(token) is None
    assert people.sessions.user_of(session) is None
    assert people.identity.authenticate("lea", PASSWORD) is None
    set_open(people, "lea", True, by=people.identity.get("mf"))
    assert people.identity.user_for_token(token) is not None


@pytest.mark.parametrize(
    ("who", "target", "roles", "error"),
    [
        ("mf", "lea", ["admin"], ForbiddenError),  # only an admin gives the admin's role
        ("mf", "chef", ["staff"], ForbiddenError),  # nor changes an admin's roles
        ("mf", "mf", ["reviewer"], InvalidInputError),  # nobody takes their own roles away
        ("mf", "lea", [], InvalidInputError),
        ("mf", "lea", ["wizard"], InvalidInputError),
    ],
)
def test_role_changes_that_are_refused_leave_the_account_as_it_was(
    people: Engine, who: str, target: str, roles: list[str], error: type[Exception]
) -> None:
    before = people.identity.get(target)
    with pytest.raises(error):
        change_roles(people, target, roles, by=people.identity.get(who))
    assert people.identity.get(target) == before
    assert all("roles" not in c.change for c in people.identity.account_changes(target))


def test_nobody_closes_their_own_account_and_staff_do_not_close_an_admin(people: Engine) -> None:
    with pytest.raises(InvalidInputError):
        set_open(people, "mf", False, by=people.identity.get("mf"))
    with pytest.raises(ForbiddenError):
        set_open(people, "chef", False, by=people.identity.get("mf"))
    assert people.identity.get("chef").active and people.identity.get("mf").active
    assert change_roles(people, "lea", ["admin"], by=people.identity.get("chef")).roles == (
        "admin",
    )
