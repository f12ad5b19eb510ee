// Project dashboard: filter and sort the table in the browser. The table is complete without
// JavaScript; this only adds controls. Filter state lives in the URL query so a view can be
// shared (?q=port&status=ongoing&city=tampere&theme=wellbeing&sort=6&dir=desc).
(function () {
  "use strict";
  var table = document.getElementById("project-table");
  var controls = document.getElementById("dashboard-controls");
  if (!table || !controls || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (row, i) { row.dataset.index = String(i); });
  var text = document.getElementById("filter-text");
  var status = document.getElementById("filter-status");
  var city = document.getElementById("filter-city");
  var theme = document.getElementById("filter-theme");
  var count = document.getElementById("filter-count");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var sortCol = -1;
  var sortDir = "ascending";

  headers.forEach(function (th, col) {
    var kind = th.getAttribute("data-sort");
    if (!kind) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      sortDir = (sortCol === col && sortDir === "ascending") ? "descending" : "ascending";
      sortCol = col;
      apply(true);
    });
  });

  function cellKey(row, col) {
    if (headers[col].getAttribute("data-sort") === "number") {
      return Number(row.getAttribute("data-total")) || 0;
    }
    if (col === 4) { return row.getAttribute("data-start") || ""; }
    return (row.cells[col].textContent || "").trim().toLowerCase();
  }

  function apply(updateUrl) {
    var q = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!q || row.textContent.toLowerCase().indexOf(q) !== -1) &&
        (!status.value || row.getAttribute("data-status") === status.value) &&
        (!city.value || row.getAttribute("data-city") === city.value ||
          (" " + row.getAttribute("data-partners")).indexOf(" " + city.value + " ") !== -1) &&
        (!theme.value || (" " + row.getAttribute("data-themes")).indexOf(" " + theme.value + " ") !== -1);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var ordered = rows.slice();
    if (sortCol >= 0) {
      ordered.sort(function (a, b) {
        var x = cellKey(a, sortCol), y = cellKey(b, sortCol);
        var c = x < y ? -1 : (x > y ? 1 : 0);
        if (c === 0) { c = Number(a.dataset.index) - Number(b.dataset.index); }
        return sortDir === "ascending" ? c : -c;
      });
    }
    ordered.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (th, col) {
      if (col === sortCol) { th.setAttribute("aria-sort", sortDir); } else { th.removeAttribute("aria-sort"); }
    });
    count.textContent = shown + " of " + rows.length + " projects shown";
    if (updateUrl) { saveState(); }
  }

  function saveState() {
    var params = new URLSearchParams();
    if (text.value.trim()) { params.set("q", text.value.trim()); }
    if (status.value) { params.set("status", status.value); }
    if (city.value) { params.set("city", city.value); }
    if (theme.value) { params.set("theme", theme.value); }
    if (sortCol >= 0) { params.set("sort", String(sortCol)); params.set("dir", sortDir === "ascending" ? "asc" : "desc"); }
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function setSelect(select, value) {
    if (!value) { return; }
    for (var i = 0; i < select.options.length; i += 1) {
      if (select.options[i].value === value) { select.value = value; return; }
    }
  }

  var params = new URLSearchParams(location.search);
  text.value = params.get("q") || "";
  setSelect(status, params.get("status"));
  setSelect(city, params.get("city"));
  setSelect(theme, params.get("theme"));
  var s = Number(params.get("sort"));
  if (params.has("sort") && s >= 0 && s < headers.length && headers[s].getAttribute("data-sort")) {
    sortCol = s;
    sortDir = params.get("dir") === "desc" ? "descending" : "ascending";
  }

  [text, status, city, theme].forEach(function (el) {
    el.addEventListener(el === text ? "input" : "change", function () { apply(true); });
  });
  controls.hidden = false;
  apply(false);
}());
