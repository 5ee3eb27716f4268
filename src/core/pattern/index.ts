/** Target pictures: types, built-ins, text grids, random masks, images and the ternary training mask. */
export * from './builtins.js';
export * from './framed-mask.js';
export * from './from-pixels.js';
export * from './pattern.js';
export * from './random-mask.js';
export * from './ternary.js';
export * from './text.js';
