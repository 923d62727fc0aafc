// Every CAM method, listed once: the CLI's --method choices, docs and the contract tests iterate it.
import { OptionError } from '../../util/errors.js';
import { EigenCam } from './eigen-cam.js';
import { GradCam } from './grad-cam.js';
import { GradCamPlusPlus } from './grad-cam-plus-plus.js';
import { HiResCam } from './hires-cam.js';
import { LayerCam } from './layer-cam.js';
import { ScoreCam } from './score-cam.js';
import { XGradCam } from './xgrad-cam.js';
import type { CamMethod } from './types.js';

export const CAM_METHODS: readonly CamMethod[] = [new GradCam(), new GradCamPlusPlus(), new XGradCam(), new HiResCam(), new LayerCam(), new ScoreCam(), new EigenCam()];

export const CAM_METHOD_NAMES: readonly string[] = CAM_METHODS.map((m) => m.name);

/** The registered method of that name. */
export function camMethod(name: string): CamMethod {
  const m = CAM_METHODS.find((c) => c.name === name);
  if (!m) throw new OptionError('method', `unknown CAM method '${name}' (choose from ${CAM_METHOD_NAMES.join(', ')})`);
  return m;
}
