import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** The default host; Volcengine Ark and BytePlus serve the same paths. */
export const DEFAULT_BASE_URL = 'https://api.aiid.edu.kg';

export class SeedanceApi implements ICredentialType {
	name = 'seedanceApi';

	displayName = 'Seedance API';

	icon: Icon = { light: 'file:../icons/seedance.svg', dark: 'file:../icons/seedance.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-seedance/n8n-nodes-seedance#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Sent as "Authorization: Bearer <key>" to the base URL below, and nowhere else',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			required: true,
			description:
				'Aggregator (default): https://api.aiid.edu.kg. Volcengine Ark (China): https://ark.cn-beijing.volces.com. BytePlus ModelArk (international): https://ark.ap-southeast.bytepluses.com. A trailing slash is fine.',
		},
		{
			displayName: 'Callbacks',
			name: 'callbacks',
			type: 'options',
			default: 'auto',
			options: [
				{
					name: 'Auto (by Base URL)',
					value: 'auto',
					description: 'Volcengine Ark and BytePlus hosts call back; other hosts (the aggregator) do not',
				},
				{
					name: 'This Host Calls Back',
					value: 'yes',
					description: 'E.g. a gateway in front of Ark that passes callback_url on',
				},
				{ name: 'This Host Does Not Call Back', value: 'no' },
			],
			description:
				'Whether the provider POSTs task updates to a callback_url. The Seedance node\'s Wait Mode "Callback" needs it; the Seedance Trigger too.',
		},
		{
			displayName:
				'The provider at this Base URL documents no callbacks: the Seedance node refuses Wait Mode "Callback" with it. Volcengine Ark and BytePlus call back.',
			name: 'noCallbacksNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: {
					callbacks: ['auto'],
					baseUrl: [{ _cnd: { regex: '^(?![^?#]*(volces\\.com|volcengine\\.com|bytepluses\\.com|byteplus\\.com)([:/?#]|$))' } }],
				},
			},
		},
		{
			displayName:
				'This Base URL uses plain http to a host that is not this machine: the API key would cross the network unencrypted. Use https.',
			name: 'insecureBaseUrlNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: {
					baseUrl: [
						{
							_cnd: {
								regex: '^\\s*http://(?!(localhost|127\\.\\d+\\.\\d+\\.\\d+|\\[::1\\])(:\\d+)?(/|$))',
							},
						},
					],
				},
			},
		},
	];

	/**
	 * Adds `Authorization: Bearer <key>`. A function rather than a generic `=Bearer {{...}}`
	 * template: n8n would run its expression engine for that on every request, polls included.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${String(credentials.apiKey ?? '').trim()}` },
		};
	}

	/**
	 * Reads a task that does not exist: free, creates nothing. A working key gets 404 (task
	 * not found), which passes; a refused key gets 401 or 403, which fails with a clear message.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl).trim().replace(/\\/+$/, "") }}',
			url: '/api/v3/contents/generations/tasks/n8n-credential-check',
			method: 'GET',
			ignoreHttpStatusErrors: { ignore: true, except: [401, 403] },
		},
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: 'The API key was refused (HTTP 401)' } },
			{
				type: 'responseCode',
				properties: { value: 403, message: 'The account or permission was refused (HTTP 403): check billing and model access' },
			},
		],
	};
}
