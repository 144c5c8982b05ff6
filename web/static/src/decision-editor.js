// The decision table editor of staff (bundled by esbuild, web/assets.py): the dmn-js modeler
// with French labels, on one .dmn file of a process version. A save sends every file of the
// version with this one replaced as a new draft; the engine validates it and lists problems.
import DmnModeler from 'dmn-js/lib/Modeler';
import translations from './file-editors/dmn-translations';
import { readFile, saving, say } from './file-editors/drafts';

var KINDS = {
  drd: 'Diagramme des décisions',
  decisionTable: 'Table de décision',
  literalExpression: 'Expression',
  boxedExpression: 'Expression'
};

function key(view) { return view.type + ':' + view.element.id; }

function label(view) {
  var name = view.element.name || view.element.id;
  return view.type === 'drd' ? KINDS.drd : (KINDS[view.type] || view.type) + '\u202f: ' + name;
}

// The select listing what the file holds (its diagram, each table), kept in step with the
// views dmn-js opens (its own links between the diagram and the tables too).
function views(root, modeler) {
  var select = root.querySelector('[data-decision-views]');
  function fill() {
    var all = modeler.getViews();
    var active = modeler.getActiveView();
    root.querySelector('.decision-canvas').setAttribute('data-view', active ? active.type : '');
    select.innerHTML = '';
    all.forEach(function (view) {
      var option = document.createElement('option');
      option.value = key(view);
      option.textContent = label(view);
      option.selected = active && key(active) === key(view);
      select.appendChild(option);
    });
    select.closest('.decision-views').hidden = all.length < 2;
  }
  select.addEventListener('change', function () {
    var view = modeler.getViews().find(function (v) { return key(v) === select.value; });
    if (view) { modeler.open(view); }
  });
  modeler.on('views.changed', fill);
  modeler.on('views.changed', function (event) {  // the diagram in view, clear of the palette
    if (!event.activeView || event.activeView.type !== 'drd') { return; }
    var canvas = modeler.getActiveViewer().get('canvas');
    canvas.zoom('fit-viewport', 'auto');
    if (canvas.zoom() > 1) { canvas.zoom(1, 'auto'); }
  });
  fill();
}

// A problem naming an element of this file: its decision opened, its cell shown.
function locator(root, modeler) {
  return function (id) {
    var view = modeler.getViews().find(function (v) {
      return v.element.id === id || (v.element.decisionLogic && v.element.decisionLogic.id === id);
    });
    if (!view && !root.querySelector('.decision-canvas [data-element-id="' + CSS.escape(id) + '"]')) {
      return null;
    }
    return async function () {
      if (view) { await modeler.open(view); }
      var cell = root.querySelector('.decision-canvas [data-element-id="' + CSS.escape(id) + '"]');
      if (cell) {
        cell.scrollIntoView({ block: 'center', inline: 'center' });
        (cell.querySelector('[contenteditable]') || cell).focus();
      }
    };
  };
}

async function open(root) {
  var modeler = new DmnModeler({
    container: root.querySelector('.decision-canvas'),
    // Each view takes its own modules (dmn-js does not merge those of `common`).
    drd: { additionalModules: [translations] },
    decisionTable: { additionalModules: [translations] },
    literalExpression: { additionalModules: [translations] },
    boxedExpression: { additionalModules: [translations] }
  });
  var name = root.getAttribute('data-file');
  await modeler.importXML(await (await readFile(root, name)).text());
  var table = modeler.getViews().find(function (v) { return v.type === 'decisionTable'; });
  if (table) { await modeler.open(table); }
  views(root, modeler);
  window.concertoDecisionEditor = modeler;  // for tests and the browser console
  saving(root, async function () {
    return (await modeler.saveXML({ format: true })).xml;
  }, 'application/xml', locator(root, modeler));
  root.classList.add('editor-ready');
}

document.querySelectorAll('[data-file-editor="decisions"]').forEach(function (root) {
  open(root).catch(function (error) {
    say(root, "L'éditeur n'a pas pu s'ouvrir (" + error.message + ').', 'warning');
  });
});
