/**
 * `npm run train -w classifier`: trains the logistic regression on the train split of
 * data/corpus and writes model/model.json. Deterministic: the same corpus and lexicon give the
 * same file, byte for byte (a test checks that the committed file is this one).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_FILE } from '../src/index.js';
import { modelFileText, trainFromCorpus } from '../src/internal/training.js';

const started = Date.now();
const { model, examples } = trainFromCorpus();
// Written beside and renamed over, so a process starting meanwhile reads the old file or the new one.
const next = new URL(`${DEFAULT_MODEL_FILE.href}.${process.pid}.tmp`);
writeFileSync(next, modelFileText(model));
renameSync(next, DEFAULT_MODEL_FILE);
console.log(
  `trained ${model.version} on ${examples.length} posts (${model.trainedOn.positives} claims) in ${Date.now() - started} ms: ` +
    `${model.hashed.length} n-gram weights, ${Object.keys(model.named).length} rule weights → ${fileURLToPath(DEFAULT_MODEL_FILE)}`,
);
const named = Object.entries(model.named)
  .sort((a, b) => b[1] - a[1])
  .map(([k, v]) => `${k}=${v.toFixed(2)}`);
console.log(`rule weights: ${named.join(' ')}`);
