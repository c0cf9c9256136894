"""Drives a Collate/OpenMetadata API with OpenMetadata's own Python client and models (PyPI openmetadata-ingestion).

Run with the python of one line's virtualenv (scripts/testenv/openmetadata.sh), against a server that claims that
line's version:

    python openmetadata_client_check.py <api base url> <bot JWT> <service fqn> <agent id>

Every answer is parsed by the client or validated with the generated pydantic model of the version installed, which
forbids unknown fields as the server's JSON Schemas do. Prints one JSON object: each check's name and what it saw;
exits 1 on the first answer the client or a model rejects, with the error.
"""

import json
import sys
import time
import traceback

from metadata.generated.schema.entity.applications.appRunRecord import AppRunRecord
from metadata.generated.schema.entity.services.connections.metadata.openMetadataConnection import (
    AuthProvider,
    OpenMetadataConnection,
)
from metadata.generated.schema.entity.services.ingestionPipelines.ingestionPipeline import (
    IngestionPipeline,
    PipelineStatus,
)
from metadata.generated.schema.entity.services.ingestionPipelines.pipelineServiceClientResponse import (
    PipelineServiceClientResponse,
)
from metadata.generated.schema.security.client.openMetadataJWTClientConfig import (
    OpenMetadataJWTClientConfig,
)
from metadata.generated.schema.system.validationResponse import SystemValidationResponse
from metadata.generated.schema.type import basic
from metadata.ingestion.ometa.ometa_api import OpenMetadata


def main(base_url: str, token: str, service: str, agent_id: str) -> dict:
    seen: dict = {}
    # The version handshake: the client refuses a server whose major.minor differ from its own.
    metadata = OpenMetadata(
        OpenMetadataConnection(
            hostPort=base_url,
            authProvider=AuthProvider.openmetadata,
            securityConfig=OpenMetadataJWTClientConfig(jwtToken=token),
            enableVersionValidation=True,
        )
    )
    seen["version"] = {"server": str(metadata.server_version), "client": str(metadata.client_version)}

    status = SystemValidationResponse.model_validate(metadata.client.get("/system/status"))
    seen["systemStatus"] = sorted(status.model_dump(exclude_none=True))

    service_client = PipelineServiceClientResponse.model_validate(
        metadata.client.get("/services/ingestionPipelines/status")
    )
    seen["pipelineServiceStatus"] = service_client.code

    # Lists through the client's own pagination, each entry parsed into the version's IngestionPipeline.
    listed = metadata.list_entities(
        entity=IngestionPipeline,
        fields=["pipelineStatuses", "ingestionRunner"],
        params={"service": service},
        limit=2,
    )
    pipelines = list(listed.entities)
    after = listed.after
    while after:
        page = metadata.list_entities(
            entity=IngestionPipeline,
            fields=["pipelineStatuses", "ingestionRunner"],
            params={"service": service},
            limit=2,
            after=after,
        )
        pipelines.extend(page.entities)
        after = page.after
    if len(pipelines) != listed.total:
        raise AssertionError(f"paged {len(pipelines)} pipelines, the server counts {listed.total}")
    seen["pipelines"] = [
        {
            "fqn": p.fullyQualifiedName.root,
            "sourceConfig": p.sourceConfig.config.__class__.__name__,
            "runner": p.ingestionRunner.name if p.ingestionRunner else None,
            # 1.12 and 1.13: the last run; 2.0: the most recent runs.
            "statuses": (
                len(p.pipelineStatuses)
                if isinstance(p.pipelineStatuses, list)
                else (1 if p.pipelineStatuses else 0)
            ),
        }
        for p in pipelines
    ]

    first = pipelines[0]
    by_name = metadata.get_by_name(entity=IngestionPipeline, fqn=first.fullyQualifiedName.root, nullable=False)
    by_id = metadata.get_by_id(entity=IngestionPipeline, entity_id=first.id, nullable=False)
    if by_name.id != first.id or by_id.fullyQualifiedName != first.fullyQualifiedName:
        raise AssertionError("get by name and by id disagree with the list")
    seen["getByName"] = by_name.fullyQualifiedName.root
    missing = metadata.get_by_name(entity=IngestionPipeline, fqn=f"{service}.no-such-pipeline")
    seen["getMissing"] = missing is None

    now = int(time.time() * 1000)
    runs = metadata.get_pipeline_status_between_ts(first.fullyQualifiedName.root, now - 86_400_000, now) or []
    seen["statusesBetween"] = [r.pipelineState.value for r in runs if isinstance(r, PipelineStatus)]

    # Deploy and trigger answer the pipeline service client's response (the client's run_pipeline would parse the
    # answer as an IngestionPipeline, which the server does not send): the REST client and the model instead.
    for operation in ("deploy", "trigger"):
        answer = PipelineServiceClientResponse.model_validate(
            metadata.client.post(f"/services/ingestionPipelines/{operation}/{first.id.root}")
        )
        seen[operation] = {"code": answer.code, "reason": answer.reason}

    # The reindex of the guides: the app triggered, its runs listed as AppRunRecords.
    metadata.client.post("/apps/trigger/SearchIndexingApplication", data=json.dumps({"recreateIndex": False}))
    records = metadata.client.get("/apps/name/SearchIndexingApplication/status", data={"offset": 0, "limit": 5})
    parsed = [AppRunRecord.model_validate(r) for r in records["data"]]
    seen["appRuns"] = [r.status.value if r.status else None for r in parsed]

    # Collate's runners: no model ships for them; their ids are UUIDs and a pipeline's runner reference names one.
    runners = metadata.client.get("/ingestionRunners", data={"limit": 100})["data"]
    for r in runners:
        basic.Uuid.model_validate(r["id"])
    seen["runners"] = [r["name"] for r in runners]
    referenced = [p.ingestionRunner for p in pipelines if p.ingestionRunner]
    for ref in referenced:
        if str(ref.id.root) not in {r["id"] for r in runners}:
            raise AssertionError(f"pipeline runner {ref.name} is not a listed runner")
    if agent_id not in seen["runners"]:
        raise AssertionError(f"runner {agent_id} is not listed")
    return seen


if __name__ == "__main__":
    try:
        print(json.dumps(main(*sys.argv[1:5])))
    except Exception:  # noqa: BLE001 -- reported whole to the test
        print(json.dumps({"error": traceback.format_exc()}))
        sys.exit(1)
