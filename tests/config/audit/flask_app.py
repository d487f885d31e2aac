# Flask + flask-cors for tst_audit_live: one path per way real projects configure it, each wrong
# in one way except /allowlist. python3 flask_app.py PORT
import sys

from flask import Flask, jsonify
from flask_cors import cross_origin

app = Flask(__name__)

TRUSTED = "https://app.example.com"
# flask-cors grants every requested header unless allow_headers is narrowed.
HEADERS = ["Content-Type"]

ENDPOINTS = {
    # "Any origin, with cookies": flask-cors cannot send * with credentials, so it reflects the
    # origin (and, by default, every requested header).
    "/any-credentials": dict(origins="*", supports_credentials=True),
    # The default CORS(app): origins "*" without send_wildcard reflects the origin, without
    # credentials.
    "/default": dict(),
    # "Our subdomains": re.match anchors the start only, so anything may follow.
    "/regex": dict(origins=[r"https://.*\.example\.com"], supports_credentials=True,
                   allow_headers=HEADERS),
    # "Our app, over http too during the migration", and not anchored at the end.
    "/http-prefix": dict(origins=[r"https?://app\.example\.com"], supports_credentials=True,
                         allow_headers=HEADERS),
    # The right origin, but flask-cors sends Vary: Origin only for several origins or a regex,
    # while it answers only the matching origin.
    "/single-origin": dict(origins=TRUSTED, supports_credentials=True, allow_headers=HEADERS),
    # Right: two front ends (so flask-cors sends Vary: Origin), credentials, fixed headers.
    "/allowlist": dict(origins=[TRUSTED, "https://admin.example.com"], supports_credentials=True,
                       allow_headers=HEADERS),
}


def make_view(path, options):
    @cross_origin(**options)
    def view():
        return jsonify(user="alice", path=path), 200, {"X-Total-Count": "42"}

    view.__name__ = "endpoint" + path.replace("/", "_").replace("-", "_")
    return view


for endpoint_path, endpoint_options in ENDPOINTS.items():
    app.add_url_rule(endpoint_path, view_func=make_view(endpoint_path, endpoint_options),
                     methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"])

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
