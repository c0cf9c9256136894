variable "deploy_argo" { type = bool }
variable "deploy_airflow" { type = bool }
variable "metaflow_datastore_sysroot_azure" { type = string }
variable "metaflow_azure_storage_blob_service_endpoint" { type = string }
variable "metaflow_kubernetes_secret_name" { type = string }

# What guide 003 lists the stack deploying into the cluster, by the names the real module gives them.
resource "terraform_data" "metadata_service" {
  input = "metadata-service"
}

resource "terraform_data" "metaflow_ui_backend_service" {
  input = "metaflow-ui-backend-service"
}

resource "terraform_data" "metaflow_ui_static_service" {
  input = "metadata-ui-static-service"
}

resource "terraform_data" "metaflow_kubernetes_secret" {
  input = var.metaflow_kubernetes_secret_name
}

resource "terraform_data" "argo_workflows" {
  count = var.deploy_argo ? 1 : 0
  input = "argo-workflows"
}

resource "terraform_data" "argo_events" {
  count = var.deploy_argo ? 1 : 0
  input = "argo-events"
}

resource "terraform_data" "airflow" {
  count = var.deploy_airflow ? 1 : 0
  input = "airflow"
}

# The Metaflow client's configuration, with the keys and the values the real services module writes.
resource "local_file" "metaflow_config_file" {
  content = jsonencode({
    "METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT" = var.metaflow_azure_storage_blob_service_endpoint
    "METAFLOW_DATASTORE_SYSROOT_AZURE"             = var.metaflow_datastore_sysroot_azure
    "METAFLOW_DEFAULT_DATASTORE"                   = "azure"
    "METAFLOW_DEFAULT_METADATA"                    = "service"
    "METAFLOW_KUBERNETES_NAMESPACE"                = "default"
    "METAFLOW_KUBERNETES_SECRETS"                  = var.metaflow_kubernetes_secret_name
    "METAFLOW_KUBERNETES_SERVICE_ACCOUNT"          = "default"
    "METAFLOW_SERVICE_INTERNAL_URL"                = "http://metadata-service.default:8080/"
    "METAFLOW_SERVICE_URL"                         = "http://127.0.0.1:8080/"
    "METAFLOW_ARGO_EVENTS_EVENT_BUS"               = "default"
    "METAFLOW_ARGO_EVENTS_EVENT_SOURCE"            = "argo-events-webhook"
    "METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT"         = "operate-workflow-sa"
    "METAFLOW_ARGO_EVENTS_EVENT"                   = "metaflow-event"
    "METAFLOW_ARGO_EVENTS_WEBHOOK_URL"             = "http://argo-events-webhook-eventsource-svc.argo:12000/metaflow-event"
  })
  filename = "./config.json"
}
