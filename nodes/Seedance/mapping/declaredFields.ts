import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

type Destination = 'body' | 'query';

function destinationOf(property: { routing?: INodeProperties['routing'] }, where: Destination): string | undefined {
	const send = property.routing?.send;
	return send?.type === where && typeof send.property === 'string' ? send.property : undefined;
}

/**
 * Builds a request body (or query) from the fields an operation declares: each field's
 * `routing.send` names its API property, as in n8n's declarative nodes. Top-level fields are
 * always sent; fields inside a collection ("Additional Fields", "Filters") only when the user
 * added them, so an unset field never reaches the API. The description stays the one place
 * that says which field goes where.
 */
export function declaredValues(
	ctx: IExecuteFunctions,
	itemIndex: number,
	properties: INodeProperties[],
	where: Destination,
): IDataObject {
	const values: IDataObject = {};
	for (const property of properties) {
		const target = destinationOf(property, where);
		if (target) {
			values[target] = ctx.getNodeParameter(property.name, itemIndex) as IDataObject[string];
			continue;
		}
		if (property.type !== 'collection' || !property.options) continue;
		const chosen = ctx.getNodeParameter(property.name, itemIndex, {}) as IDataObject;
		for (const option of property.options as INodeProperties[]) {
			const optionTarget = destinationOf(option, where);
			if (optionTarget && chosen[option.name] !== undefined) values[optionTarget] = chosen[option.name];
		}
	}
	return values;
}
