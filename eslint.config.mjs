import { config } from '@n8n/node-cli/eslint';

// The community-node rules are for the code n8n loads (nodes/, credentials/). Tests, the API
// simulator and the tooling scripts are not shipped and legitimately use Node's built-ins.
export default [{ ignores: ['test/**', 'simulator/**', 'scripts/**', 'bench/**', 'examples/**', 'dist/**'] }, ...config];
