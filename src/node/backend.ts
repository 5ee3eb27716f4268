/**
 * Picks and starts the TensorFlow.js backend, failing loudly instead of letting
 * TF.js silently stay on its slow `cpu` backend when the requested one does not start.
 */
import * as tf from './tf-node.js';
import { MpoError, check, firstLine } from '../core/errors.js';
import { backendSelfTest } from '../core/backend-check.js';

/** Backends {@link initBackend} knows how to start. */
export const BACKEND_NAMES = ['wasm', 'cpu', 'tensorflow', 'webgpu'] as const;

/** A backend name accepted by {@link initBackend}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /**
   * wasm only (ignored by the other backends): number of XNNPACK threads, a positive integer,
   * passed to `setThreadsCount` before the backend starts. It takes effect only where TF.js
   * uses its threaded WASM build (browsers with cross-origin isolation); under Node TF.js always
   * runs the single-threaded build, so use worker threads to use more cores. It has no effect
   * once the wasm backend has started in this process. Default: TF.js's own default.
   */
  threads?: number;
}

/**
 * Makes `name` the active TF.js backend and returns its name.
 * - `wasm` (default): loads `@tensorflow/tfjs-backend-wasm` and starts it;
 * - `cpu`: the pure-JavaScript backend (20-200x slower, for reference and tests);
 * - `tensorflow`: the native `@tensorflow/tfjs-node` backend, an optional package;
 * - `webgpu`: tfjs-backend-webgpu on Dawn's Node binding (the optional `webgpu` package), after
 *   an adapter check and a self-test against wasm ({@link startWebgpu}).
 * Throws {@link MpoError} for an unknown name, a missing package, or a backend that fails to
 * start; it never falls back to another backend.
 */
export async function initBackend(name: BackendName = 'wasm', opts: BackendOptions = {}): Promise<string> {
  check(
    (BACKEND_NAMES as readonly string[]).includes(name),
    () => `unknown backend "${String(name)}": use one of ${BACKEND_NAMES.join(', ')}`,
  );
  if (name === 'wasm') {
    const threads = opts.threads;
    check(
      threads === undefined || (Number.isInteger(threads) && threads >= 1),
      () => `threads must be a positive integer, got ${String(threads)}: pass e.g. 1 or 2`,
    );
    let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
    try {
      wasm = await import('@tensorflow/tfjs-backend-wasm');
    } catch (err) {
      throw new MpoError(`the wasm backend failed to start: cannot load @tensorflow/tfjs-backend-wasm (${firstLine(err)}); try --backend cpu`);
    }
    if (threads !== undefined) wasm.setThreadsCount(threads);
    return activateBackend('wasm', 'try --backend cpu');
  }
  if (name === 'tensorflow') {
    // A variable module name keeps TypeScript from requiring the optional package's types.
    const moduleName: string = '@tensorflow/tfjs-node';
    try {
      await import(moduleName);
    } catch (err) {
      const code = (err as { code?: unknown; } | null)?.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new MpoError(
          '--backend tensorflow needs @tensorflow/tfjs-node, which is not installed: npm install @tensorflow/tfjs-node, or use --backend wasm',
        );
      }
      throw new MpoError(`the tensorflow backend failed to start: @tensorflow/tfjs-node did not load (${firstLine(err)}); use --backend wasm`);
    }
    return activateBackend('tensorflow', 'use --backend wasm');
  }
  if (name === 'webgpu') return startWebgpu();
  return activateBackend('cpu', 'use --backend wasm');
}

/** What Dawn needs on Linux, named in the error when it finds no adapter. */
const VULKAN_HINT = "Dawn needs a Vulkan driver: libvulkan1 and the GPU vendor's ICD";

/** True when the dynamic loader can open `lib` (Linux): a plain library loads, then fails to register as an addon. */
function canLoad(lib: string): boolean {
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, lib);
    return true;
  } catch (e) {
    return !/cannot open shared object|no such file/i.test(String((e as Error)?.message));
  }
}

/**
 * Starts tfjs-backend-webgpu in Node on Dawn (the `webgpu` npm package): makes WebGPU's globals
 * and `navigator.gpu` available, checks that an adapter exists, starts the backend, and runs
 * {@link backendSelfTest} against wasm (matMul, conv2d, addN, one MPO step of the MLP and of the
 * CNN, equal within a relative 1e-4). Each failure is a one-line {@link MpoError}: the package
 * missing, "no GPU adapter found (...)", "webgpu failed its self-test: ...". Never falls back.
 */
export async function startWebgpu(): Promise<string> {
  // A variable module name keeps TypeScript from requiring the optional package's types.
  const moduleName: string = 'webgpu';
  let dawn: { create: (flags: string[]) => { requestAdapter: () => Promise<unknown>; }; globals: Record<string, unknown>; };
  try {
    dawn = await import(moduleName);
  } catch (err) {
    throw new MpoError(`--backend webgpu needs the optional package "webgpu" (Dawn for Node), which did not load (${firstLine(err)}): ` +
      'npm install webgpu, or use --backend wasm');
  }
  // Without the Vulkan loader Dawn prints a warning of its own and finds nothing: say it in one line instead.
  if (process.platform === 'linux' && !canLoad('libvulkan.so.1')) {
    throw new MpoError(`no GPU adapter found (${VULKAN_HINT}; libvulkan.so.1 is missing): apt-get install libvulkan1, or use --backend wasm`);
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const nav = (globalThis as { navigator?: object; }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: Object.assign(Object.create(nav), { gpu }), configurable: true, writable: true });
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) throw new MpoError(`no GPU adapter found (${VULKAN_HINT}): check it with vulkaninfo, or use --backend wasm`);
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    throw new MpoError(`the webgpu backend failed to start: cannot load @tensorflow/tfjs-backend-webgpu (${firstLine(err)}); use --backend wasm`);
  }
  await activateBackend('webgpu', 'use --backend wasm');
  const problem = await backendSelfTest('webgpu', { reference: 'wasm' }).catch((e: unknown) => firstLine(e));
  if (problem) throw new MpoError(`webgpu failed its self-test: ${problem}; use --backend wasm`);
  return activateBackend('webgpu', 'use --backend wasm');
}

/**
 * Switches TF.js to the already registered backend `name` and checks that it is active.
 * `hint` ends the error message (what the user should do instead), e.g. `try --backend cpu`.
 * Throws {@link MpoError} if `tf.setBackend` returns false or throws.
 */
export async function activateBackend(name: string, hint: string): Promise<string> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new MpoError(`the ${name} backend failed to start: ${firstLine(err)}; ${hint}`);
  }
  if (!ok) {
    throw new MpoError(
      `the ${name} backend failed to start: tf.setBackend('${name}') returned false (TF.js would otherwise silently keep another, slower backend); ${hint}`,
    );
  }
  await tf.ready();
  const active = tf.getBackend();
  check(active === name, () => `the ${name} backend failed to start: TF.js reports "${active}" as active; ${hint}`);
  return active;
}
