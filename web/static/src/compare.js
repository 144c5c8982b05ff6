// Two versions side by side, coloured by bpmn-js-differ (added, removed, changed, moved), and
// the diagram of a proposal with its comments counted on each element. The same facts are in
// the tables of the page for those who do not see the diagrams.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { diff, ChangeHandler } from 'bpmn-js-differ';

// The differ tracks flow elements only: a change inside one (a timer's expression, a
// condition, an extension) is counted for the element that holds it.
function NestedChanges() { ChangeHandler.call(this); }
NestedChanges.prototype = Object.create(ChangeHandler.prototype);
NestedChanges.prototype._isTracked = function (element) {
  for (var node = element; node; node = node.$parent) {
    var tracked = ChangeHandler.prototype._isTracked.call(this, node);
    if (tracked) { return tracked; }
  }
  return undefined;
};

async function load(container, url) {
  var viewer = new NavigatedViewer({ container: container });
  var response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) { throw new Error('diagram ' + response.status); }
  await viewer.importXML(await response.text());
  viewer.get('canvas').zoom('fit-viewport');
  return viewer;
}

// The shape a change belongs to: its own, or its nearest drawn parent's (a timer's
// definition changes inside its event).
function shapeOf(registry, id, model) {
  var node = model;
  if (registry.get(id)) { return id; }
  while (node) {
    if (node.id && registry.get(node.id)) { return node.id; }
    node = node.$parent;
  }
  return null;
}

function mark(viewer, changes, marker) {
  var registry = viewer.get('elementRegistry');
  var canvas = viewer.get('canvas');
  var marked = [];
  Object.keys(changes).forEach(function (id) {
    var shape = shapeOf(registry, id, changes[id].model || changes[id]);
    if (shape && marked.indexOf(shape) < 0) { canvas.addMarker(shape, marker); marked.push(shape); }
  });
  return marked;
}

async function compare(root) {
  var panes = root.querySelectorAll('.diagram-canvas');
  var before = await load(panes[0], root.getAttribute('data-from'));
  var after = await load(panes[1], root.getAttribute('data-to'));
  var changes = diff(before.getDefinitions(), after.getDefinitions(), new NestedChanges());
  mark(before, changes._removed, 'diff-removed');
  mark(before, changes._changed, 'diff-changed');
  mark(after, changes._added, 'diff-added');
  var changed = mark(after, changes._changed, 'diff-changed');
  mark(after, changes._layoutChanged, 'diff-layout');
  root.setAttribute('data-changed', changed.join(' '));
  root.classList.add('diagram-ready');
}

async function comments(root) {
  var viewer = await load(root.querySelector('.diagram-canvas'), root.getAttribute('data-src'));
  var counts = JSON.parse(root.getAttribute('data-counts') || '{}');
  var overlays = viewer.get('overlays');
  var registry = viewer.get('elementRegistry');
  Object.keys(counts).forEach(function (id) {
    if (!registry.get(id)) { return; }
    var badge = document.createElement('span');
    badge.className = 'comment-count';
    badge.textContent = counts[id] + ' 💬';
    badge.setAttribute('aria-hidden', 'true');  // the list of comments says it in words
    overlays.add(id, { position: { top: -10, right: 10 }, scale: false, html: badge });
  });
  var select = document.querySelector(root.getAttribute('data-select'));
  if (select) {  // a click on an element anchors the next comment to it
    viewer.on('element.click', function (event) {
      var id = event.element.id;
      if (select.querySelector('option[value="' + CSS.escape(id) + '"]')) {
        select.value = id;
        select.dispatchEvent(new Event('change'));
        var text = document.querySelector(root.getAttribute('data-focus'));
        if (text) { text.focus(); }
      }
    });
  }
  root.classList.add('diagram-ready');
}

function failed(root) {
  var note = root.querySelector('.diagram-failed');
  if (note) { note.hidden = false; }
}

document.querySelectorAll('[data-compare]').forEach(function (root) {
  compare(root).catch(function () { failed(root); });
});
document.querySelectorAll('[data-comments]').forEach(function (root) {
  comments(root).catch(function () { failed(root); });
});
