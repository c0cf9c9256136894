{{/* Names: <release>-<chart> unless the release name already contains the chart name (then <release>). */}}
{{- define "fx-argo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fx-argo.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "fx-argo.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "fx-argo.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fx-argo.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fx-argo.controller.fullname" -}}
{{- printf "%s-%s" (include "fx-argo.fullname" .) .Values.controller.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fx-argo.server.fullname" -}}
{{- printf "%s-%s" (include "fx-argo.fullname" .) .Values.server.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fx-argo.configMapName" -}}
{{- .Values.controller.configMap.name | default (printf "%s-configmap" (include "fx-argo.controller.fullname" .)) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* A component's service account: its own name, or the component's fullname when created, else "default". */}}
{{- define "fx-argo.serviceAccountName" -}}
{{- $sa := .component.serviceAccount -}}
{{- if $sa.create -}}{{ default .fullname $sa.name }}{{- else -}}{{ default "default" $sa.name }}{{- end -}}
{{- end -}}

{{- define "fx-argo.tag" -}}
{{- default .Chart.AppVersion .Values.images.tag -}}
{{- end -}}

{{- define "fx-argo.image" -}}
{{- $img := .image -}}
{{- if $img.registry }}{{ $img.registry }}/{{ end }}{{ $img.repository }}:{{ default (include "fx-argo.tag" .ctx) $img.tag }}
{{- end -}}

{{/* Selector labels of a component (name = <chart>-<component>). */}}
{{- define "fx-argo.selectorLabels" -}}
{{- if .name }}
app.kubernetes.io/name: {{ include "fx-argo.name" .ctx }}-{{ .name }}
{{- end }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
app: {{ .component }}
{{- end }}
{{- end -}}

{{- define "fx-argo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
{{- include "fx-argo.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: argo-workflows
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* app.kubernetes.io/version of a component: its image tag without a digest. */}}
{{- define "fx-argo.versionLabel" -}}
{{- regexReplaceAll "[^a-zA-Z0-9-_.]+" (regexReplaceAll "@sha256:[a-f0-9]+" (default (include "fx-argo.tag" .ctx) .image.tag) "") "" | trunc 63 | quote -}}
{{- end -}}
