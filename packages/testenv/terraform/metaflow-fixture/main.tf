# Test fixture written for this repository, to the contract of outerbounds/metaflow-tools `azure/terraform` (guides
# 003/004): the root variables org_prefix, deploy_argo and deploy_airflow; resource names built from org_prefix and
# the workspace as that module's locals build them; an `infra` and a `services` module; the outputs
# END_USER_SETUP_INSTRUCTIONS and SERVICE_PRINCIPAL_CREDENTIALS (sensitive); and `config.json`, the Metaflow client's
# configuration, which the services module writes with `local_file`, with that module's keys. Nothing calls Azure:
# the infra resources are the built-in terraform_data. The services module deploys what guide 003 lists (metadata
# service, UI backend, static UI, Argo Workflows and Argo Events or Airflow) with the real hashicorp/kubernetes
# provider, into the local cluster: there each stack's AKS cluster is a namespace named as the cluster would be, so
# that many stacks share one cluster. Terraform reaches it with the kubeconfig the environment gives it (KUBE_CONFIG),
# as the real module reaches AKS with the cluster's admin config. Providers come from the test environment's mirror.
# The fixture's own variables: `fail_with` makes the database server fail at apply with a given message;
# `local_plane_blob_endpoint` stands the local environment's storage emulator in for the storage account's blob
# endpoint (Azure's name for it otherwise).
terraform {
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "1.13.4"
    }
    local = {
      source  = "hashicorp/local"
      version = "1.4.0"
    }
  }
}

provider "kubernetes" {}

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

variable "local_plane_blob_endpoint" {
  type    = string
  default = ""
}

locals {
  storage_container_name           = "metaflow-storage-container"
  metaflow_datastore_sysroot_azure = "${local.storage_container_name}/tf-full-stack-sysroot"
  location                         = "westus"
  metaflow_resource_group_name     = "rg-metaflow-${terraform.workspace}-${local.location}"
  kubernetes_cluster_name          = "aks-${var.org_prefix}-metaflow-${terraform.workspace}"
  database_server_name             = "psql-${var.org_prefix}-metaflow-${terraform.workspace}"
  storage_account_name             = "st${var.org_prefix}metaflow${terraform.workspace}"
  metaflow_kubernetes_secret_name  = "metaflow-azure-storage-credentials"
}

module "infra" {
  source                 = "./infra"
  resource_group_name    = local.metaflow_resource_group_name
  kubernetes_cluster     = local.kubernetes_cluster_name
  database_server_name   = local.database_server_name
  storage_account_name   = local.storage_account_name
  storage_container_name = local.storage_container_name
  deploy_airflow         = var.deploy_airflow
  fail_with              = var.fail_with
  blob_endpoint          = var.local_plane_blob_endpoint
}

module "services" {
  source                                       = "./services"
  deploy_argo                                  = var.deploy_argo
  deploy_airflow                               = var.deploy_airflow
  metaflow_datastore_sysroot_azure             = local.metaflow_datastore_sysroot_azure
  metaflow_azure_storage_blob_service_endpoint = module.infra.storage_blob_endpoint
  metaflow_kubernetes_secret_name              = local.metaflow_kubernetes_secret_name
  kubernetes_namespace                         = local.kubernetes_cluster_name
  metadata_service_image                       = "public.ecr.aws/outerbounds/metaflow_metadata_service:2.3.3"
  metaflow_ui_static_service_image             = "public.ecr.aws/outerbounds/metaflow_ui:v1.1.4"
  metaflow_ui_backend_service_image            = "public.ecr.aws/outerbounds/metaflow_metadata_service:2.3.3"
  azure_storage_credentials = {
    AZURE_TENANT_ID     = module.infra.service_principal_tenant_id
    AZURE_CLIENT_ID     = module.infra.service_principal_client_id
    AZURE_CLIENT_SECRET = module.infra.service_principal_client_secret
  }
}

output "END_USER_SETUP_INSTRUCTIONS" {
  depends_on = [module.services]
  value      = <<EOT
Setup instructions for end users of this Metaflow stack:

1. Access: the AKS cluster "${local.kubernetes_cluster_name}" and the container "${local.storage_container_name}" in
   the storage account "${local.storage_account_name}". The service principal Terraform created can do both:
   $ terraform output -raw SERVICE_PRINCIPAL_CREDENTIALS
   $ az aks get-credentials --resource-group ${local.metaflow_resource_group_name} --name ${local.kubernetes_cluster_name}
2. Configure Metaflow: copy config.json to ~/.metaflowconfig/config.json.
3. Port-forwards:
   $ kubectl port-forward deployment/metadata-service 8080:8080
   $ kubectl port-forward deployment/metaflow-ui-backend-service 8083:8083
   $ kubectl port-forward deployment/metaflow-ui-static-service 3000:3000
4. $ pip install azure-storage-blob azure-identity
EOT
}

output "SERVICE_PRINCIPAL_CREDENTIALS" {
  value     = <<EOT
AZURE_TENANT_ID=${module.infra.service_principal_tenant_id}
AZURE_CLIENT_ID=${module.infra.service_principal_client_id}
AZURE_CLIENT_SECRET=${module.infra.service_principal_client_secret}
EOT
  sensitive = true
}
