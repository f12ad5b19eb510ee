// Part of scripts/bench: the bytes a reader's first search fetches, in Debian's Chromium.
//   node bench-search.mjs OUTPUT_DIR WORD
// Serves OUTPUT_DIR, opens search/?q=WORD, waits for the results and prints one JSON line:
// {"word", "status", "results", "requests", "bytes", "bytes_gzip"} for what the search
// fetches: assets/search.js and the index files under search/ (not the page itself); bytes
// as stored, bytes_gzip as a host that compresses text files sends them.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const [dir, word] = process.argv.slice(2);
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
let bytes = 0;
let gzip = 0;
let requests = 0;
const server = http.createServer((req, res) => {
  let file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(dir)) { res.writeHead(403); res.end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
  const body = fs.readFileSync(file);
  const url = req.url.split('?')[0];
  if ((url.startsWith('/search/') && url.endsWith('.json')) || url === '/assets/search.js') {
    requests += 1;
    bytes += body.length;
    gzip += zlib.gzipSync(body).length;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
  res.end(body);
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
