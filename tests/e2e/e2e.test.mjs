// End-to-end tests of built innopress sites in Debian's headless Chromium (Playwright's
// playwright-core, no downloaded browser): accessibility with axe-core (WCAG 2.1 A/AA), valid
// HTML with the Nu HTML Checker, the Atom feed with Python's feedparser, the dashboard by
// keyboard and without JavaScript, console errors, print to PDF, and screenshots.
//
// Run by scripts/test: `npm test` here, with INNOPRESS_BIN pointing at the built binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const bin = process.env.INNOPRESS_BIN || path.join(repo, 'target/debug/innopress');
const work = process.env.E2E_OUT || path.join(repo, 'target/e2e');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const axeSource = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const sites = {
  // the sample site at the server root
  sample: { root: repo, prefix: '/' },
  // the fixture site under the path prefix of its base_url
  fixture: { root: path.join(repo, 'tests/fixtures/minimal'), prefix: '/innocities/' },
};

let browser;
let server;
let origin;

function build(root, out, extra = []) {
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(bin, ['build', '--quiet', '--root', root, '--output', out, ...extra], { stdio: 'inherit' });
}

before(async () => {
  fs.mkdirSync(work, { recursive: true });
  for (const [name, s] of Object.entries(sites)) {
    s.dir = path.join(work, 'sites', name);
    build(s.root, s.dir);
  }
  server = serve(Object.values(sites).map((s) => ({ prefix: s.prefix === '/' ? '/sample/' : s.prefix, dir: s.dir })));
  // the sample site is mounted at /sample/ so both sites share one server
  sites.sample.prefix = '/sample/';
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/// Every page family of a site, as paths below its prefix.
function families(name) {
  const s = sites[name];
  const first = (dir) => fs.readdirSync(path.join(s.dir, dir)).filter((d) => !d.endsWith('.html')).sort()[0];
  const pages = ['', 'news/', `news/${first('news')}/`, 'projects/', `projects/${first('projects')}/`,
    'cities/', `cities/${first('cities')}/`, 'themes/', `themes/${first('themes')}/`, 'impact/',
    'reports/', `reports/${first('reports')}/`, `pages/${first('pages')}/`, 'newsletter/',
    `newsletter/${first('newsletter')}/`, 'privacy/', 'no-such-page/'];
  return pages.map((p) => origin + s.prefix + p);
}

/// Opens `url`, failing on console errors and uncaught exceptions.
async function open(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('404 (Not Found)')) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), WCAG);
}

function describe(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1] ?? ''}`).join('\n')}`).join('\n');
}

/// Every web page of a site as a URL (the email previews are email, not web pages), plus an
/// address that does not exist (the 404 page).
function allPages(name) {
  const s = sites[name];
  const urls = [];
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name === 'index.html') urls.push(origin + s.prefix + path.relative(s.dir, d).split(path.sep).filter(Boolean).map((x) => `${x}/`).join(''));
  });
  walk(s.dir);
  urls.push(`${origin}${s.prefix}no-such-page/`);
  return urls;
}

test('axe-core finds no WCAG 2.1 A/AA violations on any page of either site, and no console errors', async () => {
  const context = await browser.newContext();
  let pages = 0;
  const problems = [];
  for (const name of Object.keys(sites)) {
    for (const url of allPages(name)) {
      const { page, errors } = await open(context, url);
      const result = await axe(page);
      pages += 1;
      if (result.violations.length) problems.push(`${url}\n${describe(result.violations)}`);
      if (errors.length) problems.push(`${url}: console errors: ${errors.join('; ')}`);
      await page.close();
    }
  }
  await context.close();
  console.log(`axe-core: ${pages} pages checked with ${WCAG.join(', ')}: ${problems.length} with problems`);
  assert.deepEqual(problems, [], problems.join('\n\n'));
});

test('the accessibility check fails on a deliberate regression (an image without alt text)', async () => {
  const site = path.join(work, 'regression');
  fs.rmSync(site, { recursive: true, force: true });
  fs.cpSync(sites.fixture.root, site, { recursive: true });
  const t = path.join(site, 'themes/default/templates');
  fs.mkdirSync(t, { recursive: true });
  fs.writeFileSync(path.join(t, 'news.html'),
    '{% extends "base.html" %}{% block content %}<h1>News</h1><img src="{{ root }}img/logo.svg">{% endblock content %}');
  const out = path.join(site, 'output');
  build(site, out);
  const s = serve([{ prefix: '/', dir: out }]);
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const context = await browser.newContext();
  const { page } = await open(context, `http://127.0.0.1:${s.address().port}/news/`);
  const result = await axe(page);
  await context.close();
  s.close();
  assert.ok(result.violations.some((v) => v.id === 'image-alt'), 'axe reports the missing alt text');
});

