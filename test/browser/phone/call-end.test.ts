import { expect } from '@open-wc/testing';
import { endMessage, reasonForStatus, transferFailure } from '../../../src/phone/call-end.js';

const bob = { number: '1002', name: 'Bob Baker' };

describe('call end classification', () => {
  it('tells a number outside the organisation (403 Outside Calls Not Set Up) from an unknown extension (404)', () => {
    expect(reasonForStatus(403, 'Outside Calls Not Set Up')).to.equal('outside');
    expect(reasonForStatus(403, 'outside calls not set up ')).to.equal('outside');
    expect(reasonForStatus(404, 'Not Found')).to.equal('not-found');
    // Any other 403 is a plain failure.
    expect(reasonForStatus(403, 'Forbidden')).to.equal('failed');
    expect(reasonForStatus(403)).to.equal('failed');
    expect(endMessage('outside', { number: '5551234567', name: '' }, 'outgoing')).to.equal('Calls to outside numbers are not set up on this phone system');
    expect(endMessage('not-found', { number: '4242', name: '' }, 'outgoing')).to.equal('No such number: 4242');
  });

  it('says a transfer to an outside number is not set up', () => {
    expect(transferFailure(403, 'Outside Calls Not Set Up', { number: '5551234567', name: '' })).to.equal('Calls to outside numbers are not set up on this phone system');
    expect(transferFailure(403, 'Forbidden', bob)).to.equal('The transfer to Bob Baker failed (403 Forbidden)');
  });

  it('says a call pressed while offline needs a connection', () => {
    expect(endMessage('offline', bob, 'outgoing')).to.equal('You are offline: calls need a connection');
  });
});
