// Pick the backend at start-up: inside Tauri (window.__TAURI__ present) the real one, else the
// in-browser mock on the committed sample (loaded lazily so the Tauri build does not need it
// at start). `?scale=5` multiplies the sample (5 × 420 visits, 5 × 60 technicians) for load tests.
import type { Backend } from './types';
import { TauriBackend, tauriGlobal } from './tauri';

export async function pickBackend(search = globalThis.location?.search ?? ''): Promise<Backend> {
  const tauri = tauriGlobal();
  if (tauri) return new TauriBackend(tauri);
  const [{ MockBackend, scaleUp }, problem, plan, regions] = await Promise.all([
    import('./mock'),
    import('../../mock/problem.json'),
    import('../../mock/plan.json'),
    import('../../mock/regions.geojson?raw'),
  ]);
  const scale = Math.max(1, Math.min(20, Number(new URLSearchParams(search).get('scale') ?? '1') || 1));
  const data = scaleUp({ problem: problem.default as never, plan: plan.default as never, regions: JSON.parse(regions.default) }, scale);
  return new MockBackend(data);
}
