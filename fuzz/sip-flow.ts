/**
 * A raw SIP-over-WebSocket connection for the fuzzer: sends arbitrary bytes, counts the
 * responses that come back (5xx ones are findings), remembers the last frames it sent so a
 * finding can show its input, and reconnects when the platform closes it (as it must for an
 * oversized or non-UTF-8 frame).
 */
import WebSocket from 'ws';

export interface SipFinding {
  status: number;
  /** The response's status line and CSeq. */
  response: string;
  /** The frame sent on this connection just before (latin1, shortened). */
  lastSent: string;
  ops: string[];
  flow: string;
}

export interface FlowStats {
  responses: number;
  /** 501, 505, 513: the right answers to an unknown method, a wrong version, a huge message. */
  expected5xx: number;
  fiveXX: SipFinding[];
  closes: Map<number, number>;
}

export function newFlowStats(): FlowStats {
  return { responses: 0, expected5xx: 0, fiveXX: [], closes: new Map() };
}

const short = (s: string, n = 600) => (s.length > n ? `${s.slice(0, n)}... (${s.length} bytes)` : s);

/** Listens on any SIP socket (raw or a test UA's) and records its responses. */
export function watchSocket(ws: WebSocket, name: string, stats: FlowStats, lastSent: () => { text: string; ops: string[] }): void {
  ws.on('message', (data) => {
    const text = String(data);
    const m = /^SIP\/2\.0 (\d{3})[^\r\n]*/.exec(text);
    if (!m) return;
    stats.responses++;
    const status = Number(m[1]);
    if (status === 501 || status === 505 || status === 513) stats.expected5xx++;
    else if (status >= 500 && status < 600) {
      const sent = lastSent();
      const cseq = /\r\nCSeq:[^\r\n]*/i.exec(text)?.[0].trim() ?? '';
      stats.fiveXX.push({ status, response: `${m[0]} | ${cseq}`, lastSent: short(sent.text), ops: sent.ops, flow: name });
    }
  });
  ws.on('close', (code) => stats.closes.set(code, (stats.closes.get(code) ?? 0) + 1));
}

export class RawFlow {
  ws: WebSocket | null = null;
  last: { text: string; ops: string[] } = { text: '', ops: [] };
  reconnects = 0;
  private readonly listeners: Array<(text: string) => void> = [];

  constructor(readonly url: string, readonly name: string, private readonly stats: FlowStats) {}

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  async ensure(): Promise<void> {
    if (this.open) return;
    if (this.ws) this.reconnects++;
    const ws = new WebSocket(this.url, 'sip');
    ws.on('error', () => { /* a refused connection shows as not open */ });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('close', () => reject(new Error('closed during connect')));
    });
    watchSocket(ws, this.name, this.stats, () => this.last);
    ws.on('message', (data) => {
      const text = String(data);
      for (const l of [...this.listeners]) l(text);
    });
    this.ws = ws;
  }

  /** Sends one frame; binary or text frames, as the fuzzer chooses. */
  async send(bytes: Buffer, ops: string[], binary: boolean): Promise<void> {
    await this.ensure();
    this.last = { text: bytes.toString('latin1'), ops };
    this.ws!.send(bytes, { binary });
    // Back-pressure: never queue more than a little in the socket.
    while (this.open && this.ws!.bufferedAmount > 256 * 1024) await new Promise((r) => setTimeout(r, 5));
  }

  /** Resolves with the next message matching `pred` (or null after the timeout). */
  next(pred: (text: string) => boolean, timeoutMs = 3000): Promise<string | null> {
    return new Promise((resolve) => {
      const on = (text: string) => {
        if (!pred(text)) return;
        done(text);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      const done = (v: string | null) => {
        clearTimeout(timer);
        const i = this.listeners.indexOf(on);
        if (i >= 0) this.listeners.splice(i, 1);
        resolve(v);
      };
      this.listeners.push(on);
    });
  }

  close(): void {
    this.ws?.close();
  }
}
