variable "org_prefix" { type = string }
variable "deploy_airflow" { type = bool }
variable "fail_with" { type = string }

resource "terraform_data" "storage_account" {
  input = "stmetaflow${var.org_prefix}"
}

resource "terraform_data" "database_server" {
  input = "metaflow-database-server-${var.org_prefix}"

  lifecycle {
    precondition {
      condition     = var.fail_with == ""
      error_message = var.fail_with
    }
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