test('every page of both sites passes the Nu HTML Checker', () => {
  const files = [];
  for (const s of Object.values(sites)) {
    const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      // email.html is an email, not a web page: email clients need table markup the checker calls obsolete
      else if (e.name.endsWith('.html') && e.name !== 'email.html') files.push(p);
    });
    walk(s.dir);
  }
  const jar = path.join(here, 'node_modules/vnu-jar/build/dist/vnu.jar');
  let output = '';
  try {
    execFileSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    output = e.stderr.toString();
  }
  const messages = output ? JSON.parse(output).messages.filter((m) => m.type === 'error') : [];
  console.log(`Nu HTML Checker: ${files.length} pages checked: ${messages.length} errors`);
  assert.deepEqual(messages.map((m) => `${m.url?.replace('file:', '')}:${m.lastLine}: ${m.message}`), []);
});

test('the Atom feeds parse with feedparser and every entry link is absolute', () => {
  for (const [name, s] of Object.entries(sites)) {
    const out = execFileSync('python3', ['-c', `
import feedparser, json, sys
d = feedparser.parse(sys.argv[1])
print(json.dumps({"bozo": d.bozo, "error": str(d.get("bozo_exception", "")), "entries": len(d.entries),
  "links": [e.link for e in d.entries], "title": d.feed.get("title", "")}))`, path.join(s.dir, 'feed.xml')]).toString();
    const feed = JSON.parse(out);
    console.log(`feedparser: ${name} feed: ${feed.entries} entries`);
    assert.ok(!feed.bozo, feed.error);
    assert.ok(feed.entries > 0);
    for (const link of feed.links) assert.match(link, /^https:\/\//, `${name}: ${link}`);
  }
});

test('the dashboard works by keyboard alone and keeps its state in the URL', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, `${origin}${sites.sample.prefix}projects/`);
  const visible = () => page.$$eval('#project-table tbody tr', (rows) => rows.filter((r) => !r.hidden).map((r) => ({
    text: r.textContent.toLowerCase(), status: r.dataset.status, city: r.dataset.city, partners: r.dataset.partners,
    total: Number(r.dataset.total),
  })));
  const all = await visible();
  assert.ok(all.length > 40);

  // Tab from the top of the page to the search field
  let focused = '';
  for (let i = 0; i < 60 && focused !== 'filter-text'; i += 1) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.id ?? '');
  }
  assert.equal(focused, 'filter-text', 'the search field is reachable by Tab');
  await page.keyboard.type('city');
  let rows = await visible();
  assert.equal(rows.length, all.filter((r) => r.text.includes('city')).length);
  assert.ok(rows.length > 0 && rows.length < all.length, `${rows.length} rows match "city"`);

  // status by keyboard: Tab to the select and type the option's name
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'filter-status');
  await page.keyboard.type('Ongoing');
  rows = await visible();
  assert.ok(rows.length > 0 && rows.every((r) => r.status === 'ongoing' && r.text.includes('city')));

  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'filter-city');
  await page.keyboard.type('Tampere');
  rows = await visible();
  const expected = all.filter((r) => r.text.includes('city') && r.status === 'ongoing'
    && (r.city === 'tampere' || ` ${r.partners}`.includes(' tampere ')));
  assert.equal(rows.length, expected.length);
  const status = await page.textContent('#filter-count');
  assert.match(status, new RegExp(`^${rows.length} of ${all.length} projects shown`));

  // back to the search field with Shift+Tab, clear it, then sort by funding with Enter
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'filter-text');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  let header = '';
  for (let i = 0; i < 60 && !header.startsWith('Total funding'); i += 1) {
    await page.keyboard.press('Tab');
    header = await page.evaluate(() => document.activeElement?.textContent ?? '');
  }
  assert.match(header, /^Total funding/);
  await page.keyboard.press('Enter');
  rows = await visible();
  const totals = rows.map((r) => r.total);
  assert.deepEqual(totals, [...totals].sort((a, b) => a - b), 'ascending by funding');
  await page.keyboard.press('Enter');
  rows = await visible();
  const desc = rows.map((r) => r.total);
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a), 'descending by funding');
  assert.equal(await page.getAttribute('th[aria-sort]', 'aria-sort'), 'descending');

  // the view is in the URL and comes back from it
  const url = page.url();
  assert.match(url, /status=ongoing/);
  assert.match(url, /city=tampere/);
  assert.match(url, /dir=desc/);
  const again = await open(context, url);
  const restored = await again.page.$$eval('#project-table tbody tr', (rs) => rs.filter((r) => !r.hidden).length);
  assert.equal(restored, rows.length);
  assert.deepEqual([...errors, ...again.errors], []);
  await context.close();
});

