import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['tests/engines.setup.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/results.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['*/test/**/*.test.ts', 'tests/**/*.test.ts', 'infra/engines/*.test.ts'],
          exclude: ['**/node_modules/**', 'tests/faults/**'],
        },
      },
      {
        // Fault injection stops and restarts the shared Kafka and Elasticsearch: it runs after
        // everything else, one file at a time, so no other test sees the outage.
        extends: true,
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
