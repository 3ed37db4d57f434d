/** Platform services for tests: each does one simple thing with the calls it is handed. */
import type { PlatformService, ServiceCall, ServiceCallEnd } from '../../server/sip/services/service.js';

export const SERVICE_SDP = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n';

/** Records every call it gets and how each ended; `behaviour` decides what it does. */
export class ScriptedService implements PlatformService {
  readonly calls: ServiceCall[] = [];
  readonly ends = new Map<string, ServiceCallEnd>();

  constructor(readonly name: string, private readonly behaviour: (call: ServiceCall) => void) {}

  incoming(call: ServiceCall): void {
    this.calls.push(call);
    call.onEnded((by) => this.ends.set(call.callId, by));
    this.behaviour(call);
  }
}

/** Rings, answers after `answerAfterMs`, then hangs up after `hangUpAfterMs` (never when null). */
export function answeringService(name: string, answerAfterMs = 0, hangUpAfterMs: number | null = null): ScriptedService {
  return new ScriptedService(name, (call) => {
    call.ring();
    setTimeout(() => {
      call.answer(SERVICE_SDP);
      if (hangUpAfterMs !== null) setTimeout(() => call.hangUp(), hangUpAfterMs);
    }, answerAfterMs);
  });
}
