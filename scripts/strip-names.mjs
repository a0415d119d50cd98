// Removes the wasm "name" custom section (function names, ~120 KB gzipped)
// from the deployed module and keeps the unstripped module beside the build
// for symbolising a crash trace offline. Only that one section is dropped, so
// code, data and function indices are byte-for-byte what worker-build made:
// a trace's `wasm-function[N]` is function N of build/symbols/index_bg.wasm
// (e.g. `wasm-objdump -x build/symbols/index_bg.wasm | grep 'func\[N\]'`).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const path = process.argv[2] ?? 'build/index_bg.wasm';
const wasm = readFileSync(path);
if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error(`${path} is not a wasm module`);

function leb(at) {
  let value = 0, shift = 0, byte;
  do {
    byte = wasm[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

const kept = [wasm.subarray(0, 8)];
let dropped = 0;
for (let at = 8; at < wasm.length; ) {
  const start = at;
  const id = wasm[at];
  const [size, body] = leb(at + 1);
  const end = body + size;
  if (end > wasm.length) throw new Error(`${path}: section at ${start} runs past the end`);
  let name = '';
  if (id === 0) {
    const [len, text] = leb(body);
    name = wasm.subarray(text, text + len).toString('utf8');
  }
  if (id === 0 && name === 'name') dropped += end - start;
  else kept.push(wasm.subarray(start, end));
  at = end;
}
if (dropped > 0) {
  mkdirSync('build/symbols', { recursive: true });
  writeFileSync('build/symbols/index_bg.wasm', wasm);
  writeFileSync(path, Buffer.concat(kept));
}
console.log(`strip-names: ${dropped} bytes of function names moved to build/symbols/index_bg.wasm`);
