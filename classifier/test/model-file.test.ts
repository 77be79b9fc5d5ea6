import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_FILE } from '../src/index.js';
import { modelFileText, trainFromCorpus } from '../src/internal/training.js';

describe('the committed model file', () => {
  it('is the one the corpus, lexicon and code in the repository train, byte for byte', () => {
    const committed = readFileSync(DEFAULT_MODEL_FILE, 'utf8');
    const { model } = trainFromCorpus();
    const stale =
      'model/model.json is out of date with data/corpus, the lexicon or the model code: run npm run train -w classifier';
    expect(JSON.parse(committed).version, stale).toBe(model.version);
    expect(committed === modelFileText(model), stale).toBe(true);
  });
});
