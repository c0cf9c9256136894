# Test fixture with the shape of the Metaflow-on-Azure stack (guides 003/004): an `infra` and a `services`
# module, the variables org_prefix, deploy_argo and deploy_airflow, and outputs (one sensitive). Only the built-in
# terraform_data resource is used, so no provider has to be downloaded. `fail_with` makes a module fail with a
# given message, to exercise the recognition of the guides' known provisioning errors.
variable "org_prefix" {
  type = string
}

variable "deploy_argo" {
  type    = bool
  default = true
}

variable "deploy_airflow" {
  type    = bool
  default = false
}

variable "fail_with" {
  type    = string
  default = ""
}

module "infra" {
  source         = "./infra"
  org_prefix     = var.org_prefix
  deploy_airflow = var.deploy_airflow
  fail_with      = var.fail_with
}

module "services" {
  source                   = "./services"
  org_prefix               = var.org_prefix
  deploy_argo              = var.deploy_argo
  deploy_airflow           = var.deploy_airflow
  storage_account_name     = module.infra.storage_account_name
}

output "storage_account_name" {
  value = module.infra.storage_account_name
}

output "metadata_service_url" {
  value = module.services.metadata_service_url
}

output "end_user_setup_instructions" {
  value = module.services.end_user_setup_instructions
}

output "database_password" {
  value     = module.infra.database_password
  sensitive = true
}
