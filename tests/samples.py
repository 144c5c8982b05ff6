"""Small BPMN documents for engine tests, built from a few templates."""

from __future__ import annotations

from xml.sax.saxutils import escape

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="defs" targetNamespace="http://concerto.test">\n'
)


def _props(**properties: str) -> str:
    items = "".join(
        f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in properties.items()
    )
    return (
        f"<bpmn:extensionElements><spiffworkflow:properties>{items}"
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )


def approval(
    process_id: str = "approval", script: str = "y = x * 2", assignee: str | None = None
) -> str:
    """start → script → user task 'review' (boundary timer at `deadline`) → end."""
    props = {"formKey": "review_form", **({"assignee": assignee} if assignee else {})}
    return (
        HEAD
        + f"""
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute"/>
    <bpmn:scriptTask id="compute" name="Calcul"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="review"/>
    <bpmn:userTask id="review" name="Relire">{_props(**props)}
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="done"/>
    <bpmn:endEvent id="done"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:boundaryEvent id="deadline_timer" attachedToRef="review">
      <bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate>deadline</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="deadline_timer" targetRef="expire"/>
    <bpmn:scriptTask id="expire"><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:script>expired = True</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f5" sourceRef="expire" targetRef="expired_end"/>
    <bpmn:endEvent id="expired_end"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""
    )


def parallel(process_id: str = "parallel", service: str = "") -> str:
    """start → split → user tasks a and b → join → (optional service task) → end."""
    tail, end_flow = "end", "j1"
    service_xml = ""
    if service:
        tail, end_flow = "call", "j2"
        service_xml = f"""
    <bpmn:serviceTask id="call"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="{service}"/></bpmn:extensionElements>
      <bpmn:incoming>j1</bpmn:incoming><bpmn:outgoing>j2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="j2" sourceRef="call" targetRef="end"/>"""
    return (
        HEAD
        + f"""
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>s1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="s1" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"><bpmn:incoming>s1</bpmn:incoming>
      <bpmn:outgoing>sa</bpmn:outgoing><bpmn:outgoing>sb</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:sequenceFlow id="sa" sourceRef="split" targetRef="a"/>
    <bpmn:sequenceFlow id="sb" sourceRef="split" targetRef="b"/>
    <bpmn:userTask id="a" name="A"><bpmn:incoming>sa</bpmn:incoming>
      <bpmn:outgoing>ja</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="b" name="B"><bpmn:incoming>sb</bpmn:incoming>
      <bpmn:outgoing>jb</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="ja" sourceRef="a" targetRef="join"/>
    <bpmn:sequenceFlow id="jb" sourceRef="b" targetRef="join"/>
    <bpmn:parallelGateway id="join"><bpmn:incoming>ja</bpmn:incoming>
      <bpmn:incoming>jb</bpmn:incoming><bpmn:outgoing>j1</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:sequenceFlow id="j1" sourceRef="join" targetRef="{tail}"/>{service_xml}
    <bpmn:endEvent id="end"><bpmn:incoming>{end_flow}</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""
    )


XXE = """<?xml version="1.0"?>
<!DOCTYPE bpmn:definitions [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
  targetNamespace="http://x"><bpmn:process id="approval" name="&secret;" isExecutable="true">
  <bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>"""

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + ']>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'id="d" targetNamespace="http://x"><bpmn:process id="approval" name="&lol9;" '
    'isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>'
)


MESSAGE_DEFS = """
  <bpmn:collaboration id="collab">
    <bpmn:correlationKey id="order_key" name="order">
      <bpmn:correlationPropertyRef>order_id</bpmn:correlationPropertyRef>
    </bpmn:correlationKey>
  </bpmn:collaboration>
  <bpmn:message id="paid" name="paid"/>
  <bpmn:message id="hello" name="hello"/>
  <bpmn:correlationProperty id="order_id" name="order_id">
    <bpmn:correlationPropertyRetrievalExpression messageRef="paid">
      <bpmn:messagePath>order_id</bpmn:messagePath>
    </bpmn:correlationPropertyRetrievalExpression>
  </bpmn:correlationProperty>"""


