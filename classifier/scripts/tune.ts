/**
 * `npm run tune -w classifier`: 5-fold cross-validation on the TRAIN split only, to choose the
 * flag thresholds (never looks at the held-out split). Prints recall and false-positive rate
 * for each pair of thresholds.
 */
import { createHash } from 'node:crypto';
import { type ClaimKind, Classifier, type Example, PRIOR_BIAS, rulePriors, trainModel } from '../src/index.js';
import { loadCorpus } from '../src/internal/corpus.js';

const rules = new Classifier({ model: null });
const train = loadCorpus().entries.filter((e) => e.split === 'train');
const ex = train.map((e) => {
  const a = rules.analyze(e.text);
  const x: Example = { hashed: a.hashed, named: a.named, label: e.label, kind: e.label ? (e.kind as ClaimKind) : null };
  return { e, x };
});
const fold = (id: string) => createHash('md5').update(id).digest()[0]! % 5;
const grid: [number, number, number][] = [];
for (const t of [0.45, 0.5, 0.55])
  for (const u of [0.5, 0.6, 0.65]) for (const v of [0.6, 0.7, 0.8, 0.9]) if (u >= t && v >= t) grid.push([t, u, v]);
const tally = grid.map(() => ({ tp: 0, fn: 0, fp: 0, tn: 0 }));
for (let k = 0; k < 5; k++) {
  const model = trainModel(
    ex.filter((q) => fold(q.e.id) !== k).map((q) => q.x),
    {
      version: 'cv',
      priors: rulePriors(),
      priorBias: PRIOR_BIAS,
      l2Hashed: 0.0001,
      l2Named: 0.02,
      iterations: 400,
      learningRate: 0.05,
      trainedOn: {},
    },
  );
  grid.forEach(([t, u, v], g) => {
    const c = new Classifier({ model, flagThreshold: t, modelOnlyThreshold: u, outOfScopeThreshold: v });
    for (const q of ex.filter((q) => fold(q.e.id) === k)) {
      const f = c.classify(q.e.text).flagged;
      const s = tally[g]!;
      if (q.e.label) f ? s.tp++ : s.fn++;
      else f ? s.fp++ : s.tn++;
    }
  });
}
grid.forEach(([t, u, v], g) => {
  const s = tally[g]!;
  console.log(
    `flag ≥ ${t}, model-only ≥ ${u}, out of scope ≥ ${v}: recall ${(s.tp / (s.tp + s.fn)).toFixed(3)}, false-positive rate ${(s.fp / (s.fp + s.tn)).toFixed(3)}`,
  );
});
