/**
 * Renders Switchboard's icons from code: `node --import tsx scripts/make-icons.ts`.
 *
 * One geometry (SVG path data in a 24-unit box) feeds both the SVG files and a small
 * supersampling rasterizer, so icon.svg and the PNGs cannot drift apart. PNGs are encoded with
 * node:zlib only (no ImageMagick or canvas on the build machines).
 *
 * Output (all in icons/):
 *   icon.svg                  source artwork, also the SVG favicon
 *   icon-192.png, icon-512.png          purpose "any": glyph on a rounded square
 *   icon-maskable-512.png     purpose "maskable": full bleed, glyph inside the 80% safe zone
 *   apple-touch-icon-180.png  iOS ignores the manifest and wants an opaque square
 *   favicon-32.png            PNG favicon fallback
 *   shortcut-new-call-96.png, shortcut-contacts-96.png   manifest shortcut icons
 */
import { deflateSync, crc32 } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'icons');

/** Brand colours; keep in step with src/styles/tokens.ts and manifest.webmanifest. */
const BRAND_TOP = '#2b5ce6';
const BRAND_BOTTOM = '#1a3fae';
const GLYPH = '#ffffff';

// ---------------------------------------------------------------------------------------------
// Geometry, in a 24 x 24 box (SVG path syntax: absolute M, L, C, Z only)

/** A telephone handset: earpiece top left, mouthpiece bottom right, curved grip between. */
const HANDSET =
  'M6.1 2.6 C6.9 2.3 7.8 2.6 8.2 3.4 L10.0 7.0 C10.4 7.8 10.2 8.7 9.5 9.2 L8.2 10.2 ' +
  'C9.2 12.4 11.6 14.8 13.8 15.8 L14.8 14.5 C15.3 13.8 16.2 13.6 17.0 14.0 L20.6 15.8 ' +
  'C21.4 16.2 21.7 17.1 21.4 17.9 L20.6 19.9 C20.2 20.9 19.2 21.5 18.1 21.4 ' +
  'C10.2 20.6 3.4 13.8 2.6 5.9 C2.5 4.8 3.1 3.8 4.1 3.4 Z';

/** Three patch-board jacks, the "switchboard" in the name. */
const JACKS: Array<[number, number, number]> = [
  [14.2, 4.6, 1.45],
  [19.4, 4.6, 1.45],
  [19.4, 9.8, 1.45],
];

/** A plus sign for the "New Call" shortcut (replaces the jacks). */
const PLUS = 'M16.2 2.8 H18.6 V5.8 H21.6 V8.2 H18.6 V11.2 H16.2 V8.2 H13.2 V5.8 H16.2 Z';

/** A person (head and shoulders) for the "Contacts" shortcut. */
const PERSON =
  circlePath(12, 8, 4.2) +
  ' M4.2 20.2 C4.2 16.3 7.6 14.0 12 14.0 C16.4 14.0 19.8 16.3 19.8 20.2 ' +
  'C19.8 20.8 19.4 21.2 18.8 21.2 L5.2 21.2 C4.6 21.2 4.2 20.8 4.2 20.2 Z';

function circlePath(cx: number, cy: number, r: number): string {
  const k = 0.5523 * r; // cubic Bezier approximation of a quarter circle
  const f = (n: number) => +n.toFixed(3);
  return (
    `M${f(cx + r)} ${f(cy)} ` +
    `C${f(cx + r)} ${f(cy + k)} ${f(cx + k)} ${f(cy + r)} ${f(cx)} ${f(cy + r)} ` +
    `C${f(cx - k)} ${f(cy + r)} ${f(cx - r)} ${f(cy + k)} ${f(cx - r)} ${f(cy)} ` +
    `C${f(cx - r)} ${f(cy - k)} ${f(cx - k)} ${f(cy - r)} ${f(cx)} ${f(cy - r)} ` +
    `C${f(cx + k)} ${f(cy - r)} ${f(cx + r)} ${f(cy - k)} ${f(cx + r)} ${f(cy)} Z`
  );
}

function roundedRectPath(x: number, y: number, w: number, h: number, r: number): string {
  const k = 0.5523 * r;
  return (
    `M${x + r} ${y} L${x + w - r} ${y} C${x + w - r + k} ${y} ${x + w} ${y + r - k} ${x + w} ${y + r} ` +
    `L${x + w} ${y + h - r} C${x + w} ${y + h - r + k} ${x + w - r + k} ${y + h} ${x + w - r} ${y + h} ` +
    `L${x + r} ${y + h} C${x + r - k} ${y + h} ${x} ${y + h - r + k} ${x} ${y + h - r} ` +
    `L${x} ${y + r} C${x} ${y + r - k} ${x + r - k} ${y} ${x + r} ${y} Z`
  );
}

const SWITCHBOARD_GLYPH = [HANDSET, ...JACKS.map(([cx, cy, r]) => circlePath(cx, cy, r))].join(' ');
const NEW_CALL_GLYPH = `${HANDSET} ${PLUS}`;