def _line(
    process_id: str, nodes: list[tuple[str, str, str, str]], *, defs: str = "", start: str = ""
) -> str:
    """start → each node in order → end, joined by sequence flows f1, f2, ...

    A node is (tag, id, XML before its flows, XML after them), as the BPMN schema orders
    extension elements before, and event definitions or scripts after, a node's flows.
    """
    body = [
        f'<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing>{start}</bpmn:startEvent>'
    ]
    previous = "start"
    for n, (tag, node_id, before, after) in enumerate(nodes, start=1):
        body.append(f'<bpmn:sequenceFlow id="f{n}" sourceRef="{previous}" targetRef="{node_id}"/>')
        body.append(
            f'<bpmn:{tag} id="{node_id}">{before}<bpmn:incoming>f{n}</bpmn:incoming>'
            f"<bpmn:outgoing>f{n + 1}</bpmn:outgoing>{after}</bpmn:{tag}>"
        )
        previous = node_id
    last = len(nodes) + 1
    body.append(f'<bpmn:sequenceFlow id="f{last}" sourceRef="{previous}" targetRef="end"/>')
    body.append(f'<bpmn:endEvent id="end"><bpmn:incoming>f{last}</bpmn:incoming></bpmn:endEvent>')
    process = "\n    ".join(body)
    return (
        f'{HEAD}{defs}\n  <bpmn:process id="{process_id}" isExecutable="true">\n    {process}'
        "\n  </bpmn:process>\n</bpmn:definitions>"
    )


def waiter(process_id: str = "waiter", *, prepare: bool = False) -> str:
    """start → (user task 'prepare', if asked) → wait for message `paid` (correlated by
    order_id) → script → end."""
    wait = """<bpmn:messageEventDefinition id="wait_paid_def" messageRef="paid">
        <bpmn:extensionElements>
          <spiffworkflow:messageVariable>payment</spiffworkflow:messageVariable>
          <spiffworkflow:processVariableCorrelation>
            <spiffworkflow:propertyId>order_id</spiffworkflow:propertyId>
            <spiffworkflow:expression>order_id</spiffworkflow:expression>
          </spiffworkflow:processVariableCorrelation>
        </bpmn:extensionElements>
      </bpmn:messageEventDefinition>"""
    book = '<bpmn:script>paid_amount = payment["amount"]</bpmn:script>'
    first = [("userTask", "prepare", "", "")] if prepare else []
    return _line(
        process_id,
        [
            *first,
            ("intermediateCatchEvent", "wait_paid", "", wait),
            ("scriptTask", "book", "", book),
        ],
        defs=MESSAGE_DEFS,
    )


PAYLOAD = '{"order_id": order_id, "amount": amount}'


def payer(process_id: str = "payer") -> str:
    """start → throw `paid` with the order id and amount → end."""
    pay = f"""<bpmn:messageEventDefinition id="pay_def" messageRef="paid">
        <bpmn:extensionElements>
          <spiffworkflow:messagePayload>{PAYLOAD}</spiffworkflow:messagePayload>
        </bpmn:extensionElements>
      </bpmn:messageEventDefinition>"""
    return _line(process_id, [("intermediateThrowEvent", "pay", "", pay)], defs=MESSAGE_DEFS)


def greeted(process_id: str = "greeted") -> str:
    """A message start event `hello` → user task → end."""
    hello = """<bpmn:messageEventDefinition id="hello_def" messageRef="hello">
        <bpmn:extensionElements>
          <spiffworkflow:messageVariable>greeting</spiffworkflow:messageVariable>
        </bpmn:extensionElements>
      </bpmn:messageEventDefinition>"""
    answer = ("userTask", "answer", "", "")
    return _line(process_id, [answer], defs=MESSAGE_DEFS, start=hello).replace(
        '<bpmn:userTask id="answer">', '<bpmn:userTask id="answer" name="Répondre">'
    )


