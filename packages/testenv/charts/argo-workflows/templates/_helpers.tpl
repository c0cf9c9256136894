{{- define "argo.tag" -}}{{ .Values.images.tag | default .Chart.AppVersion }}{{- end -}}
{{- define "argo.controller.fullname" -}}{{ .Release.Name }}-{{ .Values.controller.name }}{{- end -}}
{{- define "argo.server.fullname" -}}{{ .Release.Name }}-{{ .Values.server.name }}{{- end -}}
{{- define "argo.controller.sa" -}}{{ .Values.controller.serviceAccount.name | default (include "argo.controller.fullname" .) }}{{- end -}}
{{- define "argo.server.sa" -}}{{ .Values.server.serviceAccount.name | default (include "argo.server.fullname" .) }}{{- end -}}
{{- define "argo.labels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: argo-workflows
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
