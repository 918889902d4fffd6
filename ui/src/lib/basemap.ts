// The offline basemap: the service area's vector tiles (built from OpenStreetMap by
// `rota area build`, docs/areas.md) drawn on a canvas by protomaps-leaflet. Tiles come through
// the backend (`mapTile`, one Tauri command per tile reading the area file) — no tile server,
// no network, nothing outside the CSP's 'self'. Layers and attributes are those of Rota's
// tilemaker profile (service/src/area/tilemaker-process.lua): water, parks, landuse,
// buildings, rail, roads (kind, name), places.
import L from 'leaflet';
import Point from '@mapbox/point-geometry';
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';
import {
  leafletLayer, LineSymbolizer, PolygonSymbolizer, LineLabelSymbolizer, CenteredTextSymbolizer, TileCache, View,
  type Feature, type LabelRule, type PaintRule, type TileSource, type Zxy,
} from 'protomaps-leaflet';
import type { AreaInfo, Backend } from './backend/types';

/** Parses one Mapbox Vector Tile into protomaps-leaflet's features, scaled to `tileSize`. */
export function parseTile(data: ArrayBuffer, tileSize: number): Map<string, Feature[]> {
  const tile = new VectorTile(new Pbf(data));
  const out = new Map<string, Feature[]>();
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: Feature[] = [];
    const scale = tileSize / layer.extent;
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      if (f.type === 0) continue;
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, numVertices = 0;
      const geom = f.loadGeometry().map((ring) => ring.map((p) => {
        const q = new Point(p.x * scale, p.y * scale);
        if (q.x < minX) minX = q.x; if (q.x > maxX) maxX = q.x;
        if (q.y < minY) minY = q.y; if (q.y > maxY) maxY = q.y;
        numVertices++;
        return q;
      }));
      features.push({ geomType: f.type, geom, numVertices, bbox: { minX, minY, maxX, maxY }, props: f.properties });
    }
    out.set(name, features);
  }
  return out;
}

/** A protomaps-leaflet tile source over the backend. */
export class BackendSource implements TileSource {
  /** Tiles asked for and tiles that had data (the e2e and real-window tests read these). */
  requested = 0;
  loaded = 0;
  constructor(private readonly backend: Backend, private readonly maxzoom: number) {}
  async get(c: Zxy, tileSize: number): Promise<Map<string, Feature[]>> {
    if (c.z > this.maxzoom) return new Map();
    this.requested++;
    const bytes = await this.backend.mapTile(c.z, c.x, c.y);
    if (!bytes) return new Map();
    this.loaded++;
    return parseTile(bytes, tileSize);
  }
}

const kindIs = (...kinds: string[]) => (_z: number, f: Feature) => kinds.includes(String(f.props.kind));

