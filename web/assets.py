"""Browser assets: built once from npm packages and our sources, served with content hashes.

`concerto build-assets` (run by scripts/setup-env) copies or bundles each asset into
`web/static/dist/<name>.<hash><ext>` with a gzip twin and a `manifest.json`; pages ask for
`asset_url("htmx.js")`. The files never change under a name, so they are cached for a year; no
asset comes from a CDN. Without npm (no node_modules) pages still render, without their scripts.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request, send_file

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
SOURCES = Path(__file__).resolve().parent / "static" / "src"
DIST = Path(__file__).resolve().parent / "static" / "dist"
YEAR = 365 * 24 * 3600
FORM_EDITOR_PREACT = NODE_MODULES / "@bpmn-io" / "form-js-editor" / "node_modules" / "preact"


@dataclass(frozen=True)
class Asset:
    name: str  # what templates ask for
    source: Path
    bundle: bool = False  # an ES module entry for esbuild, else copied as is
    # Packages every file of the bundle takes from one folder (esbuild --alias), so that a
    # library and the packages it renders share a single copy.
    aliases: tuple[tuple[str, Path], ...] = ()


ASSETS = (
    Asset("concerto.css", SOURCES / "concerto.css"),
    Asset("concerto.js", SOURCES / "concerto.js"),
    Asset("dossier.js", SOURCES / "dossier.js"),
    Asset("session.js", SOURCES / "session.js"),
    Asset("htmx.js", NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js"),
    Asset("form-viewer.js", SOURCES / "form-viewer.js", bundle=True),
    Asset("diagram.js", SOURCES / "diagram.js", bundle=True),
    Asset("modeler.js", SOURCES / "modeler.js", bundle=True),
    Asset("modeler.css", SOURCES / "modeler.css", bundle=True),
    Asset("compare.js", SOURCES / "compare.js", bundle=True),
    Asset("decision-editor.js", SOURCES / "decision-editor.js", bundle=True),
    Asset("decision-editor.css", SOURCES / "decision-editor.css", bundle=True),
    # The form-js editor renders the viewer's fields: both on the preact the editor requires.
    Asset(
        "form-editor.js",
        SOURCES / "form-editor.js",
        bundle=True,
        aliases=(("preact", FORM_EDITOR_PREACT),),
    ),
    Asset("form-editor.css", SOURCES / "form-editor.css", bundle=True),
    Asset("diagram-js.css", NODE_MODULES / "bpmn-js" / "dist" / "assets" / "diagram-js.css"),
    Asset(
        "form-js.css",
        NODE_MODULES / "@bpmn-io" / "form-js-viewer" / "dist" / "assets" / "form-js.css",
    ),
)


def build(dist: Path = DIST) -> dict[str, str]:
    """Build every asset whose sources are there; returns and writes the manifest."""
    dist.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, str] = {}
    for asset in ASSETS:
        content = _bundle(asset.source, asset.aliases) if asset.bundle else _read(asset.source)
        if content is None:
            print(f"asset {asset.name}: {asset.source} is missing (npm ci?)", file=sys.stderr)
            continue
        stem, ext = asset.name.rsplit(".", 1)
        name = f"{stem}.{hashlib.sha256(content).hexdigest()[:12]}.{ext}"
        target = dist / name
        if not target.exists():
            target.write_bytes(content)
            (dist / f"{name}.gz").write_bytes(gzip.compress(content, 9, mtime=0))
        manifest[asset.name] = name
    (dist / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    kept = set(manifest.values()) | {f"{n}.gz" for n in manifest.values()} | {"manifest.json"}
    for stale in dist.iterdir():  # earlier builds
        if stale.name not in kept:
            stale.unlink()
    return manifest


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _bundle(entry: Path, aliases: tuple[tuple[str, Path], ...] = ()) -> bytes | None:
    esbuild = NODE_MODULES / ".bin" / "esbuild"
    if not esbuild.exists() or shutil.which("node") is None:
        return None
    # The lint config is JSON; fonts of stylesheets are embedded.
    fonts = [f"--loader:.{kind}=dataurl" for kind in ("woff", "woff2", "ttf", "eot", "svg")]
    loaders = ["--loader:.bpmnlintrc=json", *fonts]
    # Where npm installed no such copy (a later editor on the common one), imports resolve as usual.
    loaders += [f"--alias:{name}={path}" for name, path in aliases if path.is_dir()]
    kind = [] if entry.suffix == ".css" else ["--format=iife"]
    result = subprocess.run(
        [str(esbuild), str(entry), "--bundle", "--minify", *kind, *loaders, "--log-level=error"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=300,
    )
    return result.stdout


bp = Blueprint("assets", __name__)


@bp.get("/static/dist/<name>")
def serve(name: str) -> Response:
    """A built asset, gzipped when the browser takes it, cached for a year."""
    folder = Path(current_app.config.get("ASSETS_DIST", DIST))
    path = folder / name
    if "/" in name or name.endswith(".gz") or not path.is_file():
        abort(404)
    zipped = folder / f"{name}.gz"
    if "gzip" in request.headers.get("Accept-Encoding", "") and zipped.is_file():
        response = send_file(zipped, mimetype=_mimetype(name), max_age=YEAR)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_file(path, mimetype=_mimetype(name), max_age=YEAR)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["Vary"] = "Accept-Encoding"
    return response


def _mimetype(name: str) -> str:
    return "text/css" if name.endswith(".css") else "text/javascript"


def init_app(app: Flask) -> None:
    folder = Path(app.config.get("ASSETS_DIST", DIST))
    manifest_file = folder / "manifest.json"
    manifest = json.loads(manifest_file.read_text()) if manifest_file.is_file() else {}

    def asset_url(name: str) -> str | None:
        built = manifest.get(name)
        return f"/static/dist/{built}" if built else None

    app.jinja_env.globals["asset_url"] = asset_url
    app.register_blueprint(bp)
