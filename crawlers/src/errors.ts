import { KcError } from '@kc/pipeline';

/** sources.yaml is missing, unreadable or invalid. Fix the file; retrying will not help. */
export class SourceConfigError extends KcError {}

/** A crawl could not run at all (for example, no browser for a social page). Stop and fix. */
export class CrawlSetupError extends KcError {}
