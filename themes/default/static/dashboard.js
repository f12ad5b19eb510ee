// Project dashboard: filter and sort the table in the browser, add up the selection and
// download it. The table, the network's totals and the full CSV work without JavaScript;
// this only adds controls. Filter state lives in the URL query so a view can be shared
// (?q=port&status=ongoing&city=tampere&theme=wellbeing&programme=…&year=2025&intl=yes&sort=6&dir=desc).
(function () {
  "use strict";
  var table = document.getElementById("project-table");
  var controls = document.getElementById("dashboard-controls");
  if (!table || !controls || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filters = {
    q: document.getElementById("filter-text"),
    status: document.getElementById("filter-status"),
    city: document.getElementById("filter-city"),
    // which of a city's projects: those it leads (as its page and the map count them), those
    // it is only a partner in, or both
    role: document.getElementById("filter-role"),
    theme: document.getElementById("filter-theme"),
    programme: document.getElementById("filter-programme"),
    year: document.getElementById("filter-year"),
    intl: document.getElementById("filter-intl")
  };
  var count = document.getElementById("filter-count");
  var totalsList = document.getElementById("selection-totals");
  var selectionName = document.getElementById("selection-name");
  var download = document.getElementById("download-selection");
  var fullCsv = download ? download.getAttribute("href") : null;
  var fullLabel = download ? download.textContent : "";
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var currency = (totalsList && totalsList.getAttribute("data-currency")) || "EUR";
  var sortCol = -1;
  var sortDir = "ascending";
  // The index holds every project (the page may hold one slice of them); filters, totals and
  // the download read it. Shown rows are capped at LIMIT; totals and the download are not.
  var indexUrl = table.getAttribute("data-index");
  var root = table.getAttribute("data-root") || "";
  var pager = document.querySelector(".pagination");
  var paged = !!pager;
  var LIMIT = 500;
  var index = null;
  var loading = false;
  var selection = [];
  var blobUrl = null;

  // numbers written as the static pages write them (strings.toml's numbers): 19,940
  var thousands = (totalsList && totalsList.getAttribute("data-thousands")) || ",";
  var decimal = (totalsList && totalsList.getAttribute("data-decimal")) || ".";
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, thousands); }
  // cents as the pages print money: 1,234,567 or 1,234,567.50
  function money(cents) {
    var neg = cents < 0;
    var abs = Math.abs(cents);
    var whole = grouped(Math.floor(abs / 100));
    var rest = abs % 100;
    return (neg ? "-" : "") + whole + (rest ? decimal + (rest < 10 ? "0" : "") + rest : "");
  }
  function plain(cents) {
    var abs = Math.abs(cents);
    var rest = abs % 100;
    return (cents < 0 ? "-" : "") + Math.floor(abs / 100) + "." + (rest < 10 ? "0" : "") + rest;
  }

  // A project as the index writes it: id, title, city, city_name, partners, themes,
  // theme_names, programme, start, end, status, status_label, total_cents, total,
  // [eu, state, city, other] cents, international. Rows on the page carry the same.
  function fromRow(row) {
    var link = row.cells[0].querySelector("a");
    var href = link ? link.getAttribute("href") : "";
    var id = href.replace(/\/$/, "").split("/").pop();
    return [id, link ? link.textContent : "", row.getAttribute("data-city") || "",
      row.cells[1].textContent.trim(), (row.getAttribute("data-partners") || "").trim(),
      (row.getAttribute("data-themes") || "").trim(), row.cells[2].textContent.trim(),
      row.getAttribute("data-programme") || "", row.getAttribute("data-start") || "",
      row.getAttribute("data-end") || "", row.getAttribute("data-status") || "",
      row.cells[5].textContent.trim(), Number(row.getAttribute("data-total")) || 0,
      row.cells[6].textContent.trim(),
      (row.getAttribute("data-cents") || "0 0 0 0").split(" ").map(Number),
      row.getAttribute("data-intl") === "1"];
  }
  var local = rows.map(fromRow);
  var rowById = {};
  rows.forEach(function (row, i) { rowById[local[i][0]] = row; });

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

  function makeRow(r) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-status", r[10]);
    tr.setAttribute("data-city", r[2]);
    tr.setAttribute("data-partners", r[4] ? r[4] + " " : "");
    tr.setAttribute("data-themes", r[5] + " ");
    tr.setAttribute("data-start", r[8]);
    tr.setAttribute("data-end", r[9]);
    tr.setAttribute("data-programme", r[7]);
    tr.setAttribute("data-intl", r[15] ? "1" : "0");
    tr.setAttribute("data-total", String(r[12]));
    tr.setAttribute("data-cents", r[14].join(" "));
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
    // the labels a phone shows beside each value, as the page's own rows have them
    Array.prototype.forEach.call(tr.cells, function (c, i) {
      if (i > 0 && headers[i]) { c.setAttribute("data-label", headers[i].getAttribute("data-label") || headers[i].textContent.trim()); }
    });
    return tr;
  }

  function key(r, col) {
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

  // accents folded as in the site search (search.js), so "Jyvaskyla" finds Jyväskylä
  var EXTRA = { "\u00f8": "o", "\u00e6": "ae", "\u0153": "oe", "\u00df": "ss", "\u0142": "l", "\u0111": "d", "\u00f0": "d", "\u00fe": "th", "\u0131": "i" };
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/[\u00f8\u00e6\u0153\u00df\u0142\u0111\u00f0\u00fe\u0131]/g, function (c) { return EXTRA[c]; });
  }
  // each row's words folded once, not at every key press
  var folded = new WeakMap();

  // whether the project is one of the city's, in the part the role filter asks for
  function cityPart(r, city) {
    var leads = r[2] === city;
    var partner = (" " + r[4] + " ").indexOf(" " + city + " ") !== -1;
    var role = filters.role ? filters.role.value : "";
    if (role === "partner") { return partner && !leads; }
    if (role === "any") { return leads || partner; }
    return leads;
  }

  // the selection in words: "the 4 projects led by Oulu"
  function selectionWords(n) {
    var city = filters.city.value ? filters.city.options[filters.city.selectedIndex].text : "";
    var projects = n === 1 ? "the 1 project" : "the " + grouped(n) + " projects";
    if (!city) { return projects + " selected"; }
    var role = filters.role ? filters.role.value : "";
    var part = role === "partner" ? " with " + city + " as a partner" : role === "any" ? " led by " + city + " or with it as a partner" : " led by " + city;
    var others = filters.q.value.trim() || filters.status.value || filters.theme.value || filters.programme.value || filters.year.value || filters.intl.value;
    return projects + part + (others ? " that match the other filters" : "");
  }

  function matches(r, q) {
    var year = filters.year.value;
    var words = folded.get(r);
    if (words === undefined) {
      words = fold(r[1] + " " + r[3] + " " + r[6] + " " + r[7] + " " + r[8] + " " + r[9] + " " + r[11] + " " + r[13]);
      folded.set(r, words);
    }
    return (!q || words.indexOf(q) !== -1) &&
      (!filters.status.value || r[10] === filters.status.value) &&
      (!filters.city.value || cityPart(r, filters.city.value)) &&
      (!filters.theme.value || (" " + r[5] + " ").indexOf(" " + filters.theme.value + " ") !== -1) &&
      (!filters.programme.value || r[7] === filters.programme.value) &&
      (!year || (r[8].slice(0, 4) <= year && year <= r[9].slice(0, 4))) &&
      (!filters.intl.value || r[15] === (filters.intl.value === "yes"));
  }

  function sorted(list) {
    if (sortCol < 0) { return list; }
    var pairs = list.map(function (r, i) { return [r, i]; });
    pairs.sort(function (a, b) {
      var x = key(a[0], sortCol), y = key(b[0], sortCol);
      var c = x < y ? -1 : (x > y ? 1 : 0);
      if (c === 0) { c = a[1] - b[1]; }
      return sortDir === "ascending" ? c : -c;
    });
    return pairs.map(function (p) { return p[0]; });
  }

  function markSorted() {
    headers.forEach(function (th, col) {
      if (col === sortCol) { th.setAttribute("aria-sort", sortDir); } else { th.removeAttribute("aria-sort"); }
    });
  }

  function showTotals(list, filtered) {
    if (!totalsList) { return; }
    var t = { count: list.length, total: 0, eu: 0, state: 0, city: 0, other: 0, ongoing: 0 };
    list.forEach(function (r) {
      t.total += r[12];
      t.eu += r[14][0];
      t.state += r[14][1];
      t.city += r[14][2];
      t.other += r[14][3];
      if (r[10] === "ongoing") { t.ongoing += r[12]; }
    });
    Array.prototype.forEach.call(totalsList.querySelectorAll("dd[data-key]"), function (dd) {
      var k = dd.getAttribute("data-key");
      dd.setAttribute("data-value", String(t[k]));
      dd.textContent = k === "count" ? grouped(t[k]) : currency + " " + money(t[k]);
    });
    if (selectionName) {
      selectionName.textContent = filtered ? selectionWords(list.length) : "all projects";
    }
    if (download) {
      if (blobUrl) { URL.revokeObjectURL(blobUrl); blobUrl = null; }
      if (filtered) {
        download.setAttribute("href", "#");
        download.setAttribute("download", "projects-selection.csv");
        download.textContent = list.length === 1 ? "Download this project (CSV)" : "Download these " + grouped(list.length) + " projects (CSV)";
      } else {
        download.setAttribute("href", fullCsv);
        download.setAttribute("download", "projects.csv");
        download.textContent = fullLabel;
      }
    }
  }

  // the same guard as the site's own CSV: a cell that a spreadsheet would run as a formula
  // starts with an apostrophe, unless it is a plain signed number
  function csvCell(s) {
    s = String(s);
    if (/^[=+\-@\t\r]/.test(s) && !/^[+-]\d+([.,]\d*)?$/.test(s)) { s = "'" + s; }
    return /[,"\r\n]/.test(s) ? "\"" + s.replace(/"/g, "\"\"") + "\"" : s;
  }

  function csv(list) {
    var out = "id,title,city,partners,themes,programme,start,end,status,international,eu,state,city_funding,other,total\r\n";
    list.forEach(function (r) {
      out += [r[0], r[1], r[2], r[4].split(" ").filter(Boolean).join(";"), r[5].split(" ").filter(Boolean).join(";"),
        r[7], r[8], r[9], r[10], r[15] ? "true" : "false", plain(r[14][0]), plain(r[14][1]),
        plain(r[14][2]), plain(r[14][3]), plain(r[12])].map(csvCell).join(",") + "\r\n";
    });
    return out;
  }

  if (download) {
    download.addEventListener("click", function () {
      if (download.getAttribute("href") !== "#") { return; }
      blobUrl = URL.createObjectURL(new Blob([csv(selection)], { type: "text/csv;charset=utf-8" }));
      download.setAttribute("href", blobUrl);
    });
  }

  function active() {
    return !!(filters.q.value.trim() || filters.status.value || filters.city.value || filters.theme.value ||
      filters.programme.value || filters.year.value || filters.intl.value);
  }

  function apply(updateUrl) {
    var q = fold(filters.q.value.trim());
    var filtered = active();
    // a page holding every project filters its own rows at once; a paged dashboard reads
    // the index of all of them first
    if (paged && indexUrl && !index && (filtered || sortCol >= 0)) {
      if (!loading) {
        loading = true;
        count.textContent = "Loading all projects\u2026";
        fetch(indexUrl).then(function (r) { return r.json(); }).then(function (doc) {
          index = doc.rows;
          apply(true);
        }).catch(function () {
          count.textContent = "The list of all projects could not be loaded; this page's projects are filtered.";
          indexUrl = null;
          apply(true);
        });
      }
      return;
    }
    var all = (paged && index) || local;
    var list = sorted(all.filter(function (r) { return matches(r, q); }));
    selection = list;
    if (paged && index) {
      // the page's own rows are replaced by the selection from the index
      while (body.firstChild) { body.removeChild(body.firstChild); }
      list.slice(0, LIMIT).forEach(function (r) { body.appendChild(makeRow(r)); });
      if (pager) { pager.hidden = filtered || sortCol >= 0; }
    } else {
      if (pager) { pager.hidden = false; }
      // every project is on this page: its own rows are shown, hidden and reordered
      while (body.firstChild) { body.removeChild(body.firstChild); }
      var shown = {};
      list.forEach(function (r) {
        var row = rowById[r[0]];
        if (row) { row.hidden = false; shown[r[0]] = true; body.appendChild(row); }
      });
      rows.forEach(function (row, i) {
        if (!shown[local[i][0]]) { row.hidden = true; body.appendChild(row); }
      });
    }
    markSorted();
    if (paged && index) {
      count.textContent = grouped(list.length) + " of " + grouped(index.length) + (list.length === 1 ? " projects matches" : " projects match") +
        (list.length > LIMIT ? "; showing the first " + grouped(LIMIT) + " (the totals and the download cover all)" : "");
    } else {
      count.textContent = grouped(list.length) + " of " + grouped(rows.length) + (rows.length === 1 ? " project" : " projects") + " shown";
    }
    // a page of a paged dashboard keeps the network's totals until the index is read
    if (!paged || index) { showTotals(list, filtered); }
    if (updateUrl) { saveState(); }
  }

  function saveState() {
    var params = new URLSearchParams();
    if (filters.q.value.trim()) { params.set("q", filters.q.value.trim()); }
    ["status", "city", "role", "theme", "programme", "year", "intl"].forEach(function (name) {
      if (filters[name] && filters[name].value) { params.set(name, filters[name].value); }
    });
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
  filters.q.value = params.get("q") || "";
  ["status", "city", "role", "theme", "programme", "year", "intl"].forEach(function (name) {
    if (filters[name]) { setSelect(filters[name], params.get(name)); }
  });
  var s = Number(params.get("sort"));
  if (params.has("sort") && s >= 0 && s < headers.length && headers[s].getAttribute("data-sort")) {
    sortCol = s;
    sortDir = params.get("dir") === "desc" ? "descending" : "ascending";
  }

  Object.keys(filters).forEach(function (name) {
    var el = filters[name];
    if (!el) { return; }
    el.addEventListener(name === "q" ? "input" : "change", function () { apply(true); });
  });
  controls.hidden = false;
  apply(false);
}());
