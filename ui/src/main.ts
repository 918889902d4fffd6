import { mount } from 'svelte';
import { get } from 'svelte/store';
import { format } from 'svelte-i18n';
import 'leaflet/dist/leaflet.css';
import './app.css';
import App from './App.svelte';
import { setupI18n } from './lib/i18n';
import { pickBackend } from './lib/backend';
import { AppState } from './lib/app.svelte';

setupI18n();

function showError(e: unknown) {
  const r = e as { code?: string; message?: string } | undefined;
  const text = get(format)('error.backend', { values: { code: r?.code ?? 'internal', message: r?.message ?? String(e) } });
  const p = document.createElement('p');
  p.className = 'fatal';
  p.textContent = text;
  document.getElementById('app')!.replaceChildren(p);
}

pickBackend()
  .then(async (backend) => {
    const app = new AppState(backend);
    if (backend.kind === 'mock') (globalThis as unknown as { __rota: unknown }).__rota = { backend, app };
    await app.init();
    // A backend error (TauriBackend rejects with {code, params, message}) becomes a visible toast.
    window.addEventListener('unhandledrejection', (e) => {
      const r = e.reason as { code?: string; message?: string } | undefined;
      app.toast('error', 'error.backend', { code: r?.code ?? 'internal', message: r?.message ?? String(e.reason) });
    });
    mount(App, { target: document.getElementById('app')!, props: { app } });
  })
  .catch(showError);
