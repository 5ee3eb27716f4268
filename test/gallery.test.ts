import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { DEFAULT_FIT_CONFIG } from '../src/core/config.js';
import { LOCK_FILE } from '../src/node/run/lock.js';
import { DEFAULT_GALLERY_PATTERNS, GALLERY_DEFAULTS, GALLERY_COLUMNS, galleryCsv, galleryEntries, type GalleryRow } from '../src/node/run/gallery.js';
import { mpoIn } from './helpers.js';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'mpo-gallery-'));
const TINY = ['--size', '10', '--steps', '3', '--train-images', '200', '--eval-images', '40', '--quick-eval-images', '40', '--batch-size', '16',
  '--cells-per-step', '4', '--eval-every', '0', '--jobs', '1'];

const mpo = mpoIn(tmp, 120_000);

/** A 16x16 grey-scale PNG: a dark 8x8 square in the middle of a white field. */
function writeSquarePng(path: string): void {
  const png = new PNG({ width: 16, height: 16 });
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      const i = (y * 16 + x) * 4;
      const v = x >= 4 && x < 12 && y >= 4 && y < 12 ? 0 : 255;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = v;
      png.data[i + 3] = 255;
    }
  }
  writeFileSync(path, PNG.sync.write(png));
}

test('galleryCsv writes the header and one line per row', () => {
  const row: GalleryRow = { pattern: 'heart', auc_test: 0.5, bowl_auc: 0.875, boundary_auc_test: 0.25, bowl_boundary_auc: 0.625, auc_train: 0.5,
    acc_diff_test: 0.25, acc_black_test: 0.75, acc_white_test: 0.5, log_loss_gap_train_test: 0.0625, acc_black_gap_train_test: 0.125,
    corr_train_test_loss: -0.125, measured_cells: 'all', steps: 3, seconds: 1.5, radial_auc: 0.875, radial_boundary_auc: 0.625 };
  assert.equal(galleryCsv([row, { ...row, pattern: 'a,b' }]),
    'pattern,auc_test,bowl_auc,boundary_auc_test,bowl_boundary_auc,auc_train,acc_diff_test,acc_black_test,acc_white_test,' +
      'log_loss_gap_train_test,acc_black_gap_train_test,corr_train_test_loss,measured_cells,steps,seconds,radial_auc,radial_boundary_auc\n' +
      'heart,0.5,0.875,0.25,0.625,0.5,0.25,0.75,0.5,0.0625,0.125,-0.125,all,3,1.5,0.875,0.625\n' +
      '"a,b",0.5,0.875,0.25,0.625,0.5,0.25,0.75,0.5,0.0625,0.125,-0.125,all,3,1.5,0.875,0.625\n');
});

test('galleryEntries: default pictures, unique names, settings layered, bad input named', () => {
  const out = join(tmp, 'entries');
  const def = galleryEntries({ out });
  assert.deepEqual(def.map((e) => e.name), [...DEFAULT_GALLERY_PATTERNS]);
  assert.ok(DEFAULT_GALLERY_PATTERNS.length >= 6);
  assert.equal(def[1].dir, join(out, 'ring'));
  assert.equal(def[1].config.steps, DEFAULT_FIT_CONFIG.steps);
  assert.equal(def[1].config.scaleInit, GALLERY_DEFAULTS.scaleInit);
  assert.equal(galleryEntries({ out, settings: { scaleInit: 0.05 } })[0].config.scaleInit, 0.05);

  mkdirSync(join(tmp, 'a'), { recursive: true });
  mkdirSync(join(tmp, 'b'), { recursive: true });
  writeSquarePng(join(tmp, 'a', 'Heart.png'));
  writeSquarePng(join(tmp, 'b', 'heart.png'));
  const mixed = galleryEntries({ out, patterns: ['heart'], images: [join(tmp, 'a', 'Heart.png'), join(tmp, 'b', 'heart.png')],
    settings: { steps: 9, pattern: 'star' } });
  assert.deepEqual(mixed.map((e) => e.name), ['heart', 'heart-2', 'heart-3']);
  assert.deepEqual(mixed.map((e) => e.config.pattern), ['heart', join(tmp, 'a', 'Heart.png'), join(tmp, 'b', 'heart.png')]);
  assert.ok(mixed.every((e) => e.config.steps === 9));
  assert.deepEqual(galleryEntries({ out, images: [join(tmp, 'a', 'Heart.png')] }).map((e) => e.name), ['heart']);
  mkdirSync(join(tmp, 'c'), { recursive: true });
  writeSquarePng(join(tmp, 'c', 'logs.png'));
  assert.deepEqual(galleryEntries({ out, images: [join(tmp, 'c', 'logs.png')] }).map((e) => e.name), ['logs-2'], "logs/ holds the fits' output");

  assert.throws(() => galleryEntries({ out, patterns: ['hart'] }),
    /^MpoError: --patterns "hart" is not a built-in picture: use heart, .*; pass image files with --images$/);
  assert.throws(() => galleryEntries({ out, images: ['nope.png'] }), /--images file "nope\.png" does not exist/);
  assert.throws(() => galleryEntries({ out, settings: { randomMask: 0.5 } }), /not random masks: remove "random-mask"/);
  assert.throws(() => galleryEntries({ out, patterns: [] }), /the gallery has no patterns/);
});

