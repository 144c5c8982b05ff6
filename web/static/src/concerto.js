// Concerto's page behaviour, without inline scripts (the pages' Content-Security-Policy
// forbids them).
(function () {
  "use strict";
  // htmx requests carry the CSRF token of the page.
  var token = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", function (event) {
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
  // A form sent back with errors: its summary takes the focus, so it is read first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("erreurs");
    if (summary) { summary.focus(); }
  });
})();
