/**
 * Transfers (RFC 3515 REFER, RFC 3891 Replaces) as a sequence of steps on calls, apart from
 * the SIP stack: hold the transferee, send the REFER, follow its NOTIFYs to an outcome, and end
 * the transferred calls or put them back as they were. The adapter (jssip-call.ts) supplies the
 * REFER itself; the rest is here.
 */
import { partyLabel, transferFailure } from './call-end.js';
import { CallChangeEvent, type CallSnapshot, type DialogId, type Party, type PhoneCall } from './types.js';

/** A transfer fails if the transferee reports nothing final for this long (RFC 3515 NOTIFYs)... */
export const TRANSFER_WAIT_MS = 30_000;
/** ...or, once the target rings, for longer than the platform lets a call ring (60 s). */
export const TRANSFER_RING_WAIT_MS = 90_000;
/**
 * After a transfer succeeded, the other side is the one to send BYE (RFC 5589 s6-7: the
 * transferor ends the original call; the target ends the replaced consultation). We wait this
 * long for it before sending our own, so that our BYE cannot overtake their final NOTIFY.
 */
export const TRANSFERRED_BYE_GRACE_MS = 3_000;

/**
 * The value of a Replaces header (RFC 3891 s6.1) for `dialog`, seen from our side, for a
 * request that goes to the *other* party of that dialog: their tag is their local tag, so it
 * is the to-tag, and ours is the from-tag (RFC 3891 s3).
 */
export function replacesValue(dialog: DialogId): string {
  return `${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`;
}

/** The status line of the sipfrag in a NOTIFY (RFC 3515 s2.4.5). */
export interface StatusLine {
  status_code: number | string;
  reason_phrase?: string;
}

/** How a sent REFER goes: the events of JsSIP's ReferSubscriber (RTCSession.refer's eventHandlers). */
export interface ReferProgress {
  /** 202 Accepted: the transferee will try; the NOTIFYs say how it goes. */
  requestSucceeded(): void;
  requestFailed(e: { response: unknown; cause: string }): void;
  trying(): void;
  progress(): void;
  accepted(): void;
  failed(e: { status_line: StatusLine }): void;
}

/** One call of a transfer, as the transfer steps see it. */
export interface TransferLeg<Target> {
  readonly snapshot: CallSnapshot;
  readonly ended: boolean;
  setTransfer(transfer: CallSnapshot['transfer'], transferError: string): void;
  hold(): Promise<void>;
  resume(): Promise<void>;
  /** This call is the consultation of an attended transfer being completed. */
  setConsulting(consulting: boolean): void;
  /** Sends the REFER to `target`; resolves on a 2xx sipfrag, rejects with the user's words. */
  refer(to: Target, target: Party): Promise<void>;
  /** The call is over because its other party now talks to `to`; its dialog ends after `graceMs`. */
  transferredAway(to: Party, graceMs: number): void;
}

/**
 * Transfers `call`'s other party to `to` (who is `target`); with `consultation`, it carries
 * Replaces for that call (attended transfer), which ends too. See PhoneCall.transfer.
 */
export async function runTransfer<Target>(call: TransferLeg<Target>, to: Target, target: Party, consultation: TransferLeg<Target> | null): Promise<void> {
  const status = call.snapshot.status;
  if (status !== 'connected' && status !== 'held') throw new Error(`Cannot transfer a call that is ${status}`);
  if (call.snapshot.transfer === 'in-progress') throw new Error('A transfer of this call is already under way');
  const calls = consultation ? [call, consultation] : [call];
  for (const c of calls) c.setTransfer('in-progress', '');
  consultation?.setConsulting(true);

  const failed = (message: string, resume: boolean): Error => {
    for (const c of calls) c.setTransfer('failed', message);
    // "The call stays as it was": take it off the hold we put it on for the transfer.
    if (resume && !call.ended) call.resume().catch(() => undefined);
    return new Error(message);
  };

  // The transferee waits on hold while it calls the target, as with a desk phone.
  let heldForTransfer = false;
  if (status === 'connected') {
    try {
      await call.hold();
      heldForTransfer = true;
    } catch (err) {
      if (call.ended) throw failed((err as Error).message, false);
      // Holding is a courtesy; the transfer itself does not need it.
    }
  }

  try {
    await call.refer(to, target);
  } catch (err) {
    consultation?.setConsulting(false);
    throw failed((err as Error).message, heldForTransfer);
  }

  call.transferredAway(target, 0);
  consultation?.transferredAway(call.snapshot.remote, TRANSFERRED_BYE_GRACE_MS);
}

export interface ReferSend {
  /** Sends the REFER with these handlers; false when the call is in no state to send it. */
  start(handlers: ReferProgress): boolean;
  /** Registers a wake-up for the call ending; returns its removal. */
  whenEnded(wake: () => void): () => void;
  /** The call's status, for the message when the REFER could not be sent. */
  status(): string;
  /** A SIP stack's cause of a request failure without a response, in the user's words. */
  describeCause(cause: string): string;
}

/**
 * The outcome of a REFER to `target` from its NOTIFYs: resolves on a 2xx sipfrag, rejects with
 * the user's words for a failure, a timeout, or the call ending first.
 */
export function referOutcome(target: Party, { start, whenEnded, status, describeCause }: ReferSend): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    let unwatch = () => {};
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unwatch();
      if (error) reject(error);
      else resolve();
    };
    const wait = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => settle(new Error(`The transfer to ${partyLabel(target)} timed out`)), ms);
    };
    unwatch = whenEnded(() => settle(new Error('The call ended before the transfer completed')));
    if (settled) return;

    let started: boolean;
    try {
      started = start({
        requestSucceeded: () => wait(TRANSFER_WAIT_MS),
        requestFailed: (e) => {
          settle(new Error(e.response ? 'The other phone refused the transfer' : `The transfer could not be sent: ${describeCause(e.cause)}`));
        },
        trying: () => wait(TRANSFER_WAIT_MS),
        progress: () => wait(TRANSFER_RING_WAIT_MS),
        accepted: () => settle(null),
        failed: (e) => {
          const code = Number(e.status_line.status_code);
          settle(new Error(transferFailure(code, e.status_line.reason_phrase ?? '', target)));
        },
      });
    } catch (err) {
      settle(err as Error);
      return;
    }
    if (!started) settle(new Error(`Cannot transfer a call that is ${status()}`));
    else wait(TRANSFER_WAIT_MS);
  });
}

/**
 * We were transferred and `next` is our call to the target: once it connects, `connected` runs
 * with whom we now talk to (the old call then ends); if it fails, nothing happens (the
 * transferor takes the old call back).
 */
export function whenTransferConnects(next: PhoneCall, connected: (remote: Party) => void): void {
  const follow = () => {
    const s = next.snapshot;
    if (s.status === 'connected' || s.status === 'held') connected(s.remote);
    else if (s.status !== 'ended') return;
    next.removeEventListener(CallChangeEvent.eventName, follow);
  };
  next.addEventListener(CallChangeEvent.eventName, follow);
}
