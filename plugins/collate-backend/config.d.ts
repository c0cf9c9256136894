export interface Config {
  collate?: {
    /**
     * Catalog locations whose entities the status backend may act on, as under `catalog.locations` (a `file` target
     * from the backend's working directory): how a deployment that the Collate actions did not register is adopted.
     * The backend acts on an entity's `collate.io/*` coordinates only when the Collate actions registered it, or when
     * it comes from one of these locations; an owner's own catalog file is neither.
     */
    adoptedLocations?: Array<{ type: string; target: string }>;
    /**
     * Collate servers the status backend may call. An entity's `collate.io/server-url` annotation selects one by
     * `url`; servers not listed here are never called, so a catalog entry cannot point the backend's token elsewhere.
     */
    servers?: Array<{
      /** The URL as the entities' `collate.io/server-url` annotation gives it. */
      url: string;
      /** Where the backend reaches the server, when not at `url`. */
      baseUrl?: string;
      /** Where people open Collate's UI (links to a pipeline's service in the cards). Defaults to `url`. */
      uiUrl?: string;
      /**
       * JWT of a Collate bot with read access (e.g. the ingestion-bot). Sent to this server only.
       * @visibility secret
       */
      token: string;
    }>;
    argo?: {
      /** Argo servers the status backend may call, selected by the `collate.io/argo-server-url` annotation. */
      servers?: Array<{
        /** The URL as the entities' `collate.io/argo-server-url` annotation gives it. */
        url: string;
        /** Where the backend reaches the server, when not at `url`. */
        baseUrl?: string;
        /** Where people open the Argo UI (links in the cards). Defaults to `url`. */
        uiUrl?: string;
        /**
         * Bearer token for an Argo server in `client` auth mode.
         * @visibility secret
         */
        token?: string;
      }>;
    };
    status?: {
      /** How long a source's answer is reused. Default 10. */
      cacheTtlSeconds?: number;
      /**
       * The ingestion history chart: how long what was read of Argo's workflow archive is reused (default 120), and
       * at most how many finished runs are read per ingestion location and window (default 10000).
       */
      history?: { cacheTtlSeconds?: number; maxRunsPerLocation?: number };
      /** Per-source timeouts in milliseconds. Defaults: Kubernetes 5000, Argo 3000, Collate 3000, storage 3000. */
      timeouts?: {
        kubernetesMs?: number;
        argoMs?: number;
        collateMs?: number;
        storageMs?: number;
      };
      /**
       * Hosts of Azure Storage blob endpoints the Metaflow card may probe for its datastore's reachability (one
       * anonymous request, no credentials): a name, a `*.suffix`, or `host:port`. Default: Azure's public and
       * sovereign blob endpoints (`*.blob.core.windows.net`, `*.blob.core.chinacloudapi.cn`,
       * `*.blob.core.usgovcloudapi.net`). Add a private endpoint's or an emulator's host here.
       */
      storageHosts?: string[];
      /** Newest workflow runs listed in the ingestion card. Default 10. */
      recentRuns?: number;
      /** Collate ingestion pipelines listed, at most. Default 200. */
      maxPipelines?: number;
      /** CronWorkflows listed per namespace, at most. Default 200. */
      maxSchedules?: number;
      /** Page size of Kubernetes list requests. Default 500. */
      pageSize?: number;
      /** Page size of the workflow index's list (Table rows of about 150 bytes). Default 5000. */
      workflowPageSize?: number;
      /** Stop watching a namespace's workflows after this many minutes without a view. Default 15. */
      workflowWatchIdleMinutes?: number;
      /**
       * At most this many namespaces' workflows are followed (one watch each) per cluster; the least recently viewed
       * is stopped for a new one. Watches have their own pool of connections of this size, apart from requests.
       * Default 50.
       */
      followedNamespacesPerCluster?: number;
      /** At most this many namespaces are followed in all clusters together. Default 200. */
      followedNamespaces?: number;
      /**
       * A followed namespace viewed within this many seconds is not stopped for another: the newcomer is read on each
       * view instead, and its card says "not followed: limit reached". Default 60.
       */
      followHoldSeconds?: number;
      /**
       * A workflow run still Running or Pending this many minutes after it started is flagged stale on the ingestion
       * card (runs past their own `activeDeadlineSeconds`, or whose step pods are gone, are flagged anyway).
       * Default 720 (12 h).
       */
      staleRunMinutes?: number;
      /** A workflow's logs, read from its Argo server for the ingestion card's log viewer. */
      logs?: {
        /** At most this many bytes of a log are sent; the rest is in the Argo UI. Default 1048576 (1 MiB). */
        maxBytes?: number;
        /** A running workflow's log is followed this many seconds at most. Default 300. */
        followSeconds?: number;
      };
      /**
       * Said on every Collate card in place of missing-configuration and unreachable-source errors, while the
       * clusters and servers behind the portal are being set up or are under maintenance (the repository's
       * `scripts/start` sets "local demo environment starting"). Sources that answer still show their data.
       */
      notice?: string;
    };
  };
}