// ---------------------------------------------------------------------------------------------
// Path parsing and flattening

type Point = [number, number];
type Polygon = Point[];

/** Parses M/L/H/V/C/Z (absolute) into flattened closed polygons. */
function flatten(d: string, transform: (p: Point) => Point, tolerance = 0.25): Polygon[] {
  const tokens = d.match(/[MLHVCZ]|-?\d*\.?\d+/g) ?? [];
  const polys: Polygon[] = [];
  let current: Polygon = [];
  let pen: Point = [0, 0];
  let i = 0;
  let command = '';
  const num = () => Number(tokens[i++]);
  while (i < tokens.length) {
    if (/[MLHVCZ]/.test(tokens[i]!)) command = tokens[i++]!;
    switch (command) {
      case 'M':
        if (current.length) polys.push(current);
        pen = [num(), num()];
        current = [transform(pen)];
        command = 'L'; // implicit lineto after moveto
        break;
      case 'L':
        pen = [num(), num()];
        current.push(transform(pen));
        break;
      case 'H':
        pen = [num(), pen[1]];
        current.push(transform(pen));
        break;
      case 'V':
        pen = [pen[0], num()];
        current.push(transform(pen));
        break;
      case 'C': {
        const p0 = transform(pen);
        const p1 = transform([num(), num()]);
        const p2 = transform([num(), num()]);
        pen = [num(), num()];
        const p3 = transform(pen);
        const length =
          Math.hypot(p1[0] - p0[0], p1[1] - p0[1]) +
          Math.hypot(p2[0] - p1[0], p2[1] - p1[1]) +
          Math.hypot(p3[0] - p2[0], p3[1] - p2[1]);
        const steps = Math.max(4, Math.ceil(length / tolerance));
        for (let s = 1; s <= steps; s++) {
          const t = s / steps;
          const u = 1 - t;
          const a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, e = t * t * t;
          current.push([
            a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0],
            a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1],
          ]);
        }
        break;
      }
      case 'Z':
        if (current.length) polys.push(current);
        current = [];
        break;
      default:
        throw new Error(`unsupported path command ${command}`);
    }
  }
  if (current.length) polys.push(current);
  return polys;
}

// ---------------------------------------------------------------------------------------------
// Rasterizing: nonzero winding, SS x SS samples per pixel

const SS = 5;

/** Returns per-pixel coverage in [0, 1] for the polygons (device pixel coordinates). */
function coverage(polys: Polygon[], size: number): Float32Array {
  const cov = new Float32Array(size * size);
  const edges: Array<{ x0: number; y0: number; x1: number; y1: number; dir: number }> = [];
  for (const poly of polys) {
    for (let k = 0; k < poly.length; k++) {
      const [ax, ay] = poly[k]!;
      const [bx, by] = poly[(k + 1) % poly.length]!;
      if (ay === by) continue;
      edges.push(ay < by ? { x0: ax, y0: ay, x1: bx, y1: by, dir: 1 } : { x0: bx, y0: by, x1: ax, y1: ay, dir: -1 });
    }
  }
  const weight = 1 / (SS * SS);
  const crossings: Array<[number, number]> = [];
  for (let sy = 0; sy < size * SS; sy++) {
    const y = (sy + 0.5) / SS;
    crossings.length = 0;
    for (const e of edges) {
      if (y < e.y0 || y >= e.y1) continue;
      crossings.push([e.x0 + ((y - e.y0) / (e.y1 - e.y0)) * (e.x1 - e.x0), e.dir]);
    }
    if (!crossings.length) continue;
    crossings.sort((a, b) => a[0] - b[0]);
    const row = Math.floor(sy / SS) * size;
    let winding = 0;
    for (let c = 0; c < crossings.length - 1; c++) {
      winding += crossings[c]![1];
      if (winding === 0) continue;
      // Fill sample columns whose centres lie in [left, right).
      const left = Math.max(0, Math.ceil(crossings[c]![0] * SS - 0.5));
      const right = Math.min(size * SS, Math.ceil(crossings[c + 1]![0] * SS - 0.5));
      for (let sx = left; sx < right; sx++) cov[row + Math.floor(sx / SS)]! += weight;
    }
  }
  return cov;
}

// ---------------------------------------------------------------------------------------------
// Compositing

type RGB = [number, number, number];

