// kensa info FILE: what an image, stack, volume or DICOM file holds ({kind, shape, dtype, spacing}).
import { defineCommand } from '../command.js';
import { fileInfo } from '../../io/file-info.js';

export const infoCommand = defineCommand<Record<string, never>>({
  name: 'info',
  summary: 'show kind, shape, dtype and voxel spacing of an image, TIFF stack, NIfTI volume or DICOM file',
  positionals: [{ name: 'FILE', description: 'PNG, JPEG, TIFF, NIfTI (.nii, .nii.gz) or DICOM file' }],
  options: {},
  async run(_opts, [file]) {
    const info = await fileInfo(file);
    const spacing = info.spacing ? `  spacing ${info.spacing.map((s) => s.toFixed(4).replace(/\.?0+$/, '')).join(' × ')}` : '';
    return { json: info, text: `${file}: ${info.kind} ${info.shape.join(' × ')} ${info.dtype}${spacing}` };
  },
});
