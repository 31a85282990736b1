import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testSetup.ts'],
    // A test's own limit bounds a hang only; its waits end on their events (src/testSetup.ts).
    testTimeout: 60_000,
  },
});
