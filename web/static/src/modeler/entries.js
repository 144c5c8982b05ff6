// The panel's entries Concerto's groups are made of, in htm (no JSX).
import { html } from 'htm/preact';
import {
  SelectEntry, TextFieldEntry, TextAreaEntry, DescriptionEntry,
  isSelectEntryEdited, isTextFieldEntryEdited, isTextAreaEntryEdited
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';

export function textEntry(id, label, description, get, set) {
  return {
    id: id,
    isEdited: isTextFieldEntryEdited,
    component: function (props) {
      var debounce = useService('debounceInput');
      return html`<${TextFieldEntry} element=${props.element} id=${id} label=${label}
        description=${description} debounce=${debounce}
        getValue=${function () { return get(props.element); }}
        setValue=${function (value) { set(props.element, value); }} />`;
    }
  };
}

export function areaEntry(id, label, description, get, set) {
  return {
    id: id,
    isEdited: isTextAreaEntryEdited,
    component: function (props) {
      var debounce = useService('debounceInput');
      return html`<${TextAreaEntry} element=${props.element} id=${id} label=${label}
        description=${description} debounce=${debounce} rows=${4} monospace=${true}
        getValue=${function () { return get(props.element); }}
        setValue=${function (value) { set(props.element, value); }} />`;
    }
  };
}

export function selectEntry(id, label, description, options, get, set) {
  return {
    id: id,
    isEdited: isSelectEntryEdited,
    component: function (props) {
      return html`<${SelectEntry} element=${props.element} id=${id} label=${label}
        description=${description}
        getValue=${function () { return get(props.element); }}
        setValue=${function (value) { set(props.element, value); }}
        getOptions=${function () { return options(props.element); }} />`;
    }
  };
}

export function noteEntry(id, text) {
  return {
    id: id,
    component: function (props) {
      return html`<${DescriptionEntry} element=${props.element} id=${id} value=${text(props.element)} />`;
    }
  };
}

export function choices(names, labels, current) {
  var options = [{ value: '', label: '<aucun>' }];
  names.forEach(function (name) { options.push({ value: name, label: labels ? labels(name) : name }); });
  if (current && names.indexOf(current) < 0) {
    options.push({ value: current, label: current + ' (inconnu)' });
  }
  return options;
}
