/**
 * The Phone port on JsSIP: one user agent registered over SIP-over-WebSocket (RFC 7118),
 * WebRTC audio calls, and JsSIP's UA events folded into our four registration states.
 *
 *   offline ──start()──▶ connecting ──200 to REGISTER──▶ registered
 *                          ▲    │                            │
 *                          │    └─401/403───▶ failed         │ socket lost / refresh failed
 *                          └─────────── backoff ◀────────────┘
 *   any ──stop()──▶ offline
 *
 * Back online (the window's `online` event) with the socket down, it reconnects at once and
 * again shortly after while that fails, instead of waiting out JsSIP's recovery backoff (2 s
 * doubling to 30 s while the network was gone).
 */
import JsSIP from 'jssip';
import type { RTCSessionEvent, UA, UnRegisteredEvent } from 'jssip/lib/UA';
import type { WebSocketInterface } from 'jssip/lib/WebSocketInterface';
import { JsSipCall, callerOf, isClaimed, outgoingOptions, replacesValue, type CallContext, type MediaPolicy } from './jssip-call.js';
import {
  IncomingCallEvent,
  OutgoingCallEvent,
  RegistrationEvent,
  type AudioDevices,
  type DialogId,
  type Phone,
  type PhoneCall,
  type RegistrationState,
  type SipCredentials,
} from './types.js';

export interface JsSipPhoneOptions {
  /**
   * STUN/TURN servers for calls beyond the LAN. With none (the default) host candidates are
   * enough; with some, the SDP waits for a server-reflexive or relayed candidate.
   */
  iceServers?: RTCIceServer[];
  /**
   * How long the SDP waits after the first usable ICE candidate for the others gathered in the
   * same burst, ms (default 10). 0 sends the first candidate alone: fastest, but a peer with
   * several interfaces (VPN, Docker, Wi-Fi and Ethernet) may then offer an unreachable one.
   */
  iceSettleMs?: number;
  /** REGISTER expiry asked for, seconds; JsSIP refreshes at about half of it. */
  registerExpires?: number;
  /** JsSIP's reconnect backoff after a lost socket, seconds (default 2, doubling to 30). */
  recovery?: { minS: number; maxS: number };
  /** Where the browser announces `online` (window by default). */
  network?: EventTarget;
}

/** Seconds between retries of a refused-but-not-forbidden REGISTER (500, 503, timeout). */
const RETRY_MIN_S = 2;
const RETRY_MAX_S = 30;
/** Upper bound for the un-REGISTER in stop(): a dead server must not hang the caller. */
const UNREGISTER_WAIT_MS = 2_000;
/** Back online: reconnect attempts at these times (ms) while the socket is still down, before JsSIP's own recovery. */
const ONLINE_RETRIES_MS = [0, 250, 750, 1500];

export class JsSipPhone extends EventTarget implements Phone {
  private ua: UA | null = null;
  private socket: WebSocketInterface | null = null;
  private credentials: SipCredentials | null = null;
  private state: RegistrationState = 'offline';
  private reason = '';
  private readonly calls = new Set<JsSipCall>();
  private devices: AudioDevices = { microphone: '', speaker: '', ringer: '' };
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retries = 0;
  /** The SIP socket as JsSIP's connecting/connected/disconnected events last told it. */
  private transport: 'connecting' | 'connected' | 'disconnected' = 'disconnected';
  private onlineTimers: Array<ReturnType<typeof setTimeout>> = [];
  private readonly onOnline = () => this.reconnectSoon();
  private readonly media: MediaPolicy;
  private readonly context: CallContext;

