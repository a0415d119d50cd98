#!/usr/bin/env node
// Writes dashboard/favicon.ico (served as /favicon.ico) from the shapes of
// dashboard/icon.svg: a blue rounded square with a white check mark. The ICO
// holds 16, 32 and 48 px PNG images, drawn here with 8x8 supersampling and
// encoded with node:zlib only. Run it after changing the icon; the .ico is
// committed, so the build does not need this.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The shapes, in the SVG's 32x32 viewBox (keep in step with icon.svg).
const RX = 6;
const BLUE = [0x0b, 0x57, 0xd0];
const WHITE = [0xff, 0xff, 0xff];
const CHECK = [[8.5, 16.5], [13.5, 21.5], [23.5, 10.5]];
const STROKE = 4;

const inRoundedSquare = (x, y) => {
  if (x < 0 || y < 0 || x > 32 || y > 32) return false;
  const cx = Math.min(Math.max(x, RX), 32 - RX);
  const cy = Math.min(Math.max(y, RX), 32 - RX);
  return (x - cx) ** 2 + (y - cy) ** 2 <= RX * RX;
};
// Round caps and joins: within STROKE/2 of any segment of the polyline.
const inCheck = (x, y) => CHECK.slice(1).some(([bx, by], i) => {
  const [ax, ay] = CHECK[i];
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= (STROKE / 2) ** 2;
});

function render(size) {
  const N = 8;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let a = 0, r = 0, g = 0, b = 0;
      for (let sy = 0; sy < N; sy++) {
        for (let sx = 0; sx < N; sx++) {
          const x = ((px + (sx + 0.5) / N) * 32) / size;
          const y = ((py + (sy + 0.5) / N) * 32) / size;
          if (!inRoundedSquare(x, y)) continue;
          const c = inCheck(x, y) ? WHITE : BLUE;
          a++; r += c[0]; g += c[1]; b += c[2];
        }
      }
      const o = (py * size + px) * 4;
      if (a) rgba.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((a * 255) / (N * N))], o);
    }
  }
  return rgba;
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size) {
  const rgba = render(size);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter, no interlace
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ICONDIR, one ICONDIRENTRY per image, then the PNGs.
const images = [16, 32, 48].map((size) => ({ size, data: png(size) }));
const head = Buffer.alloc(6 + 16 * images.length);
head.writeUInt16LE(0, 0);
head.writeUInt16LE(1, 2); // 1 = icon
head.writeUInt16LE(images.length, 4);
let offset = head.length;
images.forEach(({ size, data }, i) => {
  const e = 6 + 16 * i;
  head.set([size, size, 0, 0], e); // width, height, no palette, reserved
  head.writeUInt16LE(1, e + 4); // colour planes
  head.writeUInt16LE(32, e + 6); // bits per pixel
  head.writeUInt32LE(data.length, e + 8);
  head.writeUInt32LE(offset, e + 12);
  offset += data.length;
});
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'dashboard', 'favicon.ico');
const ico = Buffer.concat([head, ...images.map((i) => i.data)]);
writeFileSync(out, ico);
console.error(`favicon.ico: ${images.map((i) => `${i.size} px`).join(', ')}; ${ico.length} B`);
