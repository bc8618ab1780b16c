import { defineConfig, devices } from '@playwright/test';

// The browser tests drive Debian's Chromium (Playwright cannot download its own browsers here)
// against the built SPA served by `vite preview`, talking to the test stack that `npm test` starts.
const appUrl = process.env.APP_URL ?? 'http://127.0.0.1:25173';
const port = new URL(appUrl).port;

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json']],
  use: {
    baseURL: appUrl,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      },
    },
  ],
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --host 127.0.0.1`,
    url: appUrl,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
