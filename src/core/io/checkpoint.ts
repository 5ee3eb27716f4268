/**
 * The checkpoint format, isomorphic (Node and browsers: only `Uint8Array`, `DataView`,
 * `TextEncoder` and `TextDecoder`). {@link encodeCheckpoint} writes `MPOCKPT2`:
 *
 *     bytes 0..7    the ASCII magic `MPOCKPT2`
 *     bytes 8..11   header length L, unsigned 32-bit little-endian
 *     bytes 12..15  CRC-32 (src/core/io/crc32.ts) of every byte from 16 to the end (header and
 *                   values), unsigned 32-bit little-endian
 *     bytes 16..    L bytes of UTF-8 JSON: { version: 2, model, dims, step, rng, adamStep, extra,
 *                   entries: [{ group: 'theta' | 'm' | 'v', key, length }, ...] }
 *     then          the entries' float32 values (little-endian), in entry order, no padding
 *
 * {@link decodeCheckpoint} also reads the older `MPOCKPT1` (the same without the CRC: the header
 * at byte 12, `version: 1`), which cannot be checked for damage. Entries are theta's keys in
 * insertion order, then Adam's m, then v. `src/node/checkpoint.ts` adds file reading and atomic
 * writing; a browser saves {@link encodeCheckpoint}'s bytes as a download, and `mpo eval` reads them.
 */
import { check, MpoError } from '../errors.js';
import type { ParamValues } from '../plane/params.js';
import type { RngState } from '../random.js';
import type { Model } from '../models/model.js';
import { stateFromValues, stateValues, type PlaneState } from '../training/plane-state.js';
import { crc32 } from './crc32.js';

/** The 8 bytes a checkpoint written now starts with (format 2, with a CRC-32 of the payload). */
export const CHECKPOINT_MAGIC = 'MPOCKPT2';

/** The 8 bytes of the first format (no checksum), still read by {@link decodeCheckpoint}. */
export const CHECKPOINT_MAGIC_V1 = 'MPOCKPT1';

/** The format of checkpoint bytes from their magic: 2 (checksummed), 1 (no checksum) or null (not a checkpoint). */
export function checkpointFormat(bytes: Uint8Array): 1 | 2 | null {
  let magic = '';
  for (let i = 0; i < Math.min(8, bytes.length); i++) magic += String.fromCharCode(bytes[i]!);
  return magic === CHECKPOINT_MAGIC ? 2 : magic === CHECKPOINT_MAGIC_V1 ? 1 : null;
}

/**
 * Everything needed to continue a fit exactly where it stopped: theta, Adam's moments,
 * the random generator's state and the step. Serialised by {@link encodeCheckpoint}.
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
  readonly adam: { step: number; m: ParamValues; v: ParamValues; };
  /** Free-form extra state (e.g. elapsed seconds). */
  readonly extra?: Record<string, unknown>;
}

type Group = 'theta' | 'm' | 'v';
interface Entry {
  group: Group;
  key: string;
  length: number;
}

/** Bytes before the header: magic and header length (format 1), plus the CRC-32 (format 2). */
const HEAD_V1 = 12;
const HEAD_V2 = 16;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkValues(values: unknown, what: string): asserts values is ParamValues {
  check(typeof values === 'object' && values !== null, `encodeCheckpoint: ${what} must be an object of Float32Arrays`);
  for (const [k, v] of Object.entries(values)) {
    check(v instanceof Float32Array, `encodeCheckpoint: ${what}["${k}"] must be a Float32Array, got ${Object.prototype.toString.call(v)}`);
  }
}

/**
 * Serialises a checkpoint to `MPOCKPT2` bytes (the layout in this module's comment: the
 * `MPOCKPT1` layout the Node `Buffer` version of mpo wrote, plus a CRC-32). Throws an MpoError
 * when `c` is not a checkpoint (a value that is not a Float32Array, a missing field).
 */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  check(typeof c === 'object' && c !== null, 'encodeCheckpoint: c must be a checkpoint object');
  check(typeof c.model === 'string', `encodeCheckpoint: c.model must be a model name, got ${String(c.model)}`);
  check(typeof c.adam === 'object' && c.adam !== null, 'encodeCheckpoint: c.adam must hold { step, m, v }');
  checkValues(c.theta, 'c.theta');
  checkValues(c.adam.m, 'c.adam.m');
  checkValues(c.adam.v, 'c.adam.v');
  const entries: Entry[] = [];
  const arrays: Float32Array[] = [];
  for (const [group, values] of [['theta', c.theta], ['m', c.adam.m], ['v', c.adam.v]] as const) {
    for (const [key, arr] of Object.entries(values)) {
      entries.push({ group, key, length: arr.length });
      arrays.push(arr);
    }
  }
  const header = new TextEncoder().encode(JSON.stringify({
    version: 2,
    model: c.model,
    dims: c.dims,
    step: c.step,
    rng: c.rng,
    adamStep: c.adam.step,
    extra: c.extra ?? {},
    entries,
  }));
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(HEAD_V2 + header.length + total * 4);
  for (let i = 0; i < 8; i++) out[i] = CHECKPOINT_MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(8, header.length, true);
  out.set(header, HEAD_V2);
  let off = HEAD_V2 + header.length;
  for (const a of arrays) {
    if (LITTLE_ENDIAN) out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    else for (let i = 0; i < a.length; i++) view.setFloat32(off + 4 * i, a[i]!, true);
    off += a.byteLength;
  }
  view.setUint32(12, crc32(out.subarray(HEAD_V2)), true);
  return out;
}

