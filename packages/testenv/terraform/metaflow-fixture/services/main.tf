variable "deploy_argo" { type = bool }
variable "deploy_airflow" { type = bool }
variable "metaflow_datastore_sysroot_azure" { type = string }
variable "metaflow_azure_storage_blob_service_endpoint" { type = string }
variable "metaflow_kubernetes_secret_name" { type = string }
variable "kubernetes_namespace" { type = string }
variable "metadata_service_image" { type = string }
variable "metaflow_ui_static_service_image" { type = string }
variable "metaflow_ui_backend_service_image" { type = string }
variable "azure_storage_credentials" {
  type      = map(string)
  sensitive = true
}

# What guide 003 lists the stack deploying into the cluster, by the names, ports and images the real module gives
# them: the metadata service (with its db-migrations init container), the UI backend and the static UI; Argo
# Workflows' server and controller and Argo Events' controller (deploy_argo), or Airflow (deploy_airflow). The real
# module puts them in the namespaces default, argo and argo-events; here they share the stack's namespace.
locals {
  metaflow_services = {
    "metadata-service" = {
      image = var.metadata_service_image, port = 8080, probe = "/ping", component = "metadata-service"
      command = ["/opt/latest/bin/python3", "-m", "services.metadata_service.server"]
      init    = ["/opt/latest/bin/python3", "/root/run_goose.py"]
    }
    "metaflow-ui-backend-service" = {
      image = var.metaflow_ui_backend_service_image, port = 8083, probe = "/api/ping", component = "ui-backend"
      command = ["/opt/latest/bin/python3", "-m", "services.ui_backend_service.ui_server"]
      init    = []
    }
    "metaflow-ui-static-service" = {
      image = var.metaflow_ui_static_service_image, port = 3000, probe = "/", component = "ui-static"
      command = []
      init    = []
    }
  }
  argo_services = var.deploy_argo ? {
    "argo-server" = {
      image = "quay.io/argoproj/argocli:v3.7.1", port = 2746, probe = "/", component = "argo-workflows"
      command = [], init = []
    }
    "workflow-controller" = {
      image = "quay.io/argoproj/workflow-controller:v3.7.1", port = 9090, probe = "/metrics", component = "argo-workflows"
      command = [], init = []
    }
    "argo-events-controller-manager" = {
      image = "quay.io/argoproj/argo-events:v1.9.6", port = 8081, probe = "/healthz", component = "argo-events"
      command = [], init = []
    }
  } : {}
  airflow_services = var.deploy_airflow ? {
    "airflow-scheduler" = {
      image = "apache/airflow:2.3.3", port = 8793, probe = "/", component = "airflow"
      command = [], init = []
    }
    "airflow-webserver" = {
      image = "apache/airflow:2.3.3", port = 8080, probe = "/health", component = "airflow"
      command = [], init = []
    }
  } : {}
  services = merge(local.metaflow_services, local.argo_services, local.airflow_services)
}

resource "kubernetes_namespace" "stack" {
  metadata {
    name   = var.kubernetes_namespace
    labels = { "app.kubernetes.io/part-of" = "metaflow" }
  }
}

# Used by --with=kubernetes runs and the UI backend (the real module's default-jobs-azure-credentials).
resource "kubernetes_secret" "jobs_azure_credentials" {
  metadata {
    name      = var.metaflow_kubernetes_secret_name
    namespace = kubernetes_namespace.stack.metadata[0].name
  }
  type = "Opaque"
  data = var.azure_storage_credentials
}

resource "kubernetes_deployment" "service" {
  for_each         = local.services
  wait_for_rollout = false
  metadata {
    name      = each.key
    namespace = kubernetes_namespace.stack.metadata[0].name
    labels = {
      app                           = each.key
      "app.kubernetes.io/part-of"   = "metaflow"
      "app.kubernetes.io/component" = each.value.component
    }
  }
  spec {
    selector {
      match_labels = { app = each.key }
    }
    template {
      metadata {
        labels = { app = each.key }
      }
      spec {
        dynamic "init_container" {
          for_each = length(each.value.init) > 0 ? [each.value.init] : []
          content {
            name    = "db-migrations"
            image   = each.value.image
            command = init_container.value
          }
        }
        container {
          name    = each.key
          image   = each.value.image
          command = each.value.command
          port {
            container_port = each.value.port
            name           = "http"
            protocol       = "TCP"
          }
          readiness_probe {
            http_get {
              path = each.value.probe
              port = "http"
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_service" "service" {
  for_each = { for name, s in local.services : name => s if name != "workflow-controller" }
  metadata {
    name      = each.key
    namespace = kubernetes_namespace.stack.metadata[0].name
  }
  spec {
    type     = "ClusterIP"
    selector = { app = each.key }
    port {
      port        = each.value.port
      target_port = each.value.port
      protocol    = "TCP"
    }
  }
}

# The Metaflow client's configuration, with the keys and the values the real services module writes.
resource "local_file" "metaflow_config_file" {
  content = jsonencode({
    "METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT" = var.metaflow_azure_storage_blob_service_endpoint
    "METAFLOW_DATASTORE_SYSROOT_AZURE"             = var.metaflow_datastore_sysroot_azure
    "METAFLOW_DEFAULT_DATASTORE"                   = "azure"
    "METAFLOW_DEFAULT_METADATA"                    = "service"
    "METAFLOW_KUBERNETES_NAMESPACE"                = var.kubernetes_namespace
    "METAFLOW_KUBERNETES_SECRETS"                  = var.metaflow_kubernetes_secret_name
    "METAFLOW_KUBERNETES_SERVICE_ACCOUNT"          = "default"
    "METAFLOW_SERVICE_INTERNAL_URL"                = "http://metadata-service.${var.kubernetes_namespace}:8080/"
    "METAFLOW_SERVICE_URL"                         = "http://127.0.0.1:8080/"
    "METAFLOW_ARGO_EVENTS_EVENT_BUS"               = "default"
    "METAFLOW_ARGO_EVENTS_EVENT_SOURCE"            = "argo-events-webhook"
    "METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT"         = "operate-workflow-sa"
    "METAFLOW_ARGO_EVENTS_EVENT"                   = "metaflow-event"
    "METAFLOW_ARGO_EVENTS_WEBHOOK_URL"             = "http://argo-events-webhook-eventsource-svc.${var.kubernetes_namespace}:12000/metaflow-event"
  })
  filename = "./config.json"
}
