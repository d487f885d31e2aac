# Django for tst_server_config_live (written as corslab_run.py): the URL conf, and when run,
# the development server. python3 corslab_run.py PORT
import os
import sys

from django.http import HttpResponse
from django.urls import path


def data(request):
    response = HttpResponse("ok", content_type="text/plain")
    response["X-Total-Count"] = "42"
    return response


urlpatterns = [path("data", data)]

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    os.environ["DJANGO_SETTINGS_MODULE"] = "corslab_settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "runserver", "--noreload", "127.0.0.1:" + sys.argv[1]])
