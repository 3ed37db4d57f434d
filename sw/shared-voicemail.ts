/// <reference lib="webworker" />
/**
 * Shared voicemail in the service worker: while a window of the app is open it sends
 * {@link PollSharedVoicemail} every 30 s (src/app/shared-voicemail-poller.ts) with its access
 * token, and the worker asks the platform for the boxes granted to the user and their newest
 * messages. A message it has not seen before becomes a notification ("New voicemail in Sales
 * from Carol Chen"); a click opens that message. Page-driven because a worker's own timers do not
 * survive it being stopped when idle; the ids seen are kept in IndexedDB so a restart of the
 * worker, or a second window, never repeats a notification.
 */
import { openSwitchboardDB, type MetaKey } from '../src/data/db.js';
import type { Page, SharedMailbox, VoicemailEntry } from '../src/data/wire.js';

declare const self: ServiceWorkerGlobalScope;

export interface PollSharedVoicemail {
  type: 'POLL_SHARED_VOICEMAIL';
  accessToken: string;
  /** `extension@domain`: the seen ids are the user's. */
  user: string;
}

/** Polls closer together than this (several windows) are one poll. */
const MIN_INTERVAL_MS = 20_000;
/** Newest messages looked at per box. */
const LOOKED_AT = 10;
const SEEN_KEY = 'sharedVoicemail.seen' satisfies MetaKey;

let lastPoll = 0;

export function isPollMessage(data: unknown): data is PollSharedVoicemail {
  const d = data as Partial<PollSharedVoicemail> | null;
  return typeof d === 'object' && d !== null && d.type === 'POLL_SHARED_VOICEMAIL' && typeof d.accessToken === 'string' && typeof d.user === 'string';
}

export async function pollSharedVoicemail(msg: PollSharedVoicemail, now = Date.now()): Promise<void> {
  if (now - lastPoll < MIN_INTERVAL_MS) return;
  lastPoll = now;
  const get = async <T>(path: string): Promise<T | null> => {
    const res = await fetch(new URL(path, self.registration.scope), { headers: { authorization: `Bearer ${msg.accessToken}` } });
    return res.ok ? ((await res.json()) as T) : null;
  };
  const boxes = await get<SharedMailbox[]>('/api/v2/domains/~/users/~/mailboxes');
  if (!boxes) return;
  const db = await openSwitchboardDB();
  try {
    const stored = (await db.get('meta', SEEN_KEY)) as { user: string; ids: string[] } | undefined;
    // The first poll for a user only learns what is there: no flood of old messages.
    const first = stored?.user !== msg.user;
    const seen = new Set(first ? [] : stored.ids);
    const listed: string[] = [];
    for (const box of boxes) {
      if (box.new === 0) continue;
      const page = await get<Page<VoicemailEntry>>(`/api/v2/domains/~/users/${encodeURIComponent(box.mailbox)}/voicemails/new?limit=${LOOKED_AT}`);
      for (const m of page?.items ?? []) {
        listed.push(m.id);
        if (first || seen.has(m.id)) continue;
        const from = m.caller_name.trim() ? `${m.caller_name.trim()} (${m.caller_number})` : m.caller_number || 'an unknown caller';
        await self.registration.showNotification(`New voicemail in ${box.name}`, {
          body: `From ${from}`,
          tag: `shared-voicemail-${m.id}`,
          icon: '/icons/icon-192.png',
          badge: '/icons/favicon-32.png',
          data: { url: new URL(`/shared-voicemail?mailbox=${encodeURIComponent(box.mailbox)}&message=${encodeURIComponent(m.id)}`, self.registration.scope).href },
        });
      }
    }
    await db.put('meta', { user: msg.user, ids: listed }, SEEN_KEY);
  } finally {
    db.close();
  }
}
