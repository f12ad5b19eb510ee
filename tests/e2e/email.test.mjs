// The newsletter email as its readers' clients get it: a fixture issue with a 4000 px photo, a
// chart and three teased articles, published on a local server. Rendered in headless
// Chromium at 320, 375 and 600 px (no horizontal overflow, every picture inside the column;
// screenshots saved), checked against the caniemail data (doiuse-email) for Gmail, Outlook on
// Windows and Apple Mail with a short allow-list, and scored by SpamAssassin with its local
// rules.
//
// Run by scripts/test (`npm test` here), which installs SpamAssassin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { doIUseEmail } from 'doiuse-email';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const bin = process.env.INNOPRESS_BIN || path.join(repo, 'target/debug/innopress');
const work = path.join(process.env.E2E_OUT || path.join(repo, 'target/e2e'), 'email');
const shots = path.join(process.env.E2E_OUT || path.join(repo, 'target/e2e'), 'screenshots');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

let browser;
let server;
let origin;
let out;

before(async () => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  const site = path.join(work, 'site');
  fs.cpSync(path.join(repo, 'tests/fixtures/minimal'), site, { recursive: true });
  out = path.join(site, 'output');
  // the published site, served as a mail client would fetch its pictures
  server = serve([{ prefix: '/', dir: out }]);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });

  // a 4000x3000 photo, drawn by the browser itself (no image tool needed)
  const ctx = await browser.newContext({ viewport: { width: 4000, height: 3000 } });
  const p = await ctx.newPage();
  await p.setContent('<body style="margin:0;height:3000px;background:linear-gradient(135deg,#2b5876,#4e4376 40%,#f3904f)"><div style="position:absolute;left:900px;top:1200px;width:2200px;height:900px;background:#1d2b36;border-radius:40px"></div></body>');
  fs.writeFileSync(path.join(site, 'content/static/img/harbour.jpg'), await p.screenshot({ type: 'jpeg', quality: 85 }));
  await ctx.close();

  const cfg = path.join(site, 'content/site.toml');
  fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8')
    .replace('base_url = "https://example.org/innocities"', `base_url = "${origin}/"`)
    .replace('as_of = 2025-04-10', 'as_of = 2025-04-10\nlogo = "/img/logo.svg"'));
  fs.writeFileSync(path.join(site, 'content/articles/harbour-story.md'),
    '+++\ntitle = "The harbour tests electric ferries"\ndate = 2025-04-02\nsummary = "A pilot with two electric ferries and a charging mast on the quay."\n' +
    'image = "/img/harbour.jpg"\nimage_alt = "A harbour at dusk"\n+++\nThe pilot starts in June.\n');
  const issue = path.join(site, 'content/newsletters/issue-1.md');
  fs.writeFileSync(issue, fs.readFileSync(issue, 'utf8')
    .replace('articles = ["hello-world", "second-news"]',
      'articles = ["hello-world", "second-news", "harbour-story"]\nimage = "/img/harbour.jpg"\nimage_alt = "A harbour at dusk, a ferry at the quay"\nimage_caption = "The quay where the ferries will charge."')
    .replace('Read [the annual report]', '![The quay seen from the ferry](/img/harbour.jpg)\n\nRead [the annual report]'));
  execFileSync(bin, ['build', '--quiet', '--root', site], { stdio: 'inherit' });
});

after(async () => {
  await browser?.close();
  server?.close();
});

const email = () => path.join(out, 'newsletter/1/email.html');

