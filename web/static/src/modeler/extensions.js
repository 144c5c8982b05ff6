// SpiffWorkflow's extension elements of a BPMN element, read and changed through the modeler's
// commands (each change can be undone): properties, body-text elements, whole extensions.
import { is, getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

export var SPIFF = 'spiffworkflow:';

export function values(bo) {
  var extensions = bo.get('extensionElements');
  return extensions ? extensions.get('values') : [];
}

export function extension(bo, type) {
  return values(bo).find(function (value) { return is(value, SPIFF + type); });
}

// The extension of this type, created (with the extension list) when missing.
export function ensureExtension(element, bo, type, injector, attrs) {
  var modeling = injector.get('modeling');
  var factory = injector.get('bpmnFactory');
  var found = extension(bo, type);
  if (found) { return found; }
  var extensions = bo.get('extensionElements');
  if (!extensions) {
    extensions = factory.create('bpmn:ExtensionElements', { values: [] });
    extensions.$parent = bo;
    modeling.updateModdleProperties(element, bo, { extensionElements: extensions });
  }
  var created = factory.create(SPIFF + type, attrs || {});
  created.$parent = extensions;
  modeling.updateModdleProperties(element, extensions, {
    values: extensions.get('values').concat([created])
  });
  return created;
}

export function removeExtension(element, bo, type, injector) {
  var found = extension(bo, type);
  if (!found) { return; }
  var extensions = bo.get('extensionElements');
  injector.get('modeling').updateModdleProperties(element, extensions, {
    values: extensions.get('values').filter(function (v) { return v !== found; })
  });
}

// spiffworkflow:properties — formKey, assignee, dueDate of a user task.
export function getProperty(bo, name) {
  var holder = extension(bo, 'Properties');
  var found = holder && holder.get('properties').find(function (p) { return p.name === name; });
  return found ? found.value : '';
}

export function setProperty(element, name, value, injector) {
  var bo = getBusinessObject(element);
  var modeling = injector.get('modeling');
  var holder = extension(bo, 'Properties');
  if (!value) {
    if (!holder) { return; }
    var kept = holder.get('properties').filter(function (p) { return p.name !== name; });
    modeling.updateModdleProperties(element, holder, { properties: kept });
    if (!kept.length) { removeExtension(element, bo, 'Properties', injector); }
    return;
  }
  holder = ensureExtension(element, bo, 'Properties', injector, { properties: [] });
  var found = holder.get('properties').find(function (p) { return p.name === name; });
  if (found) {
    modeling.updateModdleProperties(element, found, { value: value });
  } else {
    var property = injector.get('bpmnFactory').create(SPIFF + 'Property', { name: name, value: value });
    property.$parent = holder;
    modeling.updateModdleProperties(element, holder, {
      properties: holder.get('properties').concat([property])
    });
  }
}

// A body-text extension (calledDecisionId, messageVariable, messagePayload).
export function getBody(bo, type) {
  var found = extension(bo, type);
  return found ? (found.value || '') : '';
}

export function setBody(element, type, value, injector) {
  setBodyOn(element, getBusinessObject(element), type, value, injector);
}

export function setBodyOn(element, holder, type, value, injector) {
  if (!value) { removeExtension(element, holder, type, injector); return; }
  var found = ensureExtension(element, holder, type, injector, { value: value });
  injector.get('modeling').updateModdleProperties(element, found, { value: value });
}
