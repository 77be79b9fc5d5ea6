/**
 * `npm run train -w classifier`: trains the logistic regression on the train split of
 * data/corpus and writes model/model.json. Deterministic: the same corpus and lexicon give the
 * same file, byte for byte.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type ClaimKind,
  Classifier,
  DEFAULT_MODEL_FILE,
  type Example,
  PRIOR_BIAS,
  rulePriors,
  trainModel,
} from '../src/index.js';
import { loadCorpus } from '../src/internal/corpus.js';
import { TRAIN_SETTINGS } from '../src/internal/model.js';

const { entries, sha256 } = loadCorpus();
const train = entries.filter((e) => e.split === 'train');
const rules = new Classifier({ model: null });
const examples: Example[] = train.map((e) => {
  const a = rules.analyze(e.text);
  return { hashed: a.hashed, named: a.named, label: e.label, kind: e.label === 1 ? (e.kind as ClaimKind) : null };
});

// The version names what the model was made from: corpus, lexicon and feature extraction.
const lexicon = readFileSync(fileURLToPath(new URL('../src/internal/lexicon.ts', import.meta.url)), 'utf8');
const features = readFileSync(fileURLToPath(new URL('../src/internal/model.ts', import.meta.url)), 'utf8');
const version = `lr-v2-${createHash('sha256').update(sha256).update(lexicon).update(features).digest('hex').slice(0, 10)}`;
const started = Date.now();
const model = trainModel(examples, {
  version,
  priors: rulePriors(),
  priorBias: PRIOR_BIAS,
  ...TRAIN_SETTINGS,
  trainedOn: {
    corpusSha256: sha256,
    examples: examples.length,
    positives: examples.filter((e) => e.label === 1).length,
    split: 'sha256(id) < 0.3 → test',
  },
});
writeFileSync(DEFAULT_MODEL_FILE, `${JSON.stringify(model)}\n`);
const nonzero = model.hashed.length;
console.log(
  `trained ${version} on ${examples.length} posts (${model.trainedOn.positives} claims) in ${Date.now() - started} ms: ` +
    `${nonzero} n-gram weights, ${Object.keys(model.named).length} rule weights → ${fileURLToPath(DEFAULT_MODEL_FILE)}`,
);
const named = Object.entries(model.named)
  .sort((a, b) => b[1] - a[1])
  .map(([k, v]) => `${k}=${v.toFixed(2)}`);
console.log(`rule weights: ${named.join(' ')}`);
