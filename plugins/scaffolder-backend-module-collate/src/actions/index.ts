import type { RootConfigService } from '@backstage/backend-plugin-api';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';

export interface CollateActionsOptions {
  config: RootConfigService;
}

/**
 * Every scaffolder action of the Collate module. The module registers exactly this list, so tests and
 * other backends (a custom scaffolder setup) can use the same set.
 *
 * @public
 */
export function createCollateActions(
  _options: CollateActionsOptions,
): TemplateAction<any, any, any>[] {
  return [];
}
