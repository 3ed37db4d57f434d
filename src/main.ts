/// <reference types="vite/client" />
/**
 * Composition root: the only place that knows about the service worker and (later) builds the
 * services the views consume. Everything below <sb-app> gets what it needs as properties or
 * through context.
 */
import { Workbox } from 'workbox-window';
import { tokens } from './styles/tokens.js';
import './app/sb-app.js';
import type { SbApp } from './app/sb-app.js';

function mount(): SbApp {
  // Document-level tokens paint the page behind the shell and reach every element.
  if (tokens.styleSheet) {
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, tokens.styleSheet];
  }
  return document.querySelector('sb-app') ?? document.body.appendChild(document.createElement('sb-app'));
}

/**
 * Registers the service worker in production builds only: in development Vite serves modules
 * unbundled and a caching worker would only get in the way.
 *
 * An update never takes over by itself. The new worker waits (sw/sw.ts only calls skipWaiting on
 * request) and the shell offers "Reload", so a new version cannot swap in under a live call.
 */
function registerServiceWorker(app: SbApp): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const wb = new Workbox(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });

  wb.addEventListener('waiting', () => {
    app.updateReady = true;
  });
  app.addEventListener('sb-update-accept', () => {
    // Reload once the waiting worker has taken control, so the page and worker match.
    wb.addEventListener('controlling', () => window.location.reload());
    wb.messageSkipWaiting();
  });

  wb.register().catch((err: unknown) => {
    // The app still works online without a worker; it just cannot start offline.
    console.warn('Switchboard: service worker registration failed', err);
  });
}

const app = mount();
registerServiceWorker(app);
