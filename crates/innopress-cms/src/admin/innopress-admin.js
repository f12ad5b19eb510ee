// innopress's part of the browser editor (Decap CMS): the local backend's address with this
// page's token, the site's stylesheet and live shortcodes in the preview, the picture
// description required beside a picture, and the problems `innopress check` finds in a file
// just saved, shown at once.
(function () {
  'use strict';
  var meta = function (name) {
    var m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute('content') : null;
  };
  var token = meta('innopress-token');
  var base = meta('innopress-base') || '/';
  var admin = location.pathname.replace(/[^/]*$/, '');
  var api = location.origin + admin + 'api/';
  var h = window.h;
  var createClass = window.createClass;

  // A TOML date as Decap holds it (a Date at midnight UTC) or as typed, as YYYY-MM-DD.
  function day(value) {
    if (value instanceof Date && !isNaN(value)) return value.toISOString().slice(0, 10);
    return typeof value === 'string' ? value.trim() : '';
  }

  // ---- problems found after a save --------------------------------------------------------
  function panel() {
    var p = document.getElementById('innopress-problems');
    if (!p) {
      p = document.createElement('section');
      p.id = 'innopress-problems';
      p.setAttribute('role', 'alert');
      p.setAttribute('aria-labelledby', 'innopress-problems-title');
      p.style.cssText = 'position:fixed;z-index:100000;left:1rem;right:1rem;bottom:1rem;max-height:40vh;overflow:auto;' +
        'background:#fff;color:#1a1a1a;border:3px solid #b00020;border-radius:6px;padding:1rem 1.25rem;' +
        'font:16px/1.45 system-ui,sans-serif;box-shadow:0 4px 18px rgba(0,0,0,.25)';
      document.body.appendChild(p);
    }
    return p;
  }
  function showProblems(answer, path) {
    var old = document.getElementById('innopress-problems');
    var problems = (answer && answer.problems) || [];
    if (!problems.length) {
      if (old) old.remove();
      return;
    }
    var p = panel();
    p.textContent = '';
    var title = document.createElement('h2');
    title.id = 'innopress-problems-title';
    title.style.cssText = 'margin:0 0 .5rem;font-size:1.15rem;color:#b00020';
    var errors = problems.filter(function (x) { return x.severity === 'error'; }).length;
    title.textContent = errors
      ? 'Saved, but the site cannot be built with this change (' + errors + ' to fix). Readers still see the last good version.'
      : 'Saved. innopress has ' + problems.length + ' warning' + (problems.length > 1 ? 's' : '') + ' about this file.';
    p.appendChild(title);
    var list = document.createElement('ul');
    list.style.cssText = 'margin:0;padding-left:1.25rem';
    problems.forEach(function (x) {
      var li = document.createElement('li');
      var where = document.createElement('strong');
      where.textContent = x.path + ':' + x.line + ':' + x.column + ' ';
      li.appendChild(where);
      li.appendChild(document.createTextNode(x.severity + ': ' + x.message + (x.hint ? ' (' + x.hint + ')' : '')));
      list.appendChild(li);
    });
    p.appendChild(list);
    var close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Close';
    close.style.cssText = 'margin-top:.75rem;font:inherit;padding:.35rem .9rem;border:2px solid #1a1a1a;background:#fff;border-radius:4px;cursor:pointer';
    close.addEventListener('click', function () { p.remove(); });
    p.appendChild(close);
  }
  if (token) {
    var realFetch = window.fetch.bind(window);
    window.fetch = function (input, init) {
      var request = realFetch(input, init);
      try {
        var url = typeof input === 'string' ? input : input.url;
        var body = init && typeof init.body === 'string' ? init.body : '';
        if (url.indexOf(api) === 0 && body.indexOf('"persistEntry"') !== -1) {
          request.then(function (res) {
            if (res.ok) res.clone().json().then(showProblems, function () {});
          }, function () {});
        }
      } catch (e) { /* the editor's own request goes on as it was */ }
      return request;
    };
  }

  // ---- the picture description ----------------------------------------------------------
  // A picture needs a description, in a document and in every row of a data file. Decap's
  // field validation sees neither the picture beside the field nor the row, so the rule is
  // applied as the entry is saved: the save stops and the message says what to add.
  function pictureWithoutAlt(value, where) {
    if (Array.isArray(value)) {
      for (var i = 0; i < value.length; i += 1) {
        var found = pictureWithoutAlt(value[i], where);
        if (found) return found;
      }
      return null;
    }
    if (!value || typeof value !== 'object') return null;
    var image = typeof value.image === 'string' && value.image.trim();
    var alt = typeof value.image_alt === 'string' && value.image_alt.trim();
    if (image && !alt && value.decorative !== true) {
      var name = value.title || value.name || value.id || where;
      return 'Describe what the picture ' + image + ' shows (“Picture description”) in “' + name +
        '”, for readers who cannot see it; or switch on “The picture is decoration only”.';
    }
    for (var key in value) {
      if (Object.prototype.hasOwnProperty.call(value, key) && typeof value[key] === 'object') {
        var inner = pictureWithoutAlt(value[key], where);
        if (inner) return inner;
      }
    }
    return null;
  }
  CMS.registerEventListener({
    name: 'preSave',
    handler: function (event) {
      var data = event.entry.get('data');
      var problem = pictureWithoutAlt(data && data.toJS ? data.toJS() : data, 'this entry');
      if (problem) throw new Error(problem);
    },
  });

  // ---- "figures as of": a date, or "site" -------------------------------------------------
  var AsOfControl = createClass({
    render: function () {
      var self = this;
      return h('input', {
        type: 'text',
        id: this.props.forID,
        className: this.props.classNameWrapper,
        value: day(this.props.value),
        placeholder: 'YYYY-MM-DD or site',
        pattern: '\\d{4}-\\d{2}-\\d{2}|site',
        onChange: function (e) { self.props.onChange(e.target.value); },
        onFocus: this.props.setActiveStyle,
        onBlur: this.props.setInactiveStyle,
      });
    },
  });
  CMS.registerWidget('innopress-as-of', AsOfControl, function (props) {
    return h('span', {}, day(props.value));
  });

  // ---- the preview, as the site shows it ------------------------------------------------
  CMS.registerPreviewStyle(base + 'assets/style.css');
  if (token) {
    var Preview = createClass({
      getInitialState: function () { return { html: '', error: '' }; },
      componentDidMount: function () { this.load(); },
      componentDidUpdate: function (prev) { if (prev.entry !== this.props.entry) this.load(); },
      componentWillUnmount: function () { clearTimeout(this.timer); },
      load: function () {
        var self = this;
        clearTimeout(this.timer);
        this.timer = setTimeout(function () {
          var data = self.props.entry.get('data');
          var body = (data && data.get('body')) || '';
          // the figures of the document's own date, as its page shows them
          var asOf = day(data && data.get('as_of'));
          var date = day(data && data.get('date'));
          realFetch(api + 'preview?token=' + encodeURIComponent(token), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ body: body, as_of: asOf, date: date }),
          }).then(function (r) { return r.json(); }).then(function (j) {
            self.setState({ html: j.html || '', error: j.error || '' });
          }, function () {});
        }, 300);
      },
      render: function () {
        var data = this.props.entry.get('data');
        var summary = data && data.get('summary');
        return h('main', { style: { padding: '1rem 1.5rem', maxWidth: '46rem' } },
          h('article', { className: 'prose' },
            h('h1', {}, (data && data.get('title')) || ''),
            summary ? h('p', { className: 'lede' }, summary) : null,
            this.state.error ? h('p', { role: 'status' }, this.state.error) : null,
            h('div', { dangerouslySetInnerHTML: { __html: this.state.html } })));
      },
    });
    ['articles', 'pages', 'reports', 'newsletters'].forEach(function (c) {
      CMS.registerPreviewTemplate(c, Preview);
    });
  }

  var config = {};
  if (token) {
    config.local_backend = {
      url: api + 'v1?token=' + encodeURIComponent(token),
      allowed_hosts: ['[::1]'],
    };
  }
  CMS.init({ config: config });
})();
