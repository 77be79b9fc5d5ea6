/**
 * The statistical layer: logistic regression over hashed folded syllable uni- and bigrams plus
 * the rule features (frames, counter-signals, known claims), and a naive Bayes model that names
 * the claim kind when no rule does. Training is deterministic: same corpus, same model file.
 */
import { CLAIM_KINDS, type ClaimKind } from '../schema.js';

export const HASH_DIMS = 1 << 16;
/** Names the feature extraction; a model trained on other features is refused. */
export const FEATURE_SET = 'syllable-uni-bi-skip';

export interface ModelFile {
  readonly version: string;
  readonly dims: number;
  readonly features: string;
  readonly bias: number;
  /** [hashed feature index, weight] for every non-zero weight. */
  readonly hashed: readonly (readonly [number, number])[];
  /** Weights of the named rule features. */
  readonly named: Readonly<Record<string, number>>;
  /** Naive Bayes per claim kind: log prior, log probability of unseen features, known features. */
  readonly kinds: readonly {
    readonly kind: ClaimKind;
    readonly logPrior: number;
    readonly logUnseen: number;
    readonly features: readonly (readonly [number, number])[];
  }[];
  readonly trainedOn: Readonly<Record<string, unknown>>;
}

/** FNV-1a, 32 bits. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * FNV-1a of a syllable. Computing it over a few characters costs less than looking a fresh
 * string up in a cache.
 */
export function tokenHash(s: string): number {
  return fnv1a(s);
}

/** Hash of an ordered pair of syllable hashes (a bigram). */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Salt that keeps a skip-bigram ("tiêm … sinh") apart from the bigram of the same syllables. */
const SKIP = 0x5bd1e995;

/**
 * Distinct hashed feature indices from the syllables' hashes (see tokenHash): unigrams, bigrams
 * and skip-bigrams (syllables two apart, so "tiêm xong vô sinh" and "tiêm là vô sinh" share one).
 */
export function hashedFeatures(hashes: readonly number[], dims = HASH_DIMS): number[] {
  // A generation-stamped marker array dedupes without allocating a Set per post.
  if (dims !== marks.length) marks = new Uint32Array(dims);
  generation = generation === 0xffffffff ? 1 : generation + 1;
  if (generation === 1) marks.fill(0);
  const out: number[] = [];
  let prev = -1;
  let prev2 = -1;
  for (const h of hashes) {
    const u = h % dims;
    if (marks[u] !== generation) {
      marks[u] = generation;
      out.push(u);
    }
    if (prev >= 0) {
      const b = mix(prev, h) % dims;
      if (marks[b] !== generation) {
        marks[b] = generation;
        out.push(b);
      }
    }
    if (prev2 >= 0) {
      const k = mix(prev2, h ^ SKIP) % dims;
      if (marks[k] !== generation) {
        marks[k] = generation;
        out.push(k);
      }
    }
    prev2 = prev;
    prev = h;
  }
  return out;
}
let marks = new Uint32Array(HASH_DIMS);
let generation = 0;

/** The 32-bit hashes of the syllable bigrams, for known-claim matching. */
export function bigramHashes(hashes: readonly number[]): Set<number> {
  const out = new Set<number>();
  for (let i = 1; i < hashes.length; i++) out.add(mix(hashes[i - 1]!, hashes[i]!));
  return out;
}

/** The text of the wanted hashed features, for explanations (only computed when asked). */
export function featureNames(
  folded: readonly string[],
  wanted: ReadonlySet<number>,
  dims = HASH_DIMS,
): Map<number, string> {
  const names = new Map<number, string>();
  let prev = -1;
  let prev2 = -1;
  for (let i = 0; i < folded.length; i++) {
    const h = tokenHash(folded[i]!);
    const u = h % dims;
    if (wanted.has(u)) names.set(u, folded[i]!);
    if (prev >= 0) {
      const b = mix(prev, h) % dims;
      if (wanted.has(b)) names.set(b, `${folded[i - 1]} ${folded[i]}`);
    }
    if (prev2 >= 0) {
      const k = mix(prev2, h ^ SKIP) % dims;
      if (wanted.has(k)) names.set(k, `${folded[i - 2]} … ${folded[i]}`);
    }
    prev2 = prev;
    prev = h;
  }
  return names;
}