test('without JavaScript every project is listed and linked', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const { page } = await open(context, `${origin}${sites.sample.prefix}projects/`);
  const projects = fs.readdirSync(path.join(sites.sample.dir, 'projects')).filter((d) => d !== 'index.html');
  const links = await page.$$eval('#project-table tbody tr', (rows) => rows.map((r) => r.querySelector('th a')?.getAttribute('href')));
  assert.equal(links.length, projects.length);
  for (const id of projects) assert.ok(links.includes(`../projects/${id}/`), id);
  assert.equal(await page.isVisible('#dashboard-controls'), false, 'no dead controls without JavaScript');
  await context.close();
});

test('a report prints to PDF with its title and its charts, without navigation', async () => {
  const context = await browser.newContext();
  const { page } = await open(context, `${origin}${sites.sample.prefix}reports/annual-report-2024/`);
  const title = (await page.textContent('h1')).trim();
  const chartTitles = await page.$$eval('svg.chart-svg title', (ts) => ts.map((t) => t.textContent));
  assert.ok(chartTitles.length > 0);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('.site-header nav'), false, 'navigation is hidden in print');
  const pdf = path.join(work, 'report.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  await context.close();
  const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  assert.ok(text.includes(title), `the PDF has the title "${title}"`);
  // chart text (axis labels and values) is real text in the PDF
  assert.ok(text.includes('EUR'), 'chart labels are in the PDF');
  assert.ok(text.includes('Funding by city') || text.includes('Funding by source'), 'chart titles are in the PDF');
});

