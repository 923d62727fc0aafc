// DOM and fetch helpers shared by the views.
export const $ = <T extends Element = HTMLElement>(sel: string, root: ParentNode = document): T => {
  const e = root.querySelector<T>(sel);
  if (!e) throw new Error(`no element ${sel}`);
  return e;
};

type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'style' | 'dataset'>> & { style?: string; dataset?: Record<string, string> };

/** An element with properties and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props<K> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const { style, dataset, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  if (style) e.style.cssText = style; // CSSOM, which the page's CSP allows (a style attribute it would block)
  if (dataset) Object.assign(e.dataset, dataset);
  e.append(...kids);
  return e;
}

/** JSON from the server, or an Error carrying the server's one-line message. */
export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const r = await fetch(path, init);
  const j = (await r.json().catch(() => ({ error: r.statusText }))) as T & { error?: string };
  if (!r.ok) throw new Error(j.error || r.statusText);
  return j;
}

/** The main panel, emptied, with a heading. */
export function page(title: string, ...kids: (Node | string)[]): HTMLElement {
  const main = $('#main');
  main.replaceChildren(el('h2', { textContent: title }), ...kids);
  return main;
}

/** Class colours (Kelly-like, distinguishable); unknown is black. */
export const CLASS_COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000'];
export const classColour = (c: number): string => (c < 0 ? '#000000' : CLASS_COLOURS[c % CLASS_COLOURS.length]);

/** An error line in the main panel. */
export function showError(where: HTMLElement, e: unknown): void {
  where.append(el('p', { className: 'error', id: 'error', textContent: `error: ${(e as Error).message}` }));
}
