# Django + django-cors-headers for tst_audit_live: one path per way real projects configure it,
# each wrong in one way except /allowlist and /public. python3 django_app.py PORT
#
# django-cors-headers reads its CORS_* settings on every request, and a project has one set of
# them: each path here stands for a project with those settings, applied to its requests alone
# (override_settings around the CORS middleware; the server runs one request at a time).
import os
import sys

import django
from django.conf import settings
from django.http import JsonResponse
from django.test.utils import override_settings
from django.urls import path

TRUSTED = "https://app.example.com"

PROJECTS = {
    # "Let the front end in": every origin, with cookies; the package then reflects the origin.
    "/allow-all": dict(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True),
    # "Our domain": the dot before example is missing (and the one in it unescaped).
    "/regex-suffix": dict(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://.*example.com$"],
                          CORS_ALLOW_CREDENTIALS=True),
    # "Our app": re.match anchors the start, the $ is missing.
    "/regex-prefix": dict(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://app\.example\.com"],
                          CORS_ALLOW_CREDENTIALS=True),
    # Preview deployments trusted: anyone can deploy to vercel.app.
    "/previews": dict(CORS_ALLOWED_ORIGINS=[TRUSTED],
                      CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://[\w-]+\.vercel\.app$"],
                      CORS_ALLOW_CREDENTIALS=True),
    # Right: the app alone, with cookies (the package always sends Vary: Origin).
    "/allowlist": dict(CORS_ALLOWED_ORIGINS=[TRUSTED], CORS_ALLOW_CREDENTIALS=True),
    # Right for a public API: * without credentials.
    "/public": dict(CORS_ALLOW_ALL_ORIGINS=True),
}


class PerPathCorsSettings:
    """Runs the rest of the chain (CorsMiddleware included) under the path's project settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with override_settings(**PROJECTS.get(request.path_info, {})):
            return self.get_response(request)


def data(request):
    response = JsonResponse({"user": "alice", "path": request.path_info})
    response["X-Total-Count"] = "42"
    return response


urlpatterns = [path(p.lstrip("/"), data) for p in PROJECTS]

if __name__ == "__main__":
    settings.configure(
        SECRET_KEY="corslab-audit-test",
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["corsheaders"],
        MIDDLEWARE=[
            __name__ + ".PerPathCorsSettings",
            "corsheaders.middleware.CorsMiddleware",
            "django.middleware.common.CommonMiddleware",
        ],
        USE_TZ=True,
    )
    django.setup()
    from django.core.management import call_command

    call_command("runserver", "127.0.0.1:" + sys.argv[1], use_reloader=False, use_threading=False)
