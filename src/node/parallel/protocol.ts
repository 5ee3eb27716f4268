import type { ModelContext } from '../../core/models/registry.js';
import type { AugmentDraw, AugmentOptions } from '../../core/data/augment.js';

/** Images and labels as plain arrays (copied once into each worker). */
export interface PlainData {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** [N, h, w, c] */
  readonly shape: [number, number, number, number];
}

/** Theta as one flat float32 vector in a SharedArrayBuffer, with the variables' names and sizes in its order. */
export interface SharedTheta {
  readonly buffer: SharedArrayBuffer;
  readonly keys: readonly string[];
  readonly sizes: readonly number[];
}

/** Sent once when a worker starts (as `workerData`). */
export interface WorkerInit {
  readonly model: string;
  readonly ctx: ModelContext;
  readonly backend: 'wasm' | 'cpu' | 'tensorflow';
  readonly dims: number;
  readonly numClasses: number;
}

/** Requests from the pool to a worker. */
export type WorkerRequest =
  | { readonly id: number; readonly kind: 'data'; readonly name: string; readonly data: PlainData; }
  | {
    readonly id: number;
    readonly kind: 'gradients';
    /** Theta, all variables flattened in the worker's key order, shared (written once per step by the pool, not copied per worker). */
    readonly theta: SharedTheta;
    readonly batchIdx: number[];
    readonly points: { coords: number[]; white: boolean; }[];
    readonly nBlack: number;
    readonly nWhite: number;
    readonly whiteClip: number;
    readonly chunkSize?: number;
    /** The step's image augmentation (`StepSample.augment`), applied to the gathered batch. */
    readonly augment?: { readonly draw: AugmentDraw; readonly options: AugmentOptions; };
  }
  | {
    readonly id: number;
    readonly kind: 'evaluate';
    readonly theta: SharedTheta;
    readonly data: string;
    readonly coords: number[][];
    readonly batchSize: number;
    readonly pointsPerPass: number;
  };

/** Replies of a worker. */
export type WorkerReply =
  | { readonly id: number; readonly kind: 'ready'; }
  | { readonly id: number; readonly kind: 'done'; }
  | {
    readonly id: number;
    readonly kind: 'gradients';
    /** All gradients flattened in the key order of the request's theta. */
    readonly grads: Float32Array;
    readonly loss: number;
    readonly ce: Float32Array;
    /** Milliseconds the worker spent on the request (theta in, gradients, read back). */
    readonly ms: number;
  }
  | { readonly id: number; readonly kind: 'evaluate'; readonly loss: Float32Array; readonly acc: Float32Array; }
  | { readonly id: number; readonly kind: 'error'; readonly message: string; readonly mpo: boolean; readonly exitCode: number; };
