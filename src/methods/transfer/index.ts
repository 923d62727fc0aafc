// Transfer learning from anatomical landmarks: landmark classes and patch datasets from label
// volumes, synthetic lesions for a target task, and AdaBoost over frozen features.
export { ADABOOST_ALGORITHMS, decisionScores, fitAdaBoost, numpySum, predictLabels, stagedDecision } from './adaboost.js';
export type { AdaBoostAlgorithm, AdaBoostModel, AdaBoostOptions } from './adaboost.js';
export { fitStump, goesLeft, presortFeatures } from './decision-stump.js';
export type { FeatureMatrix, PresortedFeatures, Stump } from './decision-stump.js';
export { EXTREME_NAMES, LANDMARK_POINTS, chooseLandmarks, insideRegion, landmarkPoint, regionPoints } from './landmarks.js';
export type { IncompleteRegion, LandmarkClass, LandmarkOptions, LandmarkPoint, RegionPoints, VolumeRegions } from './landmarks.js';
export { NEGATIVE_MASKS, maskVoxels, sampleNegatives } from './negatives.js';
export type { NegativeMask, NegativeOptions } from './negatives.js';
export { checkSameGrid, landmarkDataset } from './landmark-dataset.js';
export type { LandmarkDataset, LandmarkDatasetOptions } from './landmark-dataset.js';
export { parseRegionNames, readRegionNames } from './region-names.js';
export { drawLesion, insertLesion, lesionEdit, lesionTask, lesionWeight } from './synthetic-lesion.js';
export type { Lesion, LesionItem, LesionOptions, LesionTaskOptions } from './synthetic-lesion.js';
