// The reports page's trend picker: shows the chosen field's F1 over nights without a reload.
// Without this script the picker is a plain form (the page again with ?field=), so it works anyway.
"use strict";

(function () {
  const picker = document.getElementById("trend-field");
  if (!picker) {
    return;
  }
  const charts = document.querySelectorAll(".field-trend[data-field]");
  picker.addEventListener("change", function () {
    charts.forEach(function (chart) {
      chart.hidden = chart.dataset.field !== picker.value;
    });
  });
  const button = picker.form && picker.form.querySelector("button");
  if (button) {
    button.hidden = true;
  }
})();
