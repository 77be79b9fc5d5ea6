import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting of the system, read from the environment once, here and nowhere else.
 * Invalid settings are all reported together at startup.
 */
export const ConfigSchema = z.object({
  KC_CONFIG_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A file of KEY=value lines with any of these settings (# comments); the environment overrides it. Keep it readable by the service user only: it may hold secrets',
    ),
  KC_DATA_DIR: z.string().min(1).default('./data').describe('Data directory: SQLite files and evidence blobs'),
  KC_BUS: z
    .enum(['sqlite', 'kafka'])
    .default('sqlite')
    .describe('The bus: the embedded SQLite log (one machine) or Apache Kafka (scale-out; set KAFKA_BROKERS)'),
  KAFKA_BROKERS: z
    .string()
    .optional()
    .describe('Kafka bootstrap servers, comma-separated (host:port), when KC_BUS=kafka'),
  KC_KAFKA_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, dots, dashes, underscores')
    .default('kc.')
    .describe('Prefix of Kafka topic and consumer-group names (several deployments can share a cluster)'),
  KC_KAFKA_PARTITIONS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(6)
    .describe(
      'Partitions of the topics the app creates: at most this many pipeline processes share the work (existing topics keep theirs)',
    ),
  KC_INDEX: z
    .enum(['sqlite', 'elasticsearch'])
    .default('sqlite')
    .describe('The post index: SQLite FTS5 (one machine) or Elasticsearch 8 (scale-out; set ELASTICSEARCH_URL)'),
  KC_CASE_STORE: z
    .enum(['sqlite', 'elasticsearch'])
    .default('sqlite')
    .describe(
      'Cases, posters and the audit log: SQLite (one machine) or Elasticsearch 8 (scale-out: workers and API on several machines; set ELASTICSEARCH_URL)',
    ),
  ELASTICSEARCH_URL: z
    .url()
    .optional()
    .describe('Elasticsearch node, e.g. http://127.0.0.1:9200, when KC_INDEX or KC_CASE_STORE is elasticsearch'),
  KC_ES_PREFIX: z
    .string()
    .regex(/^[a-z0-9._-]*$/, 'lower-case letters, digits, dots, dashes, underscores')
    .default('kc-')
    .describe('Prefix of Elasticsearch index names'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('Port of the case API and console'),
  KC_HEALTH_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe('Port of /healthz and /readyz of a `kc worker` (on KC_HOST; 0 picks a free port); unset: none'),
  KC_HOST: z.string().min(1).default('127.0.0.1').describe('Address the API listens on (put a TLS proxy in front)'),
  KC_TRUST_PROXY: z
    .string()
    .regex(/^[0-9a-fA-F.:/, ]+$/, 'comma-separated IP addresses or CIDR ranges')
    .optional()
    .describe(
      'Reverse proxies whose X-Forwarded-For names the client, e.g. 127.0.0.1 (IPs or CIDR ranges, comma-separated); unset: the header is ignored',
    ),
  KC_SOURCES_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('sources.yaml to crawl; when unset and $KC_DATA_DIR/sources.yaml is absent, the demo web is crawled'),
  KC_CRAWL_INTERVAL_MINUTES: z.coerce
    .number()
    .min(0)
    .default(5)
    .describe('Minutes between checks for sources that are due by their own schedule; 0 crawls once at start'),
  KC_CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium').describe('Chromium executable for social pages'),
  KC_VERDICT_DEADLINE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24)
    .describe('Hours from detection within which a case needs a verdict; later it is listed as overdue'),
  KC_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe('Days after which the identity of posters whose cases were all dismissed is erased'),
  KC_SESSION_TTL_HOURS: z.coerce.number().positive().max(720).default(12).describe('Hours a login session lasts'),
  KC_DEMO_PASSWORD: z
    .string()
    .min(8)
    .default('kiemchung-demo')
    .describe('Password of the demo accounts created on the first demo start'),
  KC_ORG_NAME: z
    .string()
    .min(3)
    .default('Sở Thông tin và Truyền thông')
    .describe("Name of the inspectorate's department, used on letters and as the author of published rebuttals"),
  KC_PROVINCE: z
    .string()
    .min(2)
    .default('Gia Lai')
    .describe('Province, for letter headings ("UBND TỈNH …") and the place of signing'),
  KC_DOC_SYMBOL: z
    .string()
    .regex(/^[A-ZĐ0-9&-]+$/, 'letters, digits and dashes, e.g. STTTT-TTra')
    .default('STTTT-TTra')
    .describe('Symbol after the number of outgoing documents ("Số: …/STTTT-TTra")'),
  KC_NOTIFY_WEBHOOK_URL: z
    .url()
    .optional()
    .describe('Webhook that receives every notification as signed JSON (x-kc-signature: sha256=HMAC)'),
  KC_NOTIFY_WEBHOOK_SECRET: z.string().min(16).optional().describe('HMAC-SHA256 key of the webhook signature'),
  KC_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'smtp://host:port or smtps://user:pass@host:465')
    .optional()
    .describe('SMTP server for e-mail notifications'),
  KC_NOTIFY_EMAILS: z.string().optional().describe('Comma-separated addresses that receive e-mail notifications'),
  KC_NOTIFY_POLL_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(600_000)
    .default(2_000)
    .describe('How often notifications are looked for, in ms (doubled after each failed delivery, up to a minute)'),
  KC_NOTIFY_FROM: z.string().default('kiem-chung@localhost').describe('Sender address of e-mail notifications'),
  KC_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Log level'),
});
export type KcConfig = z.infer<typeof ConfigSchema> & { dataDir: string };

