// Usage: node scripts/transfer-smoke.mjs DIST_ROOT [EPOCHS]. Quick real-data smoke: landmark pretraining (few epochs) on ixi-t1-regions, then AdaBoost curves
const root = process.argv[2];
const D = '/work/shared/data/ixi-t1-regions';
const { setNumThreads } = await import(`${root}/src/engine/index.js`).catch(() => ({}));
const eng = await import(`${root}/src/engine/index.js`);
if (eng.setNumThreads) eng.setNumThreads(1);
const { volumePairDataset } = await import(`${root}/src/data/folder-datasets.js`);
const { readRegionNames } = await import(`${root}/src/methods/transfer/region-names.js`);
const { landmarkPretrainData, topKAccuracy } = await import(`${root}/src/methods/transfer/pretrain.js`);
const { classifierTask, pixelNorm, predictProbabilities } = await import(`${root}/src/methods/classify/trainer.js`);
const { buildBackbone } = await import(`${root}/src/methods/classify/backbones.js`);
const { fit } = await import(`${root}/src/train/index.js`);
const { targetTaskItems } = await import(`${root}/src/methods/transfer/target-tasks.js`);
const { taskImageSet, transferCurves } = await import(`${root}/src/methods/transfer/evaluate.js`);
const { layerFeatures, rawFeatures } = await import(`${root}/src/methods/transfer/features.js`);
const { learnerCounts } = await import(`${root}/src/methods/transfer/boosting-curves.js`);
const t0 = Date.now();
const pairs = await volumePairDataset(`${D}/t1`, `${D}/labels`, { labelSuffix: '_DLMUSE' });
const names = await readRegionNames(`${D}/muse_dict.csv`);
const epochs = Number(process.argv[3] ?? 6);
const data = await landmarkPretrainData(pairs, { classes: 30, names, jitter: 2, repeat: 2, fractions: [0.6, 0.1, 0.3], seed: 0 });
console.log('split', JSON.stringify(data.split), 'classes', data.dataset.classNames.length, 'secs', (Date.now() - t0) / 1000);
const first = await data.trainSet(0);
const norm = pixelNorm(first);
const run = async (shuffle) => {
  eng.manualSeed(0);
  const C = data.dataset.classNames.length;
  const net = buildBackbone({ backbone: 'minivgg', inChannels: 3, inputSize: 32, numClasses: C });
  const perm = shuffle ? Int32Array.from(first.labels).sort(() => 0) : null;
  let epochSet = (e) => data.trainSet(e);
  let train = first;
  if (shuffle) { // shuffled labels: a fixed seeded permutation of the training labels
    const lab = Int32Array.from(first.labels); let s = 7; for (let i = lab.length - 1; i > 0; i--) { s = (s * 1103515245 + 12345) % 2147483648; const j = s % (i + 1); [lab[i], lab[j]] = [lab[j], lab[i]]; }
    train = { ...first, labels: lab }; epochSet = async (e) => ({ ...(await data.trainSet(e)), labels: lab });
  }
  const task = classifierTask(net, train, data.val.count ? data.val : undefined, { epochs, batchSize: 64, augment: 'none', norm, epochSet, seed: 0 });
  await fit(task, { epochs, seed: 0 });
  const p = predictProbabilities(net, data.test, { norm });
  return { net, top1: topKAccuracy(p, data.test.labels, C, 1), top5: topKAccuracy(p, data.test.labels, C, 5) };
};
const lm = await run(false);
console.log('landmark top1', lm.top1, 'top5', lm.top5, 'secs', (Date.now() - t0) / 1000);
const sh = await run(true);
console.log('shuffled-label top1', sh.top1, 'top5', sh.top5, 'secs', (Date.now() - t0) / 1000);
const { naturalTask } = await import(`${root}/src/methods/transfer/patch-sets.js`);
const nat = await naturalTask('/work/shared/data/bsds500/train/images', { classes: 60, perClass: 40 }, 0);
const natNorm = pixelNorm(nat.trainSet(0));
eng.manualSeed(0);
const natNet = buildBackbone({ backbone: 'minivgg', inChannels: 3, inputSize: 32, numClasses: 60 });
const natTask = classifierTask(natNet, nat.trainSet(0), nat.test, { epochs, batchSize: 64, augment: 'flip', norm: natNorm, epochSet: async (e) => nat.trainSet(e), seed: 0 });
const natFit = await fit(natTask, { epochs, seed: 0 });
console.log('natural (bsds500, 60 images) test top1', natFit.history.at(-1).val.accuracy, 'secs', (Date.now() - t0) / 1000);
eng.manualSeed(1);
const rnd = buildBackbone({ backbone: 'minivgg', inChannels: 3, inputSize: 32, numClasses: data.dataset.classNames.length });
const counts = learnerCounts(100);
const out = {};
for (const name of ['structures', 'lesions']) {
  const task = await targetTaskItems(name, pairs, { perVolume: 30, exclude: data.dataset.classes.map((c) => c.region), seed: 0 }, names);
  const set = await taskImageSet(task);
  const feats = new Map([['landmark', layerFeatures(lm.net, set, 'embed', 'gap', { norm })], ['shuffled', layerFeatures(sh.net, set, 'embed', 'gap', { norm })], ['natural', layerFeatures(natNet, set, 'embed', 'gap', { norm: natNorm })], ['random', layerFeatures(rnd, set, 'embed', 'gap', { norm })], ['raw', rawFeatures(set)]]);
  const r = transferCurves(task, feats, new Set(data.split.train), new Set([...data.split.val, ...data.split.test]), { labels: 20, seeds: 3, counts, resamples: 200 });
  out[name] = Object.fromEntries(Object.entries(r.curves).map(([k, c]) => [k, c.auc.map((v) => +v.toFixed(3))]));
  console.log(name, task.classNames.join(' vs '), 'test', r.testCount, 'counts', counts.join(' '), JSON.stringify(out[name]), 'secs', (Date.now() - t0) / 1000);
}
