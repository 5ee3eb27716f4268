import * as tf from '@tensorflow/tfjs-core';
import { backendSelfTest, firstLine, parseIdxImagesRaw, parseIdxLabelsRaw, type TrainData } from '../../src/core/index.js';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { type BackendName, softwareGpuAllowed } from './protocol.js';

/** Test images shown for a clicked cell. */
const PROBE_IMAGES = 8;

/** The test set on the device, with its raw pixels (for the probe's pictures). */
export interface TestData {
  x: tf.Tensor4D;
  labels: Int32Array;
  pixels: Uint8Array;
}

/** The app's data: training and test sets, and the test images the probe shows. */
export interface AppData {
  train: TrainData;
  test: TestData;
  /** Indices of the probe's test images: the first one of each of the first PROBE_IMAGES classes seen. */
  probeIdx: number[];
}

/** Reports the bytes of a file loaded so far (`total`: 0 when unknown). */
export type ProgressFn = (label: string, loaded: number, total: number) => void;

/** Reads a static file with progress, gunzipping `.gz` files with the browser's DecompressionStream. */
async function fetchBytes(base: string, name: string, label: string, progress: ProgressFn): Promise<Uint8Array> {
  const url = new URL(`data/${name}`, base);
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`cannot load ${url.pathname} (HTTP ${res.status}): serve the app with npm run app or from its build folder`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    progress(label, loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.length;
  }
  if (!name.endsWith('.gz')) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Loads the embedded FashionMNIST subset (under `data/` of the page at `base`) onto the device. */
export async function loadData(base: string, progress: ProgressFn): Promise<AppData> {
  const [trImg, trLab, teImg, teLab] = [
    await fetchBytes(base, 'train-images-idx3-ubyte.gz', 'training images', progress),
    await fetchBytes(base, 'train-labels-idx1-ubyte.gz', 'training labels', progress),
    await fetchBytes(base, 't10k-images-idx3-ubyte.gz', 'test images', progress),
    await fetchBytes(base, 't10k-labels-idx1-ubyte.gz', 'test labels', progress),
  ];
  const toTensor = (img: ReturnType<typeof parseIdxImagesRaw>) => {
    const f = new Float32Array(img.pixels.length);
    for (let i = 0; i < f.length; i++) f[i] = img.pixels[i] / 255;
    return tf.tensor4d(f, [img.n, img.height, img.width, 1]);
  };
  const ti = parseIdxImagesRaw(trImg, 'train-images-idx3-ubyte.gz');
  const tl = parseIdxLabelsRaw(trLab, 'train-labels-idx1-ubyte.gz', 10);
  const ei = parseIdxImagesRaw(teImg, 't10k-images-idx3-ubyte.gz');
  const el = parseIdxLabelsRaw(teLab, 't10k-labels-idx1-ubyte.gz', 10);
  const train = { x: toTensor(ti), labels: Int32Array.from(tl.labels), numClasses: 10 };
  const test = { x: toTensor(ei), labels: Int32Array.from(el.labels), pixels: ei.pixels };
  // The probe shows the first test image of each of PROBE_IMAGES classes.
  const probeIdx: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < el.n && probeIdx.length < PROBE_IMAGES; i++) {
    if (!seen.has(el.labels[i])) {
      seen.add(el.labels[i]);
      probeIdx.push(i);
    }
  }
  return { train, test, probeIdx };
}

/**
 * Why WebGPU is not used here, or null: it needs an adapter, a hardware one unless
 * `allowSoftware` (SwiftShader and fallback adapters are slower than wasm), a backend that starts,
 * and the core's self-test against wasm ({@link backendSelfTest}: matMul, conv2d with gradients,
 * addN and a sum of scalars, an MPO step of the MLP and of the CNN, within a relative 1e-4;
 * tfjs-backend-webgpu 4.22 returns zeros from `addN` of 8+ and from `dataSync` in Chromium).
 * The wasm backend's paths must be set before (the self-test starts wasm as its reference).
 * Leaves webgpu active when it returns null.
 */
async function webgpuProblem(allowSoftware: boolean): Promise<string | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown>; }; }).gpu;
  if (!gpu) return 'this browser has no WebGPU';
  const adapter = (await gpu.requestAdapter()) as {
    isFallbackAdapter?: boolean;
    info?: { description?: string; architecture?: string; isFallbackAdapter?: boolean; };
  } | null;
  if (!adapter) return 'no WebGPU adapter';
  const desc = `${adapter.info?.description ?? ''} ${adapter.info?.architecture ?? ''}`.toLowerCase();
  const software = adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter || desc.includes('swiftshader');
  if (software && !allowSoftware) return 'WebGPU runs in software here (slower than wasm)';
  if (!(await tf.setBackend('webgpu')) || tf.getBackend() !== 'webgpu') return 'the WebGPU backend did not start';
  const problem = await backendSelfTest('webgpu', { reference: 'wasm' });
  return problem && `in its self-test, ${problem}`;
}

/**
 * Starts the TF.js backend `backend` (the wasm binaries next to the worker's script at `base`),
 * falling back to wasm; returns a note for the user when the asked backend is not the one
 * running, e.g. `webgpu not used: in its self-test, an MPO step of the CNN differs from wasm by
 * 3.1e-2 (relative; at most 1e-4); using wasm`. `?gpu=software` on `base` (the page passes it
 * on, see {@link softwareGpuAllowed}) lets webgpu run on a software adapter.
 */
export async function startBackend(backend: BackendName, base: string): Promise<string | undefined> {
  setWasmPaths(new URL('./', base).href);
  let note: string | undefined;
  let want: BackendName = backend;
  if (want === 'webgpu') {
    const problem = await webgpuProblem(softwareGpuAllowed(new URL(base).search)).catch((e) => firstLine(e));
    if (problem) {
      note = `webgpu not used: ${problem}; using wasm`;
      want = 'wasm';
    }
  }
  let started = false;
  try {
    started = await tf.setBackend(want);
  } catch {
    started = false;
  }
  if (!started || tf.getBackend() !== want) {
    note = `${want} did not start in this browser; using wasm`;
    if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') throw new Error('neither the asked backend nor wasm started: use a current browser');
  }
  await tf.ready();
  return note;
}
