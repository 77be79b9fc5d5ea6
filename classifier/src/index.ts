export { Classifier, type ClassifierOptions, classify, MODEL_VERSION } from './classify.js';
export { foldDiacritics, foldText, normalizeText, syllables, toNfc } from './normalize.js';
export {
  CLAIM_KINDS,
  type ClaimKind,
  ClaimKindSchema,
  type Classification,
  ClassificationSchema,
  type Reason,
  ReasonSchema,
} from './schema.js';
