"""Private files: certificate PDFs, roster uploads and exports.

They live in the `private` storage (settings.STORAGES), never under the public media URL:
locally a folder outside MEDIA_ROOT, on S3 a private prefix or bucket. People get them only
through views that check who may have them, which answer with `private_file_response`.
"""

from django.core.files.storage import Storage, default_storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header

PRIVATE_STORAGE_ALIAS = "private"
# A signed S3 address is only handed to the person the view has just checked; it expires soon.
SIGNED_URL_SECONDS = 60


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


private = PrivateStorage()


def private_storage() -> Storage:
    """The storage of private FileFields (a callable, so migrations name it, not its settings)."""
    return private


@receiver(setting_changed, dispatch_uid="core.private_storage_reset")
def _reset_private_storage(setting, **kwargs):
    if setting == "STORAGES":
        private._wrapped = empty


def is_local(storage) -> bool:
    try:
        storage.path("probe")
    except NotImplementedError:
        return False
    return True


def private_file_exists(name: str) -> bool:
    """True when `name` is in private storage.

    A file stored before private storage existed (same name, public storage) is moved in
    first, so old certificates and exports keep working and stop being public.
    """
    if not name:
        return False
    if private.exists(name):
        return True
    if not default_storage.exists(name):
        return False
    with default_storage.open(name, "rb") as public_copy:
        private.save(name, public_copy)
    default_storage.delete(name)
    return True


def private_file_delete(name: str) -> None:
    """Delete a private file, and its public copy if it was stored before private storage."""
    private.delete(name)
    default_storage.delete(name)


def private_file_response(name: str, *, filename: str, content_type=None, as_attachment=True):
    """The file for a person the calling view has already checked; 404 when it is missing.

    Local files are streamed; on S3 the browser is sent to a signed address valid for
    SIGNED_URL_SECONDS, so the web process does not carry the bytes.
    """
    if not private_file_exists(name):
        raise Http404
    if is_local(private):
        return FileResponse(
            private.open(name, "rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
    parameters = {"ResponseContentDisposition": content_disposition_header(as_attachment, filename)}
    if content_type:
        parameters["ResponseContentType"] = content_type
    return HttpResponseRedirect(private.url(name, parameters=parameters, expire=SIGNED_URL_SECONDS))