  constructor(private readonly options: JsSipPhoneOptions = {}) {
    super();
    const iceServers = options.iceServers ?? [];
    this.media = {
      audio: () => microphoneConstraints(this.devices.microphone),
      pcConfig: () => ({ iceServers, iceTransportPolicy: 'all', bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' }),
      candidateReady: (candidate) => candidateReady(candidate, iceServers.length > 0),
      iceSettleMs: options.iceSettleMs ?? 10,
    };
    this.context = {
      media: this.media,
      uri: (target) => (this.credentials ? targetUri(target, domainOf(this.credentials.uri)) : undefined),
      announce: (call) => {
        this.track(call);
        this.dispatchEvent(new OutgoingCallEvent(call));
      },
    };
  }

  get registration(): RegistrationState {
    return this.state;
  }

  /** The chosen devices; the UI routes speaker and ringer with HTMLMediaElement.setSinkId. */
  get audioDevices(): AudioDevices {
    return { ...this.devices };
  }

  start(credentials: SipCredentials): void {
    if (this.ua) this.teardown(this.ua);
    this.credentials = credentials;
    const socket = new JsSIP.WebSocketInterface(credentials.websocketUrl);
    const ua = new JsSIP.UA({
      sockets: [socket],
      uri: credentials.uri,
      authorization_user: credentials.authorizationUser,
      password: credentials.password,
      display_name: credentials.displayName,
      user_agent: credentials.userAgent,
      register: true,
      register_expires: this.options.registerExpires ?? 300,
      // Our proxy neither needs nor refreshes RFC 4028 timers; JsSIP would send re-INVITEs for them.
      session_timers: false,
      connection_recovery_min_interval: this.options.recovery?.minS ?? 2,
      connection_recovery_max_interval: this.options.recovery?.maxS ?? 30,
    });
    this.ua = ua;
    this.socket = socket;
    this.retries = 0;
    this.transport = 'disconnected';
    this.network()?.addEventListener('online', this.onOnline);

    ua.on('connecting', (e) => this.whenCurrent(ua, () => {
      this.transport = 'connecting';
      this.setState('connecting', e.attempts ? 'Reconnecting' : 'Connecting');
    }));
    ua.on('connected', () => this.whenCurrent(ua, () => {
      this.transport = 'connected';
      this.clearOnlineRetries();
      this.setState('connecting', 'Registering');
    }));
    ua.on('disconnected', () => this.whenCurrent(ua, () => {
      this.transport = 'disconnected';
      // JsSIP reconnects by itself with backoff and registers again on connect.
      this.clearRetry();
      this.setState('connecting', 'Connection lost, reconnecting');
    }));
    ua.on('registered', () => this.whenCurrent(ua, () => {
      this.retries = 0;
      this.clearRetry();
      this.setState('registered', '');
    }));
    ua.on('unregistered', () => this.whenCurrent(ua, () => {
      if (this.state === 'registered') this.setState('connecting', 'Registration lost');
    }));
    ua.on('registrationFailed', (e: UnRegisteredEvent) => this.whenCurrent(ua, () => this.registrationFailed(ua, e)));
    ua.on('newRTCSession', (e: RTCSessionEvent) => this.whenCurrent(ua, () => {
      // Our own call() is wrapped there; a session a call took over (a transfer we follow, an
      // INVITE with Replaces for one of our calls) belongs to that call.
      if (e.originator !== 'remote' || isClaimed(e.session)) return;
      const call = new JsSipCall(e.session, 'incoming', callerOf(e.request), this.context);
      this.track(call);
      this.dispatchEvent(new IncomingCallEvent(call));
    }));

    this.setState('connecting', 'Connecting');
    ua.start();
  }

  async stop(): Promise<void> {
    const ua = this.ua;
    const socket = this.socket;
    this.ua = null;
    this.socket = null;
    this.clearRetry();
    this.stopWatchingNetwork();
    if (ua && socket) await this.shutdown(ua, socket);
    this.setState('offline', '');
  }

  call(target: string): PhoneCall {
    return this.place(target, [], 'normal');
  }

  callReplacing(target: string, dialog: DialogId): PhoneCall {
    if (!dialog.callId || !dialog.localTag || !dialog.remoteTag) throw new RangeError('Incomplete dialog identifiers');
    // `dialog` is the leg as my other device sees it; this INVITE goes to that leg's other
    // party, for whom our remote tag is the local one (see replacesValue, RFC 3891 s3).
    return this.place(target, [`Replaces: ${replacesValue(dialog)}`], 'switch');
  }

  private place(target: string, extraHeaders: string[], origin: 'normal' | 'switch'): PhoneCall {
    const ua = this.ua;
    if (!ua || !this.credentials) throw new Error('The phone is not started');
    const uri = targetUri(target, domainOf(this.credentials.uri));
    if (!uri) throw new RangeError(`Cannot call ${JSON.stringify(target)}`);
    const session = ua.call(uri.toString(), outgoingOptions(this.media, extraHeaders));
    const call = new JsSipCall(session, 'outgoing', { number: uri.user, name: '' }, this.context, { origin });
    this.track(call);
    return call;
  }

  setAudioDevices(devices: AudioDevices): void {
    const micChanged = devices.microphone !== this.devices.microphone;
    this.devices = { ...devices };
    if (!micChanged) return;
    const audio = this.media.audio();
    for (const call of this.calls) {
      call.useMicrophone(audio).catch((err: unknown) => {
        // The call keeps the microphone it had; the device list in the UI shows the choice failed.
        console.warn('switching microphone failed', err);
      });
    }
  }

  // ---- registration -----------------------------------------------------------------------

  private registrationFailed(ua: UA, e: UnRegisteredEvent): void {
    const C = JsSIP.C.causes;
    const status = e.response?.status_code ?? 0;
    if (e.cause === C.AUTHENTICATION_ERROR || status === 401 || status === 403 || status === 407) {
      // Retrying with the same credentials cannot succeed; a reconnect would re-register and fail again.
      this.teardown(ua);
      this.setState('failed', 'The server refused this device’s credentials');
      return;
    }
    if (e.cause === C.CONNECTION_ERROR) {
      this.setState('connecting', 'Connection lost, reconnecting');
      return; // the transport's own recovery registers again
    }
    // JsSIP does not retry a REGISTER the server answered with an error or never answered.
    const wait = Math.min(RETRY_MAX_S, RETRY_MIN_S * 2 ** this.retries) * (0.75 + Math.random() / 2);
    this.retries += 1;
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.ua === ua && ua.isConnected() && !ua.isRegistered()) ua.register();
    }, wait * 1000);
    this.setState('connecting', status ? `Registration refused (${status}), retrying` : 'No answer from the server, retrying');
  }

  private setState(state: RegistrationState, reason: string): void {
    if (state === this.state && reason === this.reason) return;
    this.state = state;
    this.reason = reason;
    this.dispatchEvent(new RegistrationEvent(state, reason));
  }

  private whenCurrent(ua: UA, handle: () => void): void {
    if (this.ua === ua) handle();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  // ---- back online ------------------------------------------------------------------------

  private network(): EventTarget | undefined {
    return this.options.network ?? (typeof window === 'undefined' ? undefined : window);
  }

  /**
   * The browser has a network again: if the SIP socket is down, connect now, and again at short
   * intervals while it stays down (the first attempt may beat the network's own readiness).
   * After the last, JsSIP's recovery goes on from its shortest interval.
   */
  private reconnectSoon(): void {
    const ua = this.ua;
    // Connected (the network blinked without the socket noticing) or connecting: nothing to do.
    if (!ua || this.transport !== 'disconnected') return;
    this.clearOnlineRetries();
    for (const ms of ONLINE_RETRIES_MS) {
      this.onlineTimers.push(setTimeout(() => {
        if (this.ua !== ua || this.transport !== 'disconnected') return;
        // JsSIP has no public "reconnect now" (its transport's connect() is internal, and the
        // pending recovery timer cannot be cut short). stop() then start() is its documented
        // restart: the transport is closed and opened again at once, the recovery backoff starts
        // over, and registration follows the connection as on a first start. Calls cannot have
        // outlived the lost socket: the platform ended them when it closed.
        ua.stop();
        ua.start();
      }, ms));
    }
  }

  private clearOnlineRetries(): void {
    for (const t of this.onlineTimers) clearTimeout(t);
    this.onlineTimers = [];
  }

  private stopWatchingNetwork(): void {
    this.clearOnlineRetries();
    this.network()?.removeEventListener('online', this.onOnline);
  }

  // ---- calls and shutdown -----------------------------------------------------------------

  private track(call: JsSipCall): void {
    this.calls.add(call);
    call.addEventListener('call-change', () => {
      if (call.snapshot.status === 'ended') this.calls.delete(call);
    });
  }

  private hangupAll(): void {
    for (const call of this.calls) call.hangup();
    this.calls.clear();
  }

  /** Graceful: calls ended, contact removed (RFC 3261 s10.2.2), then the socket closed. */
  private async shutdown(ua: UA, socket: WebSocketInterface): Promise<void> {
    this.hangupAll();
    if (ua.isRegistered()) {
      const done = Promise.race([once(ua, 'unregistered'), once(ua, 'registrationFailed'), delay(UNREGISTER_WAIT_MS)]);
      ua.unregister();
      await done;
    }
    ua.stop();
    // While any transaction exists JsSIP's stop() keeps the socket open for 2 s more, and an
    // INVITE transaction lingers 32 s after its 2xx (RFC 6026 Timer L/M), so any recent call
    // delays it. Our BYEs and the un-REGISTER are done: close the socket now. JsSIP's own
    // close later finds it closed; its transport never saw a drop, so it does not reconnect.
    socket.disconnect();
    ua.removeAllListeners();
  }

  /** Immediate: used when the UA is replaced or its credentials were refused. */
  private teardown(ua: UA): void {
    this.ua = null;
    this.socket = null;
    this.clearRetry();
    this.stopWatchingNetwork();
    this.hangupAll();
    ua.stop();
    ua.removeAllListeners();
  }
}

