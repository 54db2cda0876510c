// The node and credential classes, for tools that load the package by its main entry.
// n8n itself loads them through the "n8n" section of package.json.
module.exports = {
	Seedance: require('./dist/nodes/Seedance/Seedance.node.js').Seedance,
	SeedanceTrigger: require('./dist/nodes/SeedanceTrigger/SeedanceTrigger.node.js').SeedanceTrigger,
	SeedanceApi: require('./dist/credentials/SeedanceApi.credentials.js').SeedanceApi,
};
