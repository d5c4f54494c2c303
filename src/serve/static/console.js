// recon console: the little script the pages use (served as a file: the Content-Security-Policy
// allows no inline script). It only makes the queue's bulk form easier; every page works without it.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var form = document.querySelector('form.bulk-form');
  if (!form) return;
  var boxes = function () {
    return Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="id"]'));
  };
  var all = form.querySelector('input.select-all');
  var count = form.querySelector('.ticked');
  var go = form.querySelector('.bulk-go');
  var action = form.querySelector('select.bulk-action');
  function update() {
    var n = boxes().filter(function (b) { return b.checked; }).length;
    if (count) count.textContent = String(n);
    if (go) go.disabled = n === 0;
    var closing = action && action.value === 'close';
    form.querySelectorAll('.for-close').forEach(function (e) { e.hidden = !closing; });
    form.querySelectorAll('.for-assign').forEach(function (e) { e.hidden = closing; });
  }
  if (all) {
    all.addEventListener('change', function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
  form.addEventListener('change', update);
  update();
});
