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
  // With many projects the page holds one slice; filters then search the JSON index of all
  // projects and show the first LIMIT matches.
  var indexUrl = table.getAttribute("data-index");
  var root = table.getAttribute("data-root") || "";
  var pager = document.querySelector(".pagination");
  var LIMIT = 500;
  // counts grouped like the static pages: 19,940
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  var index = null;
  var loading = false;

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

  function cell(tag, text) {
    var el = document.createElement(tag);
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  function link(href, text) {
    var a = cell("a", text);
    a.setAttribute("href", href);
    return a;
  }

  // one index row: id, title, city, city_name, partners, themes, theme_names, programme,
  // start, end, status, status_label, total_cents, total
  function makeRow(r) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-status", r[10]);
    tr.setAttribute("data-city", r[2]);
    tr.setAttribute("data-partners", r[4] ? r[4] + " " : "");
    tr.setAttribute("data-themes", r[5] + " ");
    tr.setAttribute("data-start", r[8]);
    tr.setAttribute("data-total", String(r[12]));
    var th = cell("th");
    th.setAttribute("scope", "row");
    th.appendChild(link(root + "projects/" + r[0] + "/", r[1]));
    tr.appendChild(th);
    var city = cell("td");
    if (r[2]) { city.appendChild(link(root + "cities/" + r[2] + "/", r[3])); } else { city.textContent = r[3]; }
    tr.appendChild(city);
    tr.appendChild(cell("td", r[6]));
    tr.appendChild(cell("td", r[7]));
    tr.appendChild(cell("td", r[8] + " \u2013 " + r[9]));
    var st = cell("td");
    var span = cell("span", r[11]);
    span.className = "status status-" + r[10];
    st.appendChild(span);
    tr.appendChild(st);
    var total = cell("td", r[13]);
    total.className = "num";
    tr.appendChild(total);
    return tr;
  }

  function indexKey(r, col) {
    switch (col) {
      case 0: return r[1].toLowerCase();
      case 1: return r[3].toLowerCase();
      case 2: return r[6].toLowerCase();
      case 3: return r[7].toLowerCase();
      case 4: return r[8];
      case 5: return r[11].toLowerCase();
      default: return r[12];
    }
  }

  function applyIndex(q, updateUrl) {
    var matches = index.filter(function (r) {
      var words = (r[1] + " " + r[3] + " " + r[6] + " " + r[7] + " " + r[8] + " " + r[9] + " " + r[11] + " " + r[13]).toLowerCase();
      return (!q || words.indexOf(q) !== -1) &&
        (!status.value || r[10] === status.value) &&
        (!city.value || r[2] === city.value || (" " + r[4] + " ").indexOf(" " + city.value + " ") !== -1) &&
        (!theme.value || (" " + r[5] + " ").indexOf(" " + theme.value + " ") !== -1);
    });
    if (sortCol >= 0) {
      matches = matches.map(function (r, i) { return [r, i]; });
      matches.sort(function (a, b) {
        var x = indexKey(a[0], sortCol), y = indexKey(b[0], sortCol);
        var c = x < y ? -1 : (x > y ? 1 : 0);
        if (c === 0) { c = a[1] - b[1]; }
        return sortDir === "ascending" ? c : -c;
      }).forEach(function (pair, i) { matches[i] = pair[0]; });
    }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    matches.slice(0, LIMIT).forEach(function (r) { body.appendChild(makeRow(r)); });
    if (pager) { pager.hidden = true; }
    count.textContent = grouped(matches.length) + " of " + grouped(index.length) + (matches.length === 1 ? " projects matches" : " projects match") +
      (matches.length > LIMIT ? "; showing the first " + LIMIT : "");
    markSorted();
    if (updateUrl) { saveState(); }
  }

  function markSorted() {
    headers.forEach(function (th, col) {
      if (col === sortCol) { th.setAttribute("aria-sort", sortDir); } else { th.removeAttribute("aria-sort"); }
    });
  }

  function apply(updateUrl) {
    var q = text.value.trim().toLowerCase();
    var active = q || status.value || city.value || theme.value || sortCol >= 0;
    if (indexUrl && active) {
      if (index) { applyIndex(q, updateUrl); return; }
      if (!loading) {
        loading = true;
        count.textContent = "Loading all projects\u2026";
        fetch(indexUrl).then(function (r) { return r.json(); }).then(function (doc) {
          index = doc.rows;
          apply(true);
        }).catch(function () {
          loading = false;
          count.textContent = "The list of all projects could not be loaded; this page's projects are filtered.";
          indexUrl = null;
          apply(true);
        });
      }
      return;
    }
    if (indexUrl && pager) { pager.hidden = false; }
    if (indexUrl && body.rows.length !== rows.length) {
      while (body.firstChild) { body.removeChild(body.firstChild); }
      rows.forEach(function (row) { body.appendChild(row); });
    }
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
    markSorted();
    count.textContent = grouped(shown) + " of " + grouped(rows.length) + (rows.length === 1 ? " project" : " projects") + " shown";
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
