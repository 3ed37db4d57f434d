/** Why a JsSIP session ended, in our terms: classifyEnd on JsSIP's causes with stand-in messages. */
import { expect } from '@open-wc/testing';
import JsSIP from 'jssip';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';
import { classifyEnd, describeCause, type EndContext, type SessionEnd } from '../../../src/phone/jssip-call-end.js';

const C = JsSIP.C.causes;
const call = (over: Partial<EndContext> = {}): EndContext => ({ ending: null, incoming: false, answered: true, consulting: false, ...over });

/** A SIP message as far as the classification reads it. */
function message(headers: Record<string, string>, status?: number, phrase = ''): SessionEnd['message'] {
  const m = {
    hasHeader: (name: string) => name in headers,
    getHeader: (name: string) => headers[name] ?? '',
    ...(status === undefined ? {} : { status_code: status, reason_phrase: phrase }),
  };
  return m as unknown as IncomingResponse;
}
const end = (cause: string, originator = 'remote', msg: SessionEnd['message'] = null): SessionEnd => ({ cause, originator, message: msg });

describe('classifyEnd (JsSIP end events)', () => {
  it('our own hang-up and decline win over whatever JsSIP reports', () => {
    expect(classifyEnd(end(C.BYE), call({ ending: 'decline' })).reason).to.equal('declined');
    expect(classifyEnd(end(C.CANCELED), call({ ending: 'hangup' })).reason).to.equal('hangup');
    expect(classifyEnd(end(C.CANCELED), call({ ending: 'hangup', answered: false })).reason).to.equal('cancelled');
  });

  it('a CANCEL says whether another device answered (RFC 3326 cause=200)', () => {
    expect(classifyEnd(end(C.CANCELED, 'remote', message({ Reason: 'SIP;cause=200;text="Call completed elsewhere"' })), call()).reason).to.equal('answered-elsewhere');
    expect(classifyEnd(end(C.CANCELED, 'remote', message({ Reason: 'SIP;cause=487' })), call()).reason).to.equal('cancelled');
    expect(classifyEnd(end(C.EXPIRES), call()).reason).to.equal('cancelled');
  });

  it('a BYE: ours, theirs, a replaced dialog (moved, or my transfer completing), or an unanswered call given up', () => {
    expect(classifyEnd(end(C.BYE, 'local'), call()).reason).to.equal('hangup');
    expect(classifyEnd(end(C.BYE), call()).reason).to.equal('remote-hangup');
    const replaced = message({ Reason: 'SIP;cause=200;text="Replaced"' });
    expect(classifyEnd(end(C.BYE, 'remote', replaced), call()).reason).to.equal('moved');
    expect(classifyEnd(end(C.BYE, 'remote', replaced), call({ consulting: true })).reason).to.equal('transferred');
    expect(classifyEnd(end(C.BYE), call({ incoming: true, answered: false })).reason).to.equal('cancelled');
  });

  it('a final response maps by its status, keeping status and phrase for the message', () => {
    expect(classifyEnd(end(C.BUSY, 'remote', message({}, 486, 'Busy Here')), call({ answered: false }))).to.deep.equal({
      reason: 'busy', detail: { status: 486, phrase: 'Busy Here' },
    });
    expect(classifyEnd(end(C.NOT_FOUND, 'remote', message({}, 404, 'Not Found')), call()).reason).to.equal('not-found');
    expect(classifyEnd(end(C.NO_ANSWER), call()).reason).to.equal('unavailable');
  });

  it('a failure without a SIP answer is described in words', () => {
    expect(classifyEnd(end(C.CONNECTION_ERROR, 'system'), call())).to.deep.equal({ reason: 'failed', detail: { problem: 'connection to the server lost' } });
    expect(describeCause(C.USER_DENIED_MEDIA_ACCESS)).to.equal('microphone not available');
    expect(describeCause(C.INCOMPATIBLE_SDP)).to.equal('audio could not be set up');
    expect(describeCause('Something New')).to.equal('something new');
    expect(describeCause('')).to.equal('unknown error');
  });
});