function once(ua: UA, event: 'unregistered' | 'registrationFailed'): Promise<void> {
  return new Promise((resolve) => {
    ua.once(event, () => resolve());
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** '' means the system default; an unplugged choice falls back to it instead of failing the call. */
export function microphoneConstraints(deviceId: string): MediaTrackConstraints | boolean {
  return deviceId ? { deviceId: { ideal: deviceId } } : true;
}

/**
 * Whether the offer/answer can go out with this candidate in it. Without ICE servers only host
 * candidates can exist and one UDP one is enough on a LAN. With servers, wait for a
 * server-reflexive or relayed candidate so a peer behind NAT can reach us; JsSIP still sends
 * when gathering completes without one.
 */
export function candidateReady(candidate: RTCIceCandidate, haveIceServers: boolean): boolean {
  if (candidate.protocol && candidate.protocol !== 'udp') return false;
  if (!haveIceServers) return candidate.type === 'host' || candidate.type === null;
  return candidate.type === 'srflx' || candidate.type === 'relay';
}

/** The domain part of our address of record: sip:1001@demo -> demo. */
export function domainOf(uri: string): string {
  const match = /^sips?:(?:[^@]*@)?([^;?>:]+)/i.exec(uri);
  if (!match?.[1]) throw new RangeError(`Not a SIP URI: ${uri}`);
  return match[1];
}

/**
 * sip:<target>@<our domain> for an extension or number, or the target itself when it is a SIP
 * URI or user@host. Spaces and the visual separators of phone numbers are dropped.
 */
export function targetUri(target: string, domain: string): InstanceType<typeof JsSIP.URI> | undefined {
  const cleaned = target.trim().replace(/\s+/g, '');
  if (!cleaned) return undefined;
  return JsSIP.Utils.normalizeTarget(cleaned, domain) ?? undefined;
}
