"""boto3 end to end against a Lamina server; prints one JSON document of observations.

Usage: python3 boto3_e2e.py ECHO_ZIP ERROR_ZIP   (env: LAMINA_ENDPOINT, AWS credentials)
"""
import base64
import hashlib
import json
import os
import sys
import urllib.request

import boto3

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

client = boto3.client("lambda", endpoint_url=os.environ["LAMINA_ENDPOINT"], region_name="us-east-1")
echo_zip = open(sys.argv[1], "rb").read()
error_zip = open(sys.argv[2], "rb").read()
out = {}


def create(name, code):
    return client.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="lambda_function.handler",
        Code={"ZipFile": code},
        Timeout=5,
    )


created = create("boto-echo", echo_zip)
out["create"] = {k: created.get(k) for k in ("FunctionName", "FunctionArn", "CodeSha256", "CodeSize", "State")}
client.get_waiter("function_active_v2").wait(FunctionName="boto-echo")

invoked = client.invoke(FunctionName="boto-echo", Payload=json.dumps({"from": "boto3"}).encode(), LogType="Tail")
out["invoke"] = {
    "StatusCode": invoked["StatusCode"],
    "FunctionError": invoked.get("FunctionError"),
    "ExecutedVersion": invoked.get("ExecutedVersion"),
    "Payload": invoked["Payload"].read().decode(),
    "Log": base64.b64decode(invoked.get("LogResult", "")).decode(),
}

create("boto-error", error_zip)
client.get_waiter("function_active_v2").wait(FunctionName="boto-error")
failed = client.invoke(FunctionName="boto-error", Payload=b"{}")
out["error"] = {
    "StatusCode": failed["StatusCode"],
    "FunctionError": failed.get("FunctionError"),
    "Payload": failed["Payload"].read().decode(),
}

got = client.get_function(FunctionName="boto-echo")
downloaded = urllib.request.urlopen(got["Code"]["Location"], timeout=30).read()
out["download"] = {
    "repositoryType": got["Code"].get("RepositoryType"),
    "sameBytes": downloaded == echo_zip,
    "size": len(downloaded),
    "sha256": base64.b64encode(hashlib.sha256(downloaded).digest()).decode(),
}

for i in range(3):
    create("boto-page-%d" % i, echo_zip)
pages = client.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 1})
out["pages"] = [[f["FunctionName"] for f in page["Functions"]] for page in pages]
first = client.list_functions(MaxItems=1)
out["firstPage"] = {"count": len(first["Functions"]), "hasNextMarker": bool(first.get("NextMarker"))}

try:
    client.get_function(FunctionName="boto-nope")
    out["notFound"] = None
except client.exceptions.ResourceNotFoundException as e:
    out["notFound"] = {"status": e.response["ResponseMetadata"]["HTTPStatusCode"], "message": str(e)}

print(json.dumps(out))
