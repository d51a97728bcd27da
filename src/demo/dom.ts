// Small DOM helpers shared by the demo's panels: element lookup and creation, number formats, tables, errors, downloads.
import { isUserError } from '../errors.ts';
import { demoStatus } from './status.ts';

/** The element with this id; a missing id is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`index.html has no element #${id}.`);
  return found as T;
}

/** Creates an element with attributes and children (strings become text nodes, never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null) node.append(c);
  return node;
}

/** A count with thousands separators (12,000). */
export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A value with `digits` significant digits (integers in full, no separators, so a year reads 1925), or an em dash for null. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(Math.max(1, digits - 1));
  return Number(x.toPrecision(digits)).toString();
}

/** Milliseconds as "12.3 ms" or "1.24 s". */
export function fmtMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/** One tile of a statistics grid. */
export interface Stat {
  readonly label: string;
  readonly value: string;
  readonly sub?: string;
  readonly tone?: 'good' | 'bad';
  readonly testid?: string;
}

/** A grid of labelled figures. */
export function statGrid(stats: readonly Stat[]): HTMLElement {
  return el(
    'div',
    { class: 'stats' },
    ...stats.map((s) => {
      const attrs: Record<string, string> = { class: `stat${s.tone ? ` ${s.tone}` : ''}` };
      if (s.testid) attrs['data-testid'] = s.testid;
      return el(
        'div',
        attrs,
        el('div', { class: 'k' }, s.label),
        el('div', { class: 'v' }, s.value),
        s.sub === undefined ? null : el('div', { class: 's' }, s.sub),
      );
    }),
  );
}

/** A table with a header row; cells are text. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], caption?: string): HTMLTableElement {
  return el(
    'table',
    {},
    caption === undefined ? null : el('caption', { class: 'visually-hidden' }, caption),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
  );
}

/** A definition list of key/value pairs. */
export function keyValues(pairs: readonly (readonly [string, string])[]): HTMLDListElement {
  const dl = el('dl', { class: 'kv' });
  for (const [k, v] of pairs) dl.append(el('dt', {}, k), el('dd', {}, v));
  return dl;
}

/**
 * The sentence to show for an error. A UserError's message is written for the user; anything else is our bug,
 * so it also goes to the console with its stack, where a developer looks.
 */
export function errorText(e: unknown): string {
  if (isUserError(e)) return e.message;
  console.error(e);
  return `Something went wrong inside spotify-mlp: ${e instanceof Error ? e.message : String(e)}`;
}

/** Shows `message` in the error box `box` and records it in the status object; null hides the box. */
export function showError(box: HTMLElement, message: string | null): void {
  box.hidden = message === null;
  box.textContent = message ?? '';
  if (message !== null) {
    const status = demoStatus();
    status.errors.push(message);
    status.lastError = message;
  }
}

/** Offers `text` to the user as a file download named `name`. */
export function downloadText(name: string, text: string, type = 'text/plain'): void {
  downloadBytes(name, text, type);
}

/** Offers `data` (text or bytes) as a download named `name`. */
export function downloadBytes(name: string, data: string | Uint8Array<ArrayBuffer>, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Lets the browser paint and handle input before long work continues. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
