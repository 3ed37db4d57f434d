/** The steps of a transfer (call-transfer.ts) on stand-in calls and a stand-in REFER: no SIP. */
import { expect } from '@open-wc/testing';
import { referOutcome, replacesValue, runTransfer, type ReferProgress, type TransferLeg } from '../../../src/phone/call-transfer.js';
import type { CallSnapshot, Party } from '../../../src/phone/types.js';

const ALICE: Party = { number: '1001', name: 'Alice Anders' };
const DAN: Party = { number: '1004', name: 'Dan Diaz' };

/** A call as the transfer sees it, recording what was done to it. */
function leg(remote: Party, status: CallSnapshot['status'], refer: (to: string, target: Party) => Promise<void> = async () => {}) {
  const log: string[] = [];
  let snapshot = { status, remote, transfer: 'none', transferError: '' } as CallSnapshot;
  let ended = false;
  const l: TransferLeg<string> = {
    get snapshot() {
      return snapshot;
    },
    get ended() {
      return ended;
    },
    setTransfer: (transfer, transferError) => {
      snapshot = { ...snapshot, transfer, transferError };
      log.push(`transfer ${transfer}${transferError ? `: ${transferError}` : ''}`);
    },
    hold: async () => {
      snapshot = { ...snapshot, status: 'held' };
      log.push('hold');
    },
    resume: async () => {
      snapshot = { ...snapshot, status: 'connected' };
      log.push('resume');
    },
    setConsulting: (c) => log.push(`consulting ${c}`),
    refer: async (to, target) => {
      log.push(`refer ${to} (${target.name})`);
      await refer(to, target);
    },
    transferredAway: (to, graceMs) => {
      ended = true;
      log.push(`away to ${to.name} after ${graceMs}`);
    },
  };
  return { l, log };
}

describe('call-transfer (no SIP)', () => {
  it('a blind transfer holds the call, refers it, and ends it at once', async () => {
    const { l, log } = leg(ALICE, 'connected');
    await runTransfer(l, 'sip:1004@demo', DAN, null);
    expect(log).to.deep.equal(['transfer in-progress', 'hold', 'refer sip:1004@demo (Dan Diaz)', 'away to Dan Diaz after 0']);
  });

  it('an attended transfer ends the consultation too, after the grace for the other side\u2019s BYE', async () => {
    const call = leg(ALICE, 'held');
    const consultation = leg(DAN, 'connected');
    await runTransfer(call.l, 'sip:1004@demo?Replaces=x', DAN, consultation.l);
    expect(call.log).to.deep.equal(['transfer in-progress', 'refer sip:1004@demo?Replaces=x (Dan Diaz)', 'away to Dan Diaz after 0']);
    expect(consultation.log).to.deep.equal(['transfer in-progress', 'consulting true', 'away to Alice Anders after 3000']);
  });

  it('a failed transfer marks both calls and takes the call off the hold it put it on', async () => {
    const call = leg(ALICE, 'connected', async () => {
      throw new Error('Dan Diaz is busy');
    });
    const consultation = leg(DAN, 'connected');
    let error: unknown;
    await runTransfer(call.l, 'sip:1004@demo', DAN, consultation.l).catch((e) => (error = e));
    expect((error as Error).message).to.equal('Dan Diaz is busy');
    expect(call.log).to.deep.equal(['transfer in-progress', 'hold', 'refer sip:1004@demo (Dan Diaz)', 'transfer failed: Dan Diaz is busy', 'resume']);
    expect(consultation.log).to.deep.equal(['transfer in-progress', 'consulting true', 'consulting false', 'transfer failed: Dan Diaz is busy']);
  });

  it('refuses a call that is not up, or one already being transferred', async () => {
    const ringing = leg(ALICE, 'ringing');
    let error: unknown;
    await runTransfer(ringing.l, 'x', DAN, null).catch((e) => (error = e));
    expect((error as Error).message).to.equal('Cannot transfer a call that is ringing');
    const busy = leg(ALICE, 'connected');
    busy.l.setTransfer('in-progress', '');
    await runTransfer(busy.l, 'x', DAN, null).catch((e) => (error = e));
    expect((error as Error).message).to.equal('A transfer of this call is already under way');
  });

  it('the REFER outcome: a 2xx sipfrag succeeds; a failure is said about the target; the call ending stops the wait', async () => {
    const send = (drive: (h: ReferProgress) => void, wakeOnEnd?: (wake: () => void) => void) =>
      referOutcome(DAN, {
        start: (h) => {
          setTimeout(() => drive(h), 0);
          return true;
        },
        whenEnded: (wake) => {
          wakeOnEnd?.(wake);
          return () => {};
        },
        status: () => 'connected',
        describeCause: (c) => c.toLowerCase(),
      });
    await send((h) => {
      h.requestSucceeded();
      h.trying();
      h.progress();
      h.accepted();
    });
    let error: unknown;
    await send((h) => h.failed({ status_line: { status_code: 486, reason_phrase: 'Busy Here' } })).catch((e) => (error = e));
    expect((error as Error).message).to.equal('Dan Diaz is busy');
    await send((h) => h.requestFailed({ response: {}, cause: 'Rejected' })).catch((e) => (error = e));
    expect((error as Error).message).to.equal('The other phone refused the transfer');
    await send((h) => h.requestFailed({ response: null, cause: 'Connection Error' })).catch((e) => (error = e));
    expect((error as Error).message).to.equal('The transfer could not be sent: connection error');
    await send(() => {}, (wake) => setTimeout(wake, 5)).catch((e) => (error = e));
    expect((error as Error).message).to.equal('The call ended before the transfer completed');
    await referOutcome(DAN, { start: () => false, whenEnded: () => () => {}, status: () => 'held', describeCause: String }).catch((e) => (error = e));
    expect((error as Error).message).to.equal('Cannot transfer a call that is held');
  });

  it('Replaces names the dialog as the other party sees it (RFC 3891 s3)', () => {
    expect(replacesValue({ callId: 'abc@h', localTag: 'mine', remoteTag: 'theirs' })).to.equal('abc@h;to-tag=theirs;from-tag=mine');
  });
});
