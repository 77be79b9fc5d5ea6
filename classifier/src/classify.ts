import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { KnownClaimIndex, loadKnownClaims } from './internal/known-claims.js';
import {
  AMPLIFIERS,
  CLAIM_FRAMES,
  CLAIM_NEGATORS,
  COUNTER_SIGNALS,
  COVID_TERMS,
  DOCUMENT_NUMBER,
  NEGATORS,
} from './internal/lexicon.js';
import { PhraseMatcher } from './internal/matcher.js';
import { hashedFeatures, LogisticModel, type ModelFile, ngramNames, tokenHash } from './internal/model.js';
import { foldedSyllables, foldText } from './normalize.js';
import type { ClaimKind, Classification, Reason } from './schema.js';

/** Version of the rules alone, used when no trained model is loaded. */
export const RULES_VERSION = 'rules-v1';
export const DEFAULT_MODEL_FILE = new URL('../model/model.json', import.meta.url);
const DEFAULT_KNOWN_CLAIMS = new URL('../data/known-claims.json', import.meta.url);

export interface ClassifierOptions {
  /** JSON file of known debunked claims; defaults to the bundled registry. */
  knownClaimsFile?: URL;
  /** Bigram containment needed to match a known claim, 0..1. */
  knownClaimThreshold?: number;
  /** The trained model; `null` scores with the rules' prior weights only. Defaults to the bundled model. */
  model?: ModelFile | null;
  /** Overrides FLAG_THRESHOLD and MODEL_ONLY_THRESHOLD (cross-validation tries several). */
  flagThreshold?: number;
  modelOnlyThreshold?: number;
  /** Score needed to flag a post with no Covid term, known claim or pandemic frame. */
  outOfScopeThreshold?: number;
}

/** What the rules found in a post: the model's named features and the analyst's reasons. */
export interface Analysis {
  readonly folded: readonly string[];
  readonly hashed: readonly number[];
  readonly named: readonly string[];
  readonly covid: boolean;
  readonly reasons: readonly Reason[];
  readonly ruleKind: ClaimKind | null;
  readonly knownClaimIds: readonly string[];
  readonly knownKind: ClaimKind | null;
}

type Tag =
  | { readonly type: 'covid' }
  | { readonly type: 'frame'; readonly frame: number; readonly group: number }
  | { readonly type: 'amplifier'; readonly rule: number }
  | { readonly type: 'counter'; readonly rule: number };

const KNOWN_CLAIM = 'known_claim';
const COVID_KEY = 0;
const FRAME_KEY = 1_000;
const AMP_KEY = 10_000;
const COUNTER_KEY = 20_000;
const COVID_TOPIC = 'topic.covid';
const DOC_NUMBER = 'doc.number';

/** Prior weight of each named feature: the hand-set rule weights the model starts from. */
export function rulePriors(): Record<string, number> {
  const priors: Record<string, number> = { [COVID_TOPIC]: 0.5, [KNOWN_CLAIM]: 2.5 };
  for (const f of CLAIM_FRAMES) priors[f.id] = f.weight;
  for (const a of AMPLIFIERS) priors[a.id] = a.weight;
  for (const c of COUNTER_SIGNALS) priors[c.id] = -c.weight;
  return priors;
}
export const PRIOR_BIAS = -1.5;
/**
 * Score from which a post is flagged. The three thresholds were chosen with `npm run tune -w
 * classifier` (5-fold cross-validation on the train split only): recall 0.941 at a
 * false-positive rate of 0.032 and the seed documents at 0 flags (2026-12-03, 4,685 posts).
 * Lower thresholds buy about a point of recall for false-positive rates of 0.04–0.045, nearer
 * the 0.05 target, and flag (and explain) more posts, which costs speed.
 */
export const FLAG_THRESHOLD = 0.55;
/** Score needed when no rule found claim evidence or hearsay (the model alone). */
export const MODEL_ONLY_THRESHOLD = 0.65;
/**
 * Score needed without any sign of the pandemic in the rules (claims such as "cấm chợ từ 0h"
 * rarely name the virus; the model, trained on such posts, can still be sure).
 */