/**
 * The text of the bigrams and skip-bigrams among `wanted` (hashed indices), as featureNames
 * gives them, found without a Set: `wanted` are marked in a reused array.
 */
export function ngramNames(
  folded: readonly string[],
  wanted: readonly number[],
  dims = HASH_DIMS,
): Map<number, string> {
  if (dims !== marks.length) marks = new Uint32Array(dims);
  generation = generation === 0xffffffff ? 1 : generation + 1;
  if (generation === 1) marks.fill(0);
  for (const i of wanted) marks[i] = generation;
  const names = new Map<number, string>();
  let prev = folded.length > 0 ? tokenHash(folded[0]!) : -1;
  let prev2 = -1;
  for (let i = 1; i < folded.length; i++) {
    const h = tokenHash(folded[i]!);
    const b = mix(prev, h) % dims;
    if (marks[b] === generation) names.set(b, `${folded[i - 1]} ${folded[i]}`);
    if (prev2 >= 0) {
      const k = mix(prev2, h ^ SKIP) % dims;
      if (marks[k] === generation) names.set(k, `${folded[i - 2]} … ${folded[i]}`);
    }
    prev2 = prev;
    prev = h;
  }
  return names;
}

export interface Example {
  readonly hashed: readonly number[];
  readonly named: readonly string[];
  readonly label: 0 | 1;
  readonly kind: ClaimKind | null;
}

export class LogisticModel {
  readonly file: ModelFile;
  readonly #weights: Float64Array;
  readonly #named: ReadonlyMap<string, number>;
  readonly #kindNames: readonly ClaimKind[];
  readonly #kindPriors: Float64Array;
  readonly #kindUnseen: Float64Array;
  /**
   * Sparse naive Bayes table: for hashed feature i, entries #kindStart[i] … #kindStart[i + 1] - 1
   * of #kindOf/#kindGain name the kinds that had it and what it adds over their unseen value.
   * #kindKnown[i] marks features some kind had (the others are skipped, as naive Bayes skips
   * features outside its vocabulary).
   */
  readonly #kindStart: Int32Array;
  readonly #kindKnown: Uint8Array;
  readonly #kindIndex: Uint8Array;
  readonly #kindGain: Float64Array;

  constructor(file: ModelFile) {
    if (file.dims !== HASH_DIMS) throw new Error(`model has ${file.dims} hash dimensions, this code uses ${HASH_DIMS}`);
    if (file.features !== FEATURE_SET) {
      throw new Error(
        `model was trained on features "${file.features}", this code extracts "${FEATURE_SET}": run npm run train -w classifier`,
      );
    }
    this.file = file;
    this.#weights = new Float64Array(file.dims);
    for (const [i, w] of file.hashed) this.#weights[i] = w;
    this.#named = new Map(Object.entries(file.named));
    this.#kindNames = file.kinds.map((k) => k.kind);
    this.#kindPriors = Float64Array.from(file.kinds, (k) => k.logPrior);
    this.#kindUnseen = Float64Array.from(file.kinds, (k) => k.logUnseen);
    const counts = new Int32Array(file.dims + 1);
    this.#kindKnown = new Uint8Array(file.dims);
    for (const k of file.kinds) {
      for (const [i] of k.features) {
        counts[i + 1]!++;
        this.#kindKnown[i] = 1;
      }
    }
    for (let i = 0; i < file.dims; i++) counts[i + 1]! += counts[i]!;
    this.#kindStart = counts;
    const fill = counts.slice(0, file.dims);
    this.#kindIndex = new Uint8Array(counts[file.dims]!);
    this.#kindGain = new Float64Array(counts[file.dims]!);
    file.kinds.forEach((k, j) => {
      for (const [i, v] of k.features) {
        const at = fill[i]!++;
        this.#kindIndex[at] = j;
        this.#kindGain[at] = v - k.logUnseen;
      }
    });
  }

  /** The log-odds of a claim, and each feature's share of it. */
  logit(hashed: readonly number[], named: readonly string[]): number {
    let z = this.file.bias;
    for (const i of hashed) z += this.#weights[i]!;
    for (const n of named) z += this.#named.get(n) ?? 0;
    return z;
  }

