/**
 * Isomorphic drawing (no Node imports): every figure is SVG. Heat maps and masks embed
 * their cells as a pixel image; colour bars, axes, titles and line charts are vector.
 * `src/node/output/png.ts` turns a figure into PNG with a shipped font.
 */
export * from './chart.js';
export * from './colormap.js';
export * from './heatmap.js';
export * from './svg.js';
