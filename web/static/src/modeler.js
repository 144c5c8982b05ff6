// The diagram editor of staff (bundled by esbuild, web/assets.py): the bpmn-js modeler with the
// properties panel and Concerto's own provider. A save lints the diagram (.bpmnlintrc), then
// sends the version's files with the edited diagram as a draft; the engine validates it and
// every problem is listed and highlighted on its element.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule
} from 'bpmn-js-properties-panel';
import ConcertoPropertiesProvider from './modeler/provider';
import translations from './modeler/translations';
import spiffworkflow from './modeler/spiffworkflow.json';
import { lint } from './modeler/lint';
import { filesWith, json, problemsOf, readFile, say } from './file-editors/drafts';

var ConcertoModule = {
  __init__: ['concertoPropertiesProvider'],
  concertoPropertiesProvider: ['type', ConcertoPropertiesProvider]
};

function showProblems(root, modeler, problems) {
  var list = root.querySelector('[data-editor-problems]');
  var canvas = modeler.get('canvas');
  var registry = modeler.get('elementRegistry');
  registry.forEach(function (element) {
    canvas.removeMarker(element.id, 'modeler-problem');
    canvas.removeMarker(element.id, 'modeler-warning');
  });
  list.innerHTML = '';
  list.closest('section').hidden = problems.length === 0;
  // Warnings (bpmnlint's, which do not stop a save) fold under one line after the problems.
  var warnings = problems.filter(function (p) { return !p.blocking; });
  var folded = null;
  if (warnings.length) {
    var details = document.createElement('details');
    var summary = document.createElement('summary');
    summary.textContent = warnings.length + ' remarque(s) à revoir, qui n\'empêchent pas l\'enregistrement';
    folded = document.createElement('ul');
    details.appendChild(summary);
    details.appendChild(folded);
    var holder = document.createElement('li');
    holder.className = 'warning warnings';
    holder.appendChild(details);
    list.appendChild(holder);
  }
  problems.forEach(function (problem) {
    var item = document.createElement('li');
    var shape = problem.element_id && registry.get(problem.element_id);
    if (shape) {
      canvas.addMarker(shape.id, problem.blocking ? 'modeler-problem' : 'modeler-warning');
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.textContent = problem.text;
      button.setAttribute('data-element', shape.id);
      button.addEventListener('click', function () {
        modeler.get('selection').select(shape);
        canvas.scrollToElement(shape);
      });
      item.appendChild(button);
    } else {
      item.textContent = problem.text;
    }
    item.className = problem.blocking ? 'problem' : 'warning';
    if (problem.blocking) { list.insertBefore(item, list.querySelector('li.warnings')); } else { folded.appendChild(item); }
  });
}

// Each lint problem names its element, as the engine's do: `élément id « name » : …`.
function named(modeler, problems) {
  var registry = modeler.get('elementRegistry');
  return problems.map(function (problem) {
    var shape = problem.element_id && registry.get(problem.element_id);
    var name = shape && shape.businessObject.name;
    var label = problem.element_id ? 'élément ' + problem.element_id + (name ? ' « ' + name + ' »' : '') + ' : ' : '';
    return Object.assign({}, problem, { text: label + problem.text });
  });
}

async function save(root, modeler) {
  var button = root.querySelector('[data-editor-save]');
  button.disabled = true;
  try {
    say(root, 'Vérification du diagramme…');
    var found = named(modeler, await lint(modeler.getDefinitions()));
    if (found.some(function (p) { return p.blocking; })) {
      showProblems(root, modeler, found);
      say(root, "Le diagramme n'est pas enregistré : corrigez les problèmes signalés.", 'warning');
      return;
    }
    var result = await modeler.saveXML({ format: true });
    var form = await filesWith(root, root.getAttribute('data-file'), result.xml, 'application/xml');
    form.append('comment', root.querySelector('#version-comment').value);
    var token = document.querySelector('meta[name="csrf-token"]').content;
    var response = await fetch(root.getAttribute('data-save-url'), {
      method: 'POST', body: form, credentials: 'same-origin', headers: { 'X-CSRFToken': token }
    });
    var body = await response.json();
    if (response.status === 201) {
      showProblems(root, modeler, found);
      var done = root.querySelector('[data-editor-saved]');
      done.hidden = false;
      done.querySelector('[data-version]').textContent = String(body.version);
      done.querySelector('a').href = root.getAttribute('data-compare-url').replace('__id__', body.id);
      say(root, 'Version ' + body.version + ' enregistrée en brouillon : la validation est passée.', 'success');
    } else {
      var refused = problemsOf(body).map(function (p) {
        return { element_id: p.key, text: p.text, blocking: true };
      });
      showProblems(root, modeler, refused.concat(found));
      say(root, "Le diagramme n'est pas enregistré : corrigez les problèmes signalés.", 'warning');
    }
  } catch (error) {
    say(root, "L'enregistrement a échoué (" + error.message + ') ; réessayez.', 'warning');
  } finally {
    button.disabled = false;
  }
}

async function open(root) {
  var modeler = new BpmnModeler({
    container: root.querySelector('.modeler-canvas'),
    propertiesPanel: { parent: root.querySelector('.modeler-panel') },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ConcertoModule, translations],
    moddleExtensions: { spiffworkflow: spiffworkflow },
    concertoCatalogue: json(root, 'data-catalogue', { forms: [], decisions: {}, services: {} })
  });
  var response = await readFile(root, root.getAttribute('data-file'));
  await modeler.importXML(await response.text());
  modeler.get('canvas').zoom('fit-viewport');
  window.concertoModeler = modeler;  // for tests and the browser console
  root.querySelector('[data-editor-save]').addEventListener('click', function () { save(root, modeler); });
  root.classList.add('modeler-ready');
}

document.querySelectorAll('[data-modeler]').forEach(function (root) {
  open(root).catch(function (error) {
    say(root, "L'éditeur n'a pas pu s'ouvrir (" + error.message + ').', 'warning');
  });
});
