// Build tiny DICOM Part 10 files in memory for tests: known pixels in any native byte order.

/** One data element: tag as [group, element], VR, and its value bytes or text. */
export interface TestElement {
  tag: [number, number];
  vr: string;
  value: Uint8Array | string | number;
}

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

function valueBytes(el: TestElement, le: boolean): Uint8Array {
  let out: Uint8Array;
  if (el.value instanceof Uint8Array) out = el.value;
  else if (typeof el.value === 'number') {
    out = new Uint8Array(2);
    new DataView(out.buffer).setUint16(0, el.value, le);
  } else out = new Uint8Array(Buffer.from(el.value, 'latin1'));
  if (out.length % 2) {
    const pad = new Uint8Array(out.length + 1);
    pad.set(out);
    pad[out.length] = el.vr === 'UI' || el.vr === 'OB' ? 0 : 0x20;
    out = pad;
  }
  return out;
}

function encode(el: TestElement, explicit: boolean, le: boolean): Uint8Array {
  const v = valueBytes(el, le);
  const long = explicit && LONG_VRS.has(el.vr);
  const headLen = !explicit ? 8 : long ? 12 : 8;
  const out = new Uint8Array(headLen + v.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, el.tag[0], le);
  dv.setUint16(2, el.tag[1], le);
  if (!explicit) dv.setUint32(4, v.length, le);
  else {
    out[4] = el.vr.charCodeAt(0);
    out[5] = el.vr.charCodeAt(1);
    if (long) dv.setUint32(8, v.length, le);
    else dv.setUint16(6, v.length, le);
  }
  out.set(v, headLen);
  return out;
}

/** Options of `buildDicom`. */
export interface BuildDicomOptions {
  /** Transfer syntax UID. @default '1.2.840.10008.1.2.1' (explicit VR little endian) */
  transferSyntax?: string;
  rows: number;
  columns: number;
  bitsAllocated: 8 | 16;
  /** @default bitsAllocated */
  bitsStored?: number;
  /** @default 0 */
  pixelRepresentation?: 0 | 1;
  /** Values as they go on disk (unsigned bit patterns), row-major. Omit to leave out pixel data. */
  pixels?: number[];
  /** Extra elements (e.g. RescaleSlope), in tag order after the image-pixel module. */
  extra?: TestElement[];
}

/** A DICOM Part 10 file: preamble, "DICM", file meta (explicit LE), then the data set. */
export function buildDicom(o: BuildDicomOptions): Uint8Array {
  const ts = o.transferSyntax ?? '1.2.840.10008.1.2.1';
  const explicit = ts !== '1.2.840.10008.1.2';
  const le = ts !== '1.2.840.10008.1.2.2';
  const metaBody = [encode({ tag: [2, 0x10], vr: 'UI', value: ts }, true, true)];
  const metaLen = metaBody.reduce((s, b) => s + b.length, 0);
  const groupLen = new Uint8Array(4);
  new DataView(groupLen.buffer).setUint32(0, metaLen, true);
  const meta = [encode({ tag: [2, 0], vr: 'UL', value: groupLen }, true, true), ...metaBody];
  const els: TestElement[] = [
    { tag: [0x28, 0x02], vr: 'US', value: 1 },
    { tag: [0x28, 0x04], vr: 'CS', value: 'MONOCHROME2' },
    { tag: [0x28, 0x10], vr: 'US', value: o.rows },
    { tag: [0x28, 0x11], vr: 'US', value: o.columns },
    { tag: [0x28, 0x100], vr: 'US', value: o.bitsAllocated },
    { tag: [0x28, 0x101], vr: 'US', value: o.bitsStored ?? o.bitsAllocated },
    { tag: [0x28, 0x102], vr: 'US', value: (o.bitsStored ?? o.bitsAllocated) - 1 },
    { tag: [0x28, 0x103], vr: 'US', value: o.pixelRepresentation ?? 0 },
    ...(o.extra ?? []),
  ];
  if (o.pixels) {
    const bytes = new Uint8Array(o.pixels.length * (o.bitsAllocated / 8));
    const dv = new DataView(bytes.buffer);
    o.pixels.forEach((p, i) => (o.bitsAllocated === 16 ? dv.setUint16(2 * i, p, le) : dv.setUint8(i, p)));
    els.push({ tag: [0x7fe0, 0x10], vr: o.bitsAllocated === 16 ? 'OW' : 'OB', value: bytes });
  }
  const parts = [new Uint8Array(128), new Uint8Array(Buffer.from('DICM')), ...meta, ...els.map((e) => encode(e, explicit, le))];
  return new Uint8Array(Buffer.concat(parts));
}
