/** The newest Docker Engine API version Berth speaks, and the oldest it accepts. */
export const API_VERSION = '1.47';
export const MIN_API_VERSION = '1.24';
