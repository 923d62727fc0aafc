// The one list of figure kinds. Contract tests, the gallery and lookups by name all iterate it.
import type { AnyFigureKind } from '../types.js';
import { boxPlot } from './box-plot.js';
import { confusionMatrixFigure } from './confusion-matrix.js';
import { heatmapOverlay } from './heatmap-overlay.js';
import { imageGrid } from './image-grid.js';
import { labelMap } from './label-map.js';
import { lineCurves } from './line-curves.js';
import { maskContours } from './mask-contours.js';
import { paramCurves } from './param-curves.js';
import { rocCurves } from './roc-curves.js';
import { scatterPlot } from './scatter-plot.js';
import { violinPlot } from './violin-plot.js';

export const FIGURE_KINDS: readonly AnyFigureKind[] = [
  lineCurves,
  rocCurves,
  paramCurves,
  scatterPlot,
  boxPlot,
  violinPlot,
  imageGrid,
  heatmapOverlay,
  labelMap,
  maskContours,
  confusionMatrixFigure,
];

/** The figure kind called `name`, or undefined. */
export function figureKind(name: string): AnyFigureKind | undefined {
  return FIGURE_KINDS.find((k) => k.name === name);
}
