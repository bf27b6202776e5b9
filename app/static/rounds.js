// Behaviour that used to be inline handlers; the content security policy forbids those.
//   <select data-autosubmit>    submits its form when changed
//   <select data-navigate>      goes to the chosen option's value (a URL on this site)
//   <form data-confirm="…">     asks before submitting
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("select[data-navigate]").forEach(function (el) {
    el.addEventListener("change", function () {
      if (el.value.charAt(0) === "/" && el.value.charAt(1) !== "/") { window.location = el.value; }
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); }
    });
  });
})();
