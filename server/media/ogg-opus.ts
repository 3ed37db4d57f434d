/**
 * Ogg Opus files (RFC 7845 in Ogg pages, RFC 3533): the format of prompts, greetings and
 * voicemail messages. Read: the Opus packets of a file, to send as RTP without re-encoding.
 * Write: the Opus packets of a call, page by page, so a file cut off by a crash holds every
 * page written before it. Only what we make and what opusenc makes: one logical stream, mono or
 * stereo, 48 kHz granules.
 */

const OGG_MAGIC = Buffer.from('OggS');
const OPUS_HEAD = Buffer.from('OpusHead');
const OPUS_TAGS = Buffer.from('OpusTags');
/** Samples per second of Opus granule positions, whatever the input rate (RFC 7845 s4). */
export const OPUS_RATE = 48_000;

export interface OpusClip {
  packets: Buffer[];
  /** Total length in samples at 48 kHz (from the last granule position, less the pre-skip). */
  samples: number;
  channels: number;
}

/** The Opus packets of an Ogg Opus file; throws on anything else. */
export function readOggOpus(file: Buffer): OpusClip {
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  let offset = 0;
  let lastGranule = 0n;
  let headerSeen = false;
  let tagsSeen = false;
  let channels = 1;
  let preSkip = 0;
  while (offset < file.length) {
    if (offset + 27 > file.length || !file.subarray(offset, offset + 4).equals(OGG_MAGIC)) throw new Error('not an Ogg file (bad page at byte ' + offset + ')');
    const granule = file.readBigInt64LE(offset + 6);
    const segments = file[offset + 26]!;
    const table = file.subarray(offset + 27, offset + 27 + segments);
    let body = offset + 27 + segments;
    for (const lacing of table) {
      partial.push(file.subarray(body, body + lacing));
      body += lacing;
      if (lacing < 255) {
        const packet = Buffer.concat(partial);
        partial = [];
        if (!headerSeen) {
          if (!packet.subarray(0, 8).equals(OPUS_HEAD)) throw new Error('not an Opus stream (no OpusHead)');
          channels = packet[9]!;
          preSkip = packet.readUInt16LE(10);
          headerSeen = true;
        } else if (!tagsSeen) {
          if (!packet.subarray(0, 8).equals(OPUS_TAGS)) throw new Error('not an Opus stream (no OpusTags)');
          tagsSeen = true;
        } else {
          packets.push(packet);
        }
      }
    }
    if (granule > 0n) lastGranule = granule;
    offset = body;
  }
  if (!tagsSeen) throw new Error('not an Opus stream (truncated headers)');
  return { packets, samples: Math.max(0, Number(lastGranule) - preSkip), channels };
}

/** Samples (at 48 kHz) one Opus packet holds, from its TOC byte (RFC 6716 s3.1). */
export function opusPacketSamples(packet: Buffer): number {
  if (packet.length === 0) return 0;
  const toc = packet[0]!;
  const config = toc >> 3;
  let frame: number;
  if (config < 12) frame = [480, 960, 1920, 2880][config % 4]!; // SILK: 10, 20, 40, 60 ms
  else if (config < 16) frame = [480, 960][config % 2]!; // hybrid: 10, 20 ms
  else frame = [120, 240, 480, 960][config % 4]!; // CELT: 2.5, 5, 10, 20 ms
  const code = toc & 3;
  const count = code === 0 ? 1 : code === 1 || code === 2 ? 2 : (packet[1] ?? 0) & 0x3f;
  return frame * count;
}

/** Writes an Ogg Opus stream a packet at a time; `flush` ends a page (call it about once a second). */
export class OggOpusWriter {
  private readonly serial = Math.floor(Math.random() * 0xffffffff);
  private sequence = 0;
  private granule = 0n;
  private pending: Buffer[] = [];
  private closed = false;

  /** `write` receives each finished page, in order. */
  constructor(private readonly write: (page: Buffer) => void, private readonly channels = 1, private readonly preSkip = 312) {
    const head = Buffer.alloc(19);
    OPUS_HEAD.copy(head, 0);
    head[8] = 1; // version
    head[9] = channels;
    head.writeUInt16LE(preSkip, 10);
    head.writeUInt32LE(OPUS_RATE, 12); // the input rate, for information only
    head.writeInt16LE(0, 16); // output gain
    head[18] = 0; // channel mapping family 0: mono or stereo
    this.page([head], 0n, 0x02);
    const vendor = Buffer.from('Switchboard');
    const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
    OPUS_TAGS.copy(tags, 0);
    tags.writeUInt32LE(vendor.length, 8);
    vendor.copy(tags, 12);
    tags.writeUInt32LE(0, 12 + vendor.length);
    this.page([tags], 0n, 0);
  }

  /** Seconds of audio written (flushed or not). */
  get durationS(): number {
    return Math.max(0, Number(this.granule) - this.preSkip) / OPUS_RATE;
  }

  add(packet: Buffer): void {
    if (this.closed || packet.length === 0) return;
    this.pending.push(packet);
    this.granule += BigInt(opusPacketSamples(packet));
    // A page holds at most 255 segments; keep well under it.
    if (this.pending.length >= 50) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.page(this.pending, this.granule, 0);
    this.pending = [];
  }

  /** The last page, marked end of stream. */
  end(): void {
    if (this.closed) return;
    this.page(this.pending, this.granule, 0x04);
    this.pending = [];
    this.closed = true;
  }

  private page(packets: Buffer[], granule: bigint, flags: number): void {
    const lacing: number[] = [];
    for (const p of packets) {
      let n = p.length;
      while (n >= 255) { lacing.push(255); n -= 255; }
      lacing.push(n);
    }
    const header = Buffer.alloc(27 + lacing.length);
    OGG_MAGIC.copy(header, 0);
    header[4] = 0;
    header[5] = flags;
    header.writeBigInt64LE(granule, 6);
    header.writeUInt32LE(this.serial, 14);
    header.writeUInt32LE(this.sequence++, 18);
    header.writeUInt32LE(0, 22);
    header[26] = lacing.length;
    Buffer.from(lacing).copy(header, 27);
    const page = Buffer.concat([header, ...packets]);
    page.writeUInt32LE(oggCrc(page), 22);
    this.write(page);
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32 (polynomial 0x04c11db7, no reflection, zero start), over the page with its CRC field zero. */
function oggCrc(page: Buffer): number {
  let crc = 0;
  for (const byte of page) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc >>> 0;
}
