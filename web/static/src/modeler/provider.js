// Concerto's own properties: what the engine reads from SpiffWorkflow extensions, edited
// without touching XML. The catalogue (forms, decisions, services with their parameters) comes
// from the server with the page; the base provider keeps names, timers, messages and signals.
import { Group } from '@bpmn-io/properties-panel';
import { is, getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';
import {
  SPIFF, extension, ensureExtension, removeExtension, getProperty, setProperty, getBody, setBody,
  setBodyOn
} from './extensions';
import { textEntry, areaEntry, selectEntry, noteEntry, choices } from './entries';

function laneOf(element, registry) {
  var bo = getBusinessObject(element);
  var lane = registry.filter(function (e) {
    return is(e, 'bpmn:Lane') && (e.businessObject.flowNodeRef || []).indexOf(bo) >= 0;
  })[0];
  return lane ? lane.businessObject.name : null;
}

function userTaskEntries(catalogue, injector) {
  var registry = injector.get('elementRegistry');
  return [
    selectEntry('concerto-form', 'Formulaire', 'Les formulaires livrés avec cette version.',
      function (element) { return choices(catalogue.forms, null, getProperty(getBusinessObject(element), 'formKey')); },
      function (element) { return getProperty(getBusinessObject(element), 'formKey'); },
      function (element, value) { setProperty(element, 'formKey', value, injector); }),
    textEntry('concerto-assignee', 'Affectée à',
      "Une expression qui donne l'identifiant de la personne (holder_user, par exemple). Vide : la tâche va au rôle du couloir.",
      function (element) { return getProperty(getBusinessObject(element), 'assignee'); },
      function (element, value) { setProperty(element, 'assignee', value, injector); }),
    textEntry('concerto-due', 'Échéance', 'Une expression qui donne la date (deposit_deadline, par exemple).',
      function (element) { return getProperty(getBusinessObject(element), 'dueDate'); },
      function (element, value) { setProperty(element, 'dueDate', value, injector); }),
    noteEntry('concerto-lane', function (element) {
      var lane = laneOf(element, registry);
      return lane ? 'Couloir : « ' + lane + ' ». Déplacez la tâche dans un autre couloir pour changer de rôle.'
        : "Hors couloir : sans affectation, la tâche n'est proposée à aucun rôle.";
    })
  ];
}

function operatorOf(element) { return extension(getBusinessObject(element), 'ServiceTaskOperator'); }

function parameterList(operator) {
  var list = operator && operator.get('parameterList');
  return list ? list.get('parameters') : [];
}

function setService(element, name, injector) {
  var bo = getBusinessObject(element);
  if (!name) { removeExtension(element, bo, 'ServiceTaskOperator', injector); return; }
  var operator = ensureExtension(element, bo, 'ServiceTaskOperator', injector, { id: name });
  injector.get('modeling').updateModdleProperties(element, operator, { id: name });
}

function setParameter(element, id, value, injector) {
  var operator = operatorOf(element);
  if (!operator) { return; }
  var modeling = injector.get('modeling');
  var factory = injector.get('bpmnFactory');
  var list = operator.get('parameterList');
  if (!list) {
    list = factory.create(SPIFF + 'Parameters', { parameters: [] });
    list.$parent = operator;
    modeling.updateModdleProperties(element, operator, { parameterList: list });
  }
  var found = list.get('parameters').find(function (p) { return p.id === id; });
  if (!value) {
    if (found) {
      modeling.updateModdleProperties(element, list, {
        parameters: list.get('parameters').filter(function (p) { return p !== found; })
      });
    }
  } else if (found) {
    modeling.updateModdleProperties(element, found, { value: value });
  } else {
    var parameter = factory.create(SPIFF + 'Parameter', { id: id, type: 'any', value: value });
    parameter.$parent = list;
    modeling.updateModdleProperties(element, list, { parameters: list.get('parameters').concat([parameter]) });
  }
}

function serviceEntries(element, catalogue, injector) {
  var names = Object.keys(catalogue.services).sort();
  var operator = operatorOf(element);
  var entries = [
    selectEntry('concerto-service', 'Service appelé', 'Les services que le moteur connaît.',
      function (el) { var op = operatorOf(el); return choices(names, null, op && op.id); },
      function (el) { var op = operatorOf(el); return op ? op.id : ''; },
      function (el, value) { setService(el, value, injector); })
  ];
  if (!operator) { return entries; }
  entries.push(textEntry('concerto-result', 'Variable du résultat', 'Où ranger ce que le service rend (facultatif).',
    function (el) { var op = operatorOf(el); return op && op.resultVariable || ''; },
    function (el, value) {
      injector.get('modeling').updateModdleProperties(el, operatorOf(el), { resultVariable: value || undefined });
    }));
  var described = catalogue.services[operator.id] || [];
  var shown = described.map(function (p) { return p.name; });
  parameterList(operator).forEach(function (p) { if (shown.indexOf(p.id) < 0) { shown.push(p.id); } });
  shown.forEach(function (name) {
    var spec = described.find(function (p) { return p.name === name; });
    var note = spec ? (spec.required ? 'Paramètre obligatoire ; une expression Python.' : 'Paramètre facultatif ; une expression Python.')
      : "Ce service ne prend pas ce paramètre : videz-le.";
    entries.push(textEntry('concerto-parameter-' + name, 'Paramètre « ' + name + ' »', note,
      function (el) {
        var found = parameterList(operatorOf(el)).find(function (p) { return p.id === name; });
        return found ? found.value : '';
      },
      function (el, value) { setParameter(el, name, value, injector); }));
  });
  return entries;
}

function decisionEntries(catalogue, injector) {
  var ids = Object.keys(catalogue.decisions).sort();
  return [selectEntry('concerto-decision', 'Décision évaluée', 'Les tables de décision (DMN) de cette version.',
    function (element) {
      return choices(ids, function (id) { return (catalogue.decisions[id] || id) + ' (' + id + ')'; },
        getBody(getBusinessObject(element), 'CalledDecisionId'));
    },
    function (element) { return getBody(getBusinessObject(element), 'CalledDecisionId'); },
    function (element, value) { setBody(element, 'CalledDecisionId', value, injector); })];
}

function scriptEntries(injector) {
  return [areaEntry('concerto-script', 'Script (Python)', 'Exécuté dans le bac à sable du moteur.',
    function (element) { return getBusinessObject(element).get('script') || ''; },
    function (element, value) {
      injector.get('modeling').updateProperties(element, { scriptFormat: 'python', script: value });
    })];
}

function conditionEntries(injector) {
  return [textEntry('concerto-condition', 'Condition (Python)', 'Le flux est suivi quand elle est vraie (eligible == True, par exemple).',
    function (element) {
      var condition = getBusinessObject(element).get('conditionExpression');
      return condition ? condition.get('body') || '' : '';
    },
    function (element, value) {
      var expression = value ? injector.get('bpmnFactory').create('bpmn:FormalExpression', { body: value }) : undefined;
      injector.get('modeling').updateProperties(element, { conditionExpression: expression });
    })];
}

function loopOf(element) {
  var loop = getBusinessObject(element).get('loopCharacteristics');
  return loop && is(loop, 'bpmn:MultiInstanceLoopCharacteristics') ? loop : null;
}

function multiInstanceEntries(injector) {
  var moddle = injector.get('moddle');
  return [
    textEntry('concerto-collection', 'Collection', 'La variable qui liste les éléments : une instance par élément.',
      function (element) { var ref = loopOf(element).get('loopDataInputRef'); return ref ? ref.id : ''; },
      function (element, value) {
        var ref = value ? moddle.create('bpmn:DataInput') : undefined;
        if (ref) { ref.id = value; }  // a name the engine reads, not an element of the diagram
        injector.get('modeling').updateModdleProperties(element, loopOf(element), { loopDataInputRef: ref });
      }),
    textEntry('concerto-item', "Variable de l'élément", 'Le nom sous lequel chaque instance lit son élément.',
      function (element) { var item = loopOf(element).get('inputDataItem'); return item ? item.name || '' : ''; },
      function (element, value) {
        var item = value ? moddle.create('bpmn:DataInput', { name: value }) : undefined;
        if (item) { item.id = value; }
        injector.get('modeling').updateModdleProperties(element, loopOf(element), { inputDataItem: item });
      })
  ];
}

function messageDefinition(element) {
  var bo = getBusinessObject(element);
  if (is(bo, 'bpmn:ReceiveTask') || is(bo, 'bpmn:SendTask')) { return bo; }
  return (bo.get('eventDefinitions') || []).find(function (d) { return is(d, 'bpmn:MessageEventDefinition'); });
}

function correlationEntries(element, injector) {
  var definition = messageDefinition(element);
  var modeling = injector.get('modeling');
  var throwing = is(element, 'bpmn:IntermediateThrowEvent') || is(element, 'bpmn:EndEvent') || is(element, 'bpmn:SendTask');
  function correlation(el) { return extension(messageDefinition(el), 'ProcessVariableCorrelation'); }
  function setCorrelation(el, key, value) {
    var def = messageDefinition(el);
    var found = ensureExtension(el, def, 'ProcessVariableCorrelation', injector, {});
    modeling.updateModdleProperties(el, found, Object.fromEntries([[key, value]]));
  }
  var entries = [
    textEntry('concerto-correlation-key', 'Propriété de corrélation', 'La propriété qui relie le message à son instance (call_id, par exemple).',
      function (el) { var c = correlation(el); return c && c.propertyId || ''; },
      function (el, value) { setCorrelation(el, 'propertyId', value); }),
    textEntry('concerto-correlation-expression', 'Expression de corrélation', "Sa valeur, lue dans les variables de l'instance.",
      function (el) { var c = correlation(el); return c && c.expression || ''; },
      function (el, value) { setCorrelation(el, 'expression', value); })
  ];
  if (throwing) {
    entries.push(areaEntry('concerto-payload', 'Contenu du message', 'Une expression Python : ce que le message emporte.',
      function (el) { return getBody(messageDefinition(el), 'MessagePayload'); },
      function (el, value) { setBodyOn(el, messageDefinition(el), 'MessagePayload', value, injector); }));
  } else {
    entries.push(textEntry('concerto-message-variable', 'Variable du message', 'Où ranger le contenu du message reçu.',
      function (el) { return getBody(messageDefinition(el), 'MessageVariable'); },
      function (el, value) { setBodyOn(el, messageDefinition(el), 'MessageVariable', value, injector); }));
  }
  return definition ? entries : [];
}

function group(id, label, entries) {
  return entries.length ? { id: id, label: label, component: Group, entries: entries } : null;
}

function isConditional(element) {
  if (!is(element, 'bpmn:SequenceFlow')) { return false; }
  var source = element.businessObject.sourceRef;
  return (is(source, 'bpmn:ExclusiveGateway') || is(source, 'bpmn:InclusiveGateway')) &&
    source.get('default') !== element.businessObject;
}

export default function ConcertoPropertiesProvider(propertiesPanel, injector, catalogue) {
  this.getGroups = function (element) {
    return function (groups) {
      var added = [];
      if (is(element, 'bpmn:UserTask')) {
        added.push(group('concerto-user-task', 'Formulaire et affectation', userTaskEntries(catalogue, injector)));
      }
      if (is(element, 'bpmn:ServiceTask') || is(element, 'bpmn:SendTask')) {
        added.push(group('concerto-service-task', 'Service', serviceEntries(element, catalogue, injector)));
      }
      if (is(element, 'bpmn:BusinessRuleTask')) {
        added.push(group('concerto-decision-task', 'Décision', decisionEntries(catalogue, injector)));
      }
      if (is(element, 'bpmn:ScriptTask')) {
        added.push(group('concerto-script-task', 'Script', scriptEntries(injector)));
      }
      if (isConditional(element)) {
        added.push(group('concerto-condition-group', 'Condition', conditionEntries(injector)));
      }
      if (is(element, 'bpmn:Activity') && loopOf(element)) {
        added.push(group('concerto-multi-instance', 'Collection parcourue', multiInstanceEntries(injector)));
      }
      if (messageDefinition(element)) {
        added.push(group('concerto-correlation', 'Corrélation du message', correlationEntries(element, injector)));
      }
      return groups.concat(added.filter(Boolean));
    };
  };
  propertiesPanel.registerProvider(400, this);  // once getGroups exists: the panel checks it
}

ConcertoPropertiesProvider.$inject = ['propertiesPanel', 'injector', 'config.concertoCatalogue'];