export class ConfigError extends Error {}

/** The configuration reference (docs/CONFIGURATION.md), generated from the schema. */
export function configurationReference(): string {
  const rows = Object.entries(ConfigSchema.shape).map(([name, schema]) => {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    const def = parsed.success && parsed.data !== undefined ? `\`${String(parsed.data)}\`` : '—';
    return `| \`${name}\` | ${def} | ${(schema as z.ZodType).description ?? ''} |`;
  });
  return [
    '# Configuration',
    '',
    'Every setting is an environment variable, read once at start by `infra/src/config.ts`; an invalid',
    'value stops the start with a message naming every bad setting. This file is generated from that',
    'schema (`npm run -s kc -- config-doc > docs/CONFIGURATION.md`); a test fails when they differ.',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/**
 * Reads a settings file: KEY=value per line, # comments and blank lines ignored, values optionally
 * in single or double quotes. Every line that is not a known setting is reported at once.
 */
export function readConfigFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Không đọc được tệp cấu hình KC_CONFIG_FILE=${file}: ${(err as Error).message}`);
  }
  const out: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([A-Z][A-Z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      problems.push(`  ${file}:${i + 1}: not KEY=value`);
      return;
    }
    const [, key, value] = m as unknown as [string, string, string];
    if (!(key in ConfigSchema.shape) || key === 'KC_CONFIG_FILE') {
      problems.push(`  ${file}:${i + 1}: ${key} is not a setting (see docs/CONFIGURATION.md)`);
      return;
    }
    out[key] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
  });
  if (problems.length > 0)
    throw new ConfigError(`Tệp cấu hình không hợp lệ (invalid settings file):\n${problems.join('\n')}`);
  return out;
}

/**
 * Parses settings from an environment (process.env by default) and the file KC_CONFIG_FILE
 * names, if any (the environment wins), with overrides for tests.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<KcConfig> = {},
): KcConfig {
  const fromFile = env.KC_CONFIG_FILE ? readConfigFile(env.KC_CONFIG_FILE) : {};
  const picked = Object.fromEntries(
    Object.keys(ConfigSchema.shape).map((k) => {
      const v = env[k] === undefined || env[k] === '' ? fromFile[k] : env[k];
      return [k, v === '' ? undefined : v];
    }),
  );
  const result = ConfigSchema.safeParse(picked);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ (invalid settings):\n${lines.join('\n')}`);
  }
  const merged = { ...result.data, ...overrides };
  const missing: string[] = [];
  if (merged.KC_INDEX === 'elasticsearch' && !merged.ELASTICSEARCH_URL) {
    missing.push('  ELASTICSEARCH_URL: required when KC_INDEX=elasticsearch');
  }
  if (merged.KC_CASE_STORE === 'elasticsearch' && !merged.ELASTICSEARCH_URL) {
    missing.push('  ELASTICSEARCH_URL: required when KC_CASE_STORE=elasticsearch');
  }
  if (merged.KC_BUS === 'kafka' && !merged.KAFKA_BROKERS) {
    missing.push('  KAFKA_BROKERS: required when KC_BUS=kafka');
  }
  if (missing.length > 0) throw new ConfigError(`Cấu hình không hợp lệ (invalid settings):\n${missing.join('\n')}`);
  return { ...merged, dataDir: resolve(merged.KC_DATA_DIR) };
}
