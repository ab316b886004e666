export { PersistentVolumeController, LOCAL_PATH_PROVISIONER, SELECTED_NODE } from './binder.js';
