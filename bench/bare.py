"""The bare handler: a Flask route returning a small fixed response, served by gunicorn with the
service's settings. Its latency is the physical limit of the stack (gunicorn, WSGI, Flask, the
loopback and the load tool) on this machine; every page is compared with it."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)

BODY = "<!doctype html><title>Banc d'essai</title><p>Réponse fixe.</p>"


@app.get("/")
def fixed():
    return BODY, 200, {"Content-Type": "text/html; charset=utf-8"}
