#!/usr/bin/python3
"""Reference values for the src/io readers, computed with nibabel, pydicom and Pillow.

Run with Debian's interpreter (apt-get install -y python3-nibabel python3-pydicom):
    /usr/bin/python3 scripts/gen-io-fixtures.py [DATA_ROOT] [OUT_DIR]
DATA_ROOT defaults to $KENSA_DATA or ../shared/data; OUT_DIR to tests/fixtures/io.
Writes small JSON files only (shapes, affines, sums, a few sampled values), never data.
"""
import json
import os
import sys

import numpy as np
import nibabel as nib
import pydicom
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
    'KENSA_DATA', os.path.join(ROOT, '..', 'shared', 'data'))
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, 'tests', 'fixtures', 'io')

NIFTI = [
    'ixi-t1-age/young/IXI012-HH-1211_T1.nii.gz',
    'ixi-t1-regions/labels/IXI059-HH-1284_T1_DLMUSE.nii.gz',
    'colin27/ch2.nii.gz',
    'colin27/aal.nii.gz',
]
DICOM = ['dicom-small/CT_small.dcm', 'dicom-small/MR_small.dcm', 'dicom-small/nibabel_0.dcm']
IMAGES = [
    'em-isbi2012/images/0.png',
    'em-isbi2012/labels/0.png',
    'em-epfl-features/axon/training0000.png',
    'sem-ncm/NCM333/NCM333_1157.jpg',
]
N_SAMPLES = 12


def sample_indices(shape, arr, rng):
    """Half random indices, half among non-zero voxels, so the values say something."""
    idx = [tuple(int(rng.integers(0, s)) for s in shape) for _ in range(N_SAMPLES // 2)]
    nz = np.argwhere(arr != 0)
    if len(nz):
        for row in nz[rng.integers(0, len(nz), N_SAMPLES - len(idx))]:
            idx.append(tuple(int(v) for v in row))
    return idx


def affine_list(a):
    return [[float(v) for v in row] for row in np.asarray(a)]


def nifti_entry(path, rng):
    img = nib.load(path)
    data = np.asarray(img.get_fdata(dtype=np.float64))
    idx = sample_indices(data.shape, data, rng)
    can = nib.as_closest_canonical(img)
    cdata = np.asarray(can.get_fdata(dtype=np.float64))
    cidx = sample_indices(cdata.shape, cdata, rng)
    slope, inter = img.dataobj.slope, img.dataobj.inter
    return {
        'shape': list(data.shape),
        'dtype': str(img.header.get_data_dtype()),
        'voxOffset': int(img.dataobj.offset),
        'slope': float(slope),
        'inter': float(inter),
        'qformCode': int(img.header['qform_code']),
        'sformCode': int(img.header['sform_code']),
        'affine': affine_list(img.affine),
        'qform': affine_list(img.header.get_qform()),
        'zooms': [float(z) for z in img.header.get_zooms()[:3]],
        'axcodes': ''.join(nib.aff2axcodes(img.affine)),
        'sum': float(data.sum()),
        'samples': [[*i, float(data[i])] for i in idx],
        'canonical': {
            'shape': list(cdata.shape),
            'affine': affine_list(can.affine),
            'zooms': [float(z) for z in can.header.get_zooms()[:3]],
            'axcodes': ''.join(nib.aff2axcodes(can.affine)),
            'samples': [[*i, float(cdata[i])] for i in cidx],
        },
    }


def dicom_entry(path, rng):
    ds = pydicom.dcmread(path)
    raw = ds.pixel_array.astype(np.int64)
    bits = int(ds.BitsStored)
    if int(ds.PixelRepresentation) == 0:
        raw = raw & ((1 << bits) - 1)  # high bits above BitsStored are not pixel data
    slope = float(ds.get('RescaleSlope', 1))
    inter = float(ds.get('RescaleIntercept', 0))
    real = raw * slope + inter
    idx = sample_indices(raw.shape, raw, rng)
    spacing = ds.get('PixelSpacing')
    thick = ds.get('SliceThickness')
    return {
        'transferSyntax': str(ds.file_meta.TransferSyntaxUID),
        'rows': int(ds.Rows),
        'columns': int(ds.Columns),
        'bitsAllocated': int(ds.BitsAllocated),
        'bitsStored': bits,
        'pixelRepresentation': int(ds.PixelRepresentation),
        'rescaleSlope': slope,
        'rescaleIntercept': inter,
        'pixelSpacing': [float(v) for v in spacing] if spacing is not None else None,
        'sliceThickness': float(thick) if thick is not None else None,
        'rawSum': int(raw.sum()),
        'rawMin': int(raw.min()),
        'rawMax': int(raw.max()),
        'sum': float(real.sum()),
        'samples': [[*i, int(raw[i]), float(real[i])] for i in idx],
    }


def image_entry(path, rng):
    im = Image.open(path)
    arr = np.asarray(im)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    idx = sample_indices(arr.shape[:2], arr[:, :, 0], rng)
    return {
        'mode': im.mode,
        'width': int(arr.shape[1]),
        'height': int(arr.shape[0]),
        'channels': int(arr.shape[2]),
        'channelSums': [int(arr[:, :, c].astype(np.int64).sum()) for c in range(arr.shape[2])],
        'samples': [[*i, [int(v) for v in arr[i]]] for i in idx],
    }


def main():
    rng = np.random.default_rng(20240611)
    os.makedirs(OUT, exist_ok=True)
    groups = {
        'nifti.json': (NIFTI, nifti_entry),
        'dicom.json': (DICOM, dicom_entry),
        'images.json': (IMAGES, image_entry),
    }
    for name, (files, fn) in groups.items():
        out = {}
        for rel in files:
            path = os.path.join(DATA, rel)
            if not os.path.exists(path):
                print('missing, skipped:', rel, file=sys.stderr)
                continue
            out[rel] = fn(path, rng)
        with open(os.path.join(OUT, name), 'w') as f:
            json.dump({'generator': 'scripts/gen-io-fixtures.py', 'versions': {
                'nibabel': nib.__version__, 'pydicom': pydicom.__version__,
                'numpy': np.__version__}, 'files': out}, f, indent=1)
            f.write('\n')
        print('wrote', os.path.join(OUT, name))


if __name__ == '__main__':
    main()
