import type { Command } from 'commander';
import { MpoError, parseConfig } from '../core/index.js';
import { runInterpolate, runPath, runPlane, runRandomPlane } from '../node/index.js';

function positiveInt(v: string | undefined, fallback: number, flag: string): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new MpoError(`${flag} must be a whole number >= 1, got "${v}"`);
  return n;
}

function datasetOf(v: string | undefined): string | undefined {
  return v === undefined ? undefined : parseConfig({ dataset: v }, 'the command line').dataset;
}

function numberIn(v: string | undefined, fallback: number, flag: string, lo: number, hi: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < lo || n > hi) throw new MpoError(`${flag} must be a number from ${lo} to ${hi}, got "${v}"`);
  return n;
}

/** The help of `--dataset` of the views that read model.json networks. */
const DATASET_HELP = "the data a model.json network is evaluated on (default: its metadata's, else fashion-mnist-subset); mpo train networks keep their own";

/**
 * Adds `mpo view random-plane NET`, `mpo view interpolate A B`, `mpo view plane A B C` and
 * `mpo view path NET`: the classic loss-landscape views of trained networks.
 */
export function registerView(program: Command): void {
  const view = program.command('view').description(
    'classic landscape views of networks: folders of mpo train, or TF.js Layers networks (a model.json with its weights, e.g. of mpo export)',
  );
  addRandomPlane(view);
  addInterpolate(view);
  addPlane(view);
  addPath(view);
}

/** Adds `mpo view random-plane NET`: a plane of two random filter-normalised directions around a network. */
function addRandomPlane(view: Command): void {
  view.command('random-plane')
    .description('loss and accuracy on a plane of two random filter-normalised directions around a network (a, b in [-1, 1])')
    .argument('<net>', 'folder of mpo train, or a model.json')
    .requiredOption('--out <dir>', 'output folder')
    .option('--points <n>', 'points per axis', '21')
    .option('--images <n>', 'test images, and as many training images', '1000')
    .option('--dataset <name>', DATASET_HELP)
    .option('--seed <n>', 'seed of the random directions', '1')
    .option('--quiet', 'no progress output')
    .action(async (net: string, o: Record<string, string | undefined>) => {
      const s = await runRandomPlane(net, {
        out: o.out!,
        points: positiveInt(o.points, 21, '--points'),
        images: positiveInt(o.images, 1000, '--images'),
        seed: parseConfig({ seed: o.seed ?? '1' }, 'the command line').seed,
        dataset: datasetOf(o.dataset),
        quiet: !!o.quiet,
      });
      process.stdout.write(`centre test loss ${s.centre_test_loss.toFixed(4)}, largest ${s.max_test_loss.toFixed(4)}; results in ${o.out}\n`);
    });
}

/** Adds `mpo view interpolate A B`: the straight line through two networks. */
function addInterpolate(view: Command): void {
  view.command('interpolate')
    .description('loss and accuracy along the straight line (1 - t) A + t B, t from -0.5 to 1.5')
    .argument('<a>', 'folder of mpo train, or a model.json (t = 0)')
    .argument('<b>', 'folder of mpo train, or a model.json (t = 1)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--points <n>', 'points along the line', '41')
    .option('--images <n>', 'test images, and as many training images', '1000')
    .option('--dataset <name>', DATASET_HELP)
    .option('--quiet', 'no progress output')
    .action(async (a: string, b: string, o: Record<string, string | undefined>) => {
      const s = await runInterpolate(a, b, { out: o.out!, points: positiveInt(o.points, 41, '--points'), images: positiveInt(o.images, 1000, '--images'),
        dataset: datasetOf(o.dataset), quiet: !!o.quiet });
      process.stdout.write(
        `test loss A ${s.test_loss_a.toFixed(4)}, B ${s.test_loss_b.toFixed(4)}, largest between ${
          s.max_test_loss_between.toFixed(4)
        } at t = ${s.t_of_max}; results in ${o.out}\n`,
      );
    });
}

/** Adds `mpo view plane A B C`: the plane through three networks. */
function addPlane(view: Command): void {
  view.command('plane')
    .description('loss and accuracy on the plane through three networks (Garipov et al. 2018): origin A, B - A and C - A made orthogonal, the three marked')
    .argument('<a>', 'folder of mpo train, or a model.json (the origin)')
    .argument('<b>', 'folder of mpo train, or a model.json (at (1, 0))')
    .argument('<c>', 'folder of mpo train, or a model.json')
    .requiredOption('--out <dir>', 'output folder')
    .option('--resolution <n>', 'grid steps per unit |B - A|', '10')
    .option('--margin <x>', 'margin around the three, in units of |B - A|', '0.25')
    .option('--images <n>', 'test images, and as many training images', '1000')
    .option('--dataset <name>', DATASET_HELP)
    .option('--quiet', 'no progress output')
    .action(async (a: string, b: string, c: string, o: Record<string, string | undefined>) => {
      const s = await runPlane([a, b, c], {
        out: o.out!,
        resolution: positiveInt(o.resolution, 10, '--resolution'),
        margin: numberIn(o.margin, 0.25, '--margin', 0, 10),
        images: positiveInt(o.images, 1000, '--images'),
        dataset: datasetOf(o.dataset),
        quiet: !!o.quiet,
      });
      const l = s.test_loss;
      process.stdout.write(
        `test loss A ${l.a.toFixed(4)}, B ${l.b.toFixed(4)}, C ${l.c.toFixed(4)} (C at (${s.coords.c[0].toFixed(3)}, ${
          s.coords.c[1].toFixed(3)
        })); on the plane ${s.min_test_loss.toFixed(4)} to ${s.max_test_loss.toFixed(4)}; results in ${o.out}\n`,
      );
    });
}

/** Adds `mpo view path NET`: the plane of the top two PCA directions of a training path. */
function addPath(view: Command): void {
  view.command('path')
    .description('loss on the plane of the top two PCA directions of a training path (Li et al. 2018), the path drawn on it; needs mpo train --save-path N')
    .argument('<net>', 'folder of mpo train --save-path N')
    .requiredOption('--out <dir>', 'output folder')
    .option('--points <n>', 'points per axis', '21')
    .option('--margin <x>', 'margin around the path, a fraction of its extent', '0.2')
    .option('--images <n>', 'test images, and as many training images', '1000')
    .option('--quiet', 'no progress output')
    .action(async (net: string, o: Record<string, string | undefined>) => {
      const s = await runPath(net, {
        out: o.out!,
        points: positiveInt(o.points, 21, '--points'),
        margin: numberIn(o.margin, 0.2, '--margin', 0, 10),
        images: positiveInt(o.images, 1000, '--images'),
        quiet: !!o.quiet,
      });
      const [r1, r2] = s.explained_variance;
      process.stdout.write(
        `the two PCA directions explain ${(100 * r1).toFixed(1)}% + ${(100 * r2).toFixed(1)}% = ${
          (100 * s.explained_total).toFixed(1)
        }% of the path's variance (${s.snapshots} snapshots); final test loss ${s.final_test_loss.toFixed(4)}; results in ${o.out}\n`,
      );
    });
}
