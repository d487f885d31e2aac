# Flask for tst_server_config_live: the generated snippet, then one route. python3 app.py PORT
import sys

from flask import Flask

app = Flask(__name__)

# CORSLAB_SNIPPET


@app.route("/data", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def data():
    return "ok", 200, {"X-Total-Count": "42", "Content-Type": "text/plain"}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
