/**
 * "This call is being recorded": the web phone records in the browser, so the platform only
 * hears that it started or stopped (POST .../calls/{call_id}/recording) and tells the other
 * party of that call over the events channel (`recording-started` / `recording-stopped`), so
 * both parties' cards say "Recording" and nobody is recorded without knowing.
 *
 * Notices live as long as the dialog: a call that ends takes its notices with it, a socket that
 * (re)connects hears the ones in force for its user, and when the recording party's leg is taken
 * over by another device (Switch Phone) the recording in the old browser has stopped, so the
 * other party hears `recording-stopped`; when the other party's leg moves, the notice follows it
 * to the new dialog.
 */
import type { RecordingNoticeEvent } from '../../src/data/wire.js';
import type { DialogChange, DialogParty, LiveDialog } from '../sip/dialogs.js';
import type { PlatformBus } from './bus.js';

interface Notice {
  callId: string;
  /** Who records. */
  recorder: { domain: string; extension: string; name: string; deviceId: string | null };
  /** Who is told. */
  other: { domain: string; extension: string };
}

export type RecordingEvent = RecordingNoticeEvent;

const sameUser = (a: { domain: string; extension: string }, b: { domain: string; extension: string }) =>
  a.domain === b.domain && a.extension === b.extension;

export class RecordingNotices {
  /** Keyed by Call-ID and the recorder (both parties may record the same call). */
  private readonly notices = new Map<string, Notice>();

  constructor(private readonly bus: PlatformBus) {
    bus.on('dialog', (change) => this.dialogChanged(change));
  }

  get size(): number {
    return this.notices.size;
  }

  /** `me` (a party of `dialog`) started or stopped recording it; the other party is told once per change. */
  set(dialog: LiveDialog, me: DialogParty, recording: boolean): void {
    const other = me === dialog.caller ? dialog.callee : dialog.caller;
    const key = keyOf(dialog.callId, me);
    const had = this.notices.has(key);
    if (recording === had) return;
    const notice: Notice = {
      callId: dialog.callId,
      recorder: { domain: me.domain, extension: me.extension, name: me.name, deviceId: me.deviceId },
      other: { domain: other.domain, extension: other.extension },
    };
    if (recording) this.notices.set(key, notice);
    else this.notices.delete(key);
    this.tell(notice, recording ? 'recording-started' : 'recording-stopped');
  }

  /** The notices in force for a user (sent to a socket as it connects). */
  eventsFor(domain: string, extension: string): RecordingEvent[] {
    return [...this.notices.values()].filter((n) => sameUser(n.other, { domain, extension })).map((n) => eventOf(n, 'recording-started'));
  }

  private dialogChanged(change: DialogChange): void {
    if (change.kind === 'started') return;
    for (const [key, notice] of [...this.notices]) {
      if (notice.callId !== change.dialog.callId) continue;
      this.notices.delete(key);
      if (change.kind === 'ended') continue; // the call is over: its cards go anyway
      const { by } = change;
      const recorder = [by.caller, by.callee].find((p) => sameUser(p, notice.recorder));
      if (recorder && recorder.deviceId === notice.recorder.deviceId) {
        // The other party moved to another device; the recording goes on: tell the new leg.
        this.set(by, recorder, true);
      } else {
        this.tell(notice, 'recording-stopped');
      }
    }
  }

  private tell(notice: Notice, type: RecordingEvent['type']): void {
    this.bus.emit('user-event', { domain: notice.other.domain, extension: notice.other.extension, event: eventOf(notice, type) });
  }
}

function keyOf(callId: string, p: { domain: string; extension: string }): string {
  return `${callId}\n${p.extension}@${p.domain}`;
}

function eventOf(n: Notice, type: RecordingEvent['type']): RecordingEvent {
  return { type, call_id: n.callId, by: { number: n.recorder.extension, name: n.recorder.name } };
}
