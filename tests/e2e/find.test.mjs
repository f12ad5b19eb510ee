// Readers finding things, in Debian's headless Chromium: site search (the index built with
// the site) under a path prefix, the map of the cities (focusable links, labels that do
// not overlap, axe-core), and the dashboard's selection: totals against the shown rows and
// the downloaded CSV against them, for several filter combinations.
//
// Run by scripts/test (`npm test` here) with INNOPRESS_BIN pointing at the built binary.
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
const work = path.join(process.env.E2E_OUT || path.join(repo, 'target/e2e'), 'find');
const axeSource = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
const shots = path.join(process.env.E2E_OUT || path.join(repo, 'target/e2e'), 'screenshots');

// both sites under a path prefix, as on a host that serves several sites
const sites = {
  sample: { root: repo, prefix: '/sample/' },
  fixture: { root: path.join(repo, 'tests/fixtures/minimal'), prefix: '/innocities/' },
};
let browser;
let server;
let origin;
/// Bytes of the search script and index served, per site, since the last reset.
const searchBytes = {};

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  for (const s of Object.values(sites)) {
    s.dir = path.join(work, path.basename(s.prefix));
    fs.rmSync(s.dir, { recursive: true, force: true });
    execFileSync(bin, ['build', '--quiet', '--root', s.root, '--output', s.dir], { stdio: 'inherit' });
  }
  server = serve(Object.values(sites).map((s) => ({ prefix: s.prefix, dir: s.dir })), (url, body) => {
    const site = Object.values(sites).find((s) => url.startsWith(s.prefix));
    if ((url.includes('/search/') && url.endsWith('.json')) || url.endsWith('/assets/search.js')) {
      searchBytes[site.prefix] = (searchBytes[site.prefix] || 0) + body.length;
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

async function results(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status').textContent;
    return s && !s.includes('Searching');
  }, null, { timeout: 20000 });
  return page.$$eval('#search-results li', (items) => items.map((li) => {
    const a = li.querySelector('h2 a');
    return { href: a.href, title: a.textContent, marks: [...li.querySelectorAll('mark')].map((m) => m.textContent) };
  }));
}

test('typing a word of one article finds that article first, under a path prefix, with its title as text', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, `${origin}/innocities/search/`);
  searchBytes['/innocities/'] = 0;
  await page.locator('#search-input').pressSequentially('struck', { delay: 30 });
  const found = await results(page);
  assert.ok(found.length >= 1, 'something is found');
  assert.equal(found[0].href, `${origin}/innocities/news/hello-world/`);
  // the title holds markup-like text: it is shown as text, never run
  assert.equal(found[0].title, 'Hello <script>alert(1)</script> & world');
  assert.deepEqual(found[0].marks.map((m) => m.toLowerCase()), ['struck']);
  assert.match(page.url(), /\?q=struck$/, 'the query is in the address, so the result can be shared');
  assert.deepEqual(errors, []);
  await context.close();
});

