import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The root vitest.config.ts only collects */test/** and tests/**, and these tests need Java, Maven and minutes on a
// cold cache, so they run on demand through this config instead of with every `npm test`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Without this, Vite would create infra/engines/node_modules/.vite for its cache.
  cacheDir: join(tmpdir(), 'kc-engines-vitest'),
  test: {
    include: ['engines.test.ts'],
    // First run downloads ~170 MB from Maven Central before anything starts.
    hookTimeout: 20 * 60_000,
    testTimeout: 240_000,
    pool: 'forks',
    // Default reporter only: the root config's JSON report file belongs to the main suite.
    reporters: ['default'],
  },
});
