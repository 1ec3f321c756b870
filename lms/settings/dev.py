from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

# load_demo writes a self-signed pair here; it signs certificates until a real key is configured.
DEMO_SIGNING_DIR = BASE_DIR / "private" / "signing"  # noqa: F405
if not CERTIFICATE_SIGNING_KEY and (DEMO_SIGNING_DIR / "key.pem").exists():  # noqa: F405
    CERTIFICATE_SIGNING_KEY = str(DEMO_SIGNING_DIR / "key.pem")
    CERTIFICATE_SIGNING_CERT = str(DEMO_SIGNING_DIR / "cert.pem")
