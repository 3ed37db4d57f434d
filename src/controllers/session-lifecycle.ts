/**
 * What starts when a user signs in and what is cleaned up when they log out, in one place: the
 * phone line and the events channel, the user's local data and the missed-calls count; at logout
 * calls end, recordings and contact changes are sent while the session can still authorize
 * them, and what this browser cached for the user is forgotten.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EventsClient } from '../data/events.js';
import type { RecordingQueue } from '../data/recording-queue.js';
import type { CallStore } from '../state/call-store.js';
import type { MissedCalls } from '../state/missed-calls.js';
import type { PhoneLine } from '../state/phone-line.js';
import type { CallRecordings } from '../state/recordings.js';
import type { Session } from '../state/session.js';
import type { UserData } from '../state/user-data.js';
import type { Ringer } from '../app/ringer.js';

/** The shell's services the lifecycle drives; the phone's arrive after sign-in. */
export interface LifecycleHost extends ReactiveControllerHost {
  session?: Session;
  events?: EventsClient;
  userData?: UserData;
  missedCalls?: MissedCalls;
  recordingQueue?: RecordingQueue;
  ringer?: Ringer;
  line?: PhoneLine;
  calls?: CallStore;
  recordings?: CallRecordings;
}

/** How long the stored data's platform sync waits for REGISTER to go first. */
const SYNC_AFTER_REGISTER_MS = 1500;

export class SessionLifecycle implements ReactiveController {
  private signedIn = false;
  /** A logout (or the end of a revoked session) is under way. */
  private ending = false;
  private lineStarted = false;
  private lineArrived: (line: PhoneLine) => void = () => undefined;
  private lineReady: Promise<PhoneLine> = this.newLineWait();

  constructor(private readonly host: LifecycleHost) {
    host.addController(this);
  }

  hostUpdate(): void {
    const { session, line } = this.host;
    if (this.signedIn && session?.state === 'signed-out' && !this.ending) {
      // Signed out without a logout: the saved session was revoked (or ended elsewhere).
      void this.ended();
      return;
    }
    if (session?.state !== 'signed-in' || !session.user) return;
    if (!this.signedIn) {
      this.signedIn = true;
      const user = session.user;
      this.host.missedCalls?.setUser(user);
      // Stored data shows at once; the platform sync lets the phone register first (up to 1.5 s).
      const registered = this.lineReady.then((l) => l.whenRegistered(SYNC_AFTER_REGISTER_MS));
      const syncAfter = Promise.race([registered, new Promise<void>((r) => setTimeout(r, SYNC_AFTER_REGISTER_MS * 2))]);
      void this.host.userData?.start(`${user.extension}@${user.domain}`, syncAfter);
    }
    if (line && !this.lineStarted && line.state === 'idle') {
      this.lineStarted = true;
      this.lineArrived(line);
      void line.start().then(() => this.host.events?.start());
    }
  }

  /** Ends the session: calls, phone, channel; sends what is pending; forgets the user's data. */
  async logout(): Promise<void> {
    this.ending = true;
    try {
      await this.stopPhone();
      await this.flushRecordings();
      await this.host.userData?.flush().catch(() => undefined);
      await this.host.session?.logout();
      await this.clearUserData();
      this.reset();
    } finally {
      this.ending = false;
    }
  }

  /** The platform ended the session: the phone stops; what is stored stays for the next login. */
  private async ended(): Promise<void> {
    this.ending = true;
    try {
      await this.stopPhone();
      this.reset();
    } finally {
      this.ending = false;
    }
  }

  private async stopPhone(): Promise<void> {
    const h = this.host;
    h.calls?.hangupAll();
    h.ringer?.stop();
    h.events?.stop();
    await h.line?.stop();
  }

  private reset(): void {
    this.host.missedCalls?.setUser(null);
    this.signedIn = false;
    this.lineStarted = false;
    this.lineReady = this.newLineWait();
  }

  private newLineWait(): Promise<PhoneLine> {
    return new Promise((resolve) => (this.lineArrived = resolve));
  }

  private async flushRecordings(): Promise<void> {
    const { recordings, recordingQueue } = this.host;
    try {
      if (recordings) await Promise.all(recordings.recordingIds.map((key) => recordings.stop(key)));
      await recordingQueue?.flush();
    } catch (err) {
      console.warn('Switchboard: flushing recordings at logout failed', err);
    }
  }

  /**
   * Forgets what this browser cached for the user: the IndexedDB stores (see UserData.clear), and
   * every Cache Storage cache except Workbox's precache (the app shell stays so the login form
   * still starts offline).
   */
  private async clearUserData(): Promise<void> {
    try {
      // Recordings the flush could not upload (offline, platform away) are the only copy of
      // those calls: they are kept and uploaded after the next login rather than lost.
      const waiting = (await this.host.recordingQueue?.pending())?.length ?? 0;
      await this.host.userData?.clear(waiting > 0);
      if ('caches' in window) {
        for (const name of await caches.keys()) {
          if (!name.startsWith('workbox-precache')) await caches.delete(name);
        }
      }
    } catch (err) {
      console.warn('Switchboard: clearing local data at logout failed', err);
    }
  }
}
