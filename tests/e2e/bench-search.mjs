// Part of scripts/bench: the bytes a reader's first search fetches, in Debian's Chromium.
//   node bench-search.mjs OUTPUT_DIR WORD
// Serves OUTPUT_DIR, opens search/?q=WORD, waits for the results and prints one JSON line:
// {"word", "status", "results", "requests", "bytes", "bytes_gzip"} for what the search
// fetches: assets/search.js and the index files under search/ (not the page itself); bytes
// as stored, bytes_gzip as a host that compresses text files sends them.
import zlib from 'node:zlib';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const [given, word] = process.argv.slice(2);
const dir = path.resolve(given);
let bytes = 0;
let gzip = 0;
let requests = 0;
const server = serve([{ prefix: '/', dir }], (url, body) => {
  if ((url.startsWith('/search/') && url.endsWith('.json')) || url === '/assets/search.js') {
    requests += 1;
    bytes += body.length;
    gzip += zlib.gzipSync(body).length;
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/search/?q=${encodeURIComponent(word)}`);
await page.waitForFunction(() => {
  const s = document.getElementById('search-status').textContent;
  return s && !s.includes('Searching');
}, null, { timeout: 60000 });
const results = await page.$$eval('#search-results li', (l) => l.length);
const status = await page.$eval('#search-status', (s) => s.textContent);
console.log(JSON.stringify({ word, status, results, requests, bytes, bytes_gzip: gzip }));
await browser.close();
server.close();