  weightOf(index: number): number {
    return this.#weights[index] ?? 0;
  }

  namedWeight(name: string): number {
    return this.#named.get(name) ?? 0;
  }

  /** The most likely claim kind by naive Bayes over the hashed features. */
  kindOf(hashed: readonly number[]): ClaimKind | null {
    if (this.#kindNames.length === 0) return null;
    const scores = this.#kindPriors.slice();
    const start = this.#kindStart;
    let known = 0;
    for (const i of hashed) {
      if (this.#kindKnown[i] === 0) continue;
      known++;
      for (let e = start[i]!; e < start[i + 1]!; e++) scores[this.#kindIndex[e]!]! += this.#kindGain[e]!;
    }
    for (let j = 0; j < scores.length; j++) scores[j]! += known * this.#kindUnseen[j]!;
    let best = 0;
    for (let j = 1; j < scores.length; j++) if (scores[j]! > scores[best]!) best = j;
    return this.#kindNames[best]!;
  }
}

export interface TrainOptions {
  readonly version: string;
  /** Prior weights of the named features; L2 pulls them toward these instead of zero. */
  readonly priors: Readonly<Record<string, number>>;
  readonly priorBias: number;
  readonly l2Hashed: number;
  readonly l2Named: number;
  /**
   * Naive Bayes scaling of the n-gram features (as in NBSVM, Wang & Manning 2012): feature i
   * enters the regression as s_i = nbOffset + |log-count ratio of i|, the ratio smoothed with
   * nbSmoothing. The L2 penalty then holds back n-grams that occur alike in claims and other posts
   * more than those that tell them apart. The stored weight is w_i · s_i, so scoring is unchanged.
   * Leave nbSmoothing out for plain binary features.
   */
  readonly nbSmoothing?: number;
  readonly nbOffset?: number;
  readonly iterations: number;
  readonly learningRate: number;
  readonly trainedOn: Readonly<Record<string, unknown>>;
}

/** The training settings `npm run train` uses (chosen by cross-validation on the train split). */
export const TRAIN_SETTINGS = {
  l2Hashed: 0.00003,
  l2Named: 0.02,
  nbSmoothing: 1,
  nbOffset: 0.5,
  iterations: 400,
  learningRate: 0.05,
} as const;

/** Full-batch gradient descent with Adam: deterministic, no shuffling needed. */
export function trainModel(examples: readonly Example[], options: TrainOptions): ModelFile {
  if (examples.length === 0) throw new Error('no training examples');
  const dims = HASH_DIMS;
  const w = new Float64Array(dims);
  const namedIndex = new Map<string, number>();
  for (const name of Object.keys(options.priors)) namedIndex.set(name, namedIndex.size);
  for (const e of examples) for (const n of e.named) if (!namedIndex.has(n)) namedIndex.set(n, namedIndex.size);
  const names = [...namedIndex.keys()];
  const prior = Float64Array.from(names, (n) => options.priors[n] ?? 0);
  const v = Float64Array.from(prior);
  let b = options.priorBias;

  const adam = (size: number) => ({ m: new Float64Array(size), s: new Float64Array(size) });
  const aw = adam(dims);
  const av = adam(names.length);
  const ab = { m: 0, s: 0 };
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  const gw = new Float64Array(dims);
  const gv = new Float64Array(names.length);
  const active = new Set<number>();
  for (const e of examples) for (const i of e.hashed) active.add(i);
  const activeList = [...active].sort((x, y) => x - y);
  const namedOf = examples.map((e) => e.named.map((n) => namedIndex.get(n)!));
  const n = examples.length;
  const scale = nbScale(examples, activeList, dims, options);

  for (let t = 1; t <= options.iterations; t++) {
    gw.fill(0);
    gv.fill(0);
    let gb = 0;
    for (let k = 0; k < n; k++) {
      const e = examples[k]!;
      let z = b;
      for (const i of e.hashed) z += w[i]! * scale[i]!;
      for (const j of namedOf[k]!) z += v[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const d = (p - e.label) / n;
      for (const i of e.hashed) gw[i]! += d * scale[i]!;
      for (const j of namedOf[k]!) gv[j]! += d;
      gb += d;
    }
    const lr = options.learningRate;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    for (const i of activeList) {
      const g = gw[i]! + options.l2Hashed * w[i]!;
      aw.m[i] = beta1 * aw.m[i]! + (1 - beta1) * g;
      aw.s[i] = beta2 * aw.s[i]! + (1 - beta2) * g * g;
      w[i]! -= (lr * (aw.m[i]! / c1)) / (Math.sqrt(aw.s[i]! / c2) + eps);
    }
    for (let j = 0; j < names.length; j++) {
      const g = gv[j]! + options.l2Named * (v[j]! - prior[j]!);
      av.m[j] = beta1 * av.m[j]! + (1 - beta1) * g;
      av.s[j] = beta2 * av.s[j]! + (1 - beta2) * g * g;
      v[j]! -= (lr * (av.m[j]! / c1)) / (Math.sqrt(av.s[j]! / c2) + eps);
    }
    ab.m = beta1 * ab.m + (1 - beta1) * gb;
    ab.s = beta2 * ab.s + (1 - beta2) * gb * gb;
    b -= (lr * (ab.m / c1)) / (Math.sqrt(ab.s / c2) + eps);
  }

  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  const hashed: [number, number][] = [];
  for (const i of activeList) {
    const effective = w[i]! * scale[i]!;
    if (Math.abs(effective) >= 1e-4) hashed.push([i, round(effective)]);
  }
  const named: Record<string, number> = {};
  names.forEach((name, j) => {
    named[name] = round(v[j]!);
  });
  return {
    version: options.version,
    dims,
    features: FEATURE_SET,
    bias: round(b),
    hashed,
    named,
    kinds: trainKinds(examples),
    trainedOn: options.trainedOn,
  };
}

/** Each n-gram's feature value in training (see TrainOptions.nbSmoothing); 1 for all without it. */
function nbScale(
  examples: readonly Example[],
  activeList: readonly number[],
  dims: number,
  options: TrainOptions,
): Float64Array {
  const scale = new Float64Array(dims).fill(1);
  const alpha = options.nbSmoothing;
  if (alpha === undefined) return scale;
  if (!(alpha > 0)) throw new RangeError(`nbSmoothing must be > 0, got ${alpha}`);
  const offset = options.nbOffset ?? 0;
  const pos = new Float64Array(dims);
  const neg = new Float64Array(dims);
  for (const e of examples) for (const i of e.hashed) (e.label === 1 ? pos : neg)[i]! += 1;
  let posTotal = 0;
  let negTotal = 0;
  for (const i of activeList) {
    posTotal += pos[i]! + alpha;
    negTotal += neg[i]! + alpha;
  }
  for (const i of activeList) {
    const ratio = Math.log((pos[i]! + alpha) / posTotal / ((neg[i]! + alpha) / negTotal));
    scale[i] = offset + Math.abs(ratio);
  }
  return scale;
}

/** Multinomial naive Bayes (binary features, Laplace smoothing) over the claims' features. */
function trainKinds(examples: readonly Example[]): ModelFile['kinds'] {
  const claims = examples.filter((e) => e.label === 1 && e.kind);
  const docFreq = new Map<number, number>();
  for (const e of claims) for (const i of e.hashed) docFreq.set(i, (docFreq.get(i) ?? 0) + 1);
  const vocab = [...docFreq.entries()].filter(([, c]) => c >= 2).map(([i]) => i);
  const vocabSet = new Set(vocab);
  const out: { kind: ClaimKind; logPrior: number; logUnseen: number; features: [number, number][] }[] = [];
  for (const kind of CLAIM_KINDS) {
    const docs = claims.filter((e) => e.kind === kind);
    if (docs.length === 0) continue;
    const counts = new Map<number, number>();
    let total = 0;
    for (const e of docs) {
      for (const i of e.hashed) {
        if (!vocabSet.has(i)) continue;
        counts.set(i, (counts.get(i) ?? 0) + 1);
        total++;
      }
    }
    const denom = total + vocab.length + 1;
    const r = (x: number) => Math.round(x * 1e4) / 1e4;
    out.push({
      kind,
      logPrior: r(Math.log(docs.length / claims.length)),
      logUnseen: r(Math.log(1 / denom)),
      features: [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([i, c]) => [i, r(Math.log((c + 1) / denom))]),
    });
  }
  return out;
}
