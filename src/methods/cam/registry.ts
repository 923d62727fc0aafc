// Every CAM method, listed once: the CLI's --method choices, docs and the contract tests iterate it.
import { OptionError } from '../../util/errors.js';
import { EigenCam } from './eigen-cam.js';
import { GradCam } from './grad-cam.js';
import { GradCamPlusPlus } from './grad-cam-plus-plus.js';
import { HiResCam } from './hires-cam.js';
import { LayerCam } from './layer-cam.js';
import { RandomMap } from './random-map.js';
import { ScoreCam } from './score-cam.js';
import { XGradCam } from './xgrad-cam.js';
import type { CamMethod } from './types.js';

export const CAM_METHODS: readonly CamMethod[] = [new GradCam(), new GradCamPlusPlus(), new XGradCam(), new HiResCam(), new LayerCam(), new ScoreCam(), new EigenCam()];

export const CAM_METHOD_NAMES: readonly string[] = CAM_METHODS.map((m) => m.name);

/** Controls that run through the same pipeline as the methods but use nothing of the network: the chance level of every score. */
export const CAM_CONTROLS: readonly CamMethod[] = [new RandomMap()];

/** What --method accepts: every method, then every control ('all' in the commands means these). */
export const CAM_CHOICES: readonly string[] = [...CAM_METHOD_NAMES, ...CAM_CONTROLS.map((m) => m.name)];

/** The registered method or control of that name. */
export function camMethod(name: string): CamMethod {
  const m = CAM_METHODS.find((c) => c.name === name) ?? CAM_CONTROLS.find((c) => c.name === name);
  if (!m) throw new OptionError('method', `unknown CAM method '${name}' (choose from ${CAM_CHOICES.join(', ')})`);
  return m;
}
