// The plan form: show only the rule fields of the chosen preset.
(function () {
  var select = document.getElementById('preset');
  if (!select) return;
  function sync() {
    document.querySelectorAll('#rule-widget [data-preset]').forEach(function (el) {
      var show = el.getAttribute('data-preset').split(' ').indexOf(select.value) >= 0;
      el.classList.toggle('d-none', !show);
    });
  }
  select.addEventListener('change', sync);
  sync();
})();