export const OUT_OF_SCOPE_THRESHOLD = 0.9;
/**
 * Score from which a post that only cites an official source ("theo Bộ Y tế", "UBND tỉnh"),
 * without the planning language of official documents, flags without claim evidence: forged
 * notices name their supposed issuer. Chosen by cross-validation on the train split.
 */
export const OFFICIAL_SOURCE_THRESHOLD = 0.8;

/**
 * Vietnamese Covid-claim classifier: rules over folded syllables (topic terms, claim frames,
 * known debunked claims, counter-signals) feed a logistic regression over hashed syllable
 * n-grams. Pure and deterministic; NFC and NFD input give the same result.
 */
export class Classifier {
  readonly modelVersion: string;
  readonly #matcher: PhraseMatcher<Tag>;
  readonly #known: KnownClaimIndex;
  readonly #knownThreshold: number;
  readonly #model: LogisticModel | null;
  readonly #priors = rulePriors();
  readonly #flagAt: number;
  readonly #modelOnlyAt: number;
  readonly #outOfScopeAt: number;
  readonly #officialSourceAt = OFFICIAL_SOURCE_THRESHOLD;

  constructor(options: ClassifierOptions = {}) {
    const threshold = options.knownClaimThreshold ?? 0.6;
    if (!(threshold > 0 && threshold <= 1)) {
      throw new RangeError(`knownClaimThreshold must be in (0, 1], got ${threshold}`);
    }
    this.#knownThreshold = threshold;
    this.#flagAt = options.flagThreshold ?? FLAG_THRESHOLD;
    this.#modelOnlyAt = options.modelOnlyThreshold ?? MODEL_ONLY_THRESHOLD;
    this.#outOfScopeAt = options.outOfScopeThreshold ?? OUT_OF_SCOPE_THRESHOLD;
    const entries: [string, Tag][] = [];
    for (const p of COVID_TERMS) entries.push([foldText(p), { type: 'covid' }]);
    CLAIM_FRAMES.forEach((f, frame) => {
      f.groups.forEach((g, group) => {
        for (const p of g) entries.push([foldText(p), { type: 'frame', frame, group }]);
      });
    });
    AMPLIFIERS.forEach((a, rule) => {
      for (const p of a.phrases) entries.push([foldText(p), { type: 'amplifier', rule }]);
    });
    COUNTER_SIGNALS.forEach((c, rule) => {
      for (const p of c.phrases) entries.push([foldText(p), { type: 'counter', rule }]);
    });
    this.#matcher = new PhraseMatcher(entries);
    this.#known = new KnownClaimIndex(loadKnownClaims(options.knownClaimsFile ?? DEFAULT_KNOWN_CLAIMS));
    const model = options.model === undefined ? loadDefaultModel() : options.model;
    this.#model = model ? new LogisticModel(model) : null;
    this.modelVersion = model ? model.version : RULES_VERSION;
  }

  /** Runs the rules and computes the model's features, without scoring. */
  analyze(text: string): Analysis {
    return this.#analyzeText(text).analysis;
  }

  /** The analysis, and the folded syllables of the whole text (quotations included). */
  #analyzeText(text: string): { analysis: Analysis; folded: readonly string[] } {
    const { folded, inQuote } = foldedSyllables(text, QUOTED);
    return { analysis: this.#judgeQuotes(folded, inQuote), folded };
  }