/** Light, quiet colours: the plan's routes and visits are drawn on top and must stand out. */
export const PAINT_RULES: PaintRule[] = [
  { dataLayer: 'landuse', symbolizer: new PolygonSymbolizer({ fill: '#ece9e2', opacity: 0.6 }) },
  { dataLayer: 'parks', symbolizer: new PolygonSymbolizer({ fill: '#cfe8c4' }) },
  { dataLayer: 'water', symbolizer: new PolygonSymbolizer({ fill: '#a9cfe8' }), filter: (_z, f) => f.geomType === 3 },
  { dataLayer: 'water', symbolizer: new LineSymbolizer({ color: '#7fb2d6', width: 1.5 }), filter: (_z, f) => f.geomType === 2 },
  { dataLayer: 'buildings', minzoom: 14, symbolizer: new PolygonSymbolizer({ fill: '#dcd6cc', stroke: '#c9c1b5', width: 0.5 }) },
  { dataLayer: 'rail', symbolizer: new LineSymbolizer({ color: '#b3b3b3', width: 1.2, dash: [3, 2] }) },
  { dataLayer: 'roads', filter: kindIs('path'), minzoom: 15, symbolizer: new LineSymbolizer({ color: '#d9d2c5', width: 1 }) },
  { dataLayer: 'roads', filter: kindIs('minor'), symbolizer: new LineSymbolizer({ color: '#cfc8bc', width: (z) => (z >= 16 ? 5 : 3), lineCap: 'round' }) },
  { dataLayer: 'roads', filter: kindIs('minor'), symbolizer: new LineSymbolizer({ color: '#ffffff', width: (z) => (z >= 16 ? 3.5 : 2), lineCap: 'round' }) },
  { dataLayer: 'roads', filter: kindIs('street'), symbolizer: new LineSymbolizer({ color: '#c8c0b2', width: (z) => (z >= 16 ? 8 : z >= 15 ? 6 : 4), lineCap: 'round' }) },
  { dataLayer: 'roads', filter: kindIs('street'), symbolizer: new LineSymbolizer({ color: '#ffffff', width: (z) => (z >= 16 ? 6 : z >= 15 ? 4.5 : 3), lineCap: 'round' }) },
  { dataLayer: 'roads', filter: kindIs('major'), symbolizer: new LineSymbolizer({ color: '#d8b26a', width: (z) => (z >= 16 ? 10 : z >= 15 ? 8 : 5), lineCap: 'round' }) },
  { dataLayer: 'roads', filter: kindIs('major'), symbolizer: new LineSymbolizer({ color: '#fbe3a6', width: (z) => (z >= 16 ? 8 : z >= 15 ? 6 : 3.5), lineCap: 'round' }) },
];

export const LABEL_RULES: LabelRule[] = [
  { dataLayer: 'roads', filter: kindIs('major', 'street'), minzoom: 14,
    symbolizer: new LineLabelSymbolizer({ fill: '#3d3a35', stroke: '#ffffff', width: 3, fontFamily: 'sans-serif', fontSize: (z) => (z >= 16 ? 13 : 11), fontWeight: (_z, f) => (f?.props.kind === 'major' ? 600 : 400) }) },
  { dataLayer: 'roads', filter: kindIs('minor', 'path'), minzoom: 16,
    symbolizer: new LineLabelSymbolizer({ fill: '#6e6a63', stroke: '#ffffff', width: 3, fontFamily: 'sans-serif', fontSize: 10 }) },
  { dataLayer: 'parks', minzoom: 15, symbolizer: new CenteredTextSymbolizer({ fill: '#3b6e2f', stroke: '#ffffff', width: 2, fontFamily: 'sans-serif', fontSize: 11, fontStyle: 'italic' }) },
  { dataLayer: 'places', minzoom: 15, symbolizer: new CenteredTextSymbolizer({ fill: '#4a4a4a', stroke: '#ffffff', width: 2, fontFamily: 'sans-serif', fontSize: 11, fontWeight: 600 }) },
];

/** The basemap layer of `area`, reading tiles through `backend`. */
export function basemapLayer(backend: Backend, area: AreaInfo): { layer: L.GridLayer; source: BackendSource } {
  // protomaps-leaflet extends the global `L` (its GridLayer subclass is built at call time).
  (globalThis as unknown as { L?: typeof L }).L ??= L;
  const source = new BackendSource(backend, area.maxzoom);
  const [w, s, e, n] = area.bounds;
  const layer = leafletLayer({
    // Not fetched: the views are replaced below by one over the backend source.
    url: 'backend://{z}/{x}/{y}',
    paintRules: PAINT_RULES,
    labelRules: LABEL_RULES,
    backgroundColor: '#f6f4ef',
    maxDataZoom: area.maxzoom,
    bounds: [[s, w], [n, e]],
    attribution: area.attribution,
    maxZoom: 19,
  }) as unknown as L.GridLayer & { views: Map<string, View> };
  const levelDiff = 1;
  layer.views = new Map([['', new View(new TileCache(source, 256 << levelDiff), area.maxzoom, levelDiff)]]);
  return { layer, source };
}
