/**
 * Shared voicemail: the demo's "Sales" box (2000, no devices) is granted to 1001 and 1002. A call
 * to 2000 goes to its voicemail; 1001 lists it among its mailboxes with the count, hears of the
 * message on the events channel, reads and plays it; 1002 saves it (recorded as theirs). A user
 * without a grant is refused everywhere; an administrator grants and revokes (REST and the
 * admin command), and the grant takes effect at once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, delay, eventually, login, openEvents, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import type { SipUa } from '../support/sip-ua.js';
import { beepHeard, callVoicemail } from '../support/voicemail-caller.js';
import { tone } from '../../server/media/opus-codec.js';
import { runAdmin } from '../../server/admin.js';

const SALES = '/api/v2/domains/~/users/2000/voicemails';

describe('shared voicemail', () => {
  let t: TestPlatform;
  let carol: SipUa;
  const token: Record<string, string> = {};
  before(async () => {
    t = await startPlatform({ env: { SWITCHBOARD_VOICEMAIL: '1' }, voicemailMaxMs: 4000 });
    carol = await registeredUa(t, '1004');
    for (const ext of ['1001', '1002', '1004', '1005']) token[ext] = await login(t.url, `${ext}@demo`);
  });
  after(async () => { await carol.close(); await t.close(); });

  it('a message left for Sales reaches the users it is granted to, live; who saves it is recorded', async () => {
    const mine = await api(t.url, 'GET', '/api/v2/domains/~/users/~/mailboxes', { token: token['1001'] });
    assert.deepEqual(mine.body, [{ mailbox: '2000', name: 'Sales', new: 0, save: 0 }]);
    assert.deepEqual((await api(t.url, 'GET', '/api/v2/domains/~/users/~/mailboxes', { token: token['1004'] })).body, []);
    const events = await openEvents(t, token['1001']!);

    const vm = await callVoicemail(carol, 'sip:2000@demo');
    await vm.press('#');
    await beepHeard(vm.peer, 0);
    vm.peer.say(tone(440, 1500));
    await eventually(() => vm.peer.sendingMs === 0, 5000);
    await delay(200);
    await vm.hangUp();

    const told = await events.next((e) => e.type === 'voicemail' && e.mailbox === '2000', 10_000);
    assert.equal(told.change, 'new');
    events.close();
    const [message] = (await api(t.url, 'GET', `${SALES}/new`, { token: token['1001'] })).body.items;
    assert.equal(message.caller_number, '1004');
    assert.equal(message.mailbox, '2000');
    assert.deepEqual((await api(t.url, 'GET', '/api/v2/domains/~/users/~/mailboxes', { token: token['1001'] })).body[0].new, 1);
    const audio = await fetch(`${t.url}${message.audio_url}`, { headers: { authorization: `Bearer ${token['1001']}` } });
    assert.equal(audio.status, 200);

    const saved = await api(t.url, 'PATCH', `${SALES}/new/${message.id}`, { token: token['1002'], body: { folder: 'save' } });
    assert.equal(saved.status, 200);
    assert.equal(saved.body.moved_by, '1002@demo');
    assert.equal((await api(t.url, 'GET', `${SALES}/save`, { token: token['1001'] })).body.items[0].id, message.id);
  });

  it('a user without a grant cannot list, play, move or delete, nor see that the box exists', async () => {
    const [message] = (await api(t.url, 'GET', `${SALES}/save`, { token: token['1001'] })).body.items;
    const outsider = token['1004']!;
    for (const [method, path, body] of [
      ['GET', `${SALES}/save`], ['GET', `${SALES}/count`], ['GET', `${SALES}/save/${message.id}`], ['GET', `${SALES}/save/${message.id}/audio`],
      ['PATCH', `${SALES}/save/${message.id}`, { folder: 'trash' }], ['DELETE', `${SALES}/save/${message.id}`], ['GET', '/api/v2/domains/~/users/9999/voicemails/new'],
    ] as const) {
      const res = await api(t.url, method, path, { token: outsider, body });
      assert.equal(res.status, 403, `${method} ${path}: ${res.status}`);
    }
    assert.equal((await api(t.url, 'GET', `${SALES}/save`, { token: token['1001'] })).body.items[0].folder, 'save', 'nothing moved');
    // The users a box is granted to are not told another user's box either.
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/1004/voicemails/new', { token: token['1001'] })).status, 403);
  });

  it('an administrator grants and revokes; only an administrator may', async () => {
    const grants = '/api/v2/domains/~/mailboxes/2000/grants';
    assert.equal((await api(t.url, 'PUT', `${grants}/1004`, { token: token['1001'] })).status, 403, 'not an administrator');
    const listed = await api(t.url, 'GET', grants, { token: token['1005'] });
    assert.deepEqual(listed.body.map((g: any) => [g.grantee, g.grantee_name]), [['1001', 'Alice Anders'], ['1002', 'Bob Baker']]);
    assert.equal((await api(t.url, 'PUT', `${grants}/1004`, { token: token['1005'] })).status, 201);
    assert.equal((await api(t.url, 'PUT', `${grants}/1004`, { token: token['1005'] })).status, 200, 'granting twice is one grant');
    assert.equal((await api(t.url, 'GET', `${SALES}/save`, { token: token['1004'] })).status, 200);
    const nobody = await api(t.url, 'PUT', `${grants}/7777`, { token: token['1005'] });
    assert.equal(nobody.status, 400);
    assert.equal(nobody.body.field, 'user');
    assert.equal((await api(t.url, 'PUT', '/api/v2/domains/~/mailboxes/7777/grants/1004', { token: token['1005'] })).status, 404);
    assert.equal((await api(t.url, 'DELETE', `${grants}/1004`, { token: token['1005'] })).status, 204);
    assert.equal((await api(t.url, 'GET', `${SALES}/save`, { token: token['1004'] })).status, 403, 'revoked at once');
    assert.equal((await api(t.url, 'DELETE', `${grants}/1004`, { token: token['1005'] })).status, 404);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/other.example/mailboxes/2000/grants', { token: token['1005'] })).status, 403, 'another domain');
  });

  it('npm run admin -- grant-mailbox / revoke-mailbox', async () => {
    const out: string[] = [];
    await runAdmin(['grant-mailbox', '2000@demo', '1004@demo'], t.platform.store, (l) => out.push(l));
    assert.equal(await t.platform.store.mailboxGrants.has('demo', '2000', '1004'), true);
    await runAdmin(['revoke-mailbox', '2000@demo', '1004@demo'], t.platform.store, (l) => out.push(l));
    assert.equal(await t.platform.store.mailboxGrants.has('demo', '2000', '1004'), false);
    assert.deepEqual(out, ['1004@demo may now read mailbox 2000@demo', '1004@demo may no longer read mailbox 2000@demo']);
    await assert.rejects(runAdmin(['grant-mailbox', '2000@demo', '9999@demo'], t.platform.store, () => {}), /no user 9999@demo/);
  });
});
