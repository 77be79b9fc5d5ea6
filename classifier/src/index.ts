export {
  type Analysis,
  Classifier,
  type ClassifierOptions,
  classify,
  DEFAULT_MODEL_FILE,
  FLAG_THRESHOLD,
  PRIOR_BIAS,
  RULES_VERSION,
  rulePriors,
} from './classify.js';
export { type LegacyEncoding, repairLegacyEncoding } from './internal/legacy.js';
export { type Example, hashedFeatures, type ModelFile, type TrainOptions, trainModel } from './internal/model.js';
export { cleanText, foldDiacritics, foldText, normalizeText, syllables } from './normalize.js';
export {
  CLAIM_KINDS,
  type ClaimKind,
  ClaimKindSchema,
  type Classification,
  ClassificationSchema,
  type Reason,
  ReasonSchema,
} from './schema.js';
export { ngrams, type Tokens, tokenize } from './tokenize.js';
