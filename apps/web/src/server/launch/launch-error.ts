/** A reason `npm start` stops, printed as one line; the data directory is left as it was. */
export class LaunchError extends Error {
  override name = 'LaunchError';
}