test('international readers find Jyväskylä typed without accents, marked as written, and projects by what they do', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, `${origin}/sample/search/?q=Jyvaskyla`);
  const found = await results(page);
  assert.ok(found.length >= 1, 'something is found');
  assert.equal(found[0].href, `${origin}/sample/cities/jyvaskyla/`, 'the city first: its name is the title');
  assert.ok(found[0].marks.includes('Jyväskylä'), `marked as written: ${JSON.stringify(found[0].marks)}`);
  // a project is found by words of its summary, typed in another case
  await page.goto(`${origin}/sample/search/?q=PREDICTIVE%20maintenance`, { waitUntil: 'load' });
  const projects = await results(page);
  assert.ok(projects.some((r) => r.href.startsWith(`${origin}/sample/projects/`)), JSON.stringify(projects));
  // the dashboard's filter folds the same way
  await page.goto(`${origin}/sample/projects/?q=jyvaskyla`, { waitUntil: 'load' });
  await page.waitForFunction(() => !document.getElementById('dashboard-controls').hidden);
  const rows = await page.$$eval('#project-table tbody tr', (trs) => trs.filter((tr) => !tr.hidden && tr.offsetParent !== null).map((tr) => tr.textContent));
  assert.ok(rows.length >= 1 && rows.every((t) => t.includes('Jyväskylä')), `rows of Jyväskylä only: ${rows.length}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the search field in the header submits to the search page, which lists the article among the first', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, `${origin}/sample/`);
  searchBytes['/sample/'] = 0;
  await page.fill('#site-search-q', 'stormwater');
  await Promise.all([page.waitForURL(/\/sample\/search\/\?q=stormwater/), page.press('#site-search-q', 'Enter')]);
  const found = await results(page);
  // the article, and the project pages about stormwater beside it
  assert.ok(found.slice(0, 3).some((r) => r.href === `${origin}/sample/news/climate-mission-tampere-lahti-lappeenranta/`), JSON.stringify(found.slice(0, 3)));
  const bytes = searchBytes['/sample/'];
  console.log(`first query on the sample site: ${bytes} bytes of search files`);
  assert.ok(bytes > 0 && bytes < 150 * 1024, `first query transfer ${bytes} bytes`);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: path.join(shots, 'search-375.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: path.join(shots, 'search-1280.png') });
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  assert.deepEqual(axe.violations.map((v) => v.id), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without JavaScript the search page points to the lists and the dashboard', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const { page } = await open(context, `${origin}/sample/search/?q=anything`);
  const links = (await page.$$eval('main a', (as) => as.map((a) => a.href))).join(' ');
  assert.match(links, /\/sample\/projects\//);
  assert.match(links, /\/sample\/news\//);
  await context.close();
});

const MAP_PAGES = ['', 'cities/', 'impact/'];

test('the map: one focusable link per located city, labels that never overlap, and no axe violation', async () => {
  const located = fs.readFileSync(path.join(repo, 'content/data/cities.toml'), 'utf8').match(/^lat = /gm).length;
  const size = fs.statSync(path.join(sites.sample.dir, 'charts/map.svg')).size;
  console.log(`map of the sample site: ${size} bytes of SVG, ${located} cities`);
  assert.ok(size < 40 * 1024, `map.svg is ${size} bytes`);
  const context = await browser.newContext();
  for (const p of MAP_PAGES) {
    const url = `${origin}/sample/${p}`;
    const { page, errors } = await open(context, url);
    const links = page.locator('#map svg.map a.map-city');
    assert.equal(await links.count(), located, `${url}: one link per located city`);
    for (let i = 0; i < located; i += 1) {
      const a = links.nth(i);
      await a.focus();
      assert.ok(await a.evaluate((el) => document.activeElement === el), `${url}: link ${i} takes focus`);
      // the link leads to the city's page
      const href = await a.evaluate((el) => new URL(el.getAttribute('href'), location.href).pathname);
      assert.match(href, /^\/sample\/cities\/[a-z0-9-]+\/$/, `${url}: ${href}`);
    }
    const boxes = await page.$$eval('#map svg.map a.map-city text', (ts) => ts.map((t) => {
      const r = t.getBoundingClientRect();
      return { name: t.textContent, x: r.x, y: r.y, w: r.width, h: r.height };
    }));
    assert.equal(boxes.length, located);
    for (let i = 0; i < boxes.length; i += 1) {
      for (let j = i + 1; j < boxes.length; j += 1) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        assert.ok(!overlap, `${url}: labels ${a.name} and ${b.name} overlap`);
      }
    }
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(() => window.axe.run(document.querySelector('#map svg.map'), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
    assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), [], url);
    assert.deepEqual(errors, []);
    if (p === '') {
      const map = page.locator('svg.map').first();
      await map.scrollIntoViewIfNeeded();
      await page.setViewportSize({ width: 375, height: 800 });
      await map.screenshot({ path: path.join(shots, 'map-375.png') });
      await page.setViewportSize({ width: 1280, height: 900 });
      await map.screenshot({ path: path.join(shots, 'map-1280.png') });
    }
    await page.close();
  }
  await context.close();
});

test('each indicator\'s map on the impact page: a link per city, labels apart, a legend of its classes, its own ids', async () => {
  const context = await browser.newContext();
  for (const width of [375, 1280]) {
    const { page, errors } = await open(context, `${origin}/sample/impact/`);
    await page.setViewportSize({ width, height: 900 });
    const maps = await page.$$eval('figure[id^="map-"] svg.map', (svgs) => svgs.map((svg) => {
      const boxes = [...svg.querySelectorAll('a.map-city text')].map((t) => {
        const r = t.getBoundingClientRect();
        return { name: t.textContent, x: r.x, y: r.y, w: r.width, h: r.height };
      });
      const overlaps = [];
      for (let i = 0; i < boxes.length; i += 1) {
        for (let j = i + 1; j < boxes.length; j += 1) {
          const [a, b] = [boxes[i], boxes[j]];
          if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.name}/${b.name}`);
        }
      }
      const labelled = svg.getAttribute('aria-labelledby');
      return {
        id: svg.closest('figure').id,
        links: svg.querySelectorAll('a.map-city').length,
        overlaps,
        // every id the map names is on the page once
        ids: labelled.split(' ').map((id) => document.querySelectorAll(`[id="${id}"]`).length),
        swatches: svg.querySelectorAll('g[transform] circle').length,
      };
    }));
    assert.ok(maps.length >= 7, `${width} px: ${maps.length} indicator maps`);
    for (const m of maps) {
      assert.equal(m.links, 18, `${width} px ${m.id}: a link per city`);
      assert.deepEqual(m.overlaps, [], `${width} px ${m.id}: labels overlap`);
      assert.ok(m.ids.every((n) => n === 1), `${width} px ${m.id}: ids ${m.ids}`);
      assert.ok(m.swatches >= 2 && m.swatches <= 6, `${width} px ${m.id}: ${m.swatches} swatches`);
    }
    if (width === 375) {
      await page.locator('figure#map-new-startups').scrollIntoViewIfNeeded();
      await page.locator('figure#map-new-startups').screenshot({ path: path.join(shots, 'indicator-map-375.png') });
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
  await context.close();
});

