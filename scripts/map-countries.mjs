// How crates/innopress-map/src/countries.bin was made (run once by hand; not part of the build or of CI):
//   npm install world-atlas@2.0.2 topojson-client@3
//   node scripts/map-countries.mjs > crates/innopress-map/src/countries.bin
// Sources, all public domain:
// - Natural Earth 1:50m Admin 0 – Countries, as world-atlas 2.0.2 ships it (TopoJSON);
// - ISO 3166-1 codes from Debian's iso-codes (/usr/share/iso-codes/json/iso_3166-1.json),
//   to turn world-atlas's numeric ids into the two-letter codes `map = "country:PT"` uses;
// - the places of each country in the time zone database's zone.tab (Debian's tzdata), in
//   its order: `innopress init --country` starts a site with the first on the map (Lisbon
//   for Portugal, Kyiv for Ukraine); Kosovo, which zone.tab leaves out, gets Pristina.
// Natural Earth keeps Åland apart from Finland; FI gets both, as the sample's outline has.
//
// The format (read by crates/innopress-map/src/countries.rs; about 290 kB, which deflate shrinks by only 14 %):
//   "IPC1", varint country count, then per country, in code order:
//   2 bytes ISO code; string name; varint place count, per place a string name and zigzag
//   varint latitude and longitude in 1/10000 degree; varint polygon count; per polygon a varint ring
//   count (outer ring first); per ring a varint point count and the points as zigzag varint
//   deltas of longitude and latitude in 1/1000 degree (about 100 m), the closing point left
//   out. A string is a varint byte length and UTF-8 bytes.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import * as topojson from 'topojson-client';

const require = createRequire(import.meta.url);
const world = JSON.parse(fs.readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'));
const iso = JSON.parse(fs.readFileSync('/usr/share/iso-codes/json/iso_3166-1.json', 'utf8'))['3166-1'];
const byNumeric = new Map(iso.map((c) => [c.numeric, c]));
// Kosovo has no ISO 3166-1 code; XK is the one the EU and most registries use
const unnumbered = { Kosovo: { alpha_2: 'XK', name: 'Kosovo' } };

const zones = new Map();
for (const line of fs.readFileSync('/usr/share/zoneinfo/zone.tab', 'utf8').split('\n')) {
  if (!line || line.startsWith('#')) continue;
  const [code, coord, tz] = line.split('\t');
  const m = coord.match(/^([+-])(\d{2})(\d{2})(\d{2})?([+-])(\d{3})(\d{2})(\d{2})?$/);
  const deg = (s, d, mi, se) => (s === '-' ? -1 : 1) * (Number(d) + Number(mi) / 60 + Number(se || 0) / 3600);
  if (!zones.has(code)) zones.set(code, []);
  zones.get(code).push({
    name: tz.split('/').pop().replaceAll('_', ' '),
    lat: deg(m[1], m[2], m[3], m[4]),
    lon: deg(m[5], m[6], m[7], m[8]),
  });
}
// Kosovo is not in zone.tab (it keeps Europe/Belgrade's time): its capital, Pristina
zones.set('XK', [{ name: 'Pristina', lat: 42.6629, lon: 21.1655 }]);

const countries = new Map();
for (const f of topojson.feature(world, world.objects.countries).features) {
  const c = f.id ? byNumeric.get(f.id) : unnumbered[f.properties.name];
  if (!c || !f.geometry) continue;
  const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  const entry = countries.get(c.alpha_2) ?? { name: c.common_name ?? c.name, polygons: [] };
  entry.polygons.push(...polygons);
  countries.set(c.alpha_2, entry);
}
countries.get('FI').polygons.push(...countries.get('AX').polygons);

const bytes = [];
const varint = (n) => {
  while (n >= 0x80) { bytes.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  bytes.push(n);
};
const zigzag = (n) => varint(n < 0 ? -2 * n - 1 : 2 * n);
const string = (s) => { const b = Buffer.from(s, 'utf8'); varint(b.length); bytes.push(...b); };

const codes = [...countries.keys()].sort();
bytes.push(...Buffer.from('IPC1'));
varint(codes.length);
for (const code of codes) {
  const { name, polygons } = countries.get(code);
  bytes.push(...Buffer.from(code));
  string(name);
  const places = zones.get(code) ?? [];
  varint(places.length);
  for (const p of places) { string(p.name); zigzag(Math.round(p.lat * 1e4)); zigzag(Math.round(p.lon * 1e4)); }
  varint(polygons.length);
  for (const rings of polygons) {
    varint(rings.length);
    for (const ring of rings) {
      // rounded, with repeated points and the closing one dropped
      const pts = [];
      for (const [x, y] of ring) {
        const p = [Math.round(x * 1000), Math.round(y * 1000)];
        const last = pts[pts.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
      }
      if (pts.length > 1 && pts[0][0] === pts[pts.length - 1][0] && pts[0][1] === pts[pts.length - 1][1]) pts.pop();
      varint(pts.length);
      let px = 0;
      let py = 0;
      for (const [x, y] of pts) { zigzag(x - px); zigzag(y - py); px = x; py = y; }
    }
  }
}
process.stdout.write(Buffer.from(bytes));
