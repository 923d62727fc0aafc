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
export { naturalTask, patchImageSet, scaleVolume } from './patch-sets.js';
export type { NaturalTask, NaturalTaskOptions } from './patch-sets.js';
export { TARGET_TASKS, fewLabels, targetTaskItems } from './target-tasks.js';
export type { TargetTask, TargetTaskName, TargetTaskOptions } from './target-tasks.js';
export { FEATURE_POOLS, featureLayers, featureRows, layerFeatures, rawFeatures } from './features.js';
export type { FeaturePool } from './features.js';
export { aucCurve, learnerCounts, stagedScores } from './boosting-curves.js';
export type { AucCurve } from './boosting-curves.js';
export { landmarkPretrainData, topKAccuracy } from './pretrain.js';
export type { LandmarkPretrainData, LandmarkPretrainOptions, SubjectSplit } from './pretrain.js';
export { taskImageSet, transferCurves } from './evaluate.js';
export type { TransferCurveOptions } from './evaluate.js';
