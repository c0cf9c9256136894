import { randomUUID } from 'node:crypto';
import { HttpError, sendJson } from '../http.ts';
import { key, notFound } from './state.ts';
import { UNHANDLED, type ArmHandled, type ArmRequest } from './request.ts';

/** Microsoft.ContainerService: AKS managed clusters, their OIDC issuer and workload identity. */
export async function handleContainerService(
  rq: ArmRequest,
): Promise<ArmHandled> {
  const { res, path, method, body } = rq;
  const { state, tenantId } = rq.arm;
  // AKS managed clusters
  const m = path.match(
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i,
  );
  if (m) {
    const [, , , name] = m;
    const type = 'Microsoft.ContainerService/managedClusters';
    const existing = state.resources.get(key(path));
    if (!existing) throw notFound(type, name);
    if (method === 'GET') return sendJson(res, 200, existing);
    if (method !== 'PUT' && method !== 'PATCH')
      throw new HttpError(405, 'MethodNotAllowed', 'Method not allowed.');
    const props = body().properties ?? {};
    const oidc =
      props.oidcIssuerProfile?.enabled ??
      existing.properties.oidcIssuerProfile.enabled;
    const wi =
      props.securityProfile?.workloadIdentity?.enabled ??
      existing.properties.securityProfile.workloadIdentity.enabled;
    if (existing.properties.oidcIssuerProfile.enabled && oidc === false) {
      throw new HttpError(
        400,
        'BadRequest',
        'OIDC issuer feature cannot be disabled once it has been enabled.',
      );
    }
    if (wi && !oidc) {
      throw new HttpError(
        400,
        'BadRequest',
        'Enabling workload identity requires enabling OIDC issuer feature.',
      );
    }
    existing.properties.oidcIssuerProfile = {
      enabled: oidc,
      ...(oidc
        ? {
            issuerURL:
              existing.properties.oidcIssuerProfile.issuerURL ??
              `https://${
                existing.location
              }.oic.prod-aks.azure.com/${tenantId}/${randomUUID()}/`,
          }
        : {}),
    };
    existing.properties.securityProfile = {
      ...existing.properties.securityProfile,
      workloadIdentity: { enabled: wi },
    };
    return sendJson(res, 200, existing);
  }

  return UNHANDLED;
}
