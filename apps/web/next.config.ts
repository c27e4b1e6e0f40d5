import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (src/server) is run by tsx, not bundled; Next only builds the pages.
};

export default config;
