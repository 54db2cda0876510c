import type { INodeType } from 'n8n-workflow';

import { videoOperations } from './video';

/**
 * The node's custom operations, by resource and operation, as n8n looks them up. n8n runs
 * one of these instead of RoutingNode, with the run's context: all items at once, the
 * execution's cancel signal, Continue On Fail and the error output.
 */
export const customOperations: NonNullable<INodeType['customOperations']> = {
	video: videoOperations,
};
