#!/usr/bin/env python3
"""Generate a large synthetic Azure Storage log set for `bench/logs/run.sh`.

Usage: gen_big.py OUT_DIR [MEGABYTES]   (default 500; half classic $logs, half Monitor JSON lines)
Made-up accounts, IPs and hashes; a few SAS identities, keys and anonymous traffic.
"""
import hashlib, json, os, random, sys

out = sys.argv[1]
total_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 500
os.makedirs(out, exist_ok=True)
rnd = random.Random(7)
ops = ["GetBlob", "GetBlob", "GetBlob", "PutBlob", "ListBlobs", "DeleteBlob", "GetBlobProperties"]
sas = [f"sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-0{i}T00%3A00%3A00Z&sig=XXXXX" for i in range(1, 9)]
hashes = [hashlib.sha256(str(i).encode()).hexdigest().upper() for i in range(8)]
auths = ["sas", "authenticated", "anonymous"]


def ip():
    return f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(256)}:{rnd.randrange(1024, 65535)}"


def classic_line(i):
    a = rnd.choice(auths)
    q = "?" + rnd.choice(sas) + "&amp;timeout=30" if a == "sas" else ""
    url = f'"https://acct.blob.core.windows.net/c/blob{i % 5000}.bin{q}"'
    f = ["1.0", f"2024-03-{1 + i % 28:02d}T{i % 24:02d}:00:00.0000000Z", rnd.choice(ops), "Success", "200", "12", "8", a,
         "acct", "acct", "blob", url, f'"/acct/c/blob{i % 5000}.bin"', "00000000-0000-0000-0000-000000000001", "0", ip(),
         "2022-11-02", "300", "0", "250", str(rnd.randrange(100000)), "0", "", "", '"0x8DC0000000000"',
         "Monday, 01-Jan-24 10:00:00 GMT", "", '"azsdk-python-storage-blob/12.19.0 Python/3.11 (Linux; x86_64)"', "",
         '"client"']
    return ";".join(f)


def json_line(i):
    t = rnd.choice(["SAS", "AccountKey", "OAuth", "Anonymous"])
    h = rnd.choice(hashes)
    ident = {"type": t}
    if t == "SAS":
        ident["tokenHash"] = f"key1({hashes[0]}),SasSignature({h})"
    elif t == "AccountKey":
        ident["tokenHash"] = f"key1({h})"
    return json.dumps({
        "time": f"2024-04-{1 + i % 28:02d}T{i % 24:02d}:00:00.0000000Z",
        "resourceId": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default",
        "category": "StorageRead", "operationName": rnd.choice(ops), "operationVersion": "2022-11-02",
        "schemaVersion": "1.0", "statusCode": 200, "statusText": "Success", "durationMs": 5,
        "callerIpAddress": ip(), "correlationId": "c", "identity": ident, "location": "westeurope",
        "properties": {"accountName": "acct", "userAgentHeader": "azsdk-net-Storage.Blobs/12.19.1",
                       "serviceType": "blob", "requestBodySize": 0, "responseBodySize": rnd.randrange(100000)},
        "uri": f"https://acct.blob.core.windows.net/c/blob{i % 5000}.bin", "protocol": "HTTPS"})


for name, gen in [("classic.log", classic_line), ("monitor.json", json_line)]:
    limit = total_mb * 1024 * 1024 // 2
    size = 0
    i = 0
    with open(os.path.join(out, name), "w") as f:
        while size < limit:
            chunk = "\n".join(gen(i + k) for k in range(1000)) + "\n"
            f.write(chunk)
            size += len(chunk)
            i += 1000
    print(f"{name}: {size / 1e6:.0f} MB")
