"""Camunda's terms in this engine's: JUEL and FEEL expressions in Python, form keys as form
file names, and why each vendor setting the engine does not read is left out (in French, for the
person who drew the diagram)."""

from __future__ import annotations

import ast
import re

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
VENDORS = {CAMUNDA: "camunda", ZEEBE: "zeebe"}
FORM_PREFIXES = ("camunda-forms:", "embedded:", "deployment:", "app:", "bpmn:")

JAVA = (
    "non exécuté : le code Java et les expressions Camunda ne tournent pas ici ; choisissez un "
    "service enregistré (spiffworkflow:serviceTaskOperator) ou une tâche de script Python"
)
_ASYNC = "ignoré : chaque étape s'exécute dans sa propre transaction, sans point d'attente"
_LISTENERS = "écouteur ignoré : placez ce traitement dans une tâche de script ou de service"
_VERSIONS = "ignoré : le dépôt numérote lui-même les versions de chaque processus"
# Camunda attributes and extensions of any element, reported with why they are not read.
IGNORED_ATTRIBUTES = {
    **dict.fromkeys(("asyncBefore", "asyncAfter", "exclusive"), _ASYNC),
    **dict.fromkeys(("class", "delegateExpression", "expression"), JAVA),
    "versionTag": _VERSIONS,
    "historyTimeToLive": "ignoré : le moteur conserve l'historique sans durée de vie",
}
IGNORED_ELEMENTS = {
    (CAMUNDA, "executionListener"): _LISTENERS,
    (CAMUNDA, "taskListener"): _LISTENERS,
    (ZEEBE, "executionListeners"): _LISTENERS,
    (ZEEBE, "taskListeners"): _LISTENERS,
    (ZEEBE, "versionTag"): _VERSIONS,
    (CAMUNDA, "formData"): "formulaire généré non repris : dessinez-le en fichier .form",
    (ZEEBE, "userTaskForm"): "formulaire intégré au diagramme non repris : enregistrez son JSON "
    "dans un fichier <id>.form déployé avec le processus",
    (ZEEBE, "subscription"): "corrélation non reprise : déclarez une bpmn:correlationProperty et "
    "un spiffworkflow:processVariableCorrelation sur l'événement qui attend le message",
}
WHY = {
    "groups": "non repris : ici, une tâche sans destinataire va aux rôles de son couloir (lane) ; "
    "placez la tâche dans le couloir de ce groupe",
    "dynamic": "non repris : une valeur calculée n'est pas lue ici ; indiquez un nom fixe",
    "no service": "non repris : la tâche n'appelle aucun service",
    "output": "non reprise : le résultat du service va dans resultVariable ; copiez-en les "
    "valeurs par un script",
    "composite": "non repris : valeur composée (liste, map, script) ; écrivez-la en Python",
    "retries": "ignoré : les nouvelles tentatives suivent la politique de reprise du moteur",
    "decision result": "non repris : les sorties de la table de décision vont directement dans "
    "les données de l'instance, sous le nom de chaque colonne de sortie",
    "script": "non repris : écrivez le script en Python (bpmn:script)",
    "unread": "non lu par le moteur : retiré du fichier ; si ce réglage compte, reproduisez-le "
    "avec un script, un service ou une propriété spiffworkflow",
}

# BPMN elements whose text is an expression (JUEL `${…}` or FEEL `=…` in Camunda's diagrams).
EXPRESSIONS = {"conditionExpression", "timeDate", "timeDuration", "timeCycle",
               "completionCondition", "loopCardinality"}  # fmt: skip
# What Camunda 7 (attributes) and Camunda 8 (extensions) say of a user task.
USER_TASK = ("formKey", "formRef", "assignee", "candidateGroups", "candidateUsers", "dueDate")
ZEEBE_USER_TASK = {
    "formDefinition": ("formKey", "formId"),
    "assignmentDefinition": ("assignee", "candidateGroups", "candidateUsers"),
    "taskSchedule": ("dueDate",),
}


def form_key(raw: str) -> tuple[str, str]:
    """The form file name a Camunda form key points at, and what was stripped to get it."""
    key, prefixes = raw.strip(), ""
    while key.startswith(FORM_PREFIXES):  # camunda-forms:deployment:, embedded:app:...
        prefix = next(p for p in FORM_PREFIXES if key.startswith(p))
        key, prefixes = key[len(prefix) :], prefixes + prefix
    path, _, key = key.rpartition("/")
    key, suffix = re.subn(r"\.(form|html?|json)$", "", key)
    stripped = [f"préfixe « {prefixes} »"] if prefixes else []
    stripped += [f"chemin « {path}/ »"] if path else []
    stripped += ["extension"] if suffix else []
    return key, f" (retiré : {', '.join(stripped)})" if stripped else ""


def dynamic(raw: str) -> bool:
    """Whether a name is computed (JUEL or FEEL) rather than written down."""
    return raw.strip().startswith("=") or "${" in raw or "#{" in raw


_JUEL = re.compile(r"[$#]\{(.*)\}", re.S)
_STRING = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
_COMMON = [("&&", " and "), (r"\|\|", " or "), (r"\btrue\b", "True"), (r"\bfalse\b", "False"),
           (r"\bnull\b", "None")]  # fmt: skip
_WORDS = {
    "JUEL": [("!(?!=)", " not "), (r"\bempty\b", " not "), (r"\beq\b", "=="), (r"\bne\b", "!="),
             (r"\blt\b", "<"), (r"\bgt\b", ">"), (r"\ble\b", "<="), (r"\bge\b", ">=")],
    "FEEL": [(r"(?<![<>!=])=(?!=)", "==")],  # FEEL compares with a single `=`
}  # fmt: skip


def python_expression(raw: str) -> tuple[str | None, str]:
    """A JUEL (`${…}`) or FEEL (`=…`) expression in Python, and a note to check it; (None, "")
    for text that is neither, (None, why) for what cannot be translated."""
    raw = raw.strip()
    juel = _JUEL.fullmatch(raw)
    if juel:
        language, source = "JUEL", juel.group(1)
    elif raw.startswith("="):
        language, source = "FEEL", raw[1:]
    elif "${" in raw or "#{" in raw:
        return None, "non repris : un texte mêlé d'expressions JUEL s'écrit ici en Python"
    else:
        return None, ""
    parts = _STRING.split(source)
    for i in range(0, len(parts), 2):  # outside string literals
        for pattern, replacement in _COMMON + _WORDS[language]:
            parts[i] = re.sub(pattern, replacement, parts[i])
        parts[i] = re.sub(r"[ \t]{2,}", " ", parts[i])
    python = "".join(parts).strip()
    try:
        ast.parse(python, mode="eval")
    except SyntaxError:  # left as it was: the deployment names the element
        return None, f"non repris : traduit de {language}, « {python} » n'est pas du Python"
    return python, (
        f" ; expression {language} traduite en Python, à vérifier (un champ s'écrit "
        f'x["champ"], les fonctions {language} n\'existent pas ici)'
    )


def python_value(raw: str) -> tuple[str | None, str]:
    """A vendor value as a Python expression: an expression is translated, any other text is
    the constant it stands for in both Camunda engines."""
    value, check = python_expression(raw)
    return (repr(raw.strip()), "") if value is None and not check else (value, check)
