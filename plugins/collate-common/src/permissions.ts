import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of the catalog entities whose status the backend reports. @public */
export const COLLATE_STATUS_RESOURCE_TYPE = 'catalog-entity';

/**
 * Reading the live status of a Collate deployment (the entity cards' data).
 * A resource permission on catalog entities, so policies can restrict it per entity.
 * @public
 */
export const collateStatusReadPermission = createPermission({
  name: 'collate.status.read',
  attributes: { action: 'read' },
  resourceType: COLLATE_STATUS_RESOURCE_TYPE,
});

/** Every permission this plugin set defines. @public */
export const collatePermissions = [collateStatusReadPermission];
