export { createCA, issueCert, ensureClusterPki, kubeconfigYaml, certHosts, type CertPair, type CertAuthority, type ClusterPki, type IssueOptions } from './pki.js';
