import { describe, expect, it } from 'vitest';
import { type Example, type ModelFile, type TrainOptions, trainModel } from '../src/index.js';
import { LogisticModel } from '../src/internal/model.js';

// Toy features: 1 and 2 occur in every post (like "là", "mọi người"), 3 only in claims, 4 only in
// other posts, 5 in two claims and one other post (it leans, but tells little).
const examples: Example[] = [
  { hashed: [1, 2, 3], named: [], label: 1, kind: 'false_cure' },
  { hashed: [1, 2, 3, 5], named: [], label: 1, kind: 'false_cure' },
  { hashed: [1, 2, 3, 5], named: [], label: 1, kind: 'vaccine_harm' },
  { hashed: [1, 2, 4], named: [], label: 0, kind: null },
  { hashed: [1, 2, 4, 5], named: [], label: 0, kind: null },
  { hashed: [1, 2, 4], named: [], label: 0, kind: null },
];
const base: TrainOptions = {
  version: 'test',
  priors: {},
  priorBias: 0,
  l2Hashed: 0.01,
  l2Named: 0.01,
  iterations: 300,
  learningRate: 0.05,
  trainedOn: {},
};
const weight = (m: ModelFile, i: number) => m.hashed.find(([j]) => j === i)?.[1] ?? 0;

describe('trainModel', () => {
  it('is deterministic: the same examples give the same file', () => {
    const opts = { ...base, nbSmoothing: 1, nbOffset: 0.5 };
    expect(JSON.stringify(trainModel(examples, opts))).toBe(JSON.stringify(trainModel(examples, opts)));
  });

  it('with naive Bayes scaling, holds back n-grams that claims and other posts share', () => {
    const plain = trainModel(examples, base);
    const nb = trainModel(examples, { ...base, nbSmoothing: 1, nbOffset: 0.5 });
    // The telling n-grams carry the decision either way.
    for (const m of [plain, nb]) {
      expect(weight(m, 3)).toBeGreaterThan(0.5);
      expect(weight(m, 4)).toBeLessThan(-0.5);
    }
    // The shared one weighs less, relative to a telling one, once scaled by its log-count ratio.
    const share = (m: ModelFile) => Math.abs(weight(m, 5)) / Math.abs(weight(m, 3));
    expect(share(nb)).toBeLessThan(share(plain) * 0.8);
  });

  it('stores the scaled weights, so a model scores its training posts as it learned them', () => {
    const model = new LogisticModel(trainModel(examples, { ...base, nbSmoothing: 1, nbOffset: 0.5 }));
    for (const e of examples) {
      const p = 1 / (1 + Math.exp(-model.logit(e.hashed, e.named)));
      if (e.label === 1) expect(p).toBeGreaterThan(0.8);
      else expect(p).toBeLessThan(0.2);
    }
  });

  it('refuses a smoothing that is not positive', () => {
    expect(() => trainModel(examples, { ...base, nbSmoothing: 0 })).toThrow(RangeError);
  });
});
