import { DomainError, ErrorCode } from '../../../platform/errors';

export const serviceUnavailable = (message: string) => new DomainError(ErrorCode.SERVICE_UNAVAILABLE, message);
