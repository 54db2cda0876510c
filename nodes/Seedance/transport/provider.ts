/**
 * What the credential's base URL says about the provider. Volcengine Ark and BytePlus share
 * the API's paths; they differ from the aggregator (the default host) in where the prompt goes
 * and in calling back.
 */

/** Volcengine Ark and BytePlus hosts. */
const ARK_HOSTS = /(^|\.)(volces\.com|bytepluses\.com|byteplus\.com|volcengine\.com)$/i;

export function isArkHost(baseURL: string | undefined): boolean {
	try {
		return ARK_HOSTS.test(new URL(baseURL ?? '').hostname);
	} catch {
		return false;
	}
}

/** The credential's "Callbacks" setting. */
export type CallbackSupport = 'auto' | 'yes' | 'no';

/**
 * Whether the provider POSTs task updates to a task's callback_url: Ark and BytePlus do, the
 * aggregator documents no callbacks (../shared/API.md, "Callbacks"). The credential may say so
 * for a host the node cannot recognise (a gateway in front of Ark, a local simulator).
 */
export function providerCallsBack(setting: unknown, baseURL: string): boolean {
	if (setting === 'yes') return true;
	if (setting === 'no') return false;
	return isArkHost(baseURL);
}

/** Trims the base URL and its trailing slashes, so paths join cleanly. */
export function normalizeBaseUrl(value: unknown): string {
	return String(value ?? '').trim().replace(/\/+$/, '');
}
