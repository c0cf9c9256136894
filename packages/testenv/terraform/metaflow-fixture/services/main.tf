variable "org_prefix" { type = string }
variable "deploy_argo" { type = bool }
variable "deploy_airflow" { type = bool }
variable "storage_account_name" { type = string }

resource "terraform_data" "metadata_service" {
  input = "metaflow-metadata-service"
}

resource "terraform_data" "argo_workflows" {
  count = var.deploy_argo ? 1 : 0
  input = "argo-workflows"
}

resource "terraform_data" "airflow" {
  count = var.deploy_airflow ? 1 : 0
  input = "airflow"
}

output "metadata_service_url" {
  value = "http://${terraform_data.metadata_service.output}.default:8080"
}

output "end_user_setup_instructions" {
  value = "Set METAFLOW_DATASTORE_SYSROOT_AZURE=${var.storage_account_name}/metaflow and run: metaflow configure azure"
}
