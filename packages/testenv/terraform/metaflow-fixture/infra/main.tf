variable "resource_group_name" { type = string }
variable "kubernetes_cluster" { type = string }
variable "database_server_name" { type = string }
variable "storage_account_name" { type = string }
variable "storage_container_name" { type = string }
variable "deploy_airflow" { type = bool }
variable "fail_with" { type = string }
variable "blob_endpoint" { type = string }

resource "terraform_data" "resource_group" {
  input = var.resource_group_name
}

resource "terraform_data" "storage_account" {
  input = var.storage_account_name
}

resource "terraform_data" "storage_container" {
  input = "${terraform_data.storage_account.output}/${var.storage_container_name}"
}

resource "terraform_data" "kubernetes_cluster" {
  input = var.kubernetes_cluster
}

# Stands in for the module's PostgreSQL Flexible Server. With `fail_with`, its creation fails at apply with that
# message, as Azure's errors reach Terraform: an error diagnostic on the resource (here a provisioner's, whose detail
# carries the message). Changing `fail_with` replaces it, so a run after the failure creates it again.
resource "terraform_data" "database_server" {
  input            = var.database_server_name
  triggers_replace = [var.fail_with]

  provisioner "local-exec" {
    command     = var.fail_with == "" ? "true" : "printf '%s\\n' \"$FAIL_WITH\" >&2; exit 1"
    environment = { FAIL_WITH = var.fail_with }
  }
}

resource "terraform_data" "service_principal" {
  input = "Metaflow storage service principal"
}

resource "terraform_data" "airflow_logs_container" {
  count = var.deploy_airflow ? 1 : 0
  input = "airflow-logs"
}

output "storage_blob_endpoint" {
  value = var.blob_endpoint != "" ? var.blob_endpoint : "https://${terraform_data.storage_account.output}.blob.core.windows.net/"
}

output "service_principal_tenant_id" {
  value = "00000000-0000-0000-0000-0000000000aa"
}

output "service_principal_client_id" {
  value = "00000000-0000-0000-0000-0000000000bb"
}

output "service_principal_client_secret" {
  value     = sha256("fixture-${var.storage_account_name}")
  sensitive = true
}
