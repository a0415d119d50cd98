// API key secrets: `kr_live_` + 40 base62 characters; only the SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new secret, unbiased (bytes ≥ 248 are rejected so every character is equally likely). */
export function newSecret() {
  let out = '';
  while (out.length < 40) {
    for (const b of randomBytes(64)) if (b < 248 && out.length < 40) out += BASE62[b % 62];
  }
  return `kr_live_${out}`;
}

export const sha256 = (s) => createHash('sha256').update(s).digest('hex');
