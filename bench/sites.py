"""A benchmarked site: one scratch database, its app, and a signed-in test client per role."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask

from bench.generate import Probes


@dataclass
class Site:
    """`name` says which data set this is in messages ("scale 0.1", "national")."""

    name: str
    app: Flask
    probes: Probes
    clients: dict = field(default_factory=dict)

    def bind(self) -> None:
        # Every app shares the FlaskDB proxy the models are bound to; point it at this app's database.
        from portal.extensions import db

        db.database.initialize(self.app.config["DATABASE"])

    def get(self, role: str, url: str, headers: dict | None = None, status: int = 200):
        self.bind()
        response = self.clients[role].get(url, headers=headers or {})
        if response.status_code != status:
            got = response.status_code
            raise RuntimeError(f"GET {url} as {role} ({self.name}): {got}, expected {status}")
        return response
