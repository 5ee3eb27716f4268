import type { ModelContext } from '../../core/models/registry.js';
import type { ParamValues } from '../../core/plane/params.js';
import type { AugmentDraw, AugmentOptions } from '../../core/data/augment.js';

/** Images and labels as plain arrays (copied once into each worker). */
export interface PlainData {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** [N, h, w, c] */
  readonly shape: [number, number, number, number];
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
    readonly theta: ParamValues;
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
    readonly theta: ParamValues;
    readonly data: string;
    readonly coords: number[][];
    readonly batchSize: number;
    readonly pointsPerPass: number;
  };

/** Replies of a worker. */
export type WorkerReply =
  | { readonly id: number; readonly kind: 'ready'; }
  | { readonly id: number; readonly kind: 'done'; }
  | { readonly id: number; readonly kind: 'gradients'; readonly grads: ParamValues; readonly loss: number; readonly ce: Float32Array; }
  | { readonly id: number; readonly kind: 'evaluate'; readonly loss: Float32Array; readonly acc: Float32Array; }
  | { readonly id: number; readonly kind: 'error'; readonly message: string; readonly mpo: boolean; readonly exitCode: number; };
