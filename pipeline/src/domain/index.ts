export { type ClaimKind, ClaimKindSchema, type Classification, ClassificationSchema } from '@kc/classifier';
export * from './case.js';
export * from './post.js';
export * from './workflow.js';
