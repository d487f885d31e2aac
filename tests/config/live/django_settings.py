# Django settings for tst_server_config_live (written as corslab_settings.py): a minimal site,
# then the generated snippet.
SECRET_KEY = "corslab-live-test"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "corslab_run"
INSTALLED_APPS = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
USE_TZ = True

# CORSLAB_SNIPPET
