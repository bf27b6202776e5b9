/* The completion form's behaviour (readings marked at once, "all remaining pass", the
   signature pad, the upload-size warning), as a file: the CSP allows no inline script. */
(function () {
  "use strict";
  // Readings: mark an out-of-range value at once (the server checks again on save).
  function checkReading(input) {
    var box = input.closest(".checklist-item"), warn = box.querySelector(".out-of-range");
    var raw = input.value.trim().replace("，", ",").replace(",", "."), value = parseFloat(raw);
    var low = input.dataset.min, high = input.dataset.max, out = false;
    if (raw !== "" && !isNaN(value)) {
      out = (low !== undefined && value < parseFloat(low)) || (high !== undefined && value > parseFloat(high));
    }
    input.classList.toggle("border-danger", out);
    input.classList.toggle("text-danger", out);
    if (warn) { warn.classList.toggle("d-none", !out); }
  }
  document.querySelectorAll("input.reading").forEach(function (input) {
    input.addEventListener("input", function () { checkReading(input); });
  });
  // "All remaining pass": ticks Pass on every check item still unanswered.
  var allPass = document.getElementById("all-pass");
  if (allPass) {
    allPass.addEventListener("click", function () {
      document.querySelectorAll('.checklist-item[data-kind="check"]').forEach(function (box) {
        if (!box.querySelector("input[type=radio]:checked")) {
          var pass = box.querySelector('input[type=radio][value="pass"]');
          if (pass) { pass.checked = true; }
        }
      });
    });
  }
  // Signature pad: drawn strokes become a PNG data URL in a hidden field.
  var canvas = document.getElementById("signature-pad"), field = document.getElementById("signature_data_url");
  if (canvas && field) {
    var ctx = canvas.getContext("2d"), drawing = false, drawn = false;
    function fit() {
      var ratio = window.devicePixelRatio || 1;
      canvas.width = canvas.clientWidth * ratio; canvas.height = canvas.clientHeight * ratio;
      ctx.scale(ratio, ratio); ctx.lineWidth = 2; ctx.lineCap = "round"; ctx.strokeStyle = "#000";
    }
    function point(e) { var r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
    fit();
    canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener("pointermove", function (e) { if (!drawing) { return; } var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; });
    canvas.addEventListener("pointerup", function () { drawing = false; if (drawn) { field.value = canvas.toDataURL("image/png"); } });
    document.getElementById("signature-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); field.value = ""; drawn = false;
    });
  }
  // Warn before sending more than the server accepts in one request.
  var form = document.getElementById("completion-form"), limit = parseInt(document.getElementById("completion-form").dataset.uploadLimit || "0", 10);
  form.addEventListener("submit", function (e) {
    var total = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files, function (f) { total += f.size; });
    });
    if (limit && total > limit * 0.95) { e.preventDefault(); document.getElementById("too-big").classList.remove("d-none"); }
  });
})();
