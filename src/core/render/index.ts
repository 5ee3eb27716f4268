/**
 * Isomorphic raster drawing (no Node imports): rasters and panel composition, a bitmap
 * font, colour maps, heat maps with colour bars and axes, mask pictures, and SVG charts.
 */
export * from './raster.js';
export * from './font.js';
export * from './colormap.js';
export * from './ticks.js';
export * from './panel.js';
export * from './colorbar.js';
export * from './heatmap.js';
export * from './mask.js';
export * from './svg-chart.js';
