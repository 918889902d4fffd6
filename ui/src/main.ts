import { mount } from 'svelte';
import 'leaflet/dist/leaflet.css';
import './app.css';
import App from './App.svelte';
import { setupI18n } from './lib/i18n';
import { pickBackend } from './lib/backend';
import { AppState } from './lib/app.svelte';

setupI18n();
pickBackend().then(async (backend) => {
  const app = new AppState(backend);
  await app.init();
  if (backend.kind === 'mock') (globalThis as unknown as { __rota: unknown }).__rota = { backend, app };
  // A backend error (TauriBackend rejects with {code, params, message}) becomes a visible toast.
  window.addEventListener('unhandledrejection', (e) => {
    const r = e.reason as { code?: string; message?: string } | undefined;
    app.toast('error', 'error.backend', { code: r?.code ?? 'internal', message: r?.message ?? String(e.reason) });
  });
  mount(App, { target: document.getElementById('app')!, props: { app } });
});
