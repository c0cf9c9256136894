{{- define "fx-hir.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-hybrid-ingestion-runner unless the release name contains the chart name (then <release>). */}}
{{- define "fx-hir.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "fx-hir.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "fx-hir.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fx-hir.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fx-hir.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fx-hir.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "fx-hir.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "fx-hir.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "fx-hir.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "fx-hir.ingestionServiceAccountName" -}}
{{- $sa := .Values.config.ingestionPods.serviceAccount -}}
{{- if $sa.create -}}
{{- default (printf "%s-ingestion" (include "fx-hir.fullname" .)) $sa.name -}}
{{- else -}}
{{- default "default" $sa.name -}}
{{- end -}}
{{- end -}}

{{/* Argo is used when the chart installs it or an endpoint is given; otherwise the runner runs pods itself. */}}
{{- define "fx-hir.usesArgo" -}}
{{- if or .Values.installArgoWorkflows (ne .Values.config.argoWorkflows.endpoint "") }}true{{ end -}}
{{- end -}}

{{- define "fx-hir.argoEndpoint" -}}
{{- if .Values.installArgoWorkflows -}}
{{- printf "http://argo-workflows-server.%s.svc:2746" .Values.argoWorkflows.namespaceOverride -}}
{{- else -}}
{{- .Values.config.argoWorkflows.endpoint -}}
{{- end -}}
{{- end -}}

{{/* The protocol comes from useSecureProtocols: serverHost is a bare host. */}}
{{- define "fx-hir.secure" -}}
{{- $c := .Values.config -}}
{{- if hasKey $c "useSecureProtocols" -}}{{ $c.useSecureProtocols }}{{- else -}}true{{- end -}}
{{- end -}}

{{- define "fx-hir.ecrPod" -}}
{{- $h := .ctx.Values.ecrRegistryHelper -}}
spec:
  restartPolicy: OnFailure
  serviceAccountName: {{ .sa }}
  containers:
    - name: ecr-registry-helper
      image: {{ $h.image.repository }}:{{ $h.image.tag }}
      envFrom:
        - configMapRef:
            name: {{ .fullname }}-config
        - secretRef:
            name: {{ $h.collateCredentials.secretRef | default (printf "%s-secrets" .fullname) }}
{{- end -}}
