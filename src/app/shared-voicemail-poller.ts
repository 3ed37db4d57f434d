/**
 * Keeps the service worker polling the shared voicemail boxes while this window is open: every
 * 30 s it hands the worker the access token (sw/shared-voicemail.ts does the polling and the
 * notifications). And a click on such a notification, which the worker passes to an open window
 * rather than reloading it (a call may be up), opens the place it names.
 */
import type { PollSharedVoicemail } from '../../sw/shared-voicemail.js';
import type { NotificationClickMessage } from '../../sw/sw.js';

export const POLL_MS = 30_000;

interface SessionLike {
  state: string;
  user: { extension: string; domain: string } | null;
}

export function startSharedVoicemailPolling(session: SessionLike, token: () => Promise<string>): void {
  const sw = navigator.serviceWorker;
  if (!sw) return;
  const poll = async () => {
    const user = session.state === 'signed-in' ? session.user : null;
    if (!user || !sw.controller) return;
    const message: PollSharedVoicemail = { type: 'POLL_SHARED_VOICEMAIL', accessToken: await token(), user: `${user.extension}@${user.domain}` };
    sw.controller?.postMessage(message);
  };
  setInterval(() => void poll().catch(() => undefined), POLL_MS);
  // Soon after start too (and once the worker takes control), so the first poll learns what is
  // there already and the next one can tell what is new.
  setTimeout(() => void poll().catch(() => undefined), 3_000);
  sw.addEventListener('controllerchange', () => void poll().catch(() => undefined));

  sw.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as Partial<NotificationClickMessage> | null;
    if (data?.type !== 'NOTIFICATION_CLICK' || typeof data.url !== 'string') return;
    const url = new URL(data.url, location.href);
    if (url.origin !== location.origin) return;
    history.pushState(null, '', url.pathname + url.search);
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
}