test('mpo gallery fits a built-in and an image, writes the gallery files, and a rerun skips or resumes', () => {
  const img = join(tmp, 'square.png');
  writeSquarePng(img);
  const out = join(tmp, 'g');
  const r = mpo('gallery', '--patterns', 'ring', '--images', img, ...TINY, '--jobs', '2', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /2 patterns in .*, 2 at a time/);
  assert.match(r.stderr, /^\[[12]\/2\] ring: auc_test \d\.\d{3}, acc_diff_test -?\d\.\d{3} \(\d+s\); eta \d+s$/m);
  assert.match(r.stderr, /^\[[12]\/2\] square: auc_test /m);
  assert.match(r.stdout, /^square\s+\d\.\d{4}/m);

  const csv = readFileSync(join(out, 'gallery.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], GALLERY_COLUMNS.join(','));
  const bowl = csv[0].split(',').indexOf('bowl_auc');
  assert.ok(csv.slice(1).every((l) => Number(l.split(',')[bowl]) > 0.5), `the bowl baseline beside each AUC: ${csv.join(' | ')}`);
  const radial = csv[0].split(',').indexOf('radial_auc');
  assert.ok(csv.slice(1).every((l) => Number(l.split(',')[radial]) === Math.max(Number(l.split(',')[bowl]), 1 - Number(l.split(',')[bowl]))),
    `the radial baseline is the better of the bowl and the inverted bowl: ${csv.join(' | ')}`);
  assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]), ['ring', 'square']);
  const rows = JSON.parse(readFileSync(join(out, 'gallery.json'), 'utf8')) as GalleryRow[];
  assert.deepEqual(rows.map((x) => x.pattern), ['ring', 'square']);
  for (const row of rows) {
    assert.equal(row.steps, 3);
    assert.ok(row.auc_test >= 0 && row.auc_test <= 1);
    const s = JSON.parse(readFileSync(join(out, row.pattern, 'summary.json'), 'utf8'));
    assert.equal(row.auc_test, s.auc_test);
    assert.equal(row.corr_train_test_loss, s.corr_train_test_loss);
  }
  assert.equal(JSON.parse(readFileSync(join(out, 'square', 'config.json'), 'utf8')).patternSize, 10);
  assert.equal(JSON.parse(readFileSync(join(out, 'configs', 'square.json'), 'utf8')).patternSize, 10);
  assert.ok(existsSync(join(out, 'logs', 'ring.log')), 'child output kept');
  const png = PNG.sync.read(readFileSync(join(out, 'gallery.png')));
  assert.ok(png.width > 600 && png.height > 2 * 250, `${png.width}x${png.height}`);
  const report = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(report, /data:image\/png;base64/);
  assert.match(report, /<th scope="row">square<\/th>/);

  const ringSummary = statSync(join(out, 'ring', 'summary.json')).mtimeMs;
  const again = mpo('gallery', '--patterns', 'ring', '--images', img, ...TINY, '--out', out);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /skipping finished ring, square/);
  assert.doesNotMatch(again.stderr, /\[1\/\d\]/);
  assert.equal(statSync(join(out, 'ring', 'summary.json')).mtimeMs, ringSummary);

  rmSync(join(out, 'ring', 'summary.json'));
  const resumed = mpo('gallery', '--patterns', 'ring', '--images', img, ...TINY, '--steps', '4', '--out', out);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /warning: ring was started with other settings \(steps 3 -> 4\)/);
  assert.match(resumed.stderr, /ring: resuming from its checkpoint/);
  assert.match(resumed.stderr, /skipping finished square/);
  assert.equal(JSON.parse(readFileSync(join(out, 'ring', 'summary.json'), 'utf8')).steps, 3);
  assert.equal((JSON.parse(readFileSync(join(out, 'gallery.json'), 'utf8')) as GalleryRow[]).length, 2);
});

