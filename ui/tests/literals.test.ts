// Fails when a .svelte component shows a user-visible literal string instead of a catalog
// message: text nodes, and the attributes title, placeholder, aria-label, alt, label.
// Text without letters (punctuation, digits, symbols such as "·", "–", "→", "#") is allowed.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'svelte/compiler';

const VISIBLE_ATTRS = new Set(['title', 'placeholder', 'aria-label', 'alt', 'label', 'aria-description', 'aria-placeholder']);
const HAS_LETTER = /\p{L}/u;

type Node = { type: string; [k: string]: unknown };
export function literalStrings(source: string, filename = 'component.svelte'): string[] {
  const ast = parse(source, { filename, modern: true }) as unknown as { fragment: Node };
  const found: string[] = [];
  const visit = (node: unknown, parentIsStyleOrScript = false): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) { node.forEach((n) => visit(n, parentIsStyleOrScript)); return; }
    const n = node as Node;
    if (n.type === 'Text' && !parentIsStyleOrScript) {
      const t = String(n.data ?? '').trim();
      if (t && HAS_LETTER.test(t)) found.push(`text "${t.slice(0, 40)}"`);
    }
    if (n.type === 'Attribute' && VISIBLE_ATTRS.has(String(n.name))) {
      const v = n.value;
      const parts = Array.isArray(v) ? v : v && typeof v === 'object' ? [v] : [];
      for (const p of parts as Node[]) {
        if (p.type === 'Text' && HAS_LETTER.test(String(p.data ?? ''))) found.push(`${n.name}="${String(p.data).slice(0, 40)}"`);
      }
      return;
    }
    if (n.type === 'Attribute' || n.type === 'StyleDirective') return; // class, data-testid, style, … are not shown
    const isStyle = n.type === 'RegularElement' && (n.name === 'style' || n.name === 'script');
    for (const [k, v] of Object.entries(n)) {
      if (k === 'type' || k === 'start' || k === 'end' || k === 'expression' || k === 'metadata') continue;
      if (v && typeof v === 'object') visit(v, parentIsStyleOrScript || isStyle);
    }
  };
  visit(ast.fragment);
  return found;
}

const root = join(__dirname, '..', 'src');
const components = [join(root, 'App.svelte'), ...readdirSync(join(root, 'components')).filter((f) => f.endsWith('.svelte')).map((f) => join(root, 'components', f))];

describe('no literal user-visible strings in components', () => {
  it('the detector catches literals and ignores catalog lookups', () => {
    expect(literalStrings('<p>Hello</p>')).toEqual(['text "Hello"']);
    expect(literalStrings('<input placeholder="Name" />')).toEqual(['placeholder="Name"']);
    expect(literalStrings('<button title="Undo {x}">{$_(\'a.b\')}</button>')).toEqual(['title="Undo "']);
    expect(literalStrings('<span>你好</span>')).toEqual(['text "你好"']);
    expect(literalStrings('<p>{$_(\'a.b\')} · {n} – →</p><div class="x" data-testid="y"></div>')).toEqual([]);
    expect(literalStrings('<style>.a { color: red; }</style><p>{x}</p>')).toEqual([]);
  });

  for (const file of components) {
    it(file.slice(root.length + 1), () => {
      expect(literalStrings(readFileSync(file, 'utf8'), file)).toEqual([]);
    });
  }
});
