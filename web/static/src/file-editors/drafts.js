// What the decision table and form editors share: reading a file of the version, saving the
// edited file as a new draft (every file of the version is sent, the edited one replaced), and
// telling the result: a status read by screen readers, the new version with a link to compare
// it, or the problems the engine found, each naming its element or file.

export function json(element, name, fallback) {
  try { return JSON.parse(element.getAttribute(name)) || fallback; } catch (e) { return fallback; }
}

export function say(root, text, kind) {
  var status = root.querySelector('[data-editor-status]');
  status.textContent = text;
  status.className = 'notice ' + (kind || '');
  status.hidden = false;
}

export async function readFile(root, name) {
  var response = await fetch(root.getAttribute('data-files-url') + encodeURIComponent(name),
    { credentials: 'same-origin' });
  if (!response.ok) { throw new Error(name + '\u202f: ' + response.status); }
  return response;
}

export async function filesWith(root, edited, content, type) {
  var form = new FormData();
  var names = json(root, 'data-files', []);
  for (var i = 0; i < names.length; i++) {
    if (names[i] === edited) {
      form.append('files', new Blob([content], { type: type }), edited);
    } else {  // byte for byte as stored
      form.append('files', await (await readFile(root, names[i])).blob(), names[i]);
    }
  }
  return form;
}

var FILE = /\.(bpmn|dmn|form|json)$/;

// The engine's problems: `errors` maps an element id, a file name or "files" to messages.
export function problemsOf(body) {
  var problems = [];
  var errors = (body && body.errors) || {};
  Object.keys(errors).forEach(function (key) {
    (Array.isArray(errors[key]) ? errors[key] : [errors[key]]).forEach(function (text) {
      text = String(text);
      var where = key === 'files' || key === '' || text.indexOf(key) >= 0 ? ''
        : (FILE.test(key) ? 'fichier ' : 'élément ') + key + '\u202f: ';
      problems.push({ key: key, text: where + text });
    });
  });
  if (!problems.length) {
    problems.push({ key: '', text: (body && (body.detail || body.title)) || 'refus sans motif' });
  }
  return problems;
}

// `locate(key)` answers a function showing that element in the editor, or nothing.
export function showProblems(root, problems, locate) {
  var list = root.querySelector('[data-editor-problems]');
  list.innerHTML = '';
  list.closest('section').hidden = problems.length === 0;
  problems.forEach(function (problem) {
    var item = document.createElement('li');
    var show = problem.key && locate ? locate(problem.key) : null;
    if (show) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.textContent = problem.text;
      button.addEventListener('click', show);
      item.appendChild(button);
    } else {
      item.textContent = problem.text;
    }
    item.setAttribute('data-element', problem.key);
    list.appendChild(item);
  });
}

// Sends the draft; `content()` gives the edited file's text (it may throw a French message).
export function saving(root, content, type, locate) {
  var button = root.querySelector('[data-editor-save]');
  button.addEventListener('click', async function () {
    button.disabled = true;
    try {
      say(root, 'Enregistrement…');
      var edited = root.getAttribute('data-file');
      var form = await filesWith(root, edited, await content(), type);
      form.append('comment', root.querySelector('#version-comment').value);
      var token = document.querySelector('meta[name="csrf-token"]').content;
      var response = await fetch(root.getAttribute('data-save-url'), {
        method: 'POST', body: form, credentials: 'same-origin', headers: { 'X-CSRFToken': token }
      });
      var body = await response.json().catch(function () { return {}; });
      var saved = root.querySelector('[data-editor-saved]');
      if (response.status === 201) {
        showProblems(root, [], locate);
        saved.hidden = false;
        saved.querySelector('[data-version]').textContent = String(body.version);
        saved.querySelector('a').href = root.getAttribute('data-compare-url').replace('__id__', body.id);
        say(root, 'Version ' + body.version + ' enregistrée en brouillon\u202f: la validation est passée.', 'success');
      } else {
        saved.hidden = true;
        showProblems(root, problemsOf(body), locate);
        say(root, "Rien n'est enregistré\u202f: corrigez les problèmes signalés.", 'warning');
      }
    } catch (error) {
      say(root, "L'enregistrement a échoué (" + error.message + ')\u202f; réessayez.', 'warning');
    } finally {
      button.disabled = false;
    }
  });
}
