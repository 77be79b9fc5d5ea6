/**
 * The model `npm run train -w classifier` writes: trained on the train split of data/corpus with
 * TRAIN_SETTINGS, its version naming the corpus, the lexicon and the feature extraction. Shared
 * with the test that checks the committed model file is the one the repository trains.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Classifier, PRIOR_BIAS, rulePriors } from '../classify.js';
import type { ClaimKind } from '../schema.js';
import { type CorpusEntry, loadCorpus } from './corpus.js';
import { type Example, type ModelFile, TRAIN_SETTINGS, trainModel } from './model.js';

/** A corpus post as the model trains on it: the rules' features (`rules` has no model). */
export function exampleOf(rules: Classifier, e: CorpusEntry): Example {
  const a = rules.analyze(e.text);
  return { hashed: a.hashed, named: a.named, label: e.label, kind: e.label === 1 ? (e.kind as ClaimKind) : null };
}

export function trainFromCorpus(): { model: ModelFile; examples: readonly Example[] } {
  const { entries, sha256 } = loadCorpus();
  const rules = new Classifier({ model: null });
  const examples = entries.filter((e) => e.split === 'train').map((e) => exampleOf(rules, e));
  const source = (file: string) => readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');
  const version = `lr-v2-${createHash('sha256')
    .update(sha256)
    .update(source('./lexicon.ts'))
    .update(source('./model.ts'))
    .digest('hex')
    .slice(0, 10)}`;
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
  return { model, examples };
}

/** The model file's text, as written to model/model.json. */
export const modelFileText = (model: ModelFile): string => `${JSON.stringify(model)}\n`;
