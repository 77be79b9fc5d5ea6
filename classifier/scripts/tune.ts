/**
 * `npm run tune -w classifier`: 5-fold cross-validation on the TRAIN split only, to choose the
 * flag thresholds and training settings (never looks at the held-out split). Prints recall and
 * false-positive rate for each set of thresholds, then, for the chosen thresholds, recall per
 * claim kind, false-positive rate per kind of non-claim and ROC-AUC.
 * `-- --quick` scores only the chosen thresholds.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { MODEL_ONLY_THRESHOLD, OUT_OF_SCOPE_THRESHOLD } from '../src/classify.js';
import { Classifier, FLAG_THRESHOLD, PRIOR_BIAS, rulePriors, trainModel } from '../src/index.js';
import { loadCorpus } from '../src/internal/corpus.js';
import { TRAIN_SETTINGS } from '../src/internal/model.js';
import { exampleOf } from '../src/internal/training.js';

const quick = process.argv.includes('--quick');
// Experiments: TUNE_SETTINGS='{"l2Hashed":0.0003}' overrides the training settings.
const SETTINGS = { ...TRAIN_SETTINGS, ...JSON.parse(process.env.TUNE_SETTINGS ?? '{}') };
const rules = new Classifier({ model: null });
const train = loadCorpus().entries.filter((e) => e.split === 'train');
const ex = train.map((e) => ({ e, x: exampleOf(rules, e) }));
const fold = (id: string) => createHash('md5').update(id).digest()[0]! % 5;
const chosen: [number, number, number] = [FLAG_THRESHOLD, MODEL_ONLY_THRESHOLD, OUT_OF_SCOPE_THRESHOLD];
const grid: [number, number, number][] = [chosen];
if (!quick) {
  for (const t of [0.4, 0.45, 0.5, 0.55])
    for (const u of [0.5, 0.6, 0.65]) for (const v of [0.6, 0.7, 0.8, 0.9]) if (u >= t && v >= t) grid.push([t, u, v]);
}
const tally = grid.map(() => ({ tp: 0, fn: 0, fp: 0, tn: 0 }));
const perKind = new Map<string, { n: number; flagged: number }>();
const scores: { label: 0 | 1; score: number }[] = [];
for (let k = 0; k < 5; k++) {
  const model = trainModel(
    ex.filter((q) => fold(q.e.id) !== k).map((q) => q.x),
    { ...SETTINGS, version: 'cv', priors: rulePriors(), priorBias: PRIOR_BIAS, trainedOn: {} },
  );
  grid.forEach(([t, u, v], g) => {
    const c = new Classifier({ model, flagThreshold: t, modelOnlyThreshold: u, outOfScopeThreshold: v });
    for (const q of ex.filter((q) => fold(q.e.id) === k)) {
      const r = c.classify(q.e.text);
      const f = r.flagged;
      const s = tally[g]!;
      if (q.e.label) f ? s.tp++ : s.fn++;
      else f ? s.fp++ : s.tn++;
      if (g === 0) {
        const key = `${q.e.label ? 'claim' : 'not'}:${q.e.kind}`;
        const pk = perKind.get(key) ?? { n: 0, flagged: 0 };
        pk.n++;
        if (f) pk.flagged++;
        perKind.set(key, pk);
        scores.push({ label: q.e.label, score: r.score });
        if (process.env.SHOW_MISSES && ((q.e.label === 1 && !f) || (q.e.label === 0 && f))) {
          const a = c.analyze(q.e.text);
          const why = f
            ? a.named.join(',')
            : r.score < t
              ? 'low'
              : `gated covid=${a.covid} kind=${a.ruleKind} named=${a.named.join(',')}`;
          console.log(
            `${f ? 'FP' : 'FN'} ${q.e.kind} ${r.score} ${q.e.id} [${why}] ${q.e.text.slice(0, 160).replace(/\n/g, ' ')}`,
          );
        }
      }
    }
  });
}
grid.forEach(([t, u, v], g) => {
  const s = tally[g]!;
  console.log(
    `${g === 0 ? '* ' : '  '}flag ≥ ${t}, model-only ≥ ${u}, out of scope ≥ ${v}: recall ${(s.tp / (s.tp + s.fn)).toFixed(3)}, false-positive rate ${(s.fp / (s.fp + s.tn)).toFixed(3)}`,
  );
});
let pos = 0;
let rank = 0;
const sorted = [...scores].sort((a, b) => a.score - b.score);
for (let i = 0; i < sorted.length; ) {
  let j = i;
  while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
  for (let k = i; k < j; k++) {
    if (sorted[k]!.label === 1) {
      rank += (i + j + 1) / 2;
      pos++;
    }
  }
  i = j;
}
const neg = sorted.length - pos;
{
  // The ranking alone: recall at the best score threshold with a false-positive rate ≤ 0.05.
  const negs = scores
    .filter((x) => x.label === 0)
    .map((x) => x.score)
    .sort((a, b) => b - a);
  const cut = negs[Math.floor(negs.length * 0.05)]!;
  const r = scores.filter((x) => x.label === 1 && x.score > cut).length / pos;
  console.log(`score alone (no gates): recall ${r.toFixed(3)} at false-positive rate ≤ 0.05 (score > ${cut})`);
}
console.log(`cross-validated ROC-AUC ${((rank - (pos * (pos + 1)) / 2) / (pos * neg)).toFixed(3)}`);
for (const [key, s] of [...perKind.entries()].sort()) {
  console.log(`  ${key.padEnd(26)} n=${String(s.n).padStart(4)} flagged ${(s.flagged / s.n).toFixed(3)}`);
}

// The seed documents (official plans, never claims) must stay unflagged: score them with a model
// trained on the whole train split, as `npm run train` does.
const SEEDS = new URL('../../../shared/seeds/', import.meta.url);
if (existsSync(SEEDS)) {
  const model = trainModel(
    ex.map((q) => q.x),
    { ...SETTINGS, version: 'cv', priors: rulePriors(), priorBias: PRIOR_BIAS, trainedOn: {} },
  );
  const c = new Classifier({ model });
  let n = 0;
  const flagged: string[] = [];
  for (const f of readdirSync(SEEDS)) {
    for (const para of readFileSync(new URL(f, SEEDS), 'utf8').split(/\n\s*\n/)) {
      if (para.trim().length < 20) continue;
      n++;
      const r = c.classify(para);
      if (r.flagged) flagged.push(`${r.score} ${para.slice(0, 140).replace(/\n/g, ' ')}`);
    }
  }
  console.log(`seed paragraphs flagged: ${flagged.length} of ${n}`);
  for (const s of flagged) console.log(`  ${s}`);
}
