// The staff console's build: `npm ci && npm run build` writes ../graph/console_assets/,
// which is committed (pip install and CI need no npm) and served at /console.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  logLevel: 'warn',
  build: {
    outDir: '../graph/console_assets',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // Monaco (GraphiQL's editor) is large; the page is for staff on the plan's network.
    chunkSizeWarningLimit: 6000,
    // the Content-Security-Policy has no data: for scripts or fonts beyond what CSS inlines
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rollupOptions: {
      // framer-motion's "use client" lines mean nothing outside React Server Components
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
