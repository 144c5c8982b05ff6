// The form editor of staff (bundled by esbuild, web/assets.py): the form-js editor with its
// palette and properties panel, on one .form file of a process version. A save sends every
// file of the version with this one replaced as a new draft; the engine validates it.
import { FormEditor } from '@bpmn-io/form-js-editor';
import { readFile, saving, say } from './file-editors/drafts';

// A problem naming a field of this form: the field selected, its properties shown.
function locator(root, editor) {
  return function (id) {
    var field = editor.get('formFieldRegistry').get(id);
    if (!field) { return null; }
    return function () {
      editor.get('selection').set(field);
      var shown = root.querySelector('.form-editor-canvas [data-id="' + CSS.escape(id) + '"]');
      if (shown) { shown.scrollIntoView({ block: 'center' }); shown.focus(); }
    };
  };
}

async function open(root) {
  var editor = new FormEditor({
    container: root.querySelector('.form-editor-canvas'),
    palette: { parent: root.querySelector('.form-editor-palette') },
    propertiesPanel: { parent: root.querySelector('.form-editor-panel') }
  });
  var text = await (await readFile(root, root.getAttribute('data-file'))).text();
  var schema;
  try {
    schema = JSON.parse(text);
  } catch (e) {
    throw new Error("le fichier n'est pas du JSON valide");
  }
  await editor.importSchema(schema);
  window.concertoFormEditor = editor;  // for tests and the browser console
  saving(root, function () {
    return JSON.stringify(editor.saveSchema(), null, 2) + (text.endsWith('\n') ? '\n' : '');
  }, 'application/json', locator(root, editor));
  root.classList.add('editor-ready');
}

document.querySelectorAll('[data-file-editor="form"]').forEach(function (root) {
  open(root).catch(function (error) {
    say(root, "L'éditeur n'a pas pu s'ouvrir (" + error.message + ').', 'warning');
  });
});