function isHeader(h: unknown): h is {
  model: string;
  dims: number;
  step: number;
  rng: RngState;
  adamStep: number;
  extra?: Record<string, unknown>;
  entries: Entry[];
} {
  if (typeof h !== 'object' || h === null) return false;
  const o = h as Record<string, unknown>;
  return typeof o.model === 'string' && Array.isArray(o.entries) && o.entries.every((e: unknown) => {
    const x = e as Entry | null;
    return typeof x === 'object' && x !== null && (x.group === 'theta' || x.group === 'm' || x.group === 'v')
      && typeof x.key === 'string' && Number.isInteger(x.length) && x.length >= 0;
  });
}

/**
 * Parses checkpoint bytes (`MPOCKPT2`, or the unchecked `MPOCKPT1`). `name` (a file name, or any
 * label) is used in error messages: bytes that are not a whole, undamaged checkpoint give a
 * one-line MpoError
 * `checkpoint "<name>" is corrupt (<why>): it cannot be read; use an undamaged copy`, where
 * `<why>` is e.g. `checksum mismatch` (a changed byte) or `expected N bytes, found M` (Node's
 * `loadCheckpoint` replaces the advice with one that fits the run folder).
 * The arrays returned are copies (they do not share memory with `bytes`).
 */
export function decodeCheckpoint(bytes: Uint8Array, name: string): Checkpoint {
  check(bytes instanceof Uint8Array, `decodeCheckpoint: bytes must be a Uint8Array (or Buffer), got ${Object.prototype.toString.call(bytes)}`);
  const corrupt = (why: string) => new MpoError(`checkpoint "${name}" is corrupt (${why}): it cannot be read; use an undamaged copy`);
  const format = checkpointFormat(bytes);
  const start = format === 2 ? HEAD_V2 : HEAD_V1;
  if (format === null || bytes.length < start) throw corrupt('not an mpo checkpoint');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = view.getUint32(8, true);
  if (start + hlen > bytes.length) throw corrupt('truncated header');
  let h: unknown;
  try {
    h = JSON.parse(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(start, start + hlen)));
  } catch {
    h = undefined;
  }
  const expected = isHeader(h) ? start + hlen + h.entries.reduce((n, e) => n + e.length, 0) * 4 : null;
  if (expected !== null && bytes.length !== expected) throw corrupt(`expected ${expected} bytes, found ${bytes.length}`);
  if (format === 2 && crc32(bytes.subarray(HEAD_V2)) !== view.getUint32(12, true)) throw corrupt('checksum mismatch');
  if (!isHeader(h)) throw corrupt('unreadable header');
  const groups: Record<Group, ParamValues> = { theta: {}, m: {}, v: {} };
  let off = start + hlen;
  for (const e of h.entries) {
    const arr = new Float32Array(e.length);
    if (LITTLE_ENDIAN) new Uint8Array(arr.buffer).set(bytes.subarray(off, off + e.length * 4));
    else for (let i = 0; i < e.length; i++) arr[i] = view.getFloat32(off + 4 * i, true);
    groups[e.group][e.key] = arr;
    off += e.length * 4;
  }
  return {
    model: h.model,
    dims: h.dims,
    step: h.step,
    rng: h.rng,
    theta: groups.theta,
    adam: { step: h.adamStep, m: groups.m, v: groups.v },
    extra: h.extra,
  };
}

/**
 * The checkpoint of a plane `state` of `model`: theta, Adam's state, the random generator's
 * state and the step, plus `extra` (e.g. `{ seconds }`, the training time so far, which
 * `mpo fit --resume` and `mpo eval` read). The values are copied out of the tensors, read asynchronously.
 */
export async function checkpointOf(model: Model, state: PlaneState, extra: Record<string, unknown> = {}): Promise<Checkpoint> {
  check(model && typeof model.name === 'string', 'checkpointOf: model must be an mpo Model');
  check(state && typeof state.vars === 'object' && state.adam, 'checkpointOf: state must be a PlaneState');
  const v = await stateValues(state);
  const copy = (p: ParamValues): ParamValues => Object.fromEntries(Object.entries(p).map(([k, a]) => [k, Float32Array.from(a)]));
  return {
    model: model.name,
    dims: state.dims,
    step: state.step,
    rng: state.rng.state(),
    theta: copy(v.theta),
    adam: { step: state.adam.step, m: copy(v.adamM), v: copy(v.adamV) },
    extra: { ...extra },
  };
}

/**
 * Rebuilds the plane state saved in `ckpt` for `model` (new tf.Variables: free them with
 * `disposePlaneState`). Throws an MpoError when the checkpoint was saved for another model
 * or its parameters do not fit the model's shapes (e.g. another dataset's input size).
 */
export function stateOfCheckpoint(model: Model, ckpt: Checkpoint): PlaneState {
  check(model && Array.isArray(model.params), 'stateOfCheckpoint: model must be an mpo Model');
  check(ckpt && typeof ckpt.theta === 'object', 'stateOfCheckpoint: ckpt must be a Checkpoint (see decodeCheckpoint)');
  check(ckpt.model === model.name, `checkpoint is for model ${ckpt.model}, not ${model.name}: load it with the model it was saved with`);
  return stateFromValues(model.params, ckpt.theta, ckpt.dims, ckpt.rng, ckpt.step, ckpt.adam);
}
