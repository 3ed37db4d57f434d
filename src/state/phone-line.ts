/**
 * The phone line of a signed-in user: owns this tab's claim on the phone (one tab registers,
 * see app/tab-lock.ts), starts the SIP user agent with this browser's device credentials, and
 * reports registration in the terms the navigation pane shows.
 *
 *   idle --start()--> claiming --lock--> active (phone registering / registered)
 *                          '--held elsewhere--> elsewhere --takeOver()--> active
 *   active --another tab takes over--> elsewhere;  any --stop()--> idle
 */
import { RegistrationEvent, type Phone, type RegistrationState, type SipCredentials } from '../phone/types.js';

export type LineState = 'idle' | 'claiming' | 'active' | 'elsewhere';

export interface TabClaim {
  acquire(steal?: boolean): Promise<'owner' | 'elsewhere'>;
  releaseLock(): void;
}

export class LineChangedEvent extends Event {
  static readonly eventName = 'line-changed' as const;
  constructor() {
    super(LineChangedEvent.eventName);
  }
}

export class PhoneLine extends EventTarget {
  state: LineState = 'idle';
  registration: RegistrationState = 'offline';
  detail = '';
  private claim: TabClaim | null = null;
  private renewedCredentials = false;

  constructor(
    private readonly phone: Phone,
    private readonly credentials: (renew: boolean) => Promise<SipCredentials>,
    private readonly makeClaim: (onLost: () => void) => TabClaim,
  ) {
    super();
    phone.addEventListener(RegistrationEvent.eventName, (e) => {
      const { state, reason } = e as RegistrationEvent;
      this.registration = state;
      this.detail = reason;
      if (state === 'registered') this.renewedCredentials = false;
      // Credentials refused: the device may have been deleted elsewhere; get new ones once.
      if (state === 'failed' && this.state === 'active' && !this.renewedCredentials) {
        this.renewedCredentials = true;
        void this.startPhone(true);
      }
      this.changed();
    });
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.state = 'claiming';
    this.changed();
    this.claim = this.makeClaim(() => this.lost());
    const outcome = await this.claim.acquire();
    if (outcome === 'elsewhere') {
      this.state = 'elsewhere';
      this.changed();
      return;
    }
    await this.startPhone(false);
  }

  /**
   * Resolves once the phone is registered, or after `ms` (offline, failing, or another tab has
   * the phone): start-up work that can wait lets REGISTER go first on a busy platform.
   */
  whenRegistered(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.removeEventListener(LineChangedEvent.eventName, check);
        resolve();
      };
      const check = () => {
        if (this.registration === 'registered' || this.state === 'elsewhere') done();
      };
      const timer = setTimeout(done, ms);
      this.addEventListener(LineChangedEvent.eventName, check);
      check();
    });
  }

  /** Takes the phone over from another tab of this browser. */
  async takeOver(): Promise<void> {
    if (this.state !== 'elsewhere' || !this.claim) return;
    await this.claim.acquire(true);
    await this.startPhone(false);
  }

  async stop(): Promise<void> {
    const wasActive = this.state === 'active';
    this.state = 'idle';
    if (wasActive) await this.phone.stop();
    this.claim?.releaseLock();
    this.claim = null;
    this.registration = 'offline';
    this.detail = '';
    this.changed();
  }

  private async startPhone(renew: boolean): Promise<void> {
    this.state = 'active';
    this.changed();
    try {
      if (renew) await this.phone.stop();
      this.phone.start(await this.credentials(renew));
    } catch (err) {
      this.registration = 'offline';
      this.detail = (err as Error).message;
      this.changed();
    }
  }

  private lost(): void {
    if (this.state !== 'active') return;
    void this.phone.stop();
    this.state = 'elsewhere';
    this.registration = 'offline';
    this.detail = 'The phone is in use in another tab';
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new LineChangedEvent());
  }
}
