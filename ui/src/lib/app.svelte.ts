// The app's shared state (Svelte 5 runes): the problem, the current plan, the selected day,
// the selection shared by the board and the map, and the edit commands with their feedback.
import type { Backend, MoveRequest, Plan, Problem, Route, Stop, Technician, UndoState, Violation, Visit } from './backend/types';
import { horizonDays } from './time';

export type Tab = 'dispatch' | 'unassigned' | 'kpis' | 'providers' | 'coverage' | 'history';
export interface Toast { id: number; kind: 'ok' | 'error'; key: string; params?: Record<string, string | number>; violations?: Violation[] }

export class AppState {
  problem = $state.raw<Problem>(null as unknown as Problem);
  plan = $state.raw<Plan>(null as unknown as Plan);
  regions = $state.raw<GeoJSON.FeatureCollection>(null as unknown as GeoJSON.FeatureCollection);
  day = $state('');
  groupBy = $state<'region' | 'provider'>('region');
  /** The board shows one day or the whole horizon. */
  span = $state<'day' | 'horizon'>('day');
  tab = $state<Tab>('dispatch');
  selectedVisit = $state<string | null>(null);
  selectedTech = $state<string | null>(null);
  undoState = $state<UndoState>({ can_undo: false, can_redo: false });
  toasts = $state<Toast[]>([]);
  versionsChanged = $state(0);
  dialog = $state<'optimize' | 'emergency' | null>(null);

  visitById = $derived(new Map((this.problem?.visits ?? []).map((v) => [v.id, v])));
  techById = $derived(new Map((this.problem?.technicians ?? []).map((t) => [t.id, t])));
  stopByVisit = $derived.by(() => {
    const m = new Map<string, { route: Route; stop: Stop }>();
    for (const r of this.plan?.routes ?? []) for (const s of r.stops) m.set(s.visit, { route: r, stop: s });
    return m;
  });
  routesOfDay = $derived(new Map((this.plan?.routes ?? []).filter((r) => r.day === this.day).map((r) => [r.technician, r])));
  days = $derived(this.problem ? horizonDays(this.problem.horizon.start, this.problem.horizon.days) : []);

  private toastSeq = 0;
  constructor(readonly backend: Backend) {}

  async init() {
    const [problem, plan, regions] = await Promise.all([this.backend.loadProblem(), this.backend.loadPlan(), this.backend.loadRegions()]);
    this.problem = problem;
    this.plan = plan;
    this.regions = regions;
    this.day = problem.horizon.start;
  }

  /** The problem may grow (emergencies), so reload it with the plan. */
  async refresh(plan?: Plan) {
    this.plan = plan ?? (await this.backend.loadPlan());
    this.problem = { ...(await this.backend.loadProblem()) };
    this.undoState = await this.backend.undoState();
    this.versionsChanged++;
  }

  toast(kind: Toast['kind'], key: string, params?: Record<string, string | number>, violations?: Violation[]) {
    const id = ++this.toastSeq;
    this.toasts = [...this.toasts.slice(-3), { id, kind, key, params, violations }];
    setTimeout(() => (this.toasts = this.toasts.filter((t) => t.id !== id)), kind === 'error' ? 6000 : 3500);
  }

  dismiss(id: number) {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  select(visit: string | null) {
    this.selectedVisit = visit;
    const at = visit ? this.stopByVisit.get(visit) : undefined;
    if (at) {
      this.selectedTech = at.route.technician;
      if (at.route.day !== this.day) this.day = at.route.day;
    }
  }

  async move(req: MoveRequest): Promise<boolean> {
    const res = await this.backend.moveVisit(req);
    if (!res.feasibility.ok) {
      this.toast('error', 'toast.move_refused', { visit: req.visit }, res.feasibility.violations);
      return false;
    }
    await this.refresh(res.plan ?? undefined);
    this.toast('ok', 'toast.moved', { visit: req.visit, technician: this.techName(req.technician) });
    return true;
  }

  async setLock(visit: string, locked: boolean) {
    const res = await this.backend.setLock(visit, locked);
    if (res.plan) await this.refresh(res.plan);
  }

  async unassign(visit: string) {
    const res = await this.backend.unassignVisit(visit);
    if (!res.feasibility.ok) this.toast('error', 'toast.move_refused', { visit }, res.feasibility.violations);
    else await this.refresh(res.plan ?? undefined);
  }

  async undo() { await this.refresh(await this.backend.undo()); }
  async redo() { await this.refresh(await this.backend.redo()); }

  techName(id: string) { return this.techById.get(id)?.name ?? id; }
  technician(id: string): Technician | undefined { return this.techById.get(id); }
  visit(id: string): Visit | undefined { return this.visitById.get(id); }
}
