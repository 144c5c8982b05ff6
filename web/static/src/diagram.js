// Diagrams drawn by the bpmn-js viewer (bundled by esbuild, web/assets.py). Each
// <div data-diagram> names its BPMN file (data-src) and, as JSON, what to show on it:
// data-counts {element: number} as colour-scaled badges that link to data-link + element;
// data-done [element] and data-current [element] as markers. The same figures are in a table
// beside the diagram for those who do not see it.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

function json(element, name, fallback) {
  var raw = element.getAttribute(name);
  try { return raw ? JSON.parse(raw) : fallback; } catch (e) { return fallback; }
}

function badge(count, max, href, label) {
  var link = document.createElement('a');
  var share = max > 0 ? count / max : 0;
  link.className = 'diagram-count level-' + Math.min(4, Math.ceil(share * 4));
  link.textContent = String(count);
  link.href = href;
  link.setAttribute('aria-label', label);
  return link;
}

async function draw(container) {
  var canvas = container.querySelector('.diagram-canvas');
  var viewer = new NavigatedViewer({ container: canvas });
  var response = await fetch(container.getAttribute('data-src'), { credentials: 'same-origin' });
  if (!response.ok) { throw new Error('diagram ' + response.status); }
  await viewer.importXML(await response.text());
  viewer.get('canvas').zoom('fit-viewport');
  var overlays = viewer.get('overlays');
  var registry = viewer.get('elementRegistry');
  var canvasService = viewer.get('canvas');
  var counts = json(container, 'data-counts', {});
  var max = Math.max.apply(null, [0].concat(Object.values(counts)));
  var link = container.getAttribute('data-link') || '';
  Object.keys(counts).forEach(function (id) {
    var element = registry.get(id);
    if (!element) { return; }
    var name = (element.businessObject && element.businessObject.name) || id;
    overlays.add(id, {
      position: { top: -12, right: 12 },
      scale: false,  // readable at any zoom
      html: badge(counts[id], max, link + encodeURIComponent(id) + '#attente',
                  counts[id] + ' dossier(s) en attente : ' + name)
    });
  });
  json(container, 'data-done', []).forEach(function (id) {
    if (registry.get(id)) { canvasService.addMarker(id, 'diagram-done'); }
  });
  json(container, 'data-current', []).forEach(function (id) {
    if (registry.get(id)) { canvasService.addMarker(id, 'diagram-current'); }
  });
  container.classList.add('diagram-ready');
}

document.querySelectorAll('[data-diagram]').forEach(function (container) {
  draw(container).catch(function () {
    var note = container.querySelector('.diagram-failed');
    if (note) { note.hidden = false; }
  });
});