def ticker(process_id: str = "ticker", service: str = "email.send") -> str:
    """start → timer at `due` → a service (email.send: one outbox row per firing) → end."""
    timer = (
        "<bpmn:timerEventDefinition><bpmn:timeDate>due</bpmn:timeDate></bpmn:timerEventDefinition>"
    )
    operator = f"""<bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="{service}"><spiffworkflow:parameters>
        <spiffworkflow:parameter id="kind" type="str" value="'tick'"/>
        <spiffworkflow:parameter id="to" type="str" value="'ops@example.org'"/>
      </spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>"""
    return _line(
        process_id,
        [("intermediateCatchEvent", "wait", "", timer), ("serviceTask", "effect", operator, "")],
    )


def laned(process_id: str, lane: str) -> str:
    """start → user task 'work' in `lane`, assigned to the variable `owner` (None: unassigned)."""
    return (
        HEAD
        + f"""
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="{lane}">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>work</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>done</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name="Traiter">{_props(assignee="owner")}
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done"/>
    <bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""
    )


def twin_timers(process_id: str = "twins") -> str:
    """start → split → timer at `due_a` → script; timer at `due_b` → script; user task 'stay'."""
    branches = []
    for name in ("a", "b"):
        branches.append(f"""
    <bpmn:sequenceFlow id="to_{name}" sourceRef="split" targetRef="timer_{name}"/>
    <bpmn:intermediateCatchEvent id="timer_{name}"><bpmn:incoming>to_{name}</bpmn:incoming>
      <bpmn:outgoing>fired_{name}</bpmn:outgoing><bpmn:timerEventDefinition>
      <bpmn:timeDate>due_{name}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="fired_{name}" sourceRef="timer_{name}" targetRef="note_{name}"/>
    <bpmn:scriptTask id="note_{name}"><bpmn:incoming>fired_{name}</bpmn:incoming>
      <bpmn:outgoing>done_{name}</bpmn:outgoing><bpmn:script>{name}_at = iso(now())</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="done_{name}" sourceRef="note_{name}" targetRef="end_{name}"/>
    <bpmn:endEvent id="end_{name}"><bpmn:incoming>done_{name}</bpmn:incoming></bpmn:endEvent>""")
    return (
        HEAD
        + f"""
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>s1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="s1" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"><bpmn:incoming>s1</bpmn:incoming>
      <bpmn:outgoing>to_a</bpmn:outgoing><bpmn:outgoing>to_b</bpmn:outgoing>
      <bpmn:outgoing>to_stay</bpmn:outgoing></bpmn:parallelGateway>{"".join(branches)}
    <bpmn:sequenceFlow id="to_stay" sourceRef="split" targetRef="stay"/>
    <bpmn:userTask id="stay"><bpmn:incoming>to_stay</bpmn:incoming>
      <bpmn:outgoing>left</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="left" sourceRef="stay" targetRef="end_stay"/>
    <bpmn:endEvent id="end_stay"><bpmn:incoming>left</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""
    )


def month_later(process_id: str = "month_later") -> str:
    """start → wait the duration `"P1M"` (a timeDuration) → user task 'follow_up' → end."""
    return timer_wait("timeDuration", '"P1M"', process_id)


def timer_wait(kind: str, text: str, process_id: str = "timed_wait") -> str:
    """start → a timer catch (`kind`: timeDate or timeDuration, its `text` as
    written) → user task 'follow_up' → end."""
    definition = f"<bpmn:{kind}>{escape(text)}</bpmn:{kind}>"
    wait = f"<bpmn:timerEventDefinition>{definition}</bpmn:timerEventDefinition>"
    follow_up = ("userTask", "follow_up", "", "")
    return _line(process_id, [("intermediateCatchEvent", "wait", "", wait), follow_up])


def instants(process_id: str = "instants") -> str:
    """start → script `before = iso(now())` → service `probe` → script `after` → user task."""
    probe = (
        '<bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="probe" '
        'resultVariable="probed"><spiffworkflow:parameters/></spiffworkflow:serviceTaskOperator>'
        "</bpmn:extensionElements>"
    )
    return _line(
        process_id,
        [
            ("scriptTask", "note_before", "", "<bpmn:script>before = iso(now())</bpmn:script>"),
            ("serviceTask", "call_probe", probe, ""),
            ("scriptTask", "note_after", "", "<bpmn:script>after = iso(now())</bpmn:script>"),
            ("userTask", "stay", "", ""),
        ],
    )