test('the email fits 320, 375 and 600 px screens with every picture inside the column; screenshots', async () => {
  const problems = [];
  for (const width of [320, 375, 600]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${origin}/newsletter/1/email.html`, { waitUntil: 'load' });
    const r = await page.evaluate(() => {
      const column = document.querySelector('.container').getBoundingClientRect();
      const imgs = [...document.images].map((i) => {
        const b = i.getBoundingClientRect();
        return { src: i.getAttribute('src'), left: b.left, right: b.right, width: b.width, loaded: i.complete && i.naturalWidth > 0 };
      });
      return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, column: { left: column.left, right: column.right }, imgs };
    });
    if (r.scroll > r.inner) problems.push(`${width}px: the page is ${r.scroll}px wide`);
    if (r.column.right > width + 0.5) problems.push(`${width}px: the column ends at ${r.column.right}px`);
    for (const i of r.imgs) {
      if (i.left < r.column.left - 0.5 || i.right > r.column.right + 0.5) problems.push(`${width}px: ${i.src} spans ${i.left}-${i.right}, outside the column`);
      // charts travel inside the message (cid:); everything else loads from the site
      if (!i.src.startsWith('cid:') && !i.loaded) problems.push(`${width}px: ${i.src} did not load`);
    }
    assert.ok(r.imgs.filter((i) => i.src.includes('harbour')).length >= 3, 'the lead, the body picture and the teaser show the photo');
    if (width !== 320) {
      await page.screenshot({ path: path.join(shots, `email-${width}.png`), fullPage: true });
    }
    await ctx.close();
  }
  assert.deepEqual(problems, []);
  const html = fs.readFileSync(email(), 'utf8');
  // a 4000 px photo goes out as a file at most 1600 px wide, shown at the column's width
  for (const m of html.matchAll(/<img [^>]*src="([^"]*harbour[^"]*)"[^>]*>/g)) {
    assert.match(m[0], /width="\d+"/, m[0]);
    assert.match(m[0], /max-width/, m[0]);
    assert.doesNotMatch(m[1], /\.webp$/, 'Outlook shows no WebP');
  }
});

test('a chart in the email keeps its text at 12 px or more on a 375 px phone', async () => {
  // the chart travels as a PNG (cid:) drawn from the narrow drawing, whose text is 13 px at
  // its own width: shown narrower than that, the text shrinks in proportion
  const eml = fs.readFileSync(path.join(out, 'newsletter/1/email.eml'), 'utf8');
  const part = eml.split(/\r?\n--/).find((p) => /Content-Type: image\/png/i.test(p));
  assert.ok(part, 'the message carries the chart as a PNG');
  const body = part.split(/\r?\n\r?\n/).slice(1).join('').replace(/[^A-Za-z0-9+/=]/g, '');
  const png = Buffer.from(body, 'base64');
  const drawn = png.readUInt32BE(16) / 2; // drawn at twice its size, for sharp screens
  const ctx = await browser.newContext({ viewport: { width: 375, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${origin}/newsletter/1/email.html`, { waitUntil: 'load' });
  const shown = await page.$eval('img[src^="cid:"]', (i) => i.getBoundingClientRect().width);
  await ctx.close();
  const text = 13 * shown / drawn;
  console.log(`email chart at 375 px: drawn ${drawn} px wide, shown ${shown.toFixed(0)} px, text ${text.toFixed(1)} px`);
  assert.equal(drawn, 360, 'the narrow drawing');
  assert.ok(text >= 12, `chart text ${text.toFixed(1)} px at 375 px`);
});

test('every issue of the sample site fits 320, 375 and 600 px', async () => {
  const sample = path.join(work, 'sample');
  execFileSync(bin, ['build', '--quiet', '--root', repo, '--output', sample], { stdio: 'inherit' });
  const issues = fs.readdirSync(path.join(sample, 'newsletter')).filter((d) => fs.existsSync(path.join(sample, 'newsletter', d, 'email.html')));
  assert.ok(issues.length >= 2, `sample issues: ${issues}`);
  const problems = [];
  for (const n of issues) {
    for (const width of [320, 375, 600]) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      // offline: the pictures of innocities.example do not load, their width attributes hold
      await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
      await page.goto(`file://${path.join(sample, 'newsletter', n, 'email.html')}`, { waitUntil: 'load' });
      const r = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      if (r.scroll > r.inner) problems.push(`issue ${n} at ${width}px: the page is ${r.scroll}px wide`);
      await ctx.close();
    }
  }
  assert.deepEqual(problems, []);
});

test('in dark mode the text stays readable and the logo keeps its light tile; screenshot', async () => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 900 }, colorScheme: 'dark' });
  const page = await ctx.newPage();
  await page.goto(`${origin}/newsletter/1/email.html`, { waitUntil: 'load' });
  const r = await page.evaluate(() => {
    const rgb = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const body = document.querySelector('.body');
    const cs = getComputedStyle(body);
    const link = getComputedStyle(body.querySelector('a'));
    const tile = getComputedStyle(document.querySelector('.logo-box'));
    return {
      text: contrast(rgb(cs.color), rgb(cs.backgroundColor)),
      link: contrast(rgb(link.color), rgb(cs.backgroundColor)),
      tile: tile.backgroundColor,
    };
  });
  await page.screenshot({ path: path.join(shots, 'email-375-dark.png'), fullPage: true });
  await ctx.close();
  assert.ok(r.text >= 4.5, `text contrast ${r.text}`);
  assert.ok(r.link >= 4.5, `link contrast ${r.link}`);
  assert.equal(r.tile, 'rgb(255, 255, 255)');
});

