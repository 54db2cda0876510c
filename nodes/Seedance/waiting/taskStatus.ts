/**
 * The task-status vocabulary of the Seedance API, defined once and used by waiting,
 * output shaping and error reporting alike.
 *
 * Lifecycle: queued -> running -> succeeded | failed. Ark adds queued -> cancelled (DELETE)
 * and queued|running -> expired. Any status other than queued or running is final, so an
 * unknown status ends a wait instead of spinning for ever.
 */
export const IN_PROGRESS_STATUSES = ['queued', 'running'] as const;
export const SUCCEEDED = 'succeeded';
export const UNSUCCESSFUL_STATUSES = ['failed', 'expired', 'cancelled'] as const;

export const LISTABLE_STATUSES: string[] = [...IN_PROGRESS_STATUSES, SUCCEEDED, ...UNSUCCESSFUL_STATUSES];

export function isUnsuccessful(status: unknown): boolean {
	return (UNSUCCESSFUL_STATUSES as readonly unknown[]).includes(status);
}

export function isInProgress(status: unknown): boolean {
	return (IN_PROGRESS_STATUSES as readonly unknown[]).includes(status);
}

export function isFinal(status: unknown): boolean {
	return !isInProgress(status);
}

export function isSucceeded(status: unknown): boolean {
	return status === SUCCEEDED;
}
