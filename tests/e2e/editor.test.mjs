// The browser editor end to end: `innopress serve` on a copy of the sample site, Decap CMS at
// /admin/ in Debian's headless Chromium. A writer creates an article with a picture and its
// description, changes a project's funding and a newsletter issue; the files on disk pass
// `innopress check`, and the rebuilt pages show the changes.
//
// Run by scripts/test (`npm test` here) with INNOPRESS_BIN pointing at the built binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const bin = process.env.INNOPRESS_BIN || path.join(repo, 'target/debug/innopress');
const work = path.join(process.env.E2E_OUT || path.join(repo, 'target/e2e'), 'editor');
const shots = path.join(process.env.E2E_OUT || path.join(repo, 'target/e2e'), 'screenshots');
const site = path.join(work, 'site');

let browser;
let serve;
let origin;

before(async () => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(site, { recursive: true });
  fs.mkdirSync(shots, { recursive: true });
  for (const d of ['content', 'themes']) fs.cpSync(path.join(repo, d), path.join(site, d), { recursive: true });
  serve = spawn(bin, ['serve', '--root', site, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  origin = await new Promise((resolve, reject) => {
    serve.stderr.on('data', (d) => {
      log += d;
      const m = log.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
    serve.on('exit', () => reject(new Error(`serve stopped:\n${log}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  serve?.kill();
});

const read = (rel) => fs.readFileSync(path.join(site, rel), 'utf8');

/// Waits until `fn` is true (serve rebuilds a moment after a save).
async function until(fn, what, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function page(context) {
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  p.errors = errors;
  await p.goto(`${origin}/admin/`);
  await p.getByRole('button', { name: 'Login' }).click();
  await p.getByText('News and stories').first().waitFor();
  return p;
}

/// Opens an entry as a writer does: the editor afresh, the collection, then the entry in the
/// list (Decap does not always follow an address typed while an entry is open).
async function open(p, collection, title) {
  await p.goto('about:blank');
  await p.goto(`${origin}/admin/#/collections/${collection}`);
  const login = p.getByRole('button', { name: 'Login' });
  if (await login.isVisible().catch(() => false)) await login.click();
  await p.getByRole('link').filter({ hasText: title }).first().click();
}

async function publish(p) {
  await p.getByRole('button', { name: 'Publish' }).click();
  await p.getByText('Publish now').click();
}

test('a writer creates an article with a picture, changes funding and an issue; check passes and the site shows it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Pacific/Honolulu' });
  const p = await page(context);

  // a new article, with text pasted from a word processor and a live figure
  await p.goto(`${origin}/admin/#/collections/articles/new`);
  await p.getByLabel(/^Title/).fill('Lahti opens a “circular” harbour lab');
  await p.getByLabel(/^Summary/).fill('Lahti’s lab tests how harbour materials can be used again — “smart quotes” and all.');
  await p.locator('[data-slate-editor="true"]').first().click();
  await p.keyboard.type('The network has {{ figure(name="project-count") }} projects.');
  // the picture: uploaded from the computer, chosen, and then described
  const photo = await p.screenshot({ type: 'jpeg', quality: 70 });
  const file = path.join(work, 'harbour-lab.jpg');
  fs.writeFileSync(file, photo);
  await p.getByRole('button', { name: 'Choose an image' }).click();
  await p.locator('input[type="file"]').setInputFiles(file);
  await p.getByRole('button', { name: /choose selected/i }).click();
  // without a description the picture cannot be published
  await publish(p);
  await p.getByText(/Describe what the picture \/images\/harbour-lab\.jpg shows/).waitFor();
  // Decap reports the stopped save as an uncaught rejection too; that one is expected
  p.errors.length = 0;
  assert.ok(!fs.existsSync(path.join(site, 'content/articles/lahti-opens-a-circular-harbour-lab.md')), 'saved without alt text');
  await p.getByLabel(/^Picture description/).fill('Two researchers sort reclaimed steel beams on a harbour quay');
  await publish(p);
  await p.getByText('Entry saved').waitFor();
  // the live figure in the preview pane, filled in by serve
  const preview = p.frameLocator('iframe').first();
  await preview.getByText(/The network has \d+ projects\./).waitFor();
  await p.screenshot({ path: path.join(shots, 'editor-article-1280.png') });
  const article = read('content/articles/lahti-opens-a-circular-harbour-lab.md');
  assert.match(article, /^\+\+\+\ntitle = "Lahti opens a “circular” harbour lab"\ndate = \d{4}-\d{2}-\d{2}\n/);
  assert.match(article, /image = "\/images\/harbour-lab\.jpg"\nimage_alt = "Two researchers sort reclaimed steel beams on a harbour quay"/);
  assert.ok(fs.statSync(path.join(site, 'content/static/images/harbour-lab.jpg')).size > 1000);

  // a project's funding: only that line of the data file changes
  const projectsBefore = read('content/data/projects/erdf.toml');
  await open(p, 'data', 'Projects: erdf');
  const item = p.getByText('Industrial AI test bed for manufacturing SMEs').locator('xpath=..');
  await item.locator('button').first().click();
  await item.getByText('Funding', { exact: true }).locator('xpath=..').locator('button').first().click();
  const eu = p.getByLabel(/^EU/).filter({ visible: true }).first();
  assert.equal(await eu.inputValue(), '2520000');
  await eu.fill('2600000.5');
  await publish(p);
  await p.getByText('Entry saved').waitFor();
  assert.equal(read('content/data/projects/erdf.toml'), projectsBefore.replace('eu = 2520000\n', 'eu = 2600000.5\n'));

  // a newsletter issue: its subject, and its date kept whatever the browser's time zone
  const issueBefore = read('content/newsletters/2025-04-innocities-news.md');
  await open(p, 'newsletters', 'InnoCities News, April 2025');
  const subject = p.getByLabel(/^Email subject/);
  await subject.fill('InnoCities News #2: electric ships, heat from data centres and wellbeing');
  await publish(p);
  await p.getByText('Entry saved').waitFor();
  assert.equal(read('content/newsletters/2025-04-innocities-news.md'), issueBefore.replace(
    'subject = "InnoCities News #2: electric ships, data centre heat and wellbeing"',
    'subject = "InnoCities News #2: electric ships, heat from data centres and wellbeing"'));

  // a report computed on its own date: the preview shows its figures as its page does, and
  // a save keeps `as_of = 2024-12-31` a date
  const reportBefore = read('content/reports/annual-report-2024.md');
  await open(p, 'reports', 'InnoCities annual report 2024');
  assert.equal(await p.getByLabel(/^Figures as of/).inputValue(), '2024-12-31');
  const sentence = /Of the \d+ projects, \d+ are ongoing/;
  const built = (await (await fetch(`${origin}/reports/annual-report-2024/`)).text()).replace(/<[^>]+>/g, '');
  const shown = p.frameLocator('iframe').first().getByText(sentence).first();
  await shown.waitFor();
  assert.equal((await shown.innerText()).match(sentence)[0], built.match(sentence)[0]);
  await p.getByLabel(/^Summary/).fill('The year 2024 in the InnoCities network, in figures.');
  await publish(p);
  await p.getByText('Entry saved').waitFor();
  const report = read('content/reports/annual-report-2024.md');
  assert.match(report, /\nas_of = 2024-12-31\n/);
  assert.equal(report.replace(/\nsummary = .*\n/, '\n'), reportBefore.replace(/\nsummary = .*\n/, '\n'));
  assert.deepEqual(p.errors, []);

  // the files on disk are valid ...
  const check = spawnSync(bin, ['check', '--root', site], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  // ... and the rebuilt pages show the changes
  const text = async (url) => { const r = await fetch(origin + url); return r.ok ? r.text() : ''; };
  await until(async () => (await text('/news/lahti-opens-a-circular-harbour-lab/')).includes('harbour lab'), 'the new article page');
  const news = await text('/news/lahti-opens-a-circular-harbour-lab/');
  assert.match(news, /alt="Two researchers sort reclaimed steel beams on a harbour quay"/);
  assert.match(news, /The network has \d+ projects\./);
  await until(async () => (await text('/projects/tampere-industrial-ai-testbed/')).includes('2,600,000.50')
    || (await text('/projects/tampere-industrial-ai-testbed/')).includes('2 600 000,50'), 'the new funding on the project page');
  await until(async () => (await text('/newsletter/2/email.html')).includes('heat from data centres'), 'the new subject in the issue');
  await context.close();
});

test('a save that breaks the site is shown at once with its place, and the last good site stays served', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await page(context);
  await open(p, 'data', 'Themes');
  // the page as served, without the reload script's build number
  const served = async () => (await (await fetch(`${origin}/themes/`)).text()).replace(/data-generation="\d+"/, '');
  const before = await served();
  const item = p.getByText('Digitalisation and new technologies', { exact: true }).first().locator('xpath=..');
  await item.locator('button').first().click();
  await p.getByLabel(/^Id/).filter({ visible: true }).first().fill('Not An Id!');
  await publish(p);
  const panel = p.getByRole('alert').filter({ hasText: 'cannot be built' });
  await panel.waitFor();
  assert.match(await panel.innerText(), /content\/data\/themes\.toml:\d+:\d+/);
  await p.screenshot({ path: path.join(shots, 'editor-problems-1280.png') });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await served(), before, 'the served site changed');
  await context.close();
});
