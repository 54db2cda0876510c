import type { INodeProperties } from 'n8n-workflow';

/**
 * The Settings tab's "Request Options": proxy, timeout, certificate checks and batching, for
 * every API request and download (transport/connectionSettings.ts reads them).
 *
 * n8n adds a setting of this name to declarative nodes on its own, but not to a node with a
 * webhook, and this node has one (Wait Mode "Callback"). So the node declares it, with the same
 * parameter names, so that workflows saved with n8n's version keep their values.
 */
export const requestOptionsSetting: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	isNodeSetting: true,
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Batching',
			name: 'batching',
			placeholder: 'Add Batching',
			type: 'fixedCollection',
			typeOptions: { multipleValues: false },
			default: { batch: {} },
			options: [
				{
					displayName: 'Batching',
					name: 'batch',
					values: [
						{
							displayName: 'Items per Batch',
							name: 'batchSize',
							type: 'number',
							typeOptions: { minValue: -1 },
							default: 50,
							description: 'How many items start their work per batch. -1 turns batching off; 0 counts as 1.',
						},
						{
							displayName: 'Batch Interval (Ms)',
							name: 'batchInterval',
							type: 'number',
							typeOptions: { minValue: 0 },
							default: 1000,
							description: 'Milliseconds between the starts of two batches. 0 turns batching off.',
						},
					],
				},
			],
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'allowUnauthorizedCerts',
			type: 'boolean',
			noDataExpression: true,
			default: false,
			description: 'Whether to connect even if SSL certificate validation is not possible',
		},
		{
			displayName: 'Proxy',
			name: 'proxy',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://myproxy:3128',
			description: 'HTTP proxy for the API and downloads; with a login: http://username:password@myproxy:3128',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60000,
			description: 'Milliseconds to wait for the server to start its answer before the request is aborted (60000 when not set)',
		},
	],
};