test('mpo gallery: bad input is one error line', () => {
  const r = mpo('gallery', '--patterns', 'heart,hart', '--out', join(tmp, 'bad'));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^mpo: error: --patterns "hart" is not a built-in picture/m);
  assert.ok(!existsSync(join(tmp, 'bad', 'heart')));
  const j = mpo('gallery', '--patterns', 'heart', '--jobs', '0', '--out', join(tmp, 'bad'));
  assert.match(j.stderr, /^mpo: error: --jobs is "0": give a whole number >= 1$/m);
});

test('SIGKILL of mpo gallery --jobs 2: no child fit survives 5 s, and the rerun continues every pattern (issue 24)', async () => {
  const out = join(tmp, 'killed');
  const long = ['--size', '8', '--steps', '100000', '--train-images', '64', '--eval-images', '40', '--quick-eval-images', '40', '--batch-size', '16',
    '--cells-per-step', '4', '--eval-every', '0', '--checkpoint-every', '5', '--workers', '1'];
  const parent = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'gallery', '--patterns', 'ring,star', ...long,
    '--jobs', '2', '--out', out], { cwd: tmp, env: { ...process.env, MPO_DATA_DIR: '' }, stdio: 'ignore' });
  const closed = new Promise((r) => parent.on('close', r));
  const pidOf = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(out, name, LOCK_FILE), 'utf8')) as { pid: number; }).pid;
    } catch {
      return null;
    }
  };
  const deadline = Date.now() + 90_000;
  while (!(pidOf('ring') && pidOf('star') && existsSync(join(out, 'ring', 'checkpoint.mpo')) && existsSync(join(out, 'star', 'checkpoint.mpo')))) {
    assert.ok(Date.now() < deadline, 'both child fits started');
    await new Promise((r) => setTimeout(r, 100));
  }
  const children = [pidOf('ring')!, pidOf('star')!];
  assert.ok(!children.includes(parent.pid!), 'the fits run in child processes');
  parent.kill('SIGKILL');
  await closed;
  const killedAt = Date.now();
  while (children.some(processAlive) && Date.now() - killedAt < 5000) await new Promise((r) => setTimeout(r, 50));
  const alive = children.filter(processAlive);
  for (const pid of alive) process.kill(pid, 'SIGKILL'); // do not leave them running when the test fails
  assert.deepEqual(alive, [], `child fits still running ${Date.now() - killedAt} ms after the gallery was killed`);

  // The rerun finds no writer left (at most a dead lock), resumes both from their checkpoints and finishes.
  for (const name of ['ring', 'star']) {
    const c = JSON.parse(readFileSync(join(out, name, 'config.json'), 'utf8'));
    writeFileSync(join(out, name, 'config.json'), JSON.stringify({ ...c, steps: 30 }));
  }
  const again = mpo('gallery', '--patterns', 'ring,star', ...long, '--steps', '30', '--jobs', '2', '--out', out);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /ring: resuming from its checkpoint/);
  for (const name of ['ring', 'star']) {
    const steps = readFileSync(join(out, name, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step as number);
    assert.deepEqual(steps, [...new Set(steps)].sort((a, b) => a - b), `${name}: each step once, in order`);
    assert.ok(JSON.parse(readFileSync(join(out, name, 'summary.json'), 'utf8')).steps >= 30, `${name} finished`);
  }
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
