/* Small behaviours the pages declare with data attributes, so no page needs inline script
   (the CSP forbids it): data-autosubmit submits the form when the field changes,
   data-navigate opens the chosen option's URL, data-confirm asks before a form is sent. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("[data-autosubmit]") && field.form) { field.form.submit(); }
    if (field.matches("select[data-navigate]") && field.value) { window.location.assign(field.value); }
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
