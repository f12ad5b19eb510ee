// Site search: reads ?q=, loads the index shard of each word typed (search/terms/HEX.json,
// built with the site), ranks the pages that hold every word, and shows them with their
// kind, date and an excerpt with the words found marked. Only the documents shown are
// fetched (search/docs/N.json). Everything is set as text: nothing from the index becomes
// markup.
(function () {
  "use strict";
  var list = document.getElementById("search-results");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var form = document.getElementById("search-form");
  var more = document.getElementById("search-more");
  if (!list || !input || !status || !form) { return; }
  var root = list.getAttribute("data-root") || "";
  var base = list.getAttribute("data-index") || "";
  var PAGE = 10;
  // keyed by what readers type: Maps, so that a word such as "constructor" is only a word
  var shards = new Map();
  var docs = new Map();
  var meta = null;
  var run = 0;
  var found = [];
  var shownCount = 0;
  var terms = [];
  // whether a word matched is so common that the index kept only its best pages
  var capped = false;

  // the same fold as the index (search.rs `fold`): lower case without accents, and the
  // letters that are not an accented letter as international readers type them
  var EXTRA = { "\u00f8": "o", "\u00e6": "ae", "\u0153": "oe", "\u00df": "ss", "\u0142": "l", "\u0111": "d", "\u00f0": "d", "\u00fe": "th", "\u0131": "i" };
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/[\u00f8\u00e6\u0153\u00df\u0142\u0111\u00f0\u00fe\u0131]/g, function (c) { return EXTRA[c]; });
  }
  // `text` folded, with where each unit of the folded text came from in `text`, so that
  // what is found in the folded text is marked in the text as written
  function foldMap(text) {
    var folded = "";
    var at = [];
    for (var i = 0; i < text.length;) {
      var ch = String.fromCodePoint(text.codePointAt(i));
      var f = fold(ch);
      for (var k = 0; k < f.length; k++) { at.push(i); }
      folded += f;
      i += ch.length;
    }
    at.push(text.length);
    return { folded: folded, at: at };
  }
  // the same cut as the index: runs of letters and digits, folded, two characters or more
  function words(text) {
    return (text.match(/[\p{L}\p{N}\p{M}]+/gu) || []).map(fold).filter(function (w) { return Array.from(w).length > 1; });
  }
  function hex(text) {
    return Array.prototype.map.call(new TextEncoder().encode(text), function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }
  var MAX_SHARDS = 8;
  // The shards that may hold `word` or words starting with its forms: the one named by the
  // longest listed prefix of each form, and the deeper ones below a form (the index splits a
  // prefix with many words into longer ones).
  function shardsFor(word) {
    var names = [];
    stems(word).forEach(function (form) {
      var chars = Array.from(form);
      for (var k = chars.length; k >= 1; k -= 1) {
        var p = chars.slice(0, k).join("");
        if (meta.set.has(p)) { names.push(p); break; }
      }
      if (chars.length >= 3) {
        meta.shards.forEach(function (s) { if (s.length > form.length && s.indexOf(form) === 0) { names.push(s); } });
      }
    });
    return names.filter(function (n, i) { return names.indexOf(n) === i; }).slice(0, MAX_SHARDS);
  }
  function json(url) {
    return fetch(url).then(function (r) {
      if (r.status === 404) { return {}; }
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }
  function shard(name) {
    if (!shards.has(name)) { shards.set(name, json(base + "terms/" + hex(name) + ".json")); }
    return shards.get(name);
  }
  function doc(n) {
    if (!docs.has(n)) { docs.set(n, json(base + "docs/" + n + ".json")); }
    return docs.get(n);
  }
  // the forms a typed word may stand for: itself, and without a plural or verb ending, each
  // matched as the start of an indexed word (battery, batteries; pilot, piloting)
  function stems(w) {
    var out = [w];
    var cut = w.replace(/(ies|es|s|ing|ed)$/, "");
    if (cut !== w && Array.from(cut).length >= 3) { out.push(cut); }
    if (/ies$/.test(w)) { out.push(w.slice(0, -3) + "y"); }
    return out;
  }

  // BM25 with the weights the index holds: each word's best-matching term counts once
  function score(word, shardData) {
    var n = meta.docs || 1;
    var forms = stems(word);
    var best = {};
    Object.keys(shardData).forEach(function (term) {
      if (!Object.prototype.hasOwnProperty.call(shardData, term)) { return; }
      var exact = term === word;
      var prefix = Array.from(word).length >= 3 && forms.some(function (f) { return term.indexOf(f) === 0; });
      if (!exact && !prefix) { return; }
      var t = shardData[term];
      if (t.df > t.p.length) { capped = true; }
      var idf = Math.log(1 + (n - t.df + 0.5) / (t.df + 0.5));
      // a longer word that only starts with what was typed counts a little less
      var factor = exact ? 1 : 0.8;
      t.p.forEach(function (p) {
        var s = idf * p[1] / 100 * factor;
        if (!best[p[0]] || best[p[0]] < s) { best[p[0]] = s; }
      });
    });
    return best;
  }

  function excerpt(text, marks) {
    var p = document.createElement("p");
    var whole = foldMap(text);
    var at = -1;
    marks.forEach(function (m) {
      var re = new RegExp("(^|[^\\p{L}\\p{N}])" + m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "u");
      var hit = whole.folded.search(re);
      if (hit >= 0) { hit = whole.at[hit]; }
      if (hit >= 0 && (at < 0 || hit < at)) { at = hit; }
    });
    var start = Math.max(0, at - 80);
    if (start > 0) { start = text.indexOf(" ", start) + 1; }
    var slice = text.slice(start, start + 240);
    var end = slice.length < text.length - start ? slice.lastIndexOf(" ") : -1;
    if (end > 120) { slice = slice.slice(0, end); }
    var prefix = start > 0 ? "\u2026 " : "";
    var suffix = start + slice.length < text.length ? " \u2026" : "";
    // the words found, marked where they start a word of the excerpt
    var pattern = marks.length ? new RegExp("(^|[^\\p{L}\\p{N}])(" + marks.map(function (m) {
      return m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|") + ")[\\p{L}\\p{N}]*", "giu") : null;
    p.appendChild(document.createTextNode(prefix));
    var last = 0;
    if (pattern) {
      // found in the folded slice, marked in the slice as written
      var part = foldMap(slice);
      part.folded.replace(pattern, function (all, lead, _w, offset) {
        var from = part.at[offset + lead.length];
        var to = part.at[offset + all.length];
        p.appendChild(document.createTextNode(slice.slice(last, from)));
        var mark = document.createElement("mark");
        mark.textContent = slice.slice(from, to);
        p.appendChild(mark);
        last = to;
        return all;
      });
    }
    p.appendChild(document.createTextNode(slice.slice(last) + suffix));
    return p;
  }

  function longDate(iso) {
    var d = new Date(iso + "T00:00:00Z");
    if (isNaN(d.getTime())) { return iso; }
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function item(d) {
    var li = document.createElement("li");
    var h = document.createElement("h2");
    var a = document.createElement("a");
    // addresses are stored from the site root: this page knows its own way back to it
    var url = String(d.url || "");
    a.setAttribute("href", /^[a-z][a-z0-9+.-]*:|^\/\//i.test(url) ? "#" : root + url.replace(/^\/+/, ""));
    a.textContent = d.title || url;
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = d.kind || "";
    if (d.date) {
      meta.appendChild(document.createTextNode(" \u00b7 "));
      var t = document.createElement("time");
      t.setAttribute("datetime", d.date);
      t.textContent = longDate(d.date);
      meta.appendChild(t);
    }
    li.appendChild(meta);
    li.appendChild(excerpt(String(d.text || ""), terms));
    return li;
  }

  function showMore(mine) {
    var next = found.slice(shownCount, shownCount + PAGE);
    return Promise.all(next.map(function (f) { return doc(f[0]); })).then(function (ds) {
      if (mine !== run) { return; }
      ds.forEach(function (d) { list.appendChild(item(d)); });
      shownCount += next.length;
      list.hidden = shownCount === 0;
      if (more) { more.hidden = shownCount >= found.length; }
    });
  }

  function search(q, push) {
    var mine = ++run;
    if (push) {
      history.replaceState(null, "", location.pathname + (q ? "?q=" + encodeURIComponent(q) : ""));
    }
    var ws = words(q).filter(function (w, i, all) { return all.indexOf(w) === i; });
    while (list.firstChild) { list.removeChild(list.firstChild); }
    list.hidden = true;
    if (more) { more.hidden = true; }
    found = [];
    shownCount = 0;
    capped = false;
    if (!ws.length) {
      status.textContent = q ? "Type a word of two letters or more." : "";
      return;
    }
    status.textContent = "Searching\u2026";
    var metaReady = meta ? Promise.resolve(meta) : json(base + "meta.json").then(function (m) {
      m.shards = m.shards || [];
      m.set = new Set(m.shards);
      meta = m;
      return m;
    });
    metaReady.then(function () {
      // each word's shards merged into one map of terms
      return Promise.all(ws.map(function (w) {
        return Promise.all(shardsFor(w).map(shard)).then(function (parts) {
          var merged = Object.create(null);
          parts.forEach(function (p) { Object.keys(p).forEach(function (t) { merged[t] = p[t]; }); });
          return merged;
        });
      }));
    }).then(function (datas) {
      if (mine !== run) { return null; }
      // pages that hold every word, best total first
      var total = null;
      ws.forEach(function (w, i) {
        var s = score(w, datas[i]);
        if (total === null) {
          total = s;
        } else {
          var both = {};
          Object.keys(total).forEach(function (d) { if (s[d] !== undefined) { both[d] = total[d] + s[d]; } });
          total = both;
        }
      });
      found = Object.keys(total || {}).map(function (d) { return [Number(d), total[d]]; });
      found.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      terms = ws.map(function (w) {
        return stems(w).reduce(function (a, b) { return Array.from(b).length < Array.from(a).length ? b : a; });
      });
      var n = found.length;
      // the index keeps a common word's best pages only: then there are more than it says
      var said = n === 0 ? "Nothing found for \u201c" + q + "\u201d." :
        capped ? "More than " + n + " pages found for \u201c" + q + "\u201d; the best come first." :
          (n === 1 ? "1 page" : n + " pages") + " found for \u201c" + q + "\u201d.";
      return showMore(mine).then(function () {
        if (mine === run) { status.textContent = said; }
      });
    }).catch(function () {
      if (mine !== run) { return; }
      status.textContent = "Search could not be loaded. The news, reports and the project dashboard list every page.";
    });
  }

  if (more) {
    more.addEventListener("click", function () {
      var first = shownCount;
      showMore(run).then(function () {
        // keyboard users continue where the new results begin
        var link = list.children[first] && list.children[first].querySelector("a");
        if (link) { link.focus(); }
      });
    });
  }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value.trim(), true); }, 150);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    search(input.value.trim(), true);
  });
  var q = new URLSearchParams(location.search).get("q") || "";
  input.value = q;
  if (q) { search(q.trim(), false); }
}());
