import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { explorerAssetsDirectory } from '../gateway/explorer/routes';
import { loadExampleOperations } from '../gateway/explorer/operations';
import { repositoryRoot } from '../platform/paths';

/**
 * Bundles the explorer (explorer/main.tsx: GraphiQL, React and our sign-in panel) into static
 * files the gateway serves itself, so it works with no internet and under a CSP that names no
 * other origin. Runs as the last step of `npm run build`; the example operations are copied in
 * beside it, so the runtime image needs nothing outside `dist/`.
 */
async function main(): Promise<void> {
  mkdirSync(explorerAssetsDirectory, { recursive: true });
  const result = await build({
    entryPoints: { explorer: path.join(repositoryRoot, 'explorer', 'main.tsx') },
    outdir: explorerAssetsDirectory,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    // Fonts and icons become files beside the bundle, served from the same origin.
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  const external = Object.keys(result.metafile.inputs).filter((input) => /^https?:/.test(input));
  if (external.length > 0) throw new Error(`The explorer bundle must not load anything remote: ${external.join(', ')}`);
  writeFileSync(path.join(explorerAssetsDirectory, 'operations.json'), JSON.stringify(loadExampleOperations()));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
