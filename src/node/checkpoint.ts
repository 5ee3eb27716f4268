import { existsSync, readFileSync } from 'node:fs';
import { MpoError } from '../core/errors.js';
import type { ParamValues } from '../core/plane/params.js';
import type { RngState } from '../core/random.js';
import { writeFileAtomic } from './output/atomic.js';

const MAGIC = 'MPOCKPT1';

/**
 * Everything needed to continue a fit exactly where it stopped: theta, Adam's moments,
 * the random generator's state and the step. Written atomically as one file:
 * `MPOCKPT1`, a little-endian u32 header length, a JSON header, then float32 data.
 */
export interface Checkpoint {
  /** Model registry name the plane belongs to. */
  readonly model: string;
  /** Manifold dimension (2 for a plane). */
  readonly dims: number;
  /** Completed training steps. */
  readonly step: number;
  /** Random generator state after `step` steps. */
  readonly rng: RngState;
  /** theta: `origin/<param>`, `up/<param>`, `phi_right/<param>`, `scale`. */
  readonly theta: ParamValues;
  /** Adam's step count and moments (same keys as theta). */
  readonly adam: { step: number; m: ParamValues; v: ParamValues };
  /** Free-form extra state (e.g. elapsed seconds). */
  readonly extra?: Record<string, unknown>;
}

/** Serialises a checkpoint to bytes. */
export function encodeCheckpoint(c: Checkpoint): Buffer {
  const entries: { group: string; key: string; length: number }[] = [];
  const arrays: Float32Array[] = [];
  for (const [group, values] of [['theta', c.theta], ['m', c.adam.m], ['v', c.adam.v]] as const) {
    for (const [key, arr] of Object.entries(values)) {
      entries.push({ group, key, length: arr.length });
      arrays.push(arr);
    }
  }
  const header = Buffer.from(JSON.stringify({
    version: 1, model: c.model, dims: c.dims, step: c.step, rng: c.rng, adamStep: c.adam.step, extra: c.extra ?? {}, entries,
  }));
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = Buffer.alloc(8 + 4 + header.length + total * 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  let off = 12 + header.length;
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, off);
    off += a.byteLength;
  }
  return out;
}

/** Parses checkpoint bytes; `name` is used in error messages. */
export function decodeCheckpoint(buf: Buffer, name: string): Checkpoint {
  const corrupt = (why: string) =>
    new MpoError(`checkpoint "${name}" is corrupt (${why}): delete it and start the run again, or resume from a copy`);
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) throw corrupt('not an mpo checkpoint');
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw corrupt('truncated header');
  let h: { model: string; dims: number; step: number; rng: RngState; adamStep: number; extra: Record<string, unknown>;
    entries: { group: string; key: string; length: number }[] };
  try {
    h = JSON.parse(buf.toString('utf8', 12, 12 + hlen));
  } catch {
    throw corrupt('unreadable header');
  }
  const total = h.entries.reduce((n, e) => n + e.length, 0);
  if (buf.length !== 12 + hlen + total * 4) throw corrupt(`expected ${12 + hlen + total * 4} bytes, found ${buf.length}`);
  const groups: Record<string, ParamValues> = { theta: {}, m: {}, v: {} };
  let off = 12 + hlen;
  for (const e of h.entries) {
    const arr = new Float32Array(e.length);
    Buffer.from(arr.buffer).set(buf.subarray(off, off + e.length * 4));
    groups[e.group][e.key] = arr;
    off += e.length * 4;
  }
  return {
    model: h.model, dims: h.dims, step: h.step, rng: h.rng, theta: groups.theta,
    adam: { step: h.adamStep, m: groups.m, v: groups.v }, extra: h.extra,
  };
}

/** Writes a checkpoint atomically (a crash leaves the previous one intact). */
export function saveCheckpoint(path: string, c: Checkpoint): void {
  writeFileAtomic(path, encodeCheckpoint(c));
}

/** Reads a checkpoint, with a one-line MpoError when it is missing or corrupt. */
export function loadCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new MpoError(`no checkpoint at "${path}": pass the output folder of an mpo fit run`);
  return decodeCheckpoint(readFileSync(path), path);
}
