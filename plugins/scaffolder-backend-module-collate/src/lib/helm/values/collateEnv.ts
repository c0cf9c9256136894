/**
 * Variables whose value is a credential (the table's `ASSET_UPLOADER_AZURE_CLIENT_SECRET` and
 * `…_CONNECTION_STRING`, and any name ending so): they go to the release's env Secret, never into Helm values.
 */
export const SENSITIVE_ENV_NAME =
  /(SECRET|PASSWORD|TOKEN|CONNECTION_STRING|ACCESS_KEY|PRIVATE_KEY)$/i;

/** The Secret a Collate release's sensitive variables live in. */
export const collateEnvSecretName = (release: string) => `${release}-env`;

/** The guides' table of environment variables: documented default and whether it is required. */
export const COLLATE_ENV_TABLE: Record<
  string,
  { default: string; required: boolean; description: string }
> = {
  ARGO_IMAGE_PULL_SECRETS: {
    default: '',
    required: false,
    description: 'Image pull secrets for ingestion images, comma-separated',
  },
  ARGO_INGESTION_IMAGE: {
    default: 'openmetadata/ingestion-base:1.4.3',
    required: true,
    description: 'Ingestion image and tag',
  },
  ARGO_NAMESPACE: {
    default: 'argo',
    required: true,
    description:
      'Namespace Argo workflows run in; must be the OpenMetadata namespace',
  },
  ARGO_SERVER_CERTIFICATE_PATH: {
    default: '',
    required: false,
    description: 'SSL certificate path for the Argo server',
  },
  ARGO_TEST_CONNECTION_BACKOFF_TIME: {
    default: '5',
    required: false,
    description: 'Backoff in seconds for the connection test',
  },
  ARGO_TOKEN: {
    default: '',
    required: true,
    description: 'JWT for the Argo Workflow API',
  },
  ARGO_WORKFLOW_CPU_LIMIT: {
    default: '1000m',
    required: false,
    description: 'CPU limit of ingestion workflows',
  },
  ARGO_WORKFLOW_CPU_REQUEST: {
    default: '200m',
    required: false,
    description: 'CPU request of ingestion workflows',
  },
  ARGO_WORKFLOW_CUSTOMER_TOLERATION: {
    default: 'argo',
    required: false,
    description: 'Node toleration for ingestion pods',
  },
  ARGO_WORKFLOW_EXECUTOR_SERVICE_ACCOUNT_NAME: {
    default: 'om-role',
    required: true,
    description: 'Service account of ingestion workflows',
  },
  ARGO_WORKFLOW_MEMORY_LIMIT: {
    default: '4096Mi',
    required: false,
    description: 'Memory limit of ingestion workflows',
  },
  ARGO_WORKFLOW_MEMORY_REQUEST: {
    default: '256Mi',
    required: false,
    description: 'Memory request of ingestion workflows',
  },
  ASSET_UPLOADER_ENABLE: {
    default: 'True',
    required: false,
    description: 'Enable asset upload',
  },
  ASSET_UPLOADER_PROVIDER: {
    default: 's3',
    required: false,
    description: 'Asset upload provider: s3 or azure',
  },
  ASSET_UPLOADER_MAX_FILE_SIZE: {
    default: '5242880',
    required: false,
    description: 'Max asset size in bytes',
  },
  ASSET_UPLOADER_S3_BUCKET_NAME: {
    default: '',
    required: false,
    description: 'Asset upload S3 bucket',
  },
  ASSET_UPLOADER_S3_REGION: {
    default: '',
    required: false,
    description: 'Asset upload S3 region',
  },
  ASSET_UPLOADER_S3_PREFIX_PATH: {
    default: 'assets/default',
    required: false,
    description: 'Asset upload S3 prefix',
  },
  ASSET_UPLOADER_AZURE_CONTAINER_NAME: {
    default: 'my-container',
    required: false,
    description: 'Asset upload Azure container',
  },
  ASSET_UPLOADER_AZURE_CONNECTION_STRING: {
    default: '',
    required: false,
    description: 'Asset upload Azure connection string',
  },
  ASSET_UPLOADER_AZURE_CLIENT_ID: {
    default: 'clientId',
    required: false,
    description: 'Asset upload Azure client id',
  },
  ASSET_UPLOADER_AZURE_TENANT_ID: {
    default: 'tenantId',
    required: false,
    description: 'Asset upload Azure tenant id',
  },
  ASSET_UPLOADER_AZURE_CLIENT_SECRET: {
    default: 'clientsecret',
    required: false,
    description: 'Asset upload Azure client secret',
  },
  ASSET_UPLOADER_AZURE_BLOB_ENDPOINT: {
    default: '',
    required: false,
    description: 'Asset upload Azure blob endpoint',
  },
  ASSET_UPLOADER_AZURE_PREFIX_PATH: {
    default: 'assets/default',
    required: false,
    description: 'Asset upload Azure prefix',
  },
};
