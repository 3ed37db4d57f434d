/**
 * The messaging repository on both stores (as store-contract.test.ts): the same set of people
 * reopens the same conversation, messages numbered per session, a repeated client id (also at
 * once) finds the first message, attachments claimed by the message that sends them, read marks
 * and read receipts, leave / hide / unhide, statuses by carrier id, and the SMS settings.
 *
 * PostgreSQL: TEST_DATABASE_URL when set, otherwise a throwaway cluster when the binaries are
 * installed; without either the PostgreSQL half is reported as NOT RUN (REQUIRE_POSTGRES=1: fails).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../server/store/types.js';
import type { MessageSession, NewStoredMessage } from '../../server/messaging/types.js';
import { storeBackends } from '../support/store-backends.js';

const backends = await storeBackends('messaging store');

const D = 'demo';
const session = (id: string, partyKey: string, at = 1000): MessageSession => ({
  id, domain: D, kind: 'chat', localNumber: null, remoteNumber: null, partyKey, createdAt: at, updatedAt: at,
});
const msg = (id: string, sessionId: string, sender: string, clientId: string, at: number, text = 'hi'): NewStoredMessage => ({
  id, sessionId, clientId, sender, type: 'chat', text, status: 'sent', failureReason: null, carrierId: null, sentAt: at,
});

for (const backend of backends) {
  describe(`${backend.name} messaging store`, () => {
    async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
      const key = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-msg-'));
      const store = await backend.open(key);
      try {
        await store.domains.create({ name: D, description: '', createdAt: 1, timeZone: 'UTC' });
        await fn(store);
      } finally {
        await store.close();
        await backend.remove(key);
      }
    }

    it('the same party key reopens the session; members as given', () => withStore(async (store) => {
      const a = await store.messaging.openSession(session('s1', 'chat:1001,1002'), ['1001', '1002']);
      assert.equal(a.created, true);
      const b = await store.messaging.openSession(session('s2', 'chat:1001,1002'), ['1001', '1002']);
      assert.equal(b.created, false);
      assert.equal(b.session.id, 's1');
      assert.deepEqual((await store.messaging.members('s1')).map((m) => m.extension), ['1001', '1002']);
      assert.deepEqual((await store.messaging.sessionsOf(D, '1002')).map((s) => s.id), ['s1']);
      assert.deepEqual(await store.messaging.sessionsOf(D, '1003'), []);
    }));

    it('messages take seq 1, 2, ...; a repeated client id finds the first, also when sent at once', () => withStore(async (store) => {
      await store.messaging.openSession(session('s1', 'k'), ['1001', '1002']);
      const first = await store.messaging.addMessage(msg('m1', 's1', '1001', 'c1', 2000), []);
      assert.deepEqual([first.created, first.message.seq], [true, 1]);
      const again = await store.messaging.addMessage(msg('m1b', 's1', '1001', 'c1', 2001, 'other'), []);
      assert.deepEqual([again.created, again.message.id, again.message.text], [false, 'm1', 'hi']);
      assert.equal((await store.messaging.messageByClientId('s1', '1001', 'c1'))!.id, 'm1');
      assert.equal(await store.messaging.messageByClientId('s1', '1002', 'c1'), undefined);
      // The same client id from another sender is another message.
      assert.equal((await store.messaging.addMessage(msg('m2', 's1', '1002', 'c1', 2002), [])).message.seq, 2);
      const racing = await Promise.all(Array.from({ length: 8 }, (_, i) => store.messaging.addMessage(msg(`r${i}`, 's1', '1001', 'same', 3000 + i), [])));
      assert.equal(racing.filter((r) => r.created).length, 1);
      assert.equal(new Set(racing.map((r) => r.message.id)).size, 1);
      const others = await Promise.all(Array.from({ length: 8 }, (_, i) => store.messaging.addMessage(msg(`o${i}`, 's1', '1002', `o${i}`, 4000 + i), [])));
      const seqs = others.map((r) => r.message.seq).sort((x, y) => x - y);
      assert.deepEqual(seqs, [4, 5, 6, 7, 8, 9, 10, 11]);
      const page = await store.messaging.listMessages('s1', undefined, 3);
      assert.deepEqual(page.map((m) => m.seq), [11, 10, 9]);
      assert.deepEqual((await store.messaging.listMessages('s1', 9, 100)).map((m) => m.seq), [8, 7, 6, 5, 4, 3, 2, 1]);
      assert.equal((await store.messaging.lastMessage('s1'))!.seq, 11);
      assert.equal((await store.messaging.getSession('s1'))!.updatedAt, 4007);
    }));

    it('attachments are claimed by the message of their owner, once', () => withStore(async (store) => {
      await store.messaging.openSession(session('s1', 'k'), ['1001', '1002']);
      const att = (id: string, owner: string) => ({ id, domain: D, owner, messageId: null, name: `${id}.png`, contentType: 'image/png', size: 10, createdAt: 1 });
      await store.messaging.addAttachment(att('a1', '1001'));
      await store.messaging.addAttachment(att('a2', '1002'));
      await store.messaging.addMessage(msg('m1', 's1', '1001', 'c1', 2000), ['a1', 'a2']);
      assert.deepEqual((await store.messaging.attachmentsOf(['m1'])).map((a) => a.id), ['a1']);
      assert.equal((await store.messaging.getAttachment('a2'))!.messageId, null);
      await store.messaging.addMessage(msg('m2', 's1', '1001', 'c2', 2001), ['a1']);
      assert.deepEqual(await store.messaging.attachmentsOf(['m2']), []);
    }));

    it('unread counts, read marks and receipts', () => withStore(async (store) => {
      await store.messaging.openSession(session('s1', 'k'), ['1001', '1002']);
      for (let i = 1; i <= 3; i++) await store.messaging.addMessage(msg(`m${i}`, 's1', '1001', `c${i}`, 2000 + i), []);
      assert.equal(await store.messaging.unread('s1', '1002'), 3);
      assert.equal(await store.messaging.unread('s1', '1001'), 0);
      assert.equal(await store.messaging.markRead('s1', '1002', 2), true);
      assert.equal(await store.messaging.markRead('s1', '1002', 1), false);
      assert.equal(await store.messaging.unread('s1', '1002'), 1);
      assert.deepEqual((await store.messaging.readBy('s1', '1002', 2)).map((m) => [m.id, m.status]), [['m1', 'read'], ['m2', 'read']].sort());
      assert.deepEqual(await store.messaging.readBy('s1', '1002', 2), []);
      assert.deepEqual(await store.messaging.readBy('s1', '1001', 3), []);
    }));

    it('leave, hide, and a new message shows it again', () => withStore(async (store) => {
      await store.messaging.openSession(session('s1', 'k'), ['1001', '1002', '1003']);
      assert.equal(await store.messaging.leave('s1', '1003', 5), true);
      assert.equal(await store.messaging.leave('s1', '1003', 6), false);
      assert.deepEqual(await store.messaging.sessionsOf(D, '1003'), []);
      assert.equal((await store.messaging.members('s1')).find((m) => m.extension === '1003')!.leftAt, 5);
      await store.messaging.addMember('s1', '1003', 7);
      assert.equal((await store.messaging.sessionsOf(D, '1003')).length, 1);
      await store.messaging.setHidden('s1', '1002', true);
      assert.deepEqual(await store.messaging.sessionsOf(D, '1002'), []);
      await store.messaging.addMessage(msg('m1', 's1', '1001', 'c1', 2000), []);
      assert.equal((await store.messaging.sessionsOf(D, '1002')).length, 1);
    }));

    it('status by id and by carrier id', () => withStore(async (store) => {
      await store.messaging.openSession({ ...session('s1', 'sms:+15550100000:+15550100199'), kind: 'sms', localNumber: '+15550100000', remoteNumber: '+15550100199' }, ['1001']);
      await store.messaging.addMessage({ ...msg('m1', 's1', '1001', 'c1', 2000), type: 'sms', status: 'sending' }, []);
      const sent = await store.messaging.setStatus('m1', 'sent', null, { carrierId: 'carrier-1', from: ['sending'] });
      assert.deepEqual([sent!.status, sent!.carrierId], ['sent', 'carrier-1']);
      assert.equal((await store.messaging.byCarrierId('carrier-1'))!.id, 'm1');
      const failed = await store.messaging.setStatus('m1', 'failed', 'The carrier refused the number');
      assert.deepEqual([failed!.status, failed!.failureReason, failed!.carrierId], ['failed', 'The carrier refused the number', 'carrier-1']);
      assert.equal(await store.messaging.setStatus('nope', 'sent', null), undefined);
      // Only from the statuses named, in one statement: a retry from failed, and the old carrier id cleared.
      assert.equal(await store.messaging.setStatus('m1', 'sent', null, { from: ['sending'] }), undefined, 'failed is not sending');
      const again = await store.messaging.setStatus('m1', 'sending', null, { carrierId: null, from: ['failed'] });
      assert.deepEqual([again!.status, again!.carrierId], ['sending', null]);
      assert.equal(await store.messaging.setStatus('m1', 'sending', null, { carrierId: null, from: ['failed'] }), undefined, 'a second retry at once changes nothing');
    }));

    it('SMS settings: enabled per domain, numbers of users and of the organisation', () => withStore(async (store) => {
      assert.equal(await store.messaging.smsEnabled(D), false);
      await store.messaging.setSmsEnabled(D, true);
      assert.equal(await store.messaging.smsEnabled(D), true);
      await store.messaging.putSmsNumber({ number: '+15550101001', domain: D, owner: '1001', defaultRecipients: [] });
      await store.messaging.putSmsNumber({ number: '+15550100000', domain: D, owner: null, defaultRecipients: ['1001', '1002'] });
      assert.deepEqual((await store.messaging.smsNumbers(D)).map((n) => [n.number, n.owner, n.defaultRecipients]),
        [['+15550100000', null, ['1001', '1002']], ['+15550101001', '1001', []]]);
      assert.equal((await store.messaging.smsNumber('+15550101001'))!.owner, '1001');
      assert.equal(await store.messaging.smsNumber('+1999'), undefined);
    }));
  });
}
