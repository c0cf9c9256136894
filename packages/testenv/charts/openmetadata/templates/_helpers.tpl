{{- define "fx-om.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* fullnameOverride defaults to "openmetadata" in the real chart: every object is named openmetadata[-…]. */}}
{{- define "fx-om.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "fx-om.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "fx-om.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fx-om.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fx-om.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* commonLabels first, then the chart's own: the only way to label the server pod. */}}
{{- define "fx-om.labels" -}}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "fx-om.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "fx-om.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "fx-om.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" (tpl .Values.serviceAccount.name .) -}}
{{- end -}}
{{- end -}}

{{/* Passwords reach the server as secretKeyRef env vars, never as values. */}}
{{- define "fx-om.secretEnv" -}}
{{- $cfg := .Values.openmetadata.config -}}
{{- if and $cfg.elasticsearch.auth.enabled $cfg.elasticsearch.auth.password.secretRef }}
- name: ELASTICSEARCH_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $cfg.elasticsearch.auth.password.secretRef }}
      key: {{ $cfg.elasticsearch.auth.password.secretKey }}
{{- end }}
{{- if $cfg.database.auth.password.secretRef }}
- name: DB_USER_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $cfg.database.auth.password.secretRef }}
      key: {{ $cfg.database.auth.password.secretKey }}
{{- end }}
{{- /* Since 1.11.12 the client's auth sits under .airflow when type is airflow; a flat .auth is read otherwise. */}}
{{- $p := $cfg.pipelineServiceClientConfig -}}
{{- $auth := dict -}}
{{- if and $p.type (eq $p.type "airflow") -}}
{{- $auth = $p.airflow.auth | default dict -}}
{{- else -}}
{{- $auth = $p.auth | default dict -}}
{{- end -}}
{{- if and ($p.enabled | default true) ($auth.enabled | default false) $auth.password.secretRef }}
- name: AIRFLOW_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $auth.password.secretRef }}
      key: {{ $auth.password.secretKey }}
{{- end }}
{{- end -}}

{{- define "fx-om.envFrom" -}}
{{- $fullname := include "fx-om.fullname" . -}}
{{- if .Values.openmetadata.config.database.enabled }}
- secretRef:
    name: {{ $fullname }}-db-secret
{{- end }}
{{- if .Values.openmetadata.config.elasticsearch.enabled }}
- secretRef:
    name: {{ $fullname }}-search-secret
{{- end }}
- secretRef:
    name: {{ $fullname }}-pipeline-secret
{{- with .Values.envFrom }}
{{ toYaml . }}
{{- end }}
{{- end -}}
