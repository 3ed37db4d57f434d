/**
 * Test helpers for the presentational components: design tokens on the document (as main.ts
 * does), finding controls by their accessible name through shadow roots, call fixtures, and the
 * browser's own accessibility tree for checking names exactly.
 */
import type { CallSnapshot } from '../../../src/phone/types.js';
import { tokens } from '../../../src/styles/tokens.js';

const page = new CSSStyleSheet();
// The page behind the components, as index.html and the shell paint it.
page.replaceSync('body { background: var(--sb-sys-color-background); color: var(--sb-sys-color-on-surface); }');

/** Document-level tokens, as the composition root adopts them. */
export function adoptTokens(): void {
  const sheet = tokens.styleSheet;
  if (sheet && !document.adoptedStyleSheets.includes(sheet)) {
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet, page];
  }
}
adoptTokens();

export const XSS = '<img src=x onerror="window.__xss=1">';

/** Every element under `root`, through open shadow roots. */
export function deepAll(root: Element | ShadowRoot | Document, selector: string): Element[] {
  const out: Element[] = [];
  const visit = (node: Element | ShadowRoot | Document): void => {
    for (const el of node.querySelectorAll('*')) {
      if (el.matches(selector)) out.push(el);
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  if (root instanceof Element && root.shadowRoot) visit(root.shadowRoot);
  else visit(root);
  return out;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
interface AxeInternals {
  setup(root: Node): unknown;
  teardown(): void;
  utils: { getNodeFromTree(el: Element): unknown };
  commons: {
    text: { accessibleTextVirtual(vNode: unknown): string };
    aria: { getRole(el: Element): string | null };
  };
}

// chai-a11y-axe loads the same module lazily; loading it here first is harmless.
// @ts-expect-error axe-core's browser bundle has no module typings; it sets window.axe.
await import('axe-core/axe.min.js');
const axe = (window as any).axe as AxeInternals;

function withAxe<T>(fn: () => T): T {
  axe.setup(document);
  try {
    return fn();
  } finally {
    axe.teardown();
  }
}

/** The accessible name as axe-core computes it (accname 1.2, through shadow roots). */
export function accessibleName(el: Element): string {
  return withAxe(() => axe.commons.text.accessibleTextVirtual(axe.utils.getNodeFromTree(el)).replace(/\s+/g, ' ').trim());
}

/** The ARIA role as axe-core computes it. */
export function roleOf(el: Element): string | null {
  return withAxe(() => axe.commons.aria.getRole(el));
}

/** The button named exactly `name`, searched through shadow roots; throws if absent. */
export function button(host: Element, name: string): HTMLButtonElement {
  const found = deepAll(host, 'button').filter((b) => accessibleName(b) === name);
  if (found.length !== 1) {
    const names = deepAll(host, 'button').map((b) => JSON.stringify(accessibleName(b)));
    throw new Error(`expected one button named "${name}", found ${found.length}; buttons: ${names.join(', ')}`);
  }
  return found[0] as HTMLButtonElement;
}

export function hasButton(host: Element, name: string): boolean {
  return deepAll(host, 'button').some((b) => accessibleName(b) === name);
}

export function buttonNames(host: Element): string[] {
  return deepAll(host, 'button').map(accessibleName);
}

/** The input or select labelled `name`. */
export function field<T extends HTMLInputElement | HTMLSelectElement = HTMLInputElement>(host: Element, name: string): T {
  const found = deepAll(host, 'input, select').filter((i) => accessibleName(i) === name);
  if (found.length !== 1) throw new Error(`expected one field labelled "${name}", found ${found.length}`);
  return found[0] as T;
}

/** Visible-ish text of the element's shadow tree, whitespace collapsed. */
export function text(host: Element): string {
  const parts: string[] = [];
  const visit = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
    if (node instanceof Element && node.shadowRoot) visit(node.shadowRoot);
    node.childNodes.forEach(visit);
  };
  if (host.shadowRoot) visit(host.shadowRoot);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** Types into an input the way a user does: value, then a real `input` event. */
export function typeInto(input: HTMLInputElement, value: string): void {
  input.focus();
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: value, inputType: 'insertText' }));
}

export function makeCall(over: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    id: 'c1',
    direction: 'outgoing',
    status: 'connected',
    remote: { number: '1002', name: 'Bob Baker' },
    startedAt: Date.now() - 70_000,
    connectedAt: Date.now() - 65_000,
    endedAt: null,
    muted: false,
    remoteHeld: false,
    dtmf: '',
    dtmfReceived: '',
    endReason: null,
    endMessage: '',
    transfer: 'none',
    transferError: '',
    origin: 'normal',
    ...over,
  };
}


/** Resolves once `check()` holds, polling every 10 ms; throws after `ms`. */
export async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * lit-virtualizer resizes rows from a ResizeObserver; Chromium reports the resulting benign
 * "ResizeObserver loop completed with undelivered notifications" as a window error, which mocha
 * would count as a failure. Test files with virtualised lists call this once.
 */
export function ignoreResizeObserverLoops(): void {
  window.addEventListener('error', (e) => {
    if (/ResizeObserver loop/.test(e.message)) e.stopImmediatePropagation();
  }, true);
}
