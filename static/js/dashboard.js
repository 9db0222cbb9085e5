// Dashboard charts (Chart.js) from the JSON next to each canvas, redrawn after
// every htmx swap; sortable tables. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  var charts = {};
  var colours = ["#1f5f8b", "#b35900", "#2e7d32", "#6a1b9a"];

  function draw(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      if (charts[canvas.id]) charts[canvas.id].destroy();
      charts[canvas.id] = new Chart(canvas, {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map(function (set, i) {
            return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length] };
          })
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: spec.datasets.length > 1 } },
          scales: { y: { beginAtZero: true } }
        }
      });
    });
  }

  function cellValue(row, index) {
    var text = row.children[index].textContent.trim();
    var number = parseFloat(text.replace(/\./g, "").replace(",", "."));
    return isNaN(number) ? text : number;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-sort]");
    if (!button) return;
    var table = button.closest("table");
    var index = parseInt(button.dataset.sort, 10);
    var descending = button.getAttribute("aria-pressed") !== "true" || button.dataset.order !== "desc";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (typeof x === "number" && typeof y !== "number") return -1;
      if (typeof y === "number" && typeof x !== "number") return 1;
      var order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    table.querySelectorAll("button[data-sort]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    button.setAttribute("aria-pressed", "true");
    button.dataset.order = descending ? "desc" : "asc";
    button.closest("th").setAttribute("aria-sort", descending ? "descending" : "ascending");
  });

  window.addEventListener("load", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.detail.elt); });
})();