  #judgeQuotes(folded: readonly string[], inQuote: readonly boolean[] | null): Analysis {
    const full = this.#analyze(folded);
    // A debunk or a sanction report quotes the rumour it refutes: judge the post without the
    // quotation, but keep the quoted claim's known-claim match so the case can be linked.
    if (!inQuote || !full.named.some((n) => n === 'counter.debunk' || n === 'counter.sanction')) return full;
    const outer = this.#analyze(folded.filter((_, i) => !inQuote[i]));
    const named = [...new Set([...outer.named, ...full.named.filter((n) => n.startsWith('counter.'))])];
    const reasons = [
      ...outer.reasons,
      ...full.reasons.filter((r) => r.kind === 'counter' && !outer.named.includes(r.rule)),
      {
        rule: 'counter.quoted_claim',
        kind: 'counter' as const,
        message: 'Tin đồn chỉ được trích dẫn trong ngoặc kép để bác bỏ',
        phrases: [],
        weight: 0,
      },
    ];
    return {
      ...outer,
      covid: outer.covid || full.covid,
      named,
      reasons,
      knownClaimIds: full.knownClaimIds,
      knownKind: full.knownKind,
    };
  }

  #analyze(folded: readonly string[]): Analysis {
    const hashes = new Array<number>(folded.length);
    // A document number ("824/kh") is one token with a "/": only those are tried.
    let doc: string | null = null;
    for (let i = 0; i < folded.length; i++) {
      const t = folded[i]!;
      hashes[i] = tokenHash(t);
      if (doc === null && t.includes('/')) doc = DOCUMENT_NUMBER.exec(t)?.[0] ?? null;
    }
    // Most posts hit few phrases: record hits lazily instead of allocating a set per rule.
    const hits = new Map<number, Set<string>>();
    const record = (key: number, phrase: string) => {
      const set = hits.get(key);
      if (set) set.add(phrase);
      else hits.set(key, new Set([phrase]));
    };
    // Frame phrases that contain a counter phrase where both start win over it: "đừng tin số
    // liệu" is a conspiracy claim, not the debunk "đừng tin".
    const frameSpans: { at: number; end: number }[] = [];
    const counters: { rule: number; phrase: string; at: number; end: number }[] = [];
    this.#matcher.scan(
      folded,
      (tag, hit) => {
        switch (tag.type) {
          case 'covid':
            record(COVID_KEY, hit.phrase);
            break;
          case 'frame': {
            frameSpans.push({ at: hit.at, end: hit.at + hit.length });
            // "không diệt được virus" denies the claim: it is evidence of a debunk, not of a claim.
            const claimGroup = CLAIM_FRAMES[tag.frame]!.claimGroup ?? CLAIM_FRAMES[tag.frame]!.groups.length - 1;
            if (tag.group === claimGroup && deniedClaim(folded, hit.at)) {
              record(COUNTER_KEY + NEGATED_CLAIM, hit.phrase);
            } else record(FRAME_KEY + tag.frame * 16 + tag.group, hit.phrase);
            break;
          }
          case 'amplifier':
            record(AMP_KEY + tag.rule, hit.phrase);
            break;
          case 'counter':
            if (!negated(folded, hit.at)) {
              counters.push({ rule: tag.rule, phrase: hit.phrase, at: hit.at, end: hit.at + hit.length });
            }
            break;
        }
      },
      hashes,
    );
    for (const c of counters) {
      if (!frameSpans.some((f) => f.at <= c.at && f.end >= c.end && f.end - f.at > c.end - c.at)) {
        record(COUNTER_KEY + c.rule, c.phrase);
      }
    }
    const none: ReadonlySet<string> = new Set();
    const covidHits = hits.get(COVID_KEY) ?? none;
    const got = (key: number) => hits.get(key) ?? none;

    const reasons: Reason[] = [];
    const named: string[] = [];
    const weight = (name: string) => this.#model?.namedWeight(name) ?? this.#priors[name] ?? 0;
    if (covidHits.size > 0) {
      named.push(COVID_TOPIC);
      reasons.push({
        rule: COVID_TOPIC,
        kind: 'topic',
        message: 'Nói về dịch Covid-19',
        phrases: [...covidHits],
        weight: 0,
      });
    }

    let ruleKind: ClaimKind | null = null;
    let topFrame = Number.NEGATIVE_INFINITY;
    CLAIM_FRAMES.forEach((frame, i) => {
      let all = true;
      let any = false;
      for (let g = 0; g < frame.groups.length; g++) {
        if (hits.has(FRAME_KEY + i * 16 + g)) any = true;
        else all = false;
      }
      if (!any) return;
      if (!all) {
        // Part of a frame is weaker evidence the model weighs on its own: the claim group
        // ("gây vô sinh") without its subject, or the subject without the claim.
        PARTIAL_NAMES[i]!.forEach((name, g) => {
          if (hits.has(FRAME_KEY + i * 16 + g)) named.push(name);
        });
        return;
      }
      const groups = frame.groups.map((_, g) => got(FRAME_KEY + i * 16 + g));
      named.push(frame.id);
      const w = weight(frame.id);
      if (w > topFrame) {
        topFrame = w;
        ruleKind = frame.kind;
      }
      reasons.push({
        rule: frame.id,
        kind: 'claim',
        message: frame.label,
        phrases: groups.flatMap((g) => [...g]),
        weight: w,
      });
    });

    const known = this.#known.matchSyllables(hashes, this.#knownThreshold);
    if (known.length > 0) named.push(KNOWN_CLAIM);
    for (const match of known) {
      reasons.push({
        rule: `known.${match.claim.id}`,
        kind: 'known_claim',
        message: `Trùng với tin đã bị bác bỏ: “${match.claim.claim}” (${match.claim.debunkUrl})`,
        phrases: [],
        weight: weight(KNOWN_CLAIM),
      });
    }

    AMPLIFIERS.forEach((rule, i) => {
      const amp = got(AMP_KEY + i);
      if (amp.size === 0) return;
      named.push(rule.id);
      reasons.push({
        rule: rule.id,
        kind: 'amplifier',
        message: rule.label,
        phrases: [...amp],
        weight: weight(rule.id),
      });
    });

    // A document number is in official plans and in forged documents alike: a feature of its
    // own, which the model weighs, not a counter-signal.
    if (doc !== null) named.push(DOC_NUMBER);
    COUNTER_SIGNALS.forEach((rule, i) => {
      const counter = [...got(COUNTER_KEY + i)];
      if (counter.length === 0) return;
      named.push(rule.id);
      reasons.push({ rule: rule.id, kind: 'counter', message: rule.label, phrases: counter, weight: weight(rule.id) });
    });

    return {
      folded,
      hashed: hashedFeatures(hashes),
      named,
      covid: covidHits.size > 0,
      reasons,
      ruleKind,
      knownClaimIds: known.map((m) => m.claim.id),
      knownKind: known[0]?.claim.kind ?? null,
    };
  }

  classify(text: string): Classification {
    return this.classifyAndFold(text).classification;
  }

  /**
   * classify(), with the text's folded syllables (what `foldText` gives, split on spaces), for
   * callers that also index the text and need not fold it a second time.
   */
  classifyAndFold(text: string): { classification: Classification; folded: readonly string[] } {
    const { analysis: a, folded } = this.#analyzeText(text);
    const model = this.#model;
    let z = model
      ? model.logit(a.hashed, a.named)
      : PRIOR_BIAS + a.named.reduce((s, n) => s + (this.#priors[n] ?? 0), 0);
    if (!Number.isFinite(z)) z = 0;
    const p = 1 / (1 + Math.exp(-z));
    const score = Math.round(p * 1000) / 1000;
    // In scope: a Covid term, a known claim, or a frame that only occurs in the pandemic
    // (fake orders, shortage panic, …; "chanh gừng chữa khỏi cảm cúm" is a cure claim, not Covid).
    const claimEvidence = a.ruleKind !== null || a.knownClaimIds.length > 0;
    const inScope = a.covid || a.knownClaimIds.length > 0 || (a.ruleKind !== null && PANDEMIC_FRAMES.has(a.ruleKind));
    // Without a claim frame, a known claim or hearsay, only a confident model flags; official
    // plans talk about the same things as rumours (PC-Covid, QR codes, lockdowns) and veto it.
    const hearsay = a.named.some((n) => n.startsWith('amp.'));
    const officialVoice = a.named.includes('counter.official_plan') || a.named.includes('counter.official_source');
    const flagged =
      score >= this.#flagAt &&
      // Out of scope, a confident model may flag, unless the rules read the post as a home cure,
      // which without a Covid term is about something else ("chanh gừng chữa khỏi cảm cúm").
      (inScope || (score >= this.#outOfScopeAt && a.ruleKind !== 'false_cure')) &&
      (claimEvidence || hearsay || score >= this.#modelOnlyAt) &&
      // Citing an official source ("theo Bộ Y tế…") is what rumours do too: only the planning
      // language of the documents themselves vetoes a confident model.
      (claimEvidence ||
        !officialVoice ||
        (score >= this.#officialSourceAt && !a.named.includes('counter.official_plan')));
    const reasons = [...a.reasons];
    // Only flagged posts reach an analyst, so only they need the model's phrases explained.
    if (model && flagged) {
      const top = topNgrams(model, a.folded, a.hashed);
      if (top.length > 0) {
        reasons.push({
          rule: 'model.ngrams',
          kind: 'model',
          message: 'Mô hình thống kê: cụm từ thường gặp trong tin sai',
          phrases: top.map((t) => t.phrase),
          weight: Math.round(top.reduce((s, t) => s + t.weight, 0) * 100) / 100,
        });
      }
    }
    const claimType = a.ruleKind ?? a.knownKind ?? (flagged && model ? model.kindOf(a.hashed) : null);
    const classification: Classification = {
      covid: inScope || flagged,
      flagged,
      score,
      claimType,
      knownClaimIds: [...a.knownClaimIds],
      claimKey: flagged ? claimKeyOf(a.knownClaimIds[0], a.folded) : null,
      reasons,
      modelVersion: this.modelVersion,
    };
    return { classification, folded };
  }
}

function loadDefaultModel(): ModelFile | null {
  if (!existsSync(DEFAULT_MODEL_FILE)) return null;
  return JSON.parse(readFileSync(DEFAULT_MODEL_FILE, 'utf8')) as ModelFile;
}

/** The n-grams that pushed the score up most, for the analyst. */
function topNgrams(model: LogisticModel, folded: readonly string[], hashed: readonly number[]) {
  const strong = hashed.filter((i) => model.weightOf(i) > 0.3);
  if (strong.length === 0) return [];
  const names = ngramNames(folded, strong);
  const top: { phrase: string; weight: number }[] = [];
  for (const i of strong) {
    const phrase = names.get(i);
    if (phrase !== undefined) top.push({ phrase, weight: model.weightOf(i) });
  }
  return top.sort((x, y) => y.weight - x.weight).slice(0, 5);
}

const PANDEMIC_FRAMES: ReadonlySet<ClaimKind> = new Set([
  'fake_order',
  'shortage_panic',
  'forged_document',
  'hidden_cases',
  'tracing_rumour',
  'fake_test_result',
  'app_data_theft',
]);

/** Text in quotation marks: “…”, "…", «…», ‘…’. */
const QUOTED = /“[^”]{3,400}”|"[^"]{3,400}"|«[^»]{3,400}»|‘[^’]{3,400}’/g;

/** "frame.vaccine_harm/0": the name of each group of each frame, when it matches alone. */
const PARTIAL_NAMES: readonly (readonly string[])[] = CLAIM_FRAMES.map((f) => f.groups.map((_, g) => `${f.id}/${g}`));

const NEGATED_CLAIM = COUNTER_SIGNALS.findIndex((c) => c.id === 'counter.negated_claim');

function deniedClaim(folded: readonly string[], at: number): boolean {
  // A phrase that itself starts with a negator ("không lây") is the claim, not its denial.
  if (CLAIM_NEGATORS.has(folded[at]!)) return false;
  for (let k = Math.max(0, at - 3); k < at; k++) if (CLAIM_NEGATORS.has(folded[k]!)) return true;
  return false;
}

function negated(folded: readonly string[], at: number): boolean {
  if (at < 2) return false;
  const before = `${folded[at - 2]} ${folded[at - 1]}`;
  return NEGATORS.includes(before);
}

/** Reposts of a known claim share its id; other claims group by their opening words. */
function claimKeyOf(knownId: string | undefined, folded: readonly string[]): string {
  if (knownId) return `known:${knownId}`;
  const head = folded.slice(0, 30).join(' ');
  return `text:${createHash('sha256').update(head).digest('hex').slice(0, 16)}`;
}

let shared: Classifier | undefined;
/** Classifies with a lazily built default classifier. */
export function classify(text: string): Classification {
  shared ??= new Classifier();
  return shared.classify(text);
}
