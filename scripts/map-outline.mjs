// How content/data/finland.geojson was made (run once by hand; not part of the build):
//   npm install world-atlas@2.0.2 topojson-client@3 && node scripts/map-outline.mjs > content/data/finland.geojson
// Natural Earth 1:10m Admin 0 – Countries (public domain) as world-atlas ships it: Finland
// (246) and Åland (248), islands under about 20 km² (0.004 square degrees) left out,
// coordinates rounded to 0.001° (about 100 m). The build simplifies it further for the screen.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import * as topojson from 'topojson-client';

const require = createRequire(import.meta.url);
const world = JSON.parse(fs.readFileSync(require.resolve('world-atlas/countries-10m.json'), 'utf8'));
const countries = topojson.feature(world, world.objects.countries).features;
const area = (ring) => {
  let a = 0;
  for (let i = 0; i < ring.length - 1; i += 1) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return Math.abs(a / 2);
};
const round = (x) => Math.round(x * 1000) / 1000;
const polygons = countries
  .filter((f) => f.id === '246' || f.id === '248')
  .flatMap((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates))
  .filter((p) => area(p[0]) > 0.004)
  .map((p) => p.map((ring) => ring.map(([x, y]) => [round(x), round(y)])));
process.stdout.write(JSON.stringify({
  type: 'FeatureCollection',
  features: [{
    type: 'Feature',
    properties: {
      name: 'Finland',
      source: 'Natural Earth, 1:10m Admin 0 – Countries (Finland and Åland), public domain',
    },
    geometry: { type: 'MultiPolygon', coordinates: polygons },
  }],
}));
