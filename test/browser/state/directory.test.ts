import { expect } from '@open-wc/testing';
import { ApiError } from '../../../src/data/http.js';
import type { DirectoryEntry } from '../../../src/data/wire.js';
import { PlatformEventMessage, type EventsClient } from '../../../src/data/events.js';
import { Directory, partyNames, personPresence } from '../../../src/state/directory.js';

const user = (extension: string, name: string, online: boolean, presence?: DirectoryEntry['presence']): DirectoryEntry => {
  const [first_name = '', last_name = ''] = name.split(' ');
  return { domain: 'demo', extension, first_name, last_name, role: 'user', name, email: '', online, ...(presence ? { presence } : {}) };
};

class FakeApi {
  offline = false;
  constructor(public users: DirectoryEntry[]) {}
  async list() {
    if (this.offline) throw new ApiError('network', 'Cannot reach the phone system.');
    return this.users;
  }
}

const presenceEvent = (extension: string, online: boolean, state?: string) =>
  new PlatformEventMessage({ type: 'presence', domain: 'demo', extension, online, ...(state ? { state } : {}) } as never);

describe('Directory presence', () => {
  it('takes what each colleague is doing from the directory and from presence events', async () => {
    const events = new EventTarget() as EventsClient;
    const api = new FakeApi([user('1002', 'Bob Baker', true, 'on-call'), user('1003', 'Carol Chen', false)]);
    const dir = new Directory(api, events);
    await dir.load();
    expect(dir.presenceKnown).to.equal(true);
    expect(dir.entries.map(personPresence)).to.deep.equal(['on-call', 'offline']);
    events.dispatchEvent(presenceEvent('1003', true, 'ringing'));
    expect(personPresence(dir.entries[1]!)).to.equal('ringing');
    // A platform that sends only `online` still works.
    events.dispatchEvent(presenceEvent('1002', true));
    expect(personPresence(dir.entries[0]!)).to.equal('online');
    events.dispatchEvent(presenceEvent('1002', false));
    expect(personPresence(dir.entries[0]!)).to.equal('offline');
  });

  it('presence is not known until a load succeeds, nor after a failed load or the browser going offline', async () => {
    const events = new EventTarget() as EventsClient;
    const api = new FakeApi([user('1002', 'Bob Baker', true)]);
    const dir = new Directory(api, events);
    expect(dir.presenceKnown).to.equal(false);
    await dir.load();
    expect(dir.presenceKnown).to.equal(true);
    window.dispatchEvent(new Event('offline'));
    expect(dir.presenceKnown).to.equal(false);
    await dir.load();
    expect(dir.presenceKnown).to.equal(true);
    api.offline = true;
    await dir.load();
    expect(dir.presenceKnown).to.equal(false);
    expect(dir.entries.map((p) => p.name), 'the names stay').to.deep.equal(['Bob Baker']);
  });

  it('partyNames: extensions from the directory, other numbers from personal contacts by their digits', () => {
    const nameOf = partyNames(
      [{ extension: '1002', name: 'Bob Baker' }],
      [{ first_name: 'Pat', last_name: 'Lee', company: 'Acme', numbers: [{ number: '+1 (415) 555-0101' }] },
        { first_name: '', last_name: '', company: 'Globex', numbers: [{ number: '555 0199' }] }],
    );
    expect(nameOf('1002')).to.equal('Bob Baker');
    expect(nameOf('14155550101')).to.equal('Pat Lee');
    expect(nameOf('+1 415 555 0101')).to.equal('Pat Lee');
    expect(nameOf('5550199')).to.equal('Globex');
    expect(nameOf('4242')).to.equal('');
  });
});
