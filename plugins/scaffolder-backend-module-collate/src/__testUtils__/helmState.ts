/**
 * Sets a Helm revision's state in its release Secret (the encoded release and the `status` label), as an interrupted
 * `helm install` or `upgrade` leaves it: `pending-install`, `pending-upgrade`, `failed`.
 */
export { setHelmRevisionStatus as markHelmRevision } from '../lib/helm/record';
