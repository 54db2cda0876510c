import type { IHookFunctions, INodeType } from 'n8n-workflow';

/**
 * n8n's webhook lifecycle (check, create, delete at the provider) for the webhooks of the
 * Seedance nodes: there is nothing to register. Volcengine Ark and BytePlus have no API for a
 * callback URL; each task carries its own `callback_url`. (n8n also never calls these for a
 * restart webhook, the Seedance node's.)
 */
export const nothingToRegister: NonNullable<INodeType['webhookMethods']> = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
