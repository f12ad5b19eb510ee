// The one static server of the browser tests and the search benchmark: each site's output is
// mounted at its prefix, a folder serves its index.html, and an unknown path gets the
// site's 404.html (or an empty 404 where it has none). `onFile(url, body)` sees every file
// served, for tests that count what a page fetched.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.xml': 'application/xml', '.json': 'application/json',
  '.csv': 'text/csv', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8',
  '.webp': 'image/webp', '.jpg': 'image/jpeg',
};

/// `mounts`: [{ prefix: '/site/', dir }]. Not listening yet: call listen() on it.
export function serve(mounts, onFile = () => {}) {
  return http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const mount = mounts.find((m) => url.startsWith(m.prefix));
    if (!mount) { res.writeHead(404); res.end('no site'); return; }
    let file = path.join(mount.dir, url.slice(mount.prefix.length));
    if (!file.startsWith(mount.dir)) { res.writeHead(403); res.end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      const missing = path.join(mount.dir, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(fs.existsSync(missing) ? fs.readFileSync(missing) : '');
      return;
    }
    const body = fs.readFileSync(file);
    onFile(url, body);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(body);
  });
}
