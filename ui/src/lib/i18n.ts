// svelte-i18n (ICU MessageFormat through intl-messageformat: plurals, interpolation, select).
// The language is remembered in localStorage; the first start follows navigator.language.
import { addMessages, init, locale } from 'svelte-i18n';
import en from '../locales/en.json';
import zh from '../locales/zh-CN.json';

export const LOCALES = ['en', 'zh-CN'] as const;
export type AppLocale = (typeof LOCALES)[number];
export const STORAGE_KEY = 'rota.locale';

addMessages('en', en);
addMessages('zh-CN', zh);

/** Map any BCP 47 tag to one of ours: zh* → zh-CN, everything else → en. */
export function matchLocale(tag: string | null | undefined): AppLocale {
  if (!tag) return 'en';
  return tag.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function initialLocale(): AppLocale {
  let saved: string | null = null;
  try { saved = globalThis.localStorage?.getItem(STORAGE_KEY) ?? null; } catch { /* storage blocked */ }
  if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as AppLocale;
  return matchLocale(globalThis.navigator?.language);
}

export function setupI18n(): AppLocale {
  const l = initialLocale();
  init({ fallbackLocale: 'en', initialLocale: l });
  document.documentElement.lang = l;
  return l;
}

export function switchLocale(l: AppLocale) {
  try { localStorage.setItem(STORAGE_KEY, l); } catch { /* storage blocked */ }
  document.documentElement.lang = l;
  locale.set(l);
}