function hex(color: string): RGB {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

class Canvas {
  /** Straight (non-premultiplied) RGBA, 0..1. */
  readonly px: Float32Array;
  constructor(readonly size: number) {
    this.px = new Float32Array(size * size * 4);
  }

  /** Paints `d` (24-unit box) scaled so the box spans `box` pixels at (`x`, `y`). */
  fill(d: string, x: number, y: number, box: number, paint: (px: number, py: number) => RGB): void {
    const s = box / 24;
    const cov = coverage(flatten(d, ([u, v]) => [x + u * s, y + v * s]), this.size);
    for (let i = 0; i < cov.length; i++) {
      const a = Math.min(1, cov[i]!);
      if (a <= 0) continue;
      const [r, g, b] = paint(i % this.size, Math.floor(i / this.size)).map((c) => c / 255) as RGB;
      const o = i * 4;
      const da = this.px[o + 3]!;
      const outA = a + da * (1 - a);
      this.px[o] = (r * a + this.px[o]! * da * (1 - a)) / outA;
      this.px[o + 1] = (g * a + this.px[o + 1]! * da * (1 - a)) / outA;
      this.px[o + 2] = (b * a + this.px[o + 2]! * da * (1 - a)) / outA;
      this.px[o + 3] = outA;
    }
  }

  png(): Buffer {
    const { size } = this;
    const raw = Buffer.alloc((size * 4 + 1) * size);
    for (let y = 0; y < size; y++) {
      raw[y * (size * 4 + 1)] = 0; // filter: none
      for (let x = 0; x < size * 4; x++) {
        raw[y * (size * 4 + 1) + 1 + x] = Math.round(Math.min(1, Math.max(0, this.px[y * size * 4 + x]!)) * 255);
      }
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(size, 0);
    ihdr.writeUInt32BE(size, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 6; // colour type RGBA
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Vertical brand gradient for a tile spanning rows [top, top + height). */
function gradient(top: number, height: number): (px: number, py: number) => RGB {
  const a = hex(BRAND_TOP);
  const b = hex(BRAND_BOTTOM);
  return (_px, py) => {
    const t = Math.min(1, Math.max(0, (py - top) / height));
    return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
  };
}

interface IconSpec {
  size: number;
  glyph: string;
  /** Full-bleed square (maskable, apple-touch) instead of a rounded tile with transparent corners. */
  bleed: boolean;
  /** Glyph box as a fraction of the icon size. */
  glyphScale: number;
}

function render({ size, glyph, bleed, glyphScale }: IconSpec): Buffer {
  const canvas = new Canvas(size);
  const white = hex(GLYPH);
  if (bleed) {
    canvas.fill('M0 0 L24 0 L24 24 L0 24 Z', 0, 0, size, gradient(0, size));
  } else {
    // A small margin so the tile looks the same size as other apps' tiles.
    const inset = size * 0.04;
    const box = size - 2 * inset;
    canvas.fill(roundedRectPath(0, 0, 24, 24, 5.2), inset, inset, box, gradient(inset, box));
  }
  const box = size * glyphScale;
  canvas.fill(glyph, (size - box) / 2, (size - box) / 2, box, () => white);
  return canvas.png();
}

function svg(): string {
  // Same numbers as render() for a non-bleed tile: 4% inset, glyph box 58%.
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" role="img" aria-label="Switchboard">
  <defs>
    <linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${BRAND_TOP}"/>
      <stop offset="1" stop-color="${BRAND_BOTTOM}"/>
    </linearGradient>
  </defs>
  <path fill="url(#g)" transform="translate(0.96 0.96) scale(0.92)" d="${roundedRectPath(0, 0, 24, 24, 5.2)}"/>
  <path fill="${GLYPH}" transform="translate(5.04 5.04) scale(0.58)" d="${SWITCHBOARD_GLYPH}"/>
</svg>
`;
}

// ---------------------------------------------------------------------------------------------

/**
 * Maskable safe zone: a circle of radius 0.4 * size. The glyph's farthest point from the centre
 * of its 24-unit box is about 13.3 units (a jack's outer edge), so a box of 0.58 * size keeps it
 * within 0.58 * 13.3 / 24 = 0.32 * size of the centre, well inside.
 */
const icons: Record<string, IconSpec> = {
  'icon-192.png': { size: 192, glyph: SWITCHBOARD_GLYPH, bleed: false, glyphScale: 0.58 },
  'icon-512.png': { size: 512, glyph: SWITCHBOARD_GLYPH, bleed: false, glyphScale: 0.58 },
  'icon-maskable-512.png': { size: 512, glyph: SWITCHBOARD_GLYPH, bleed: true, glyphScale: 0.58 },
  'apple-touch-icon-180.png': { size: 180, glyph: SWITCHBOARD_GLYPH, bleed: true, glyphScale: 0.62 },
  'favicon-32.png': { size: 32, glyph: SWITCHBOARD_GLYPH, bleed: false, glyphScale: 0.66 },
  'shortcut-new-call-96.png': { size: 96, glyph: NEW_CALL_GLYPH, bleed: false, glyphScale: 0.6 },
  'shortcut-contacts-96.png': { size: 96, glyph: PERSON, bleed: false, glyphScale: 0.6 },
};

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'icon.svg'), svg());
for (const [name, spec] of Object.entries(icons)) {
  const png = render(spec);
  writeFileSync(join(OUT_DIR, name), png);
  console.log(`icons/${name}  ${spec.size}x${spec.size}  ${png.length} bytes`);
}
console.log('icons/icon.svg');
