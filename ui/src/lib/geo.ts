import type { Problem } from './backend/types';

function pointInRing(lon: number, lat: number, ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function regionOf(problem: Problem, loc: { lat: number; lon: number }): string | null {
  for (const r of problem.regions) {
    const a = r.area as { type: string; coordinates: number[][][] | number[][][][] };
    const polys = a.type === 'Polygon' ? [a.coordinates as number[][][]] : (a.coordinates as number[][][][]);
    if (polys.some((p) => pointInRing(loc.lon, loc.lat, p[0]))) return r.id;
  }
  return null;
}

