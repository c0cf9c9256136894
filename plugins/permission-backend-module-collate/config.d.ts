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
    };
  };
}
