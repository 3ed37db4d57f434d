/// <reference lib="webworker" />
/**
 * Switchboard's service worker: installs the app shell for offline start, serves navigations
 * from it, turns push messages into notifications, and polls shared voicemail boxes for new
 * messages while a window is open (./shared-voicemail.ts).
 *
 * Built by vite-plugin-pwa (injectManifest): Workbox fills in `self.__WB_MANIFEST` with the
 * revisioned list of files in dist/.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { openSwitchboardDB } from '../src/data/db.js';
import { isPollMessage, pollSharedVoicemail } from './shared-voicemail.js';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// The first install takes control straight away (there is no older version to displace), so
// the very first visit can already start offline. Updates still wait: see SKIP_WAITING below.
clientsClaim();

// Every in-scope navigation (/, /contacts, /?tel=...) gets the shell; the app routes on the
// client. The API and the SIP WebSocket endpoint must always reach the platform.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/api\//, /^\/sip(?:\/|$)/],
  }),
);

// The worker of a new version upgrades the shared IndexedDB schema as it takes over, before any
// page of that version opens it; pages of the old version close their connection when asked
// (see openSwitchboardDB). Bounded, so a page that cannot let go never stalls the activation.
self.addEventListener('activate', (event) => {
  const upgraded = openSwitchboardDB().then((db) => db.close());
  event.waitUntil(Promise.race([upgraded, new Promise((resolve) => setTimeout(resolve, 5000))]).catch(() => undefined));
});

// A new version waits until the page asks (workbox-window's messageSkipWaiting), because the
// page knows whether a call is up; swapping the shell under a live call could drop it.
self.addEventListener('message', (event) => {
  if (isRecord(event.data) && event.data.type === 'SKIP_WAITING') void self.skipWaiting();
  if (isPollMessage(event.data)) event.waitUntil(pollSharedVoicemail(event.data).catch(() => undefined));
});

/** The platform's push payload. */
interface PushPayload {
  title: string;
  body?: string;
  /** Notifications with the same tag replace each other (one per call or voicemail box). */
  tag?: string;
  /** Where a click should take the user; same-origin only. */
  url?: string;
}

/** Message posted to an open window when its notification is clicked. */
export interface NotificationClickMessage {
  type: 'NOTIFICATION_CLICK';
  url: string;
}

self.addEventListener('push', (event) => {
  const payload = readPush(event.data);
  event.waitUntil(
    self.registration.showNotification(payload.title, {
      body: payload.body,
      tag: payload.tag,
      icon: '/icons/icon-192.png',
      badge: '/icons/favicon-32.png',
      data: { url: safeUrl(payload.url) },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = safeUrl((event.notification.data as { url?: unknown } | null)?.url);
  event.waitUntil(openOrFocus(url));
});

/**
 * Focuses an open Switchboard window and tells it where to go, rather than navigating it: a
 * navigation reloads the page and would end any call in progress. Opens a window when none is.
 */
async function openOrFocus(url: string): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const target = windows.find((w) => w.url === url) ?? windows.find((w) => w.focused) ?? windows[0];
  if (target) {
    const message: NotificationClickMessage = { type: 'NOTIFICATION_CLICK', url };
    target.postMessage(message);
    await target.focus();
    return;
  }
  await self.clients.openWindow(url);
}

function readPush(data: PushMessageData | null): PushPayload {
  const fallback: PushPayload = { title: 'Switchboard' };
  if (!data) return fallback;
  let json: unknown;
  try {
    json = data.json();
  } catch {
    // Not JSON: show the text rather than drop the push (Chrome warns when a push shows nothing).
    const text = data.text();
    return text ? { ...fallback, body: text } : fallback;
  }
  if (!isRecord(json)) return fallback;
  return {
    title: typeof json.title === 'string' && json.title ? json.title : fallback.title,
    body: typeof json.body === 'string' ? json.body : undefined,
    tag: typeof json.tag === 'string' && json.tag ? json.tag : undefined,
    url: typeof json.url === 'string' ? json.url : undefined,
  };
}

/** Resolves against our origin; anything pointing elsewhere falls back to the app's start. */
function safeUrl(raw: unknown): string {
  const start = new URL('./', self.registration.scope).href;
  if (typeof raw !== 'string' || !raw) return start;
  try {
    const url = new URL(raw, self.registration.scope);
    return url.origin === self.location.origin ? url.href : start;
  } catch {
    return start;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