def panel(process_id: str = "panel") -> str:
    """start → user task `vote` for each of `members` (parallel; output `votes`) → end."""
    vote = (
        "userTask",
        "vote",
        _props(formKey="vote", assignee="member"),
        """<bpmn:property id="members" name="members"/><bpmn:property id="votes" name="votes"/>
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopDataInputRef>members</bpmn:loopDataInputRef>
        <bpmn:loopDataOutputRef>votes</bpmn:loopDataOutputRef>
        <bpmn:inputDataItem id="member" name="member"/>
        <bpmn:outputDataItem id="ballot" name="ballot"/>
      </bpmn:multiInstanceLoopCharacteristics>""",
    )
    return _line(process_id, [vote])


def timed_script(script: str, process_id: str = "timed", due: str = "due") -> str:
    """start → timer at the expression `due` → script task `compute` running `script` → end."""
    timer = (
        f"<bpmn:timerEventDefinition><bpmn:timeDate>{escape(due)}</bpmn:timeDate>"
        "</bpmn:timerEventDefinition>"
    )
    return _line(
        process_id,
        [
            ("intermediateCatchEvent", "wait", "", timer),
            ("scriptTask", "compute", "", f"<bpmn:script>{escape(script)}</bpmn:script>"),
        ],
    )


def gated(condition: str, process_id: str = "gated") -> str:
    """start → exclusive gateway: `condition` leads to user task `yes`, else to `no` → ends."""
    return (
        HEAD
        + f"""
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="choice"/>
    <bpmn:exclusiveGateway id="choice" name="Choix" default="f3">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:outgoing>f3</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f2" sourceRef="choice" targetRef="yes">
      <bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="choice" targetRef="no"/>
    <bpmn:userTask id="yes"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="no"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f4" sourceRef="yes" targetRef="end_yes"/>
    <bpmn:sequenceFlow id="f5" sourceRef="no" targetRef="end_no"/>
    <bpmn:endEvent id="end_yes"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_no"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""
    )


def cycle(process_id: str = "cycle", exit_when: str = "False") -> str:
    """start → script `count` (n += 1) → gateway: back to `count` unless `exit_when` → end."""
    return (
        HEAD
        + f"""
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="count"/>
    <bpmn:scriptTask id="count" name="Compter"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="count" targetRef="again"/>
    <bpmn:exclusiveGateway id="again" name="Encore ?" default="f3">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f3" sourceRef="again" targetRef="count"/>
    <bpmn:sequenceFlow id="f4" sourceRef="again" targetRef="end">
      <bpmn:conditionExpression>{escape(exit_when)}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""
    )


def decided(input_expression: str, process_id: str = "decided") -> tuple[str, str]:
    """(BPMN, DMN): start → business rule task `rate` (decision `rating`, one input column
    read by `input_expression`, `rating = "high"` when it is over 10) → user task → end."""
    dmn = f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="rating_defs"
  name="Notation" namespace="http://concerto.test/dmn">
  <decision id="rating" name="Notation">
    <decisionTable id="rating_table" hitPolicy="UNIQUE">
      <input id="level" label="Niveau"><inputExpression id="level_expression" typeRef="integer">
        <text>{escape(input_expression)}</text></inputExpression></input>
      <output id="rating_output" label="Note" name="rating" typeRef="string" />
      <rule id="high"><inputEntry id="high_level"><text>&gt; 10</text></inputEntry>
        <outputEntry id="high_rating"><text>"high"</text></outputEntry></rule>
      <rule id="low"><inputEntry id="low_level"><text>&lt;= 10</text></inputEntry>
        <outputEntry id="low_rating"><text>"low"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""
    rate = (
        "businessRuleTask",
        "rate",
        "<bpmn:extensionElements><spiffworkflow:calledDecisionId>rating"
        "</spiffworkflow:calledDecisionId></bpmn:extensionElements>",
        "",
    )
    return _line(process_id, [rate, ("userTask", "check", "", "")]), dmn
