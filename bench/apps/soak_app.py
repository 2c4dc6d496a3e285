# A small FastAPI app for bench/soak.ts: one route that keeps nothing and one that keeps a given number
# of bytes per request, so a soak can be checked on a runtime other than Node's.
#   python3 -m uvicorn soak_app:app --host 127.0.0.1 --port 8000 --no-access-log
from fastapi import FastAPI

app = FastAPI()
items = [{"id": i, "name": f"item {i}", "price": i * 1.5} for i in range(50)]
kept = []


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/items")
def list_items(q: str = ""):
    # Builds a fresh answer each time and keeps none of it.
    return [item for item in items if q in item["name"]]


@app.get("/leak")
def leak(bytes: int = 1024):
    kept.append(b"x" * bytes)
    return {"held": len(kept)}