/// The shown rows of the dashboard, with the sums of their data.
async function shown(page) {
  return page.$$eval('#project-table tbody tr:not([hidden])', (rows) => rows.map((r) => ({
    id: r.querySelector('th a').getAttribute('href').replace(/\/$/, '').split('/').pop(),
    total: Number(r.dataset.total),
    cents: r.dataset.cents.split(' ').map(Number),
    ongoing: r.dataset.status === 'ongoing',
  })));
}

async function totals(page) {
  return page.$$eval('#selection-totals dd', (dds) => Object.fromEntries(dds.map((d) => [d.dataset.key, Number(d.dataset.value)])));
}

test('the selection totals equal the sums of the shown rows, and the download holds exactly those rows', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const { page, errors } = await open(context, `${origin}/sample/projects/`);
  const programmes = await page.$$eval('#filter-programme option', (os) => os.map((o) => o.value).filter(Boolean));
  const combos = [
    { '#filter-city': 'tampere' },
    { '#filter-status': 'ongoing', '#filter-year': '2025' },
    { '#filter-programme': programmes[0], '#filter-intl': 'no' },
    { '#filter-intl': 'yes' },
  ];
  for (const combo of combos) {
    await page.goto(`${origin}/sample/projects/`);
    for (const [sel, value] of Object.entries(combo)) await page.selectOption(sel, value);
    await page.waitForFunction(() => !document.getElementById('filter-count').textContent.includes('Loading'));
    const rows = await shown(page);
    const t = await totals(page);
    const sum = (f) => rows.reduce((a, r) => a + f(r), 0);
    const label = JSON.stringify(combo);
    assert.ok(rows.length > 0, `${label}: some rows`);
    assert.equal(t.count, rows.length, `${label}: count`);
    assert.equal(t.total, sum((r) => r.total), `${label}: total`);
    assert.equal(t.eu, sum((r) => r.cents[0]), `${label}: EU`);
    assert.equal(t.state, sum((r) => r.cents[1]), `${label}: state`);
    assert.equal(t.city, sum((r) => r.cents[2]), `${label}: city`);
    assert.equal(t.other, sum((r) => r.cents[3]), `${label}: other`);
    assert.equal(t.ongoing, sum((r) => (r.ongoing ? r.total : 0)), `${label}: ongoing`);
    assert.equal(t.total, sum((r) => r.cents.reduce((a, b) => a + b, 0)), `${label}: sources add up`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-selection')]);
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    assert.equal(csv[0].split(',')[0], 'id');
    assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]), rows.map((r) => r.id), `${label}: CSV rows`);
    // the view is in the address: opened again, it shows the same rows
    const again = await context.newPage();
    await again.goto(page.url());
    await again.waitForFunction(() => !document.getElementById('filter-count').textContent.includes('Loading'));
    assert.deepEqual((await shown(again)).map((r) => r.id), rows.map((r) => r.id), `${label}: from the URL`);
    await again.close();
  }
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: path.join(shots, 'dashboard-375.png'), fullPage: false });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: path.join(shots, 'dashboard-1280.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test("a city's figures agree: its page, the dashboard filtered to it, the map and the summary count the projects it leads", async () => {
  const summary = JSON.parse(fs.readFileSync(path.join(sites.sample.dir, 'data/summary.json'), 'utf8'));
  const context = await browser.newContext();
  const { page, errors } = await open(context, `${origin}/sample/projects/`);
  for (const id of ['oulu', 'tampere', 'kajaani']) {
    const c = summary.cities.find((x) => x.id === id);
    const cents = Math.round(c.funding.total * 100);
    // the city's page says the same count
    await page.goto(`${origin}/sample/cities/${id}/`, { waitUntil: 'load' });
    const said = await page.$eval('#funding-heading + p', (p) => p.textContent);
    assert.match(said, new RegExp(`leads ${c.projects} projects? `), `${id}: ${said}`);
    // the dashboard filtered to the city: the projects it leads, by default, and says so
    await page.goto(`${origin}/sample/projects/?city=${id}`, { waitUntil: 'load' });
    await page.waitForFunction(() => !document.getElementById('filter-count').textContent.includes('Loading'));
    const t = await totals(page);
    assert.equal(t.count, c.projects, `${id}: count`);
    assert.equal(t.total, cents, `${id}: funding`);
    const name = await page.$eval('#selection-name', (e) => e.textContent);
    assert.ok(name.includes(`led by ${c.name}`), `${id}: ${name}`);
    // partner only, and both, are there when asked, and named
    await page.selectOption('#filter-role', 'partner');
    const p = await totals(page);
    assert.equal(p.count, c.partner_projects, `${id}: partner projects`);
    assert.ok((await page.$eval('#selection-name', (e) => e.textContent)).includes('as a partner'));
    await page.selectOption('#filter-role', 'any');
    assert.equal((await totals(page)).count, c.projects + c.partner_projects, `${id}: either`);
    assert.match(page.url(), /role=any/);
  }
  // the map says whose funding it sizes
  await page.goto(`${origin}/sample/impact/`, { waitUntil: 'load' });
  assert.ok((await page.content()).includes('Funding of projects led'), 'the map legend names what it counts');
  // a project page's sharing card describes the project, not the dashboard
  await page.goto(`${origin}/sample/projects/espoo-quantum-talent/`, { waitUntil: 'load' });
  const og = await page.$$eval('meta[property^="og:"]', (ms) => Object.fromEntries(ms.map((m) => [m.getAttribute('property'), m.content])));
  assert.ok(og['og:description'].startsWith('Attracts international quantum-technology talent'), og['og:description']);
  assert.ok(!og['og:image'].endsWith('social/projects.png'), og['og:image']);
  assert.ok(!og['og:image:alt'].startsWith('Project dashboard'), og['og:image:alt']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('each chart links its data as CSV beside its SVG', async () => {
  const context = await browser.newContext();
  const { page } = await open(context, `${origin}/sample/impact/`);
  const links = await page.$$eval('figure.chart .chart-csv a', (as) => as.map((a) => a.href));
  assert.ok(links.length >= 5, `${links.length} CSV links`);
  for (const href of links) {
    const res = await page.request.get(href);
    assert.equal(res.status(), 200, href);
    const text = await res.text();
    assert.ok(text.split('\r\n').length > 2, `${href} has rows`);
  }
  await context.close();
});
