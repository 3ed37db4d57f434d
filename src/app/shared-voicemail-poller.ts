/**
 * Keeps the service worker polling the shared voicemail boxes while this window is open: every
 * 30 s it hands the worker the access token (sw/shared-voicemail.ts does the polling and the
 * notifications). And a click on such a notification, which the worker passes to an open window
 * rather than reloading it (a call may be up), opens the place it names.
 */
import type { PollSharedVoicemail } from '../../sw/shared-voicemail.js';
import type { NotificationClickMessage } from '../../sw/sw.js';

export const POLL_MS = 30_000;

interface SessionLike extends EventTarget {
  state: string;
  user: { extension: string; domain: string } | null;
}

/**
 * `token` gives the access token held now, or null: the poller never refreshes one itself (the
 * session does that), so a background poll cannot race a sign-in or a revoked login.
 */
export function startSharedVoicemailPolling(session: SessionLike, token: () => string | null): void {
  const sw = navigator.serviceWorker;
  if (!sw) return;
  const poll = async () => {
    const user = session.state === 'signed-in' ? session.user : null;
    const accessToken = token();
    if (!user || !accessToken || !sw.controller) return;
    const message: PollSharedVoicemail = { type: 'POLL_SHARED_VOICEMAIL', accessToken, user: `${user.extension}@${user.domain}` };
    sw.controller?.postMessage(message);
  };
  setInterval(() => void poll().catch(() => undefined), POLL_MS);
  // Soon after start, at sign-in, and once the worker takes control too: the first poll for a user
  // learns what is there already (no flood of old messages), so it must come before anything new.
  const soon = () => setTimeout(() => void poll().catch(() => undefined), 500);
  setTimeout(() => void poll().catch(() => undefined), 3_000);
  session.addEventListener('session-changed', soon);
  sw.addEventListener('controllerchange', soon);

  sw.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as Partial<NotificationClickMessage> | null;
    if (data?.type !== 'NOTIFICATION_CLICK' || typeof data.url !== 'string') return;
    const url = new URL(data.url, location.href);
    if (url.origin !== location.origin) return;
    history.pushState(null, '', url.pathname + url.search);
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
}
