/**
 * TF.js set-up for Node: registers the gradient functions and the `cpu` backend. tfjs-core's
 * gradient files cannot be loaded by Node directly (extension-less ES imports), so Node takes
 * them from the `@tensorflow/tfjs` package's Node bundle, which registers them in the engine
 * that the core uses (`src/core/tf.ts`: one tfjs-core instance per process). Browsers use
 * `src/core/gradients.ts` through a bundler instead.
 */
import '@tensorflow/tfjs';
import * as tf from '../core/tf.js';

export * from '../core/tf.js';

/**
 * The `cpu` backend of tfjs-backend-cpu prints "Hi, looks like you are running TensorFlow.js in
 * Node.js. To speed things up dramatically, install our node backend..." on the first tensor it
 * stores in Node. mpo chooses its backends itself (wasm by default; `cpu` on purpose for exact
 * small work such as `mpo export`; `tensorflow` when the user installed tfjs-node), so the banner
 * only misleads. It is silenced here by marking each cpu backend the factory makes as used
 * (`firstUse = false`, the backend's own flag for the banner), not with tfjs-core's `IS_TEST` or
 * `PROD` flags, which would hide every other TF.js warning too (and `PROD` its checks).
 * Idempotent; returns false when no cpu backend is registered.
 */
export function silenceCpuBanner(): boolean {
  type Quiet = { firstUse?: boolean; };
  const engine = tf.engine() as unknown as { registry: Record<string, Quiet>; registryFactory: Record<string, { priority: number; }>; };
  const made = engine.registry.cpu;
  if (made) {
    // already started (something used TF.js before this module): mark that instance
    made.firstUse = false;
    return true;
  }
  const factory = tf.findBackendFactory('cpu');
  if (!factory) return false;
  const priority = engine.registryFactory.cpu.priority;
  // registerBackend keeps the first factory of a name: take the original out first (nothing is started yet).
  tf.removeBackend('cpu');
  return tf.registerBackend('cpu', () => {
    const backend = factory() as tf.KernelBackend & Quiet;
    if ('firstUse' in backend) backend.firstUse = false;
    return backend;
  }, priority);
}

silenceCpuBanner();
