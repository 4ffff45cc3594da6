"""Several app servers, one network: two gunicorn servers behind Varnish, one database
(PostgreSQL when the suite runs on it), one Redis and one S3-compatible bucket (moto's
server on loopback). A photo uploaded through one server is served, with its renditions
made once, through the other."""

import http.client
import re
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlparse

import boto3
import pytest
from django.conf import settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from tests.edge import Varnish, free_port, requires_varnish
from tests.factories import image_bytes
from tests.system import test_faults
from tests.system.test_faults import Gunicorn, manage, site_env

pytestmark = [pytest.mark.faults, requires_varnish]
# The private Redis and the collected static files of the fault tests.
redis_server, static_root = test_faults.redis_server, test_faults.static_root
PASSWORD = "kata-sandi-uji-2026"


@pytest.fixture
def bucket():
    """An S3-compatible server on a loopback port of its own, with an empty bucket."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    name = f"foto-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="uji", aws_secret_access_key="uji")  # fmt: skip
    client.create_bucket(Bucket=name)
    yield endpoint, name, client
    server.stop()


@pytest.fixture
def shared_database(tmp_path):
    """The one database of both servers: a new PostgreSQL database when the suite runs on
    PostgreSQL (as production does), else an SQLite file."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'network.sqlite3'}"
        return
    import psycopg

    name = f"newsroom_media_{uuid.uuid4().hex[:8]}"
    server = {"host": default["HOST"], "port": default["PORT"] or 5432, "user": default["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """Just enough of a browser for the admin: cookies, CSRF tokens, forms."""

    def __init__(self, url):
        address = urlparse(url)
        self.host, self.port = address.hostname, address.port
        self.cookies = SimpleCookie()

    def request(self, method, path, body=None, content_type=None):
        connection = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
        cookies = "; ".join(f"{key}={value.value}" for key, value in self.cookies.items())
        headers = {"Host": "127.0.0.1", "Referer": f"http://127.0.0.1{path}", "Cookie": cookies}
        if content_type:
            headers["Content-Type"] = content_type
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        return response.status, response.read().decode("utf-8", "replace")

    def token(self, path):
        _, page = self.request("GET", path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, path, data, files=False):
        data = {"csrfmiddlewaretoken": self.token(path), **data}
        if files:
            return self.request("POST", path, encode_multipart(BOUNDARY, data), MULTIPART_CONTENT)
        return self.request("POST", path, urlencode(data), "application/x-www-form-urlencoded")


def test_a_photo_uploaded_through_one_server_is_served_with_renditions_by_another(
    bucket, shared_database, request, tmp_path
):
    endpoint, name, s3 = bucket
    redis, static = request.getfixturevalue("redis_server"), request.getfixturevalue("static_root")
    env = site_env(
        DATABASE_URL=shared_database,
        CACHE_URL=redis.url, STATIC_ROOT=static,
        MEDIA_S3_BUCKET=name, MEDIA_S3_ENDPOINT_URL=endpoint, MEDIA_S3_REGION="us-east-1",
        MEDIA_S3_ACCESS_KEY_ID="uji", MEDIA_S3_SECRET_ACCESS_KEY="uji",
        MEDIA_S3_CUSTOM_DOMAIN=f"{endpoint.removeprefix('http://')}/{name}",
        MEDIA_S3_URL_PROTOCOL="http:",
    )  # fmt: skip
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", (
        "from tests.factories import make_staff; "
        f"make_staff('Editor', 'editor', password='{PASSWORD}')"
    ))  # fmt: skip
    first, second = Gunicorn(env, tmp_path / "one.log"), Gunicorn(env, tmp_path / "two.log")
    edge = Varnish(first.port, second.port).start()
    try:
        desk = Browser(first.url)  # the editor's desk, on server 1
        status, _ = desk.post("/admin/login/", {"username": "editor", "password": PASSWORD})
        assert status == 302, first.errors()
        photo = tmp_path / "banjir.jpg"
        photo.write_bytes(image_bytes(size=(1600, 1000)))
        with open(photo, "rb") as upload:
            status, page = desk.post("/admin/articles/photo/add/", {
                "caption": "Banjir di Garut", "credit": "Dok. Redaksi", "image": upload,
            }, files=True)  # fmt: skip
        assert status == 302, page[-2000:]
        stored = {item["Key"] for item in s3.list_objects_v2(Bucket=name)["Contents"]}
        originals = [key for key in stored if key.startswith("foto/")]
        renditions = [key for key in stored if key.startswith("renditions/")]
        assert len(originals) == 1 and renditions  # made by server 1, once, in the bucket
        manage(env, "shell", "-c", (
            "from articles.models import Photo; from tests.factories import make_article; "
            "make_article(headline='Banjir Garut', slug='banjir-garut', photo=Photo.objects.get())"
        ))  # fmt: skip

        reader = Browser(second.url)  # server 2 has never seen the photo
        status, page = reader.request("GET", "/berita/banjir-garut/")
        assert status == 200, second.errors()
        shown = re.findall(rf'{re.escape(endpoint)}/{name}/(renditions/[^ "]+\.webp)', page)
        assert shown and set(shown) <= set(renditions)
        key = shown[0]
        assert s3.get_object(Bucket=name, Key=key)["ContentType"] == "image/webp"
        after = {item["Key"] for item in s3.list_objects_v2(Bucket=name)["Contents"]}
        assert after == stored  # nothing made again by the second server

        status, page = Browser(edge.url).request("GET", "/berita/banjir-garut/")
        assert status == 200 and key in page  # and so through the edge, whichever serves
    finally:
        edge.cleanup()
        first.stop()
        second.stop()
