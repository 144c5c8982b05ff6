// The commission's session: the envelope's gauge and the totals beside the buttons follow the
// amounts as they are typed (the server checks them again when the draft is saved or the
// session closed).
(function () {
  "use strict";
  var text = document.getElementById("jauge-texte");
  var meter = document.getElementById("jauge");
  if (!text || !meter) { return; }
  var envelope = Number(text.dataset.envelope);
  var euros = new Intl.NumberFormat("fr-FR", {
    style: "currency", currency: "EUR", maximumFractionDigits: 0
  });

  function granted(section) {
    var chosen = section.querySelector("select");
    if (!chosen || !chosen.value || chosen.value === "refused") { return 0; }
    var typed = section.querySelector("[data-amount]").value.replace(/\s/g, "");
    if (typed === "" && chosen.value === "accepted") { return Number(section.dataset.requested); }
    var amount = Number(typed);
    return Number.isInteger(amount) && amount > 0 ? amount : 0;
  }

  function update() {
    var total = 0;
    document.querySelectorAll(".candidate").forEach(function (section) {
      total += granted(section);
    });
    meter.value = Math.min(total, envelope);
    document.querySelectorAll("[data-granted]").forEach(function (figure) {
      figure.textContent = euros.format(total);
    });
    document.querySelectorAll("[data-remaining]").forEach(function (figure) {
      figure.textContent = euros.format(envelope - total);
    });
    document.querySelectorAll("#jauge-texte, .totals").forEach(function (line) {
      line.classList.toggle("over", total > envelope);
    });
  }

  document.addEventListener("input", update);
  document.addEventListener("change", update);
  update();
})();