/// What a reader would see go wrong on the open page: its width, words broken inside a table
/// cell (a word or a number split across two lines) and chart text drawn under 12 CSS px.
function layoutFaults() {
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (const m of n.data.matchAll(/[\p{L}\p{N}](?:[\p{L}\p{N}.,']*[\p{L}\p{N}])?/gu)) {
        const range = document.createRange();
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  const small = [];
  for (const svg of document.querySelectorAll('svg.chart-svg')) {
    const box = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    if (box.width === 0 || !vb || !vb.width) continue;
    const scale = box.width / vb.width;
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 11.95) small.push(`${t.textContent} (${px.toFixed(1)} px)`);
    }
  }
  return { width: document.documentElement.scrollWidth, broken, small };
}

test('pages reflow at 320 px without horizontal scrolling', async () => {
  const narrow = await browser.newContext({ viewport: { width: 320, height: 800 } });
  for (const url of families('sample')) {
    const { page } = await open(narrow, url);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `${url} is ${width} px wide at 320 px`);
    await page.close();
  }
  await narrow.close();
});

test('at 375 and 1280 px no page overflows, no table breaks a word, no chart text is under 12 px; screenshots', async () => {
  const shots = path.join(work, 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  const pages = [...families('sample'), `${origin}${sites.sample.prefix}reports/annual-report-2024/`,
    `${origin}${sites.sample.prefix}news/oulu-6g-city-pilots-halfway/`];
  let checked = 0;
  for (const width of [375, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    for (const url of pages) {
      const { page } = await open(context, url);
      const faults = await page.evaluate(layoutFaults);
      assert.ok(faults.width <= width, `${url} is ${faults.width} px wide at ${width} px`);
      assert.deepEqual(faults.broken, [], `${url} at ${width} px: words broken inside table cells`);
      assert.deepEqual(faults.small, [], `${url} at ${width} px: chart text under 12 px`);
      checked += 1;
      await page.close();
    }
    for (const [name, p] of [['home', ''], ['article', 'news/oulu-6g-city-pilots-halfway/'],
      ['city', 'cities/tampere/'], ['report', 'reports/annual-report-2024/'], ['dashboard', 'projects/']]) {
      const { page } = await open(context, `${origin}${sites.sample.prefix}${p}`);
      // lazy pictures load as they come near the screen: bring each there first
      await page.evaluate(async () => {
        for (const img of document.querySelectorAll('img[loading=lazy]')) {
          img.loading = 'eager';
        }
        await Promise.all([...document.images].map((i) => (i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; }))));
      });
      await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
      await page.close();
    }
    await context.close();
  }
  console.log(`layout: ${checked} page views checked; screenshots: ${shots}`);
});

test('at 375 px no table column is cut off: project tables stack, other wide tables scroll with a cue and a fixed first column', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 900 } });
  const pages = ['projects/', 'impact/', 'reports/annual-report-2024/', 'cities/oulu/'].map((p) => `${origin}${sites.sample.prefix}${p}`);
  let tables = 0;
  const problems = [];
  for (const url of pages) {
    const { page, errors } = await open(context, url);
    // open every data table, as a reader would to read it
    await page.evaluate(() => document.querySelectorAll('details.chart-data').forEach((d) => { d.open = true; }));
    const found = await page.evaluate(() => [...document.querySelectorAll('main table')].map((t) => {
      const box = t.getBoundingClientRect();
      const scroller = t.closest('.table-scroll');
      const style = scroller ? getComputedStyle(scroller) : null;
      const scrolls = !!scroller && scroller.scrollWidth > scroller.clientWidth + 1;
      const first = t.querySelector('tbody tr > :first-child');
      return {
        caption: (t.caption?.textContent || t.className || '?').trim().slice(0, 60),
        right: box.right,
        stacked: getComputedStyle(t).display === 'block',
        scrolls,
        cue: !!style && style.backgroundImage.includes('gradient'),
        sticky: !!first && getComputedStyle(first).position === 'sticky',
        funding: t.classList.contains('projects') ? (t.querySelector('tbody td.num')?.getBoundingClientRect().right ?? 0) : 0,
      };
    }));
    for (const t of found) {
      tables += 1;
      if (t.stacked) {
        if (t.right > 376) problems.push(`${url} ${t.caption}: stacked, but ${t.right} px wide`);
        if (t.funding > 376) problems.push(`${url} ${t.caption}: the funding is off-screen`);
      } else if (t.scrolls) {
        if (!t.cue) problems.push(`${url} ${t.caption}: scrolls without a cue`);
        if (!t.sticky) problems.push(`${url} ${t.caption}: scrolls without a fixed first column`);
      } else if (t.right > 376) {
        problems.push(`${url} ${t.caption}: cut off at ${t.right} px`);
      }
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
  await context.close();
  console.log(`375 px tables: ${tables} checked`);
  assert.ok(tables >= 10, `${tables} tables`);
  assert.deepEqual(problems, []);
});

test('at 375 px the header is one row with a Menu button that opens by keyboard, without JavaScript, and passes axe', async () => {
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 }, javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(`${origin}${sites.sample.prefix}impact/`, { waitUntil: 'load' });
    const height = await page.$eval('.site-header', (h) => h.getBoundingClientRect().height);
    assert.ok(height <= 80, `header ${height} px high`);
    assert.equal(await page.isVisible('.site-header nav a'), false, 'the links wait behind the button');
    // the skip link first, then the site's name, then the button
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY');
    // what a screen reader is given, from Chromium's accessibility tree: a disclosure
    // button named Menu that says whether it is expanded
    const cdp = await context.newCDPSession(page);
    const menu = async () => (await cdp.send('Accessibility.getFullAXTree')).nodes
      .filter((n) => n.name?.value === 'Menu' && n.role?.value === 'DisclosureTriangle')
      .map((n) => (n.properties || []).find((p) => p.name === 'expanded')?.value?.value);
    assert.deepEqual(await menu(), [false], 'a collapsed button named Menu');
    await page.keyboard.press('Enter');
    assert.equal(await page.$eval('.menu', (d) => d.open), true);
    assert.deepEqual(await menu(), [true], 'now expanded');
    assert.ok(await page.isVisible('.site-header nav a[aria-current="page"]'), 'the links are shown');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.closest('nav')?.getAttribute('aria-label')), 'Main');
    if (javaScriptEnabled) {
      const result = await axe(page);
      assert.deepEqual(result.violations.map((v) => v.id), [], describe(result.violations));
    }
    await context.close();
  }
  // wide screens: the links and the search field in the bar, no button
  const wide = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await wide.newPage();
  await page.goto(`${origin}${sites.sample.prefix}`, { waitUntil: 'load' });
  assert.equal(await page.isVisible('.menu > summary'), false);
  assert.ok(await page.isVisible('.site-header nav a'));
  assert.ok(await page.isVisible('#site-search-q'));
  assert.ok((await page.$eval('.site-header', (h) => h.getBoundingClientRect().height)) <= 80);
  await wide.close();
});

