import type { HumanDuration } from '@backstage/types';

export interface Config {
  /** Settings of the Collate scaffolder actions. */
  collate?: {
    /** Helm, for collate:argo:install, collate:deploy and collate:runner:register. */
    helm?: {
      /** The helm binary (v3.13+ or v4). Default: helm on PATH. */
      binary?: string;
      /**
       * Names of backend environment variables helm may see, beyond PATH, HOME, temp dirs, locale, proxies and CA
       * files. Helm never gets the backend's whole environment.
       */
      passEnv?: string[];
    };
    /** Azure Resource Manager access for the collate:azure:* actions. Without credentials, DefaultAzureCredential is used. */
    azure?: {
      /** Subscription used when a step does not name one. */
      subscriptionId?: string;
      /** Tenant of the service principal (with clientId and clientSecret). */
      tenantId?: string;
      /** Client id of the service principal. */
      clientId?: string;
      /**
       * Client secret of the service principal.
       * @visibility secret
       */
      clientSecret?: string;
      /** Entra ID authority host, for sovereign clouds (e.g. https://login.microsoftonline.us). */
      authorityHost?: string;
      /** Resource Manager endpoint, for sovereign clouds. Default https://management.azure.com. */
      resourceManagerEndpoint?: string;
    };
    /** Terraform or OpenTofu, for collate:terraform:apply. */
    terraform?: {
      /** The binary: terraform or tofu. Default: terraform on PATH. */
      binary?: string;
      /**
       * Names of backend environment variables Terraform may see, beyond PATH, HOME, temp dirs, locale, proxies,
       * CA files and the providers' own `ARM_*`, `AWS_*`, `AZURE_*`, `TF_VAR_*`. Never the whole environment.
       */
      passEnv?: string[];
      /** A CLI configuration file (provider mirrors, credentials); default: none. */
      cliConfigFile?: string;
      /**
       * The module sources collate:terraform:apply may run, by name: a task names one, never a URL. Each is a git
       * source pinned to a commit (`git::<url>[//<dir>]?ref=<40-hex commit id>`), so that what runs is what was
       * reviewed. Default: none (the action refuses every task).
       */
      allowedSources?: Array<{
        name: string;
        source: string;
        description?: string;
      }>;
      /**
       * Terraform runs in a PID and mount namespace of its own (it cannot see the backend's processes or their
       * environment) and, when the backend runs as root, as an unprivileged user.
       */
      sandbox?: {
        /** Default true. Turning it off lets a module read what the backend's user can read. */
        enabled?: boolean;
        /** The uid to run as when the backend is root. Default 65534 (nobody); never 0. */
        runAsUser?: number;
        /** The gid to run as when the backend is root. Default: runAsUser. */
        runAsGroup?: number;
      };
    };
    /** ECR pull secrets (collate:aws:ecr:pull-secret) and their scheduled renewal. */
    ecr?: {
      /**
       * The registries the backend hands ECR tokens for: the action refuses any other, and the renewal skips it.
       * Default: the guides' Collate registry, 118146679784.dkr.ecr.eu-west-1.amazonaws.com.
       */
      allowedRegistries?: string[];
      /** How often managed pull secrets are checked; those with under 6 hours left are renewed. Default 60. */
      refreshIntervalMinutes?: number;
      /**
       * How often managed pull secrets are checked, as a duration (`{ minutes: 30 }`, `PT30M`); takes precedence over
       * refreshIntervalMinutes. One replica checks per interval, however many the backend runs.
       */
      refreshInterval?: HumanDuration | string;
      /** Secrets that expire within this are renewed. Default 6 hours (ECR tokens last 12). */
      renewBefore?: HumanDuration | string;
      /** Credentials for the registry's account when they differ from collate.aws (the guides' ecr-collate profile). */
      credentials?: {
        accessKeyId: string;
        /** @visibility secret */
        secretAccessKey: string;
      };
    };
    /** AWS access for the collate:aws:* actions. Without credentials, the SDK's default provider chain is used. */
    aws?: {
      /** Region used when a step does not name one. */
      region?: string;
      /** Endpoint override (e.g. a VPC endpoint or an emulator). */
      endpoint?: string;
      /** A role to assume for every call. */
      roleArn?: string;
      /** Static credentials; prefer the default provider chain (IRSA, instance profile, environment). */
      credentials?: {
        accessKeyId: string;
        /** @visibility secret */
        secretAccessKey: string;
      };
    };
  };
}
