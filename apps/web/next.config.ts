import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // client components import the shared zod schemas (run dialog, filters) from the workspace package
  transpilePackages: ['@berth/protocol'],
  // The custom server (src/server) is run by tsx, not bundled; Next only builds the pages.
};

export default config;
