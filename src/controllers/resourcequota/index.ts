export { ResourceQuotaController } from './resourcequota.js';
