export { X509Authenticator, UnionAuthenticator, type Authenticator } from './authenticator.js';
