/** Stylesheets are bundled by esbuild (scripts/build-explorer.ts); importing one has no value. */
declare module '*.css';
