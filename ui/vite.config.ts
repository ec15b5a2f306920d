import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The desktop shell loads ui/dist from disk, so every asset URL is relative.
export default defineConfig({
  base: './',
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    restoreMocks: true,
    // Component tests render whole pages in jsdom; on a shared 2-core machine
    // under load that takes seconds, which is not a failure of the page.
    testTimeout: 20_000,
  },
});
