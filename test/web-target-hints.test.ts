/** The app's hard-target note (web/src/target-hints.ts): pure functions, no browser needed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeShare, FINE_DETAIL_EDGE_SHARE, hardTargetNote } from '../web/src/target-hints.js';
import { patternOfSpec } from '../web/src/manifold-ui.js';

test('a random mask and fine detail (the checker on 12x12 cells) are hard targets; the heart and a strip are not', () => {
  const heart = patternOfSpec({ kind: 'builtin', name: 'heart', side: 24 }, 1);
  const checker = patternOfSpec({ kind: 'builtin', name: 'checker', side: 12 }, 1);
  const random = patternOfSpec({ kind: 'random', p: 0.5, side: 24 }, 1);
  assert.ok(edgeShare(heart) < 0.3, `the heart's edge share ${edgeShare(heart)}`);
  assert.ok(edgeShare(checker) >= FINE_DETAIL_EDGE_SHARE, `the checker's edge share ${edgeShare(checker)}`);
  assert.equal(hardTargetNote(heart), null);
  assert.match(hardTargetNote(checker) ?? '', /fine detail/);
  assert.match(hardTargetNote(random) ?? '', /random mask is a hard target/);
  const stripe = { height: 1, width: 12, cells: Uint8Array.from({ length: 12 }, (_, i) => i % 2), name: 'strip', origin: { kind: 'cells' as const } };
  assert.equal(hardTargetNote(stripe), null, 'a strip is judged by no edge rule');
});
