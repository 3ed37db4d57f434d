/**
 * Hostile and malformed SIP over a real WebSocket: the RFC 4475 torture messages, garbage, and
 * oversized frames. Every request gets the answer the corpus expects (or none, for responses),
 * and the platform keeps serving calls afterwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';

const corpusDir = path.resolve(import.meta.dirname, '../../../shared/conformance/rfc4475');

interface Entry { file: string; answers: string[]; kind: 'request' | 'response'; title: string }

function openSip(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'sip');
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends one frame and collects the status codes of the responses that come back quickly. */
async function exchange(ws: WebSocket, data: Buffer | string, quietMs = 120): Promise<number[]> {
  const statuses: number[] = [];
  const on = (d: WebSocket.RawData) => {
    // Only the status line is read: an answer to a broken request may echo its broken headers.
    const status = /^SIP\/2\.0 (\d{3}) /.exec(String(d))?.[1];
    if (status && status !== '100') statuses.push(Number(status));
  };
  ws.on('message', on);
  ws.send(data);
  await new Promise((r) => setTimeout(r, quietMs));
  ws.off('message', on);
  return statuses;
}

describe('SIP robustness', () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform(); });
  after(() => t.close());

  it('answers every RFC 4475 torture message as the corpus expects and stays up', async () => {
    assert.ok(fs.existsSync(corpusDir), `RFC 4475 corpus missing at ${corpusDir}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8')) as Entry[];
    assert.ok(manifest.length >= 40);
    const ws = await openSip(t.wsUrl);
    const failures: string[] = [];
    for (const entry of manifest) {
      const bytes = fs.readFileSync(path.join(corpusDir, entry.file));
      const statuses = await exchange(ws, bytes);
      const codes = entry.answers.filter((a) => /^\d+$/.test(a)).map(Number);
      const fuzzy = entry.answers.filter((a) => /^\dxx$/.test(a)).map((a) => Number(a[0]));
      const mayProcess = entry.answers.includes('process');
      const mayDrop = entry.answers.includes('drop') || entry.kind === 'response';
      let ok: boolean;
      if (statuses.length === 0) {
        // Silence is right for responses and drops; a request we process may also be one we
        // forward nowhere (an ACK), but every other request must be answered.
        ok = mayDrop || (mayProcess && /^ACK /.test(bytes.toString('latin1')));
      } else {
        const s = statuses[0]!;
        ok = codes.includes(s) || fuzzy.includes(Math.floor(s / 100)) || (mayProcess && s !== 400 && s !== 505 && s < 500);
      }
      if (!ok) failures.push(`${entry.file} (${entry.title}): expected ${entry.answers.join('/')}, got ${statuses.join(',') || 'nothing'}`);
    }
    assert.deepEqual(failures, []);
    assert.equal(ws.readyState, WebSocket.OPEN, 'the connection survived the whole corpus');
    ws.close();
    const ua = await registeredUa(t, '1001');
    await ua.close();
  });

  it('answers garbage and truncated requests with 400 or silence, on a connection that keeps working', async () => {
    const ws = await openSip(t.wsUrl);
    const invite = [
      'INVITE sip:1002@demo SIP/2.0', 'Via: SIP/2.0/WS x.invalid;branch=z9hG4bKabc', 'Max-Forwards: 70',
      'From: <sip:1001@demo>;tag=1', 'To: <sip:1002@demo>', 'Call-ID: c1', 'CSeq: 1 INVITE',
    ];
    assert.deepEqual(await exchange(ws, 'hello there\r\n\r\n'), []);
    assert.deepEqual(await exchange(ws, Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])), []);
    assert.deepEqual(await exchange(ws, [...invite.slice(0, 5), 'CSeq: 1 BYE', 'Content-Length: 0', '', ''].join('\r\n')), [400]);
    assert.deepEqual(await exchange(ws, [...invite, 'Content-Length: 500', '', 'short body'].join('\r\n')), [400]);
    assert.deepEqual(await exchange(ws, [...invite, 'Content-Length: -5', '', ''].join('\r\n')), [400]);
    assert.deepEqual(await exchange(ws, ['INVITE sip:1002@demo SIP/3.0', ...invite.slice(1), '', ''].join('\r\n')), [505]);
    assert.deepEqual(await exchange(ws, [...invite.slice(0, 2), ...invite.slice(3), 'Max-Forwards: 0', 'Content-Length: 0', '', ''].join('\r\n')), [483]);
    assert.deepEqual(await exchange(ws, 'SIP/2.0 200 OK\r\nVia: SIP/2.0/WS nobody.invalid;branch=z9hG4bKx\r\n\r\n'), []);
    // A request that already passed through us is a loop (RFC 3261 s16.3 step 4).
    const looped = ['MESSAGE sip:1002@demo SIP/2.0', 'Via: SIP/2.0/WS x.invalid;branch=z9hG4bKloop1', 'Via: SIP/2.0/WS switchboard.invalid;branch=z9hG4bK-f.abc',
      'Max-Forwards: 60', 'From: <sip:1001@demo>;tag=1', 'To: <sip:1002@demo>', 'Call-ID: l1', 'CSeq: 1 MESSAGE', 'Content-Length: 0', '', ''].join('\r\n');
    assert.deepEqual(await exchange(ws, looped), [482]);
    assert.equal(ws.readyState, WebSocket.OPEN);
    // Still a working SIP connection: an OPTIONS to the domain is answered.
    const options = ['OPTIONS sip:demo SIP/2.0', 'Via: SIP/2.0/WS x.invalid;branch=z9hG4bKopt', 'Max-Forwards: 70',
      'From: <sip:1001@demo>;tag=1', 'To: <sip:demo>', 'Call-ID: o1', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', ''].join('\r\n');
    assert.deepEqual(await exchange(ws, options), [200]);
    ws.close();
  });

  it('closes a connection that sends an oversized frame, and serves the next one', async () => {
    const ws = await openSip(t.wsUrl);
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('OPTIONS sip:demo SIP/2.0\r\nX-Big: ' + 'a'.repeat(200_000) + '\r\n\r\n');
    assert.equal(await closed, 1009);
    const ua = await registeredUa(t, '1002');
    await ua.close();
  });
});
