/**
 * A call that never left this device: pressing Call while the browser is offline. It is an
 * outgoing call that ends at once (on the next microtask, so whoever tracks it sees the end as a
 * change) with its reason, so its card says why instead of ringing into a dead connection and
 * ending as "Call cancelled" when the user gives up.
 */
import { CallMachine, newCallId } from './call-state.js';
import { endMessage } from './call-end.js';
import { CallChangeEvent, type CallSnapshot, type DialogId, type EndReason, type PhoneCall } from './types.js';

export class UnsentCall extends EventTarget implements PhoneCall {
  readonly id = newCallId();
  readonly remoteStream = null;
  readonly localStream = null;
  readonly dialog: DialogId | null = null;
  private readonly machine: CallMachine;

  constructor(target: string, reason: Extract<EndReason, 'offline'> = 'offline') {
    super();
    this.machine = new CallMachine({ id: this.id, direction: 'outgoing', remote: { number: target, name: '' } }, (snapshot) => {
      this.dispatchEvent(new CallChangeEvent(snapshot));
    });
    queueMicrotask(() => this.machine.end(reason, endMessage(reason, this.snapshot.remote, 'outgoing')));
  }

  get snapshot(): CallSnapshot {
    return this.machine.snapshot;
  }

  async answer(): Promise<void> {}
  decline(): void {}
  hangup(): void {}
  setMuted(): void {}
  async hold(): Promise<void> {}
  async resume(): Promise<void> {}
  sendDtmf(): void {}
  async getStats(): Promise<RTCStatsReport | null> {
    return null;
  }
  async transfer(): Promise<void> {
    throw new Error('The call was never connected');
  }
  async completeTransfer(): Promise<void> {
    throw new Error('The call was never connected');
  }
  async setOutgoingAudio(): Promise<void> {}
}
