# A small CPU-bound FastAPI service: /compute hashes ITEMS items.
import hashlib
import os

from fastapi import FastAPI

ITEMS = int(os.environ.get("ITEMS", "200"))
app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/compute")
def compute():
    d = b"x" * 256
    for i in range(ITEMS):
        d = hashlib.sha256(d + str(i).encode()).digest()
    return {"digest": d.hex()}
