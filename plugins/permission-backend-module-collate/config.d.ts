export interface Config {
  collate?: {
    /** Who may do what with Collate deployments (the `permission-backend-module-collate` policy). */
    permissions?: {
      /**
       * Groups (or users) whose members may run the Collate templates and actions, and operate any deployment:
       * entity refs such as `group:default/platform-team`. Nobody else may execute a `collate:*` action.
       */
      deployers?: string[];
      /**
       * Groups (or users) whose members may read every deployment's status besides its owners: entity refs such as
       * `group:default/data-team`.
       */
      viewers?: string[];
      /**
       * Entity refs of users or groups who may register catalog locations (`catalog.location.create`), besides the
       * deployers. Everyone else may not: a registered location could claim entities for another team.
       */
      locationCreators?: string[];
    };
  };
}
