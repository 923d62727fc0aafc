// Public data types of the report layer: images as plain typed arrays and the figure-kind interface.

/** Pixel storage accepted by figures: 8-bit, 16-bit and 32-bit integer labels, or float intensities. */
export type PixelArray = Uint8Array | Uint8ClampedArray | Uint16Array | Int32Array | Float32Array | Float64Array;

/**
 * A 2-D image as a flat typed array. Pixel (x, y), channel c lives at
 * `data[(y * width + x) * channels + c]` for layout 'hwc' (the default) and at
 * `data[(c * height + y) * width + x]` for layout 'chw' (a [C,H,W] tensor slice).
 */
export interface RasterImage {
  width: number;
  height: number;
  /** 1 (grey or labels), 2 (grey + alpha), 3 (RGB) or 4 (RGBA). */
  channels: number;
  data: PixelArray;
  /** Memory order. @default 'hwc' */
  layout?: 'hwc' | 'chw';
}

/**
 * One kind of figure: typed data and options in, a standalone SVG document out.
 * Every kind is registered once in `figures/registry.ts`; contract tests iterate the registry.
 */
export interface FigureKind<D, O = Record<string, never>> {
  /** Kebab-case identifier, also the default file stem, e.g. 'roc-curves'. */
  readonly name: string;
  /** One line for docs and the gallery. */
  readonly description: string;
  /** Render to an SVG string. Same input → byte-identical output. */
  render(data: D, options?: O): Promise<string>;
  /** Tiny, deterministic sample data and options: used by contract tests and the gallery. */
  example(): { data: D; options?: O };
  /** Strings that rendering the example must show (axis titles, legend labels, …). */
  readonly exampleText: readonly string[];
}

/** A figure kind with its data and option types erased, as held by the registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFigureKind = FigureKind<any, any>;

/** Options every chart (Vega-Lite figure) accepts. */
export interface ChartOptions {
  /** Title above the plot. @default none */
  title?: string;
  /** Width of the plotting area in px. @default 360 */
  width?: number;
  /** Height of the plotting area in px. @default 260 */
  height?: number;
}
