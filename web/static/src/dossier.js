// The dossier form: drawn by the form-js viewer from the task's schema, saved as one types
// (after a pause), and flushed before the deposit so that the deposit takes what was typed.
(function () {
  "use strict";

  // The viewer's own checks speak English; they say here what the server says.
  var FRENCH = [
    [/^Field is required\.$/, "Obligatoire."],
    [/^Field must have minimum value of (.+)\.$/, "Doit être au moins $1."],
    [/^Field must have maximum value of (.+)\.$/, "Doit être au plus $1."],
    [/^Field must have minimum length of (.+)\.$/, "Doit comporter au moins $1 caractères."],
    [/^Field must have maximum length of (.+)\.$/, "Doit comporter au plus $1 caractères."],
    [/^Field must match pattern .*$/, "Ne respecte pas le format attendu."],
    [/^Field must be a valid email\.$/, "Adresse électronique invalide."],
    [/^Field must be a valid +international phone number.*$/,
      "Numéro de téléphone invalide (format international attendu : +33 …)."],
    [/^Value is not a number\.$/, "Doit être un nombre."],
    [/^Value is expected to be an integer\.$/, "Doit être un nombre entier."],
    [/^Please select a valid value, the two nearest valid values are (.+) and (.+)\.$/,
      "Valeur invalide : les plus proches sont $1 et $2."]
  ];

  function french(message) {
    for (var i = 0; i < FRENCH.length; i++) {
      if (FRENCH[i][0].test(message)) { return message.replace(FRENCH[i][0], FRENCH[i][1]); }
    }
    return message;
  }

  function speakFrench(form) {
    var validator = form.get("validator");
    ["validateField", "validateFieldInstance"].forEach(function (name) {
      var original = validator[name].bind(validator);
      validator[name] = function (field, value) { return original(field, value).map(french); };
    });
  }

  // A link of the error summary leads to its field, which the viewer named itself.
  function linkSummary(root) {
    var links = document.querySelectorAll(".error-summary a[data-label]");
    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("click", function (event) {
        var labels = root.querySelectorAll("label");
        for (var i = 0; i < labels.length; i++) {
          var text = labels[i].textContent.replace(/\*$/, "").trim();
          var target = labels[i].htmlFor && document.getElementById(labels[i].htmlFor);
          if (text === link.dataset.label && target) {
            event.preventDefault();
            target.focus();
            return;
          }
        }
      });
    });
  }

  // Pieces: a file is sent as soon as it is chosen, one at a time (each is a step of the
  // dossier), with its progress; without script, each piece's form posts it.
  var queue = Promise.resolve();
  var sending = 0;

  function enqueue(form) {
    sending += 1;
    queue = queue.then(function () { return send(form); }).then(function () { sending -= 1; });
  }

  function send(form) {
    var input = form.querySelector('input[type="file"]');
    var file = input.files[0];
    var status = form.querySelector(".piece-status");
    var bar = form.querySelector("progress");
    var shown = form.querySelector(".piece-file");
    if (!file) { status.textContent = "Choisissez d'abord un fichier."; return Promise.resolve(); }
    if (file.size > Number(form.dataset.maxBytes)) {
      status.textContent = "Ce fichier dépasse " + form.dataset.maxSize + " : il n'a pas été envoyé.";
      return Promise.resolve();
    }
    status.textContent = "En attente d'envoi…";
    return new Promise(function (resolve) {
      var request = new XMLHttpRequest();
      var body = new FormData(form);
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) { return; }
        bar.hidden = false;
        bar.value = Math.round(100 * event.loaded / event.total);
        status.textContent = "Envoi : " + bar.value + " %";
      });
      request.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(request.responseText); } catch (ignored) { answer = {}; }
        bar.hidden = true;
        if (request.status === 200) {
          var link = document.createElement("a");
          link.href = answer.url;
          link.textContent = answer.filename;
          shown.replaceChildren(link, document.createTextNode(" (" + answer.size + ")"));
          status.textContent = answer.message;
          input.value = "";
          form.parentElement.classList.remove("has-error");
          input.removeAttribute("aria-invalid");
          var error = form.querySelector(".field-error");
          if (error) { error.remove(); }
        } else if (request.status === 413) {
          status.textContent = "Ce fichier dépasse " + form.dataset.maxSize + " : il n'a pas été envoyé.";
        } else {
          status.textContent = (answer.detail || "Envoi refusé") + ".";
        }
        resolve();
      });
      request.addEventListener("error", function () {
        bar.hidden = true;
        status.textContent = "Envoi impossible : vérifiez votre connexion, puis réessayez.";
        resolve();
      });
      request.send(body);
    });
  }

  function setUpPieces() {
    var forms = document.querySelectorAll("form.piece-upload");
    Array.prototype.forEach.call(forms, function (form) {
      form.querySelector('button[type="submit"]').hidden = true;
      form.querySelector('input[type="file"]').addEventListener("change", function () {
        enqueue(form);
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        enqueue(form);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", setUpPieces);

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("formulaire");
    if (!root || !window.ConcertoForms) { return; }
    var schema = JSON.parse(document.getElementById("form-schema").textContent);
    var latest = JSON.parse(document.getElementById("form-data").textContent);
    var status = document.getElementById("etat-enregistrement");
    var token = document.querySelector('meta[name="csrf-token"]').content;
    var deposit = document.getElementById("depot");
    var form = new window.ConcertoForms.Form({ container: root });
    var timer = null;
    var saving = null;  // the save on its way to the server, if any
    speakFrench(form);

    function save() {
      timer = null;
      var sent = latest;
      var request = fetch(root.dataset.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ data: sent })
      }).then(function (response) {
        return response.json().then(function (body) {
          // "Enregistré" only once what is on the screen is saved: a change typed since
          // keeps "en cours" until its own save answers.
          if (!response.ok) { status.textContent = body.detail; }
          else if (timer === null && sent === latest) { status.textContent = body.message; }
        });
      }).catch(function () {
        status.textContent = "Enregistrement impossible : vérifiez votre connexion, puis réessayez.";
      });
      saving = request;
      request.then(function () { if (saving === request) { saving = null; } });
      return request;
    }

    form.importSchema(schema, latest).then(function () {
      if (root.dataset.showErrors) { form.validate(); }
      linkSummary(root);
      form.on("changed", function (event) {
        if (JSON.stringify(event.data) === JSON.stringify(latest)) { return; }
        latest = event.data;
        status.textContent = "Modifications en cours d'enregistrement…";
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(save, 700);
      });
      root.dataset.ready = "true";  // the form takes what is typed from now on
    });
    // The deposit takes what was typed and the files chosen: both are sent first, and a save
    // already on its way is waited for (the deposit reads the draft as last saved).
    deposit.addEventListener("submit", function (event) {
      if (timer === null && saving === null && sending === 0) { return; }
      event.preventDefault();
      if (timer !== null) { clearTimeout(timer); save(); }
      Promise.all([saving, queue]).then(function () { deposit.submit(); });
    });
  });
})();
