// Class activation maps (the Grad-CAM family) over any layer of any kensa network, and
// faithfulness scores to compare them.
export type * from './types.js';
export { BaseCam } from './base-cam.js';
export { computeCam, finishLayerMap, normalizeMaps, type CamOptions, type CamResult } from './cam.js';
export { minMaxScale } from './normalize.js';
export { LayerCapture, findLayer } from './capture.js';
export { CAM_METHODS, CAM_METHOD_NAMES, CAM_CONTROLS, CAM_CHOICES, camMethod } from './registry.js';
export { RandomMap } from './random-map.js';
export { classTarget, classProbabilityTarget, predictedClasses, rowImages } from './targets.js';
export { defaultCamLayer } from './default-layer.js';
export { deletionInsertion, faithfulnessBaseline, meanAucs, saliencyRank, trapezoidAuc, FAITHFULNESS_BASELINES } from './faithfulness.js';
export type { FaithfulnessBaseline, FaithfulnessCurves, FaithfulnessOptions } from './faithfulness.js';
export { noisyLinearImpute, road, type RoadCurves, type RoadOptions } from './road.js';
