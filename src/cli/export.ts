import type { Command } from 'commander';
import { EXPORTABLE_MODELS, MpoError } from '../core/index.js';
import { runExport } from '../node/index.js';

/** Adds `mpo export DIR --cell CELL [--out DIR] [--softmax]`: one cell of a saved plane, line or volume as a TF.js Layers model. */
export function registerExport(program: Command): void {
  program.command('export')
    .description(`write one cell of a saved plane, line or volume as a TF.js Layers model (model.json + weights.bin; models ${EXPORTABLE_MODELS.join(', ')})`)
    .argument('<dir>', 'output folder of mpo fit (a plane, a line or a volume)')
    .option('--cell <cell>',
      'the cell (required): ROW,COL on a plane (row 0 at the top, column 0 at the left, e.g. 3,4), COL on a line, SLICE,ROW,COL in a volume')
    .option('--out <dir>', 'folder for model.json and weights.bin (default: <dir>/export-r<row>-c<col>)')
    .option('--softmax', "the model outputs class probabilities (default: logits, as mpo's models)")
    .action(async (dir: string, o: { cell?: string; out?: string; softmax?: boolean; }) => {
      if (o.cell === undefined) {
        throw new MpoError('mpo export needs --cell: the cell to export, ROW,COL on a plane (e.g. --cell 0,0), COL on a line, SLICE,ROW,COL in a volume');
      }
      const r = await runExport({ dir, cell: o.cell, out: o.out, output: o.softmax ? 'softmax' : 'logits' });
      process.stdout.write(`cell ${r.cell.join(',')} (${r.manifold} coordinates ${r.coords.join(', ')}) of ${r.model} written to ${r.out} `
        + `(model.json + weights.bin, input [batch, ${r.inputShape.join(', ')}], output ${o.softmax ? 'softmax probabilities' : 'logits'})\n`);
    });
}