test('the open data package validates with the frictionless tool', () => {
  for (const [name, s] of Object.entries(sites)) {
    let out;
    try {
      out = execFileSync('python3', ['-m', 'frictionless', 'validate', '--json', path.join(s.dir, 'data/datapackage.json')]);
    } catch (e) {
      out = e.stdout;
    }
    const report = JSON.parse(out.toString());
    const problems = report.tasks.flatMap((t) => t.errors.map((e) => `${t.name}: ${e.message}`));
    assert.deepEqual(problems, [], `${name}: datapackage.json`);
    assert.equal(report.valid, true, name);
    assert.deepEqual(report.tasks.map((t) => t.name).sort(), ['observations', 'observations-xlsx', 'projects', 'projects-json', 'projects-xlsx', 'summary']);
  }
});

test('serve reloads an open page after an edit and shows an overlay for a broken one', async () => {
  const { spawn } = await import('node:child_process');
  const site = path.join(work, 'serve-site');
  fs.rmSync(site, { recursive: true, force: true });
  fs.cpSync(sites.fixture.root, site, { recursive: true });
  const server = spawn(bin, ['serve', '--port', '0', '--root', site], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const port = await new Promise((resolve, reject) => {
      let err = '';
      server.stderr.on('data', (d) => {
        err += d;
        const m = err.match(/serving http:\/\/127\.0\.0\.1:(\d+)\//);
        if (m) resolve(m[1]);
      });
      server.on('exit', () => reject(new Error(`serve stopped: ${err}`)));
    });
    const context = await browser.newContext();
    const { page, errors } = await open(context, `http://127.0.0.1:${port}/news/second-news/`);
    const file = path.join(site, 'content/articles/second-news.md');
    const original = fs.readFileSync(file, 'utf8');
    let loaded = page.waitForEvent('load', { timeout: 15000 });
    fs.writeFileSync(file, original.replace('See [the first]', 'Live edit. See [the first]'));
    await loaded;
    assert.ok((await page.textContent('.prose')).includes('Live edit.'));
    fs.writeFileSync(file, '+++\ntitle = "broken"\n');
    await page.waitForSelector('[role=alert]', { timeout: 15000 });
    assert.match(await page.textContent('[role=alert]'), /second-news\.md:1:1: error: front matter is never closed/);
    loaded = page.waitForEvent('load', { timeout: 15000 });
    fs.writeFileSync(file, original);
    await loaded;
    assert.equal(await page.$('[role=alert]'), null, 'the overlay is gone after the fix');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    server.kill();
  }
});

test('a long news list comes in pages a phone reads and a keyboard turns, as do a theme\'s news', async () => {
  const site = path.join(work, 'many-articles');
  fs.rmSync(site, { recursive: true, force: true });
  execFileSync(bin, ['synth', site, '--articles', '130', '--projects', '5']);
  const out = path.join(site, 'output');
  build(site, out);
  const s = serve([{ prefix: '/', dir: out }]);
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${s.address().port}`;
  const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
  try {
    const { page, errors } = await open(context, `${base}/news/`);
    assert.equal(await page.$$eval('ul.doc-list > li', (l) => l.length), 50);
    assert.deepEqual((await axe(page)).violations.map((v) => v.id), []);
    // the pager is reached and followed with the keyboard
    await page.focus('nav.pagination a[rel=next]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/news\/page\/2\/$/);
    assert.equal(await page.textContent('nav.pagination a[aria-current=page]'), '2');
    assert.match(await page.textContent('p.lead'), /^Articles 51–100 of 130/);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(sideways, false, 'no sideways scrolling at 375 px');
    assert.deepEqual((await axe(page)).violations.map((v) => v.id), []);
    // a theme with more articles than its page shows links to a news list of its own
    const theme = await open(context, `${base}/themes/wellbeing/`);
    await theme.page.click('a[href$="themes/wellbeing/news/"]');
    await theme.page.waitForURL(/\/themes\/wellbeing\/news\/$/);
    assert.equal(await theme.page.textContent('h1'), 'News about wellbeing');
    assert.deepEqual((await axe(theme.page)).violations.map((v) => v.id), []);
    assert.deepEqual([...errors, ...theme.errors], []);
  } finally {
    await context.close();
    s.close();
  }
});

test('with more projects than one page holds, the filter searches the index of all projects', async () => {
  const site = path.join(work, 'many-projects');
  fs.rmSync(site, { recursive: true, force: true });
  execFileSync(bin, ['synth', site, '--articles', '5', '--projects', '1800']);
  const out = path.join(site, 'output');
  build(site, out);
  const s = serve([{ prefix: '/', dir: out }]);
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${s.address().port}`;
  const index = JSON.parse(fs.readFileSync(path.join(out, 'data/projects-index.json'), 'utf8')).rows;
  const context = await browser.newContext();
  try {
    const { page, errors } = await open(context, `${base}/projects/`);
    const shown = () => page.$$eval('#project-table tbody tr', (rows) => rows.map((r) => r.querySelector('th a').textContent));
    assert.equal((await shown()).length, 500);
    // a project from the third page, found from the first
    await page.focus('#filter-text');
    await page.keyboard.type('project 1150');
    await page.waitForFunction(() => /projects match/.test(document.querySelector('#filter-count').textContent));
    const expected = index.filter((r) => `${r[1]} ${r[3]} ${r[6]} ${r[7]} ${r[8]} ${r[9]} ${r[11]} ${r[13]}`.toLowerCase().includes('project 1150'));
    assert.deepEqual(await shown(), expected.map((r) => r[1]));
    assert.match(await page.textContent('#filter-count'), new RegExp(`^${expected.length.toLocaleString('en-US')} of 1,800 projects match`));
    assert.equal(await page.isVisible('.pagination'), false, 'page links hide while the index is filtered');
    const href = await page.getAttribute('#project-table tbody tr th a', 'href');
    assert.equal((await context.request.get(new URL(href, page.url()).href)).status(), 200, 'rows link to project pages');
    // clearing the filter brings the page back
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.waitForFunction(() => document.querySelectorAll('#project-table tbody tr').length === 500);
    assert.equal(await page.isVisible('.pagination'), true);
    const result = await axe(page);
    assert.deepEqual(result.violations.map((v) => v.id), []);
    const second = await open(context, `${base}/projects/page/2/`);
    assert.deepEqual((await axe(second.page)).violations.map((v) => v.id), []);
    // a theme page with more than 500 projects shows the 500 largest and links to the
    // dashboard filtered to all of them
    const inTheme = index.filter((r) => r[5].split(' ').includes('digitalisation'));
    assert.ok(inTheme.length > 500, `${inTheme.length} projects in the theme`);
    const themePage = await open(context, `${base}/themes/digitalisation/`);
    const totals = await themePage.page.$$eval('table.projects tbody tr', (rows) => rows.length);
    assert.equal(totals, 500);
    const note = await themePage.page.textContent('p.muted:has(a[href*="projects/?theme="])');
    assert.match(note, new RegExp(`500 largest of ${inTheme.length.toLocaleString('en-US')} projects`));
    assert.deepEqual((await axe(themePage.page)).violations.map((v) => v.id), []);
    await themePage.page.click('a[href*="projects/?theme=digitalisation"]');
    await themePage.page.waitForFunction(() => /projects match/.test(document.querySelector('#filter-count').textContent));
    assert.equal(await themePage.page.inputValue('#filter-theme'), 'digitalisation');
    assert.match(await themePage.page.textContent('#filter-count'),
      new RegExp(`^${inTheme.length.toLocaleString('en-US')} of 1,800 projects match; showing the first 500`));
    assert.deepEqual([...errors, ...second.errors, ...themePage.errors], []);
  } finally {
    await context.close();
    s.close();
  }
});
