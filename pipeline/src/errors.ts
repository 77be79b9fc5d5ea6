/**
 * Errors of the storage ports and the pipeline. Each says what the caller should do:
 * `retriable` errors may be retried (the engine was busy or away); the others must not be.
 */
export class KcError extends Error {
  readonly retriable: boolean;
  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** The record does not exist (or is not visible to the caller). Do not retry. */
export class NotFoundError extends KcError {}

/**
 * The write lost a race (stale version) or the workflow does not allow it from the current
 * status. Re-read the record and decide again; do not retry blindly.
 */
export class ConflictError extends KcError {
  readonly currentVersion: number | null;
  constructor(message: string, currentVersion: number | null = null) {
    super(message);
    this.currentVersion = currentVersion;
  }
}

/** The input can never be processed: send it to dead letters with this message. */
export class PoisonMessageError extends KcError {}

/** The storage engine failed; retry with backoff. */
export class StorageError extends KcError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause, retriable: true });
  }
}
