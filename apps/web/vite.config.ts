import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboard is served by `insights serve` from apps/web/dist; `npm run dev -w apps/web` serves
// it with hot reload and passes /api to a server on LI_API (default http://127.0.0.1:8080).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or styles the server's CSP would refuse; assets are content-hashed.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    proxy: { '/api': process.env.LI_API ?? 'http://127.0.0.1:8080' },
  },
});