test('Outlook on Windows gets its fixed 600 px table; the preheader is hidden without low-contrast text', () => {
  const html = fs.readFileSync(email(), 'utf8');
  assert.match(html, /<!--\[if mso\]>\s*<table role="presentation" align="center" width="600"/);
  assert.match(html, /<!--\[if mso\]>\s*<\/td><\/tr><\/table>\s*<!\[endif\]-->/);
  assert.match(html, /mso-line-height-rule: ?exactly/);
  assert.match(html, /<meta name="color-scheme" content="light dark">/);
  const pre = html.match(/<div class="preheader"[^>]*style="([^"]*)"/);
  assert.ok(pre, 'a preheader');
  for (const rule of ['display: none', 'max-height: 0', 'mso-hide: all', 'opacity: 0']) assert.ok(pre[1].includes(rule), `${rule} in ${pre[1]}`);
  assert.ok(!/color:/.test(pre[1]), 'the preheader is not coloured like the background');
  // every link has its colour written on it
  for (const a of html.matchAll(/<a [^>]*>/g)) assert.match(a[0], /style="[^"]*color:/, a[0]);
});

// Features the caniemail data marks unsupported in some client, which degrade gracefully
// there. Anything else fails the test.
const ALLOWED = [
  // the narrow-screen padding and the dark-mode colours: without them the fluid column
  // and the light colours still work
  { feature: '@media', clients: /gmail\.mobile-webmail|outlook\.windows/ },
  // accessibility roles: ignored where unsupported
  { feature: 'role attribute', clients: /outlook\.windows-mail/ },
  // the preheader's hiding: each client has at least one of display:none, max-height:0 with
  // overflow:hidden, opacity:0 and mso-hide:all
  { feature: 'display:none', clients: /gmail\.mobile-webmail/ },
  { feature: 'overflow', clients: /outlook\.windows/ },
  { feature: 'opacity', clients: /gmail\.mobile-webmail|outlook\.windows/ },
  // the logo tile's rounded corners: square in Outlook
  { feature: 'border-radius', clients: /outlook\.windows/ },
];

test('the caniemail data finds nothing unsupported in Gmail, Outlook (Windows) or Apple Mail beyond the allow-list', () => {
  const html = fs.readFileSync(email(), 'utf8');
  const r = doIUseEmail(html, { emailClients: ['gmail.*', 'outlook.windows', 'outlook.windows-mail', 'apple-mail.*'] });
  const unexpected = (r.errors || []).filter((e) => {
    const m = e.match(/^`(.+)` is not supported by `(.+)`$/);
    return !m || !ALLOWED.some((a) => a.feature === m[1] && a.clients.test(m[2]));
  });
  assert.deepEqual(unexpected, []);
});

test('SpamAssassin (local rules) scores the message below 1.0, with no rule about hidden or low-contrast text', () => {
  const eml = path.join(out, 'newsletter/1/email.eml');
  let report;
  try {
    report = execFileSync('spamassassin', ['-L', '-t'], { input: fs.readFileSync(eml), encoding: 'utf8', maxBuffer: 1 << 26 });
  } catch (e) {
    assert.fail(`spamassassin could not run (scripts/test installs it): ${e.message}`);
  }
  const status = report.match(/^X-Spam-Status: \w+, score=(-?[\d.]+)/m);
  assert.ok(status, report.slice(0, 2000));
  const details = report.slice(report.indexOf('Content analysis details'));
  assert.ok(Number(status[1]) < 1.0, details);
  assert.doesNotMatch(details, /LOW_CONTRAST|FONT_TINY|INVISIBLE|HIDDEN|FONT_SIZE/, details);
  fs.writeFileSync(path.join(work, 'spamassassin.txt'), details);
});

test('the text part is complete: title, picture as alt text and link, every story, address, unsubscribe', () => {
  const text = fs.readFileSync(path.join(out, 'newsletter/1/email.txt'), 'utf8');
  for (const want of ['Issue one', 'View this issue in your browser: ', '[Image: A harbour at dusk, a ferry at the quay] http://',
    '[Image: The quay seen from the ferry] http://', 'The harbour tests electric ferries', `${origin}/news/harbour-story/`,
    `${origin}/news/hello-world/`, `${origin}/news/second-news/`, '33100 Tampere & Finland', 'Unsubscribe: mailto:unsubscribe@example.org']) {
    assert.ok(text.includes(want), `email.txt lacks ${JSON.stringify(want)}:\n${text}`);
  }
});
