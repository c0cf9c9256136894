import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContainerClient } from '@azure/storage-blob';
import type { RecordedCall } from '../http.ts';
import type { ArmResource, State } from './state.ts';
import type { ArmContractOptions } from './types.ts';

/** What every resource provider handler reads and changes: the server's state and its shared helpers. */
export interface ArmContext {
  readonly state: State;
  readonly calls: RecordedCall[];
  readonly baseUrl: string;
  readonly tenantId: string;
  readonly servicePrincipalObjectId: string;
  readonly options: ArmContractOptions;
  /** How long role assignment does not know a new principal (directory replication). */
  readonly principalDelayMs: number;
  /** How long a federated identity credential write holds its identity. */
  readonly ficWriteMs: number;
  /** The direct children of a resource id of one type. */
  list(prefix: string, type: string): ArmResource[];
  /** A 404 unless the parent resource exists. */
  requireParent(id: string, type: string, name: string): void;
  /** A storage account's blob endpoint (Azurite's account when a data plane is configured). */
  blobEndpoint(name: string): string;
  /** The data-plane container behind an ARM container. */
  dataPlaneContainer(accountName: string, container: string): ContainerClient;
  /** Starts a vault's data-plane host and returns its vault URI. */
  startVaultHost(vaultName: string): Promise<string>;
}

/** One authenticated ARM request, as the resource provider handlers get it. */
export interface ArmRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path without trailing slashes. */
  path: string;
  method: string;
  /** The JSON body, or 400 InvalidRequestContent. */
  body: () => Record<string, any>;
  arm: ArmContext;
}

/** What a handler returns when the path is not one of its provider's. */
export const UNHANDLED = Symbol('unhandled');

/** A handler's answer: it answered (void), or the path is not its provider's. */
export type ArmHandled = void | typeof UNHANDLED;
