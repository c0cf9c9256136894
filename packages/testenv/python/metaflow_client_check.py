"""The real Metaflow client against a Metaflow-on-Azure stack, with the configuration the stack hands its users.

METAFLOW_HOME holds that config.json (as ~/.metaflowconfig would); the process's environment gives what a user's
workstation has: a kubeconfig for the stack's cluster and an Azure credential (DefaultAzureCredential finds it).
It runs a tiny flow with the Azure datastore and the metadata service, reads the run back through the client API,
then deploys the flow with `argo-workflows create`. It prints one JSON line of what it saw and fails on anything the
client refused.

    python metaflow_client_check.py WORKDIR
"""

import json
import os
import subprocess
import sys

FLOW = '''
from metaflow import FlowSpec, step


class PortalHelloFlow(FlowSpec):
    @step
    def start(self):
        self.greeting = "hello from the portal"
        self.next(self.end)

    @step
    def end(self):
        print(self.greeting)


if __name__ == "__main__":
    PortalHelloFlow()
'''


def run(args, cwd):
    done = subprocess.run(
        [sys.executable] + args, cwd=cwd, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("%s failed with exit %d" % (" ".join(args), done.returncode))
    return done.stdout + done.stderr


def main():
    work = sys.argv[1]
    flow = os.path.join(work, "portal_hello.py")
    with open(flow, "w") as f:
        f.write(FLOW)

    # The storage container, as module.infra creates it on Azure (the client never creates it).
    from azure.identity import DefaultAzureCredential
    from azure.storage.blob import BlobServiceClient
    from metaflow.metaflow_config import (
        AZURE_STORAGE_BLOB_SERVICE_ENDPOINT,
        DATASTORE_SYSROOT_AZURE,
    )

    container = DATASTORE_SYSROOT_AZURE.split("/")[0]
    blobs = BlobServiceClient(
        AZURE_STORAGE_BLOB_SERVICE_ENDPOINT, credential=DefaultAzureCredential()
    ).get_container_client(container)
    if not blobs.exists():
        blobs.create_container()

    local = run([flow, "--no-pylint", "run"], work)

    from metaflow import Flow, get_metadata, namespace

    namespace(None)
    latest = Flow("PortalHelloFlow").latest_run
    greeting = latest["start"].task.artifacts.greeting
    stored = sorted(b.name for b in blobs.list_blobs(name_starts_with=DATASTORE_SYSROOT_AZURE.split("/", 1)[1]))

    created = run([flow, "--no-pylint", "argo-workflows", "create"], work)

    print(
        json.dumps(
            {
                "metadata": get_metadata(),
                "run": latest.pathspec,
                "successful": latest.successful,
                "greeting": greeting.data,
                "greeting_ds_type": greeting._object.get("ds_type"),
                "greeting_location": greeting._object.get("location"),
                "blobs": len(stored),
                "printed": "hello from the portal" in local,
                "created": created.strip().splitlines()[-3:],
            }
        )
    )


if __name__ == "__main__":
    main()
