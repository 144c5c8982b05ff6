"""Diagrams drawn in Camunda Modeler (Camunda 7 `camunda:`, Camunda 8 `zeebe:`) or bpmn.io, made
readable by this engine.

What the engine reads (forms, assignees, due dates, services and their parameters, decisions,
conditions, timers) is rewritten as the SpiffWorkflow extensions it reads. Every other vendor
setting is taken out, since nothing here would act on it. Each change and each loss is listed,
in French, for the person who drew the diagram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from . import import_terms as terms
from .bpmn import MAX_FILE_BYTES
from .constructs import BPMN
from .errors import DeploymentError
from .import_terms import CAMUNDA, VENDORS, WHY, ZEEBE
from .references import SPIFF

# Comments and layout are kept: the file goes back to a modeler.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

Outcome = Literal["mapped", "reported"]
MAPPED: Outcome = "mapped"
REPORTED: Outcome = "reported"


@dataclass(frozen=True)
class ImportNote:
    element_id: str
    element_name: str | None
    attribute: str  # as the modeler writes it: `camunda:formKey`, `zeebe:taskDefinition/@type`
    outcome: Outcome
    message: str


@dataclass(frozen=True)
class ImportResult:
    content: bytes
    report: list[ImportNote]


def import_bpmn(content: bytes, filename: str | None = None) -> ImportResult:
    """The diagram rewritten for this engine, with what became what and what was left out.
    A file with nothing to rewrite comes back byte for byte."""
    root = _read(content, filename)
    conversion = _Conversion()
    conversion.run(root)
    if not conversion.changed:
        return ImportResult(content, conversion.notes)
    # Vendor namespaces are no longer used; every other declaration stays, even one used only
    # in attribute values (`xsi:type="bpmn:tFormalExpression"`).
    nsmaps = [el.nsmap.items() for el in root.iter(etree.Element)]
    keep = sorted({p for nsmap in nsmaps for p, uri in nsmap if p and uri not in VENDORS})
    etree.cleanup_namespaces(root, top_nsmap={"spiffworkflow": SPIFF}, keep_ns_prefixes=keep)
    body = etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=False)
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
    return ImportResult(body, conversion.notes)


def _read(content: bytes, filename: str | None) -> etree._Element:
    where, field = (f"{filename} : ", filename) if filename else ("", "files")
    if len(content) > MAX_FILE_BYTES:
        raise DeploymentError(f"{where}fichier trop volumineux", field=field)
    # A DOCTYPE is never needed in BPMN; refusing it closes every entity trick.
    if b"<!doctype" in content.lower():
        raise DeploymentError(f"{where}les déclarations DOCTYPE sont refusées", field=field)
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        line = f" (ligne {exc.lineno})" if exc.lineno else ""
        raise DeploymentError(f"{where}ce n'est pas un fichier XML{line}", field=field) from None
    if root.tag != f"{{{BPMN}}}definitions":
        found = etree.QName(root).localname
        text = f"{where}ce n'est pas un diagramme BPMN (racine « {found} », pas bpmn:definitions)"
        raise DeploymentError(text, field=field)
    return root


_PARTS = ("EventDefinition", "LoopCharacteristics", "extensionElements")  # not what notes are on
_TASKS = {"userTask": "_user_task", "serviceTask": "_service_task", "scriptTask": "_script_task",
          "businessRuleTask": "_business_rule_task", "callActivity": "_call_activity"}  # fmt: skip


class _Conversion:
    def __init__(self) -> None:
        self.notes: list[ImportNote] = []
        self.changed = False
        self._emptied: list[etree._Element] = []  # extensionElements that lost children

    def run(self, root: etree._Element) -> None:
        for element in list(root.iter(etree.Element)):
            kind = etree.QName(element)
            if kind.namespace != BPMN:
                continue
            if kind.localname in terms.EXPRESSIONS:
                self._expression(element)
                continue
            if kind.localname in _TASKS:
                getattr(self, _TASKS[kind.localname])(element)
            self._ignored(element)
        self._sweep(root)

    def note(self, element: etree._Element, attribute: str, outcome: Outcome, text: str) -> None:
        at = _holder(element)
        self.notes.append(ImportNote(at.get("id") or "", at.get("name"), attribute, outcome, text))

    def take(
        self, element: etree._Element, names: tuple[str, ...], child: str = ""
    ) -> dict[str, str]:
        """Vendor settings taken out of the element, by attribute: `camunda:` attributes, or
        with `child` those of that `zeebe:` extension (its other attributes are reported)."""
        if not child:
            found = {f"camunda:{n}": element.attrib.pop(f"{{{CAMUNDA}}}{n}", None) for n in names}
            found = {k: v for k, v in found.items() if v is not None}
            self.changed |= bool(found)
            return found
        found = {}
        for extension in self.children(element, ZEEBE, child):
            for name, value in extension.attrib.items():
                if name in names:
                    found[f"zeebe:{child}/@{name}"] = value
                else:
                    text = f"« {value} » {WHY['unread']}"
                    self.note(element, f"zeebe:{child}/@{name}", REPORTED, text)
        return found

    def children(self, element: etree._Element, vendor: str, name: str) -> list[etree._Element]:
        """The vendor extensions of that name, taken out of the element."""
        ext = element.find(f"{{{BPMN}}}extensionElements")
        found = [] if ext is None else ext.findall(f"{{{vendor}}}{name}")
        for child in found:
            ext.remove(child)
            self._emptied.append(ext)
            self.changed = True
        return found

    def _user_task(self, task: etree._Element) -> None:
        found = self.take(task, terms.USER_TASK)
        for child, names in terms.ZEEBE_USER_TASK.items():
            found.update(self.take(task, names, child))
        for attribute, raw in found.items():
            setting = re.split(r"[:@]", attribute)[-1]
            value, check = terms.python_value(raw)
            if setting.startswith("candidate"):
                self.note(task, attribute, REPORTED, f"« {raw} » {WHY['groups']}")
            elif setting.startswith("form") and terms.dynamic(raw):
                self.note(task, attribute, REPORTED, f"« {raw} » {WHY['dynamic']}")
            elif value is None:
                self.note(task, attribute, REPORTED, f"« {raw} » {check}")
            elif setting.startswith("form"):
                key, what = terms.form_key(raw)
                _set_property(task, "formKey", key)
                text = (
                    f"« {raw} » devient la propriété formKey « {key} »{what} ; déployez {key}.form"
                )
                self.note(task, attribute, MAPPED, text)
            else:  # assignee, dueDate: Python expressions in this engine
                _set_property(task, setting, value)
                text = f"« {raw} » devient la propriété {setting} « {value} »{check}"
                self.note(task, attribute, MAPPED, text)

    def _service_task(self, task: etree._Element) -> None:
        found = self.take(task, ("type", "topic", "resultVariable"))
        found.update(self.take(task, ("type", "retries"), "taskDefinition"))
        if "zeebe:taskDefinition/@retries" in found:
            self.note(task, "zeebe:taskDefinition/@retries", REPORTED, WHY["retries"])
        if found.get("camunda:type", "external") != "external":  # a connector, not a topic
            found["camunda:topic"] = ""
        names = ("camunda:topic", "zeebe:taskDefinition/@type")
        service = next((a for a in names if found.get(a) and not terms.dynamic(found[a])), None)
        inputs = self._inputs(task)
        if service is None:
            for attribute in ("camunda:type", *names, "camunda:resultVariable"):
                if found.get(attribute):
                    self.note(task, attribute, REPORTED, f"« {found[attribute]} » {terms.JAVA}")
            for param, attribute, _raw in inputs:
                self.note(task, attribute, REPORTED, f"paramètre « {param} » {WHY['no service']}")
            return
        name = found[service]
        operator = etree.SubElement(_extensions(task), f"{{{SPIFF}}}serviceTaskOperator", id=name)
        text = f"« {name} » devient le service « {name} » : ce doit être un service enregistré"
        self.note(task, service, MAPPED, text)
        if found.get("camunda:resultVariable"):
            operator.set("resultVariable", found["camunda:resultVariable"])
            text = f"le résultat du service va dans « {found['camunda:resultVariable']} »"
            self.note(task, "camunda:resultVariable", MAPPED, text)
        parameters = etree.SubElement(operator, f"{{{SPIFF}}}parameters")
        for param, attribute, raw in inputs:
            value, check = terms.python_value(raw)
            if value is None:
                self.note(task, attribute, REPORTED, f"paramètre « {param} » : « {raw} » {check}")
                continue
            tag = f"{{{SPIFF}}}parameter"
            etree.SubElement(parameters, tag, id=param, type="any", value=value)
            self.note(task, attribute, MAPPED, f"le paramètre « {param} » vaut « {value} »{check}")

    def _inputs(self, task: etree._Element) -> list[tuple[str, str, str]]:
        """(parameter, attribute, source) of the task's input mappings, taken out; outputs and
        composite values are reported."""
        inputs = []
        for mapping in self.children(task, CAMUNDA, "inputOutput"):
            for item in mapping.iterfind("*"):
                attribute, name = f"camunda:{etree.QName(item).localname}", item.get("name")
                if "output" in attribute:
                    self.note(task, attribute, REPORTED, f"sortie « {name} » {WHY['output']}")
                elif len(item):
                    self.note(task, attribute, REPORTED, f"« {name} » {WHY['composite']}")
                else:
                    inputs.append((name or "", attribute, item.text or ""))
        for mapping in self.children(task, ZEEBE, "ioMapping"):
            for item in mapping.iterfind(f"{{{ZEEBE}}}output"):
                text = f"sortie « {item.get('target')} » {WHY['output']}"
                self.note(task, "zeebe:output", REPORTED, text)
            for item in mapping.iterfind(f"{{{ZEEBE}}}input"):
                inputs.append((item.get("target") or "", "zeebe:input", item.get("source") or ""))
        return inputs

    def _business_rule_task(self, task: etree._Element) -> None:
        found = self.take(task, ("decisionRef", "resultVariable"))
        found.update(self.take(task, ("decisionId", "resultVariable"), "calledDecision"))
        for attribute, raw in found.items():
            if attribute.endswith("resultVariable"):
                self.note(task, attribute, REPORTED, f"« {raw} » {WHY['decision result']}")
            elif terms.dynamic(raw):
                self.note(task, attribute, REPORTED, f"« {raw} » {WHY['dynamic']}")
            else:
                etree.SubElement(_extensions(task), f"{{{SPIFF}}}calledDecisionId").text = raw
                text = f"« {raw} » devient spiffworkflow:calledDecisionId ; déployez son DMN"
                self.note(task, attribute, MAPPED, text)

    def _script_task(self, task: etree._Element) -> None:
        language = task.get("scriptFormat") or "python"
        if language.lower() not in ("python", "py", "python3", "text/x-python"):
            text = f"script en « {language} » : le moteur n'exécute que du Python ; réécrivez-le"
            self.note(task, "scriptFormat", REPORTED, text)
        found = self.take(task, ("expression", "resultVariable"), "script")
        expression = found.get("zeebe:script/@expression")
        variable = found.get("zeebe:script/@resultVariable")
        if expression is None:
            return
        value, check = terms.python_value(expression)
        if value is None or not variable or task.find(f"{{{BPMN}}}script") is not None:
            self.note(task, "zeebe:script", REPORTED, f"« {expression} » {WHY['script']}")
            return
        last = task[-1] if len(task) else None
        script = etree.SubElement(task, f"{{{BPMN}}}script")  # the schema puts it last
        script.text = f"{variable} = {value}"
        if last is not None:  # same indentation as its siblings
            script.tail, last.tail = last.tail, task.text
        text = f"« {expression} » devient le script « {variable} = {value} »{check}"
        self.note(task, "zeebe:script", MAPPED, text)

    def _call_activity(self, task: etree._Element) -> None:
        for attribute, called in self.take(task, ("processId",), "calledElement").items():
            if terms.dynamic(called) or task.get("calledElement"):
                self.note(task, attribute, REPORTED, f"« {called} » {WHY['dynamic']}")
            else:
                task.set("calledElement", called)
                text = f"« {called} » devient le processus appelé (calledElement)"
                self.note(task, attribute, MAPPED, text)

    def _expression(self, element: etree._Element) -> None:
        attribute, raw = f"bpmn:{etree.QName(element).localname}", (element.text or "").strip()
        value, check = terms.python_expression(raw)
        if value is not None:
            element.text = value
            self.changed = True
            self.note(element, attribute, MAPPED, f"« {raw} » devient « {value} »{check}")
        elif check:
            self.note(element, attribute, REPORTED, f"« {raw} » {check}")

    def _ignored(self, element: etree._Element) -> None:
        for name, why in terms.IGNORED_ATTRIBUTES.items():
            for value in self.take(element, (name,)).values():
                self.note(element, f"camunda:{name}", REPORTED, f"« {value} » {why}")
        for (vendor, name), why in terms.IGNORED_ELEMENTS.items():
            for child in self.children(element, vendor, name):
                self.note(element, f"{VENDORS[vendor]}:{name}", REPORTED, why + _details(child))

    def _sweep(self, root: etree._Element) -> None:
        """Report and take out every vendor attribute and extension left."""
        for element in list(root.iter(etree.Element)):
            parent, vendor = element.getparent(), VENDORS.get(etree.QName(element).namespace)
            if vendor and parent is not None and etree.QName(parent).namespace not in VENDORS:
                attribute = f"{vendor}:{etree.QName(element).localname}"
                self.note(element, attribute, REPORTED, WHY["unread"] + _details(element))
                parent.remove(element)
                self._emptied.append(parent)
                self.changed = True
            elif not vendor:
                for name in [n for n in element.attrib if etree.QName(n).namespace in VENDORS]:
                    qname = etree.QName(name)
                    shown = f"{VENDORS[qname.namespace]}:{qname.localname}"
                    self.note(element, shown, REPORTED, f"« {element.get(name)} » {WHY['unread']}")
                    del element.attrib[name]
                    self.changed = True
        for ext in self._emptied:
            if ext.getparent() is not None and len(ext) == 0:
                ext.getparent().remove(ext)


def _holder(element: etree._Element) -> etree._Element:
    """The nearest BPMN element with an id that a modeler points at: task, flow, process."""
    found = element
    while found is not None:
        kind = etree.QName(found)
        if kind.namespace == BPMN and found.get("id") and not kind.localname.endswith(_PARTS):
            return found
        found = found.getparent()
    return element


def _extensions(element: etree._Element) -> etree._Element:
    ext = element.find(f"{{{BPMN}}}extensionElements")
    if ext is None:
        ext = etree.Element(f"{{{BPMN}}}extensionElements")
        docs = element.findall(f"{{{BPMN}}}documentation")  # the schema puts them first
        element.insert(element.index(docs[-1]) + 1 if docs else 0, ext)
        ext.tail = docs[-1].tail if docs else element.text  # keep the indentation
    return ext


def _set_property(element: etree._Element, name: str, value: str) -> None:
    ext = _extensions(element)
    props = ext.find(f"{{{SPIFF}}}properties")
    if props is None:
        props = etree.SubElement(ext, f"{{{SPIFF}}}properties")
    for prop in props.findall(f"{{{SPIFF}}}property[@name='{name}']"):
        props.remove(prop)
    etree.SubElement(props, f"{{{SPIFF}}}property", name=name, value=value)


def _details(element: etree._Element) -> str:
    shown = ", ".join(f'{etree.QName(k).localname}="{v}"' for k, v in element.attrib.items())
    return f" ({shown})" if shown else ""
