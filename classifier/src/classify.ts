import { createHash } from 'node:crypto';
import { bigrams, type KnownClaimIndexEntry, loadKnownClaims, matchKnownClaims } from './internal/known-claims.js';
import {
  AMPLIFIERS,
  CLAIM_FRAMES,
  type ClaimFrame,
  COUNTER_SIGNALS,
  COVID_TERMS,
  DOCUMENT_NUMBER,
  type SignalRule,
} from './internal/lexicon.js';
import { foldText, syllables } from './normalize.js';
import type { ClaimKind, Classification, Reason } from './schema.js';

export const MODEL_VERSION = 'rules-v0';

export interface ClassifierOptions {
  /** JSON file of known debunked claims; defaults to the bundled registry. */
  knownClaimsFile?: URL;
  /** Bigram containment needed to match a known claim, 0..1. */
  knownClaimThreshold?: number;
}

interface CompiledFrame extends Omit<ClaimFrame, 'groups'> {
  readonly groups: readonly (readonly string[])[];
}

const BIAS = -1.5;
const KNOWN_CLAIM_WEIGHT = 2.5;
const NEGATORS = ['khong phai', 'chua phai', 'dung nghe'];

/**
 * Rule-based Vietnamese Covid-claim classifier (v0): topic terms, claim frames, known
 * debunked claims and counter-signals over the folded text. Pure and deterministic.
 */
export class Classifier {
  readonly #covid: readonly string[];
  readonly #frames: readonly CompiledFrame[];
  readonly #amplifiers: readonly SignalRule[];
  readonly #counters: readonly SignalRule[];
  readonly #known: readonly KnownClaimIndexEntry[];
  readonly #knownThreshold: number;

  constructor(options: ClassifierOptions = {}) {
    const threshold = options.knownClaimThreshold ?? 0.6;
    if (!(threshold > 0 && threshold <= 1)) {
      throw new RangeError(`knownClaimThreshold must be in (0, 1], got ${threshold}`);
    }
    this.#knownThreshold = threshold;
    this.#covid = foldAll(COVID_TERMS);
    this.#frames = CLAIM_FRAMES.map((f) => ({ ...f, groups: f.groups.map(foldAll) }));
    const foldRule = (r: SignalRule): SignalRule => ({ ...r, phrases: foldAll(r.phrases) });
    this.#amplifiers = AMPLIFIERS.map(foldRule);
    this.#counters = COUNTER_SIGNALS.map(foldRule);
    this.#known = loadKnownClaims(options.knownClaimsFile ?? new URL('../data/known-claims.json', import.meta.url));
  }

  classify(text: string): Classification {
    const folded = foldText(text);
    const padded = ` ${folded} `;
    const has = (phrase: string) => padded.includes(` ${phrase} `);
    const reasons: Reason[] = [];

    const covidHits = this.#covid.filter(has);
    if (covidHits.length > 0) {
      reasons.push({
        rule: 'topic.covid',
        kind: 'topic',
        message: 'Nói về dịch Covid-19',
        phrases: covidHits,
        weight: 0,
      });
    }

    let claim = 0;
    let claimType: ClaimKind | null = null;
    let topFrameWeight = 0;
    for (const frame of this.#frames) {
      const matched: string[] = [];
      let all = true;
      for (const group of frame.groups) {
        const hits = group.filter(has);
        if (hits.length === 0) {
          all = false;
          break;
        }
        matched.push(...hits);
      }
      if (!all) continue;
      claim += frame.weight;
      if (frame.weight > topFrameWeight) {
        topFrameWeight = frame.weight;
        claimType = frame.kind;
      }
      reasons.push({ rule: frame.id, kind: 'claim', message: frame.label, phrases: matched, weight: frame.weight });
    }

    const known = matchKnownClaims(this.#known, bigrams(folded), this.#knownThreshold);
    for (const match of known) {
      reasons.push({
        rule: `known.${match.claim.id}`,
        kind: 'known_claim',
        message: `Trùng với tin đã bị bác bỏ: “${match.claim.claim}” (${match.claim.debunkUrl})`,
        phrases: [],
        weight: KNOWN_CLAIM_WEIGHT,
      });
    }
    if (known[0]) {
      claim += KNOWN_CLAIM_WEIGHT;
      claimType ??= known[0].claim.kind;
    }

    if (claim > 0) {
      for (const rule of this.#amplifiers) {
        const hits = rule.phrases.filter(has);
        if (hits.length === 0) continue;
        claim += rule.weight;
        reasons.push({ rule: rule.id, kind: 'amplifier', message: rule.label, phrases: hits, weight: rule.weight });
      }
    }

    let counter = 0;
    for (const rule of this.#counters) {
      const hits = rule.phrases.filter((p) => has(p) && !negated(padded, p));
      if (rule.id === 'counter.official_plan') {
        const doc = DOCUMENT_NUMBER.exec(folded);
        if (doc) hits.push(doc[0]);
      }
      if (hits.length === 0) continue;
      counter += rule.weight;
      reasons.push({ rule: rule.id, kind: 'counter', message: rule.label, phrases: hits, weight: -rule.weight });
    }

    const covid = covidHits.length > 0;
    const raw = claim > 0 ? sigmoid(BIAS + claim - counter) : 0;
    // A claim frame outside the Covid topic is out of scope: halve it so it never flags.
    const score = covid ? raw : raw * 0.5;
    const flagged = covid && claim > 0 && score >= 0.5;
    const rounded = Math.round(score * 1000) / 1000;
    return {
      covid,
      flagged,
      score: rounded,
      claimType: claim > 0 ? claimType : null,
      knownClaimIds: known.map((m) => m.claim.id),
      claimKey: flagged ? claimKeyOf(known[0]?.claim.id, folded) : null,
      reasons,
      modelVersion: MODEL_VERSION,
    };
  }
}

function foldAll(phrases: readonly string[]): string[] {
  return [...new Set(phrases.map(foldText))];
}

function negated(padded: string, phrase: string): boolean {
  return NEGATORS.some((n) => padded.includes(` ${n} ${phrase} `));
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Reposts of a known claim share its id; other claims group by their opening words. */
function claimKeyOf(knownId: string | undefined, folded: string): string {
  if (knownId) return `known:${knownId}`;
  const head = syllables(folded).slice(0, 30).join(' ');
  return `text:${createHash('sha256').update(head).digest('hex').slice(0, 16)}`;
}

let shared: Classifier | undefined;
/** Classifies with a lazily built default classifier. */
export function classify(text: string): Classification {
  shared ??= new Classifier();
  return shared.classify(text);
}
