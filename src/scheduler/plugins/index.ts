export { DEFAULT_PLUGINS, NodeAffinity, NodeName, NodePorts, NodeResourcesFit, NodeUnschedulable, TaintToleration, tolerates, nodeSelectorTermMatches } from './filters.js';
