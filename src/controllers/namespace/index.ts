export { NamespaceController } from './namespace.js';
