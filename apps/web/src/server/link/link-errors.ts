import type { LinkError, LinkErrorCode } from '@berth/protocol';
import { ServiceError, type ServiceErrorCode } from '../errors.ts';

/** The one table from the link's error codes to the control plane's. */
const SERVICE_CODE: Record<LinkErrorCode, ServiceErrorCode> = {
  not_found: 'not-found',
  conflict: 'conflict',
  invalid: 'invalid',
  not_modified: 'conflict',
  forbidden: 'forbidden',
  unavailable: 'unavailable',
  internal: 'internal',
  deadline_exceeded: 'timeout',
  cancelled: 'cancelled',
};

export function fromLinkError(hostName: string, error: LinkError): ServiceError {
  return new ServiceError(SERVICE_CODE[error.code], `${hostName}: ${error.message}`);
}
