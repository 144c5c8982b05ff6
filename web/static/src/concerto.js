// Concerto's page behaviour, without inline scripts (the pages' Content-Security-Policy
// forbids them). htmx requests carry the CSRF token of the page.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", function (event) {
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
})();
