"""What the diagrams of a version may name, for an editor to offer: the forms and decisions
shipped with it, the services the engine registers and the parameters each takes."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from inspect import Parameter
from typing import Any

from lxml import etree


@dataclass(frozen=True)
class ServiceParameter:
    name: str
    required: bool


@dataclass(frozen=True)
class Catalogue:
    forms: list[str]  # form keys (`deposit` for deposit.form and deposit-*.form)
    decisions: dict[str, str]  # decision id -> name
    services: dict[str, list[ServiceParameter]]  # None parameters: not described


def service_parameters(service: Callable[..., Any]) -> list[ServiceParameter] | None:
    """The named parameters a service takes after its context (None when Python cannot
    describe the callable)."""
    try:
        signature = inspect.signature(service)
    except (TypeError, ValueError):
        return None
    kinds = (Parameter.POSITIONAL_OR_KEYWORD, Parameter.KEYWORD_ONLY)
    return [
        ServiceParameter(p.name, p.default is Parameter.empty)
        for p in list(signature.parameters.values())[1:]
        if p.kind in kinds
    ]


def catalogue(files: Mapping[str, str], services: Mapping[str, Callable[..., Any]]) -> Catalogue:
    forms = sorted({name.removesuffix(".form").split("-")[0] for name in files
                    if name.endswith(".form")})  # fmt: skip
    decisions: dict[str, str] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for name, content in sorted(files.items()):
        if name.endswith(".dmn"):
            root = etree.fromstring(content.encode(), parser)
            for decision in root.iter("{*}decision"):
                decisions[decision.get("id") or ""] = decision.get("name") or ""
    described = {name: service_parameters(service) for name, service in sorted(services.items())}
    return Catalogue(forms, decisions, {k: v or [] for k, v in described.items()})
