// Marks each password rule as met or not while the person types. Without JavaScript the same
// rules are listed and the unmet ones are marked after sending the form.
(function () {
  "use strict";
  var checks = {
    "password-rule-length": function (v) { return Array.from(v).length >= 12; },
    "password-rule-digit": function (v) { return /\p{N}/u.test(v); },
    "password-rule-lowercase": function (v) { return /\p{Ll}/u.test(v); },
    "password-rule-uppercase": function (v) { return /\p{Lu}/u.test(v); },
    "password-rule-special": function (v) { return /[^\p{L}\p{N}\s]/u.test(v); }
  };
  var input = document.querySelector("[data-password-input]");
  var list = document.querySelector("[data-password-rules]");
  if (!input || !list) { return; }
  function update() {
    var value = input.value;
    list.querySelectorAll("[data-rule]").forEach(function (item) {
      var check = checks[item.getAttribute("data-rule")];
      if (!check) { return; }
      var met = check(value);
      item.classList.toggle("met", met);
      item.classList.toggle("unmet", !met && value.length > 0);
      var state = item.querySelector(".password-rules__state");
      if (state) { state.textContent = met ? state.getAttribute("data-met") : state.getAttribute("data-unmet"); }
    });
  }
  input.addEventListener("input", update);
  update();
})();
