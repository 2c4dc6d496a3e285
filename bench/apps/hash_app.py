# The same CPU-bound route as hash-server.mjs on FastAPI (run by uvicorn): HASH_ITEMS sha256 hashes
# per request, HASH_SLOWDOWN percent more on the slowed side.
import hashlib
import os

from fastapi import FastAPI

ITEMS = round(int(os.environ.get("HASH_ITEMS", "200")) * (1 + float(os.environ.get("HASH_SLOWDOWN", "0")) / 100))
app = FastAPI()


@app.get("/health")
def health():
    return "ok"


@app.get("/search")
def search(q: str = "x"):
    hits = []
    for i in range(ITEMS):
        digest = hashlib.sha256(f"{q}:{i}".encode()).hexdigest()
        if digest[0] < "4":
            hits.append({"id": i, "digest": digest[:16]})
    return {"query": q, "hits": hits}
