variable "org_prefix" { type = string }
variable "deploy_airflow" { type = bool }
variable "fail_with" { type = string }

resource "terraform_data" "storage_account" {
  input = "stmetaflow${var.org_prefix}"
}

# Stands in for the module's PostgreSQL Flexible Server. With `fail_with`, its creation fails at apply with that
# message, as Azure's errors reach Terraform: an error diagnostic on the resource (here a provisioner's, whose detail
# carries the message). Changing `fail_with` replaces it, so a run after the failure creates it again.
resource "terraform_data" "database_server" {
  input            = "metaflow-database-server-${var.org_prefix}"
  triggers_replace = [var.fail_with]

  provisioner "local-exec" {
    command     = var.fail_with == "" ? "true" : "printf '%s\\n' \"$FAIL_WITH\" >&2; exit 1"
    environment = { FAIL_WITH = var.fail_with }
  }
}

resource "terraform_data" "airflow_logs_container" {
  count = var.deploy_airflow ? 1 : 0
  input = "airflow-logs"
}

output "storage_account_name" {
  value = terraform_data.storage_account.output
}

output "database_password" {
  value     = sha256("fixture-${var.org_prefix}")
  sensitive = true
}
