/**
 * `npm run fuzz -- --capture`: records the SIP frames of a real session between test user
 * agents on a platform started in this process (REGISTER with digest, INVITE with SDP, 180/200,
 * ACK, re-INVITE hold and resume, INFO DTMF, MESSAGE, blind REFER with NOTIFY, attended transfer
 * with Replaces, BYE) into fuzz/corpus/captured/NN-<who>-<in|out>-<what>.sip. These are the
 * realistic seeds of the SIP mutator.
 */
import fs from 'node:fs';
import path from 'node:path';
import { api, login, startPlatform, type TestPlatform } from '../test/support/harness.js';
import { SipUa, type IncomingCall, type OutgoingCall } from '../test/support/sip-ua.js';
import { CAPTURED_DIR } from './corpus.js';

export interface Frame {
  who: string;
  dir: 'in' | 'out';
  bytes: Buffer;
}

/** Wraps a connected UA's socket so every frame it sends and receives is recorded. */
function tap(ua: SipUa, who: string, frames: Frame[]): void {
  const ws = ua.ws;
  const send = ws.send.bind(ws) as (data: unknown, ...rest: unknown[]) => void;
  (ws as unknown as { send: (data: unknown, ...rest: unknown[]) => void }).send = (data, ...rest) => {
    frames.push({ who, dir: 'out', bytes: Buffer.from(data as string) });
    send(data, ...rest);
  };
  ws.prependListener('message', (data) => frames.push({ who, dir: 'in', bytes: Buffer.from(data as Buffer) }));
}

async function device(t: TestPlatform, extension: string, who: string, frames: Frame[]): Promise<SipUa> {
  const token = await login(t.url, `${extension}@demo`);
  const res = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token, body: { label: `capture ${who}` } });
  if (res.status !== 201) throw new Error(`device for ${extension}: ${res.status}`);
  const sip = res.body.sip;
  const ua = new SipUa(t.wsUrl, { uri: sip.uri, authorizationUser: sip.authorization_user, password: sip.password, displayName: who });
  await ua.connect();
  tap(ua, who, frames);
  const reg = await ua.register();
  if (reg.status !== 200) throw new Error(`REGISTER ${extension}: ${reg.status}`);
  return ua;
}

async function connect(from: SipUa, to: SipUa, target: string, extra: Array<[string, string]> = []): Promise<{ out: OutgoingCall; inc: IncomingCall }> {
  const incoming = to.nextInvite();
  const out = from.call(target, extra);
  const inc = await incoming;
  inc.ring();
  inc.answer();
  const res = await out.final;
  if (res.status !== 200) throw new Error(`call to ${target}: ${res.status}`);
  return { out, inc };
}

/** Runs the session and returns its frames in order. */
export async function captureSession(): Promise<Frame[]> {
  const frames: Frame[] = [];
  const t = await startPlatform();
  try {
    const alice = await device(t, '1001', 'alice', frames);
    const bob = await device(t, '1002', 'bob', frames);
    const dan = await device(t, '1004', 'dan', frames);
    const { out, inc } = await connect(alice, bob, 'sip:1002@demo');
    await out.dialog!.reinvite('sendonly');
    await out.dialog!.reinvite('sendrecv');
    await out.dialog!.request('INFO', 'Signal=5\r\nDuration=160\r\n', 'application/dtmf-relay');
    await inc.dialog.request('MESSAGE', 'hello from bob', 'text/plain');
    // Bob consults Dan, then transfers Alice to him (attended: Replaces).
    await inc.dialog.reinvite('sendonly');
    const { out: consult, inc: danSide } = await connect(bob, dan, 'sip:1004@demo');
    const referAtAlice = alice.nextRequest('REFER');
    const referRes = await inc.dialog.refer(`sip:1004@demo?Replaces=${encodeURIComponent(consult.dialog!.replaces)}`);
    if (referRes.status !== 202) throw new Error(`REFER: ${referRes.status}`);
    await referAtAlice;
    await out.dialog!.notifyRefer(100, 'Trying');
    const { out: joined } = await connect(alice, dan, 'sip:1004@demo', [['Replaces', consult.dialog!.replaces], ['Referred-By', '<sip:1002@demo>']]);
    await danSide.dialog.bye();
    await out.dialog!.notifyRefer(200, 'OK');
    await inc.dialog.bye();
    // A blind transfer request, then the end of the joined call.
    await joined.dialog!.refer('sip:1002@demo');
    await joined.dialog!.bye();
    // A call that is cancelled while ringing.
    const ringing = bob.nextInvite();
    const cancelled = alice.call('sip:1002@demo');
    (await ringing).ring();
    alice.cancel(cancelled);
    await cancelled.final;
    await new Promise((r) => setTimeout(r, 100));
    await Promise.all([alice, bob, dan].map((ua) => ua.close()));
  } finally {
    await t.close();
  }
  return frames;
}

function label(bytes: Buffer): string {
  const first = bytes.toString('latin1').split('\r\n', 1)[0] ?? '';
  const status = /^SIP\/2\.0 (\d{3})/.exec(first)?.[1];
  const cseq = /\r\nCSeq:\s*\d+\s+(\S+)/i.exec(bytes.toString('latin1'))?.[1] ?? '';
  return status ? `${status}-${cseq}` : first.split(' ', 1)[0] ?? 'x';
}

export async function writeCapture(dir = CAPTURED_DIR): Promise<number> {
  const frames = await captureSession();
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.sip')) fs.rmSync(path.join(dir, f));
  frames.forEach((f, i) => {
    const name = `${String(i + 1).padStart(3, '0')}-${f.who}-${f.dir}-${label(f.bytes)}.sip`;
    fs.writeFileSync(path.join(dir, name), f.bytes);
  });
  return frames.length;
}
