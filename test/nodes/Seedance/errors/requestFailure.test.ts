import { transportFailureOf } from '../../../../nodes/Seedance/errors/requestFailure';
import { certainlyNotAccepted } from '../../../../nodes/Seedance/transport/retryPolicy';

/** How each n8n version hands the node a request that never got an answer. */
function n8n2Error(code: string): Error {
	// n8n 2.x: a wrapped error whose cause is the system error.
	const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
	return Object.assign(new Error('The connection to the server was closed unexpectedly'), { cause });
}
function n8n1Error(code: string): Error {
	// n8n 1.x (1.123): NodeApiError-like, no cause; the code only in httpCode (and the message).
	return Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { httpCode: code, description: 'connect failed' });
}

describe('transport failures, wherever n8n puts the error code', () => {
	it.each(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET'])('reads %s from n8n 2.x (cause.code) and n8n 1.x (httpCode)', (code) => {
		expect(transportFailureOf(n8n2Error(code))).toMatchObject({ kind: 'transport', code });
		expect(transportFailureOf(n8n1Error(code))).toMatchObject({ kind: 'transport', code });
	});

	it('reads the code from the message when nothing else carries it', () => {
		expect(transportFailureOf(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toMatchObject({ code: 'ECONNREFUSED' });
		expect(transportFailureOf(new Error('socket hang up'))).toMatchObject({ code: 'UNKNOWN', message: 'the request failed: socket hang up' });
	});

	it('a refused connection on n8n 1.x counts as "not sent", so a create is retried and nobody is told it may be billed', () => {
		const failure = transportFailureOf(n8n1Error('ECONNREFUSED'));
		expect(failure).toMatchObject({ message: 'the connection was refused' });
		expect(certainlyNotAccepted(failure)).toBe(true);
		expect(certainlyNotAccepted(transportFailureOf(n8n1Error('ECONNRESET')))).toBe(false);
	});

	it('a timeout is a timeout in either shape', () => {
		expect(transportFailureOf(n8n1Error('ETIMEDOUT'))).toMatchObject({ code: 'ETIMEDOUT', message: 'the request timed out' });
		expect(transportFailureOf(n8n2Error('ECONNABORTED'))).toMatchObject({ code: 'ETIMEDOUT' });
	});
});
