"""Check a SCORM package before one byte of it is written, and find its launch page.

Pure Python, no ORM: `inspect_package(data, limits=...)` returns what the importer needs (the
SCORM version, the launch page, the members to extract) or raises `PackageRefused` with a
stable `code` and `params`; `PackageRefused.message` words it in Vietnamese.

The order matters: the archive's names are checked first (a member outside the package
folder, a link, two members that would land on the same file), then every member is inflated
within the caps by `lms.core.spreadsheets.check_package` (declared and real sizes, member
count, compression ratio, CRC), and only then is the manifest parsed, without a DTD.
"""

import io
import posixpath
import stat
import struct
import unicodedata
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from lms.core.spreadsheets import (
    ImportLimits,
    SpreadsheetRefused,
    check_archive_directory,
    check_package,
)

MANIFEST = "imsmanifest.xml"
MAX_MANIFEST_BYTES = 2 * 1024 * 1024


class ScormVersion:
    SCORM_12 = "1.2"
    SCORM_2004 = "2004"


@dataclass
class PackageRefused(Exception):
    """The package is refused before anything is extracted."""

    code: str
    params: dict = field(default_factory=dict)

    def __str__(self):
        return self.message

    @property
    def message(self) -> str:
        return refusal_messages()[self.code].format(**self.params)


def refusal_messages() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "archive_damaged": _("Tệp không phải gói ZIP hợp lệ hoặc đã bị hỏng."),
        "missing_manifest": _(
            "Gói không có tệp imsmanifest.xml ở thư mục gốc; hãy xuất lại bài giảng "
            "theo chuẩn SCORM 1.2 hoặc SCORM 2004."
        ),
        "unsafe_path": _(
            "Gói chứa đường dẫn không an toàn “{name}” (đường dẫn tuyệt đối hoặc có “..”)."
        ),
        "link_member": _("Gói chứa liên kết (symlink) “{name}”; liên kết không được chấp nhận."),
        "duplicate_member": _("Gói chứa hai tệp trùng tên “{name}”."),
        "archive_too_large": _(
            "Gói giải nén ra quá lớn, có quá nhiều tệp hoặc nén bất thường "
            "(tối đa {limit_mb} MB và {limit_members} tệp)."
        ),
        "manifest_invalid": _(
            "Tệp imsmanifest.xml không đọc được (XML lỗi, quá lớn hoặc có khai báo DOCTYPE)."
        ),
        "no_launch": _("Tệp imsmanifest.xml không chỉ ra bài học (SCO) nào để mở."),
        "launch_missing": _("Trang mở bài học “{href}” không có trong gói."),
    }


@dataclass(frozen=True)
class PackageManifest:
    version: str
    launch: str  # a member name, with the item's query string if it has one
    title: str
    members: tuple[str, ...]  # files to extract (directories left out)


def scorm_limits() -> ImportLimits:
    """SCORM packages carry video and images: their own caps, from SCORM_MAX_* settings."""
    from django.conf import settings

    return ImportLimits(
        max_uncompressed_bytes=getattr(settings, "SCORM_MAX_UNCOMPRESSED_BYTES", 256 * 2**20),
        max_members=getattr(settings, "SCORM_MAX_MEMBERS", 3000),
        max_compression_ratio=getattr(settings, "SCORM_MAX_COMPRESSION_RATIO", 100),
    )


def inspect_package(data: bytes, *, limits: ImportLimits) -> PackageManifest:
    try:
        check_archive_directory(data, limits=limits)
    except SpreadsheetRefused as error:
        raise PackageRefused("archive_too_large", size_params(limits)) from error
    members = _members(data)
    names = _check_names(members, limits)
    if MANIFEST not in names:
        raise PackageRefused("missing_manifest")
    try:
        check_package(data, limits=limits, required_member=MANIFEST, scan_sheets=False)
    except SpreadsheetRefused as error:
        if error.code == "archive_too_large":
            raise PackageRefused("archive_too_large", size_params(limits)) from error
        raise PackageRefused("archive_damaged") from error
    manifest = _read_manifest(data)
    version, launch, title = parse_manifest(manifest)
    path = unquote(urlsplit(launch).path)
    if path not in names:
        raise PackageRefused("launch_missing", {"href": launch})
    return PackageManifest(version=version, launch=launch, title=title, members=tuple(names))


def _members(data: bytes) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.infolist()
    except (
        zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error, NotImplementedError
    ) as error:  # fmt: skip
        raise PackageRefused("archive_damaged") from error


def size_params(limits: ImportLimits) -> dict:
    return {
        "limit_mb": limits.max_uncompressed_bytes // 2**20,
        "limit_members": limits.max_members,
    }


def is_safe_member_name(name: str) -> bool:
    """A relative path that stays inside the package folder on every operating system."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = name.rstrip("/").split("/")
    if len(parts[0]) >= 2 and parts[0][1] == ":":  # a Windows drive ("C:")
        return False
    return all(part not in ("", ".", "..") for part in parts)


def _check_names(members: list[zipfile.ZipInfo], limits: ImportLimits) -> list[str]:
    """The file members' names; refuses unsafe names, links and duplicates."""
    if len(members) > limits.max_members:
        raise PackageRefused("archive_too_large", size_params(limits))
    seen: set[str] = set()
    files = []
    for member in members:
        name = member.filename
        if not is_safe_member_name(name):
            raise PackageRefused("unsafe_path", {"name": name[:200]})
        if stat.S_ISLNK(member.external_attr >> 16):
            raise PackageRefused("link_member", {"name": name[:200]})
        # Two names one file system may store as one file (case, Unicode form) are refused too.
        key = unicodedata.normalize("NFC", name.rstrip("/")).casefold()
        if key in seen:
            raise PackageRefused("duplicate_member", {"name": name[:200]})
        seen.add(key)
        if not member.is_dir():
            files.append(name)
    return files


def _read_manifest(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(MANIFEST)
        if info.file_size > MAX_MANIFEST_BYTES:
            raise PackageRefused("manifest_invalid")
        return archive.read(info)  # sizes and CRC were checked while inflating


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attr(element, name: str) -> str:
    """An attribute by local name, whatever its namespace prefix and case (scormtype in 1.2,
    scormType in 2004)."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def parse_manifest(manifest: bytes) -> tuple[str, str, str]:
    """(version, launch href, title) from imsmanifest.xml; no DTD, entities or network."""
    try:
        root = ElementTree.fromstring(
            manifest, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise PackageRefused("manifest_invalid") from error
    if _local(root.tag) != "manifest":
        raise PackageRefused("manifest_invalid")
    version = _version(root)
    resources = {}
    base = ""
    for group in _children(root, "resources"):
        base = _attr(group, "base")
        for resource in _children(group, "resource"):
            resources[_attr(resource, "identifier")] = (base, resource)
    organisation = _default_organisation(root)
    title = ""
    launch = ""
    if organisation is not None:
        title = "".join(child.text or "" for child in _children(organisation, "title"))
        # Authoring tools on macOS write decomposed (NFD) Vietnamese; the site stores NFC.
        title = " ".join(unicodedata.normalize("NFC", title).split())
        launch = _first_sco_launch(organisation, resources)
    if not launch:
        launch = next(
            (
                _href(base, resource)
                for base, resource in resources.values()
                if _is_sco(resource) and _attr(resource, "href")
            ),
            "",
        )
    if not launch:
        raise PackageRefused("no_launch")
    if not is_safe_member_name(unquote(urlsplit(launch).path)) or urlsplit(launch).scheme:
        raise PackageRefused("launch_missing", {"href": launch[:200]})
    return version, launch, title[:255]


def _version(root) -> str:
    for metadata in _children(root, "metadata"):
        for element in _children(metadata, "schemaversion"):
            text = (element.text or "").strip()
            if text.startswith("1.2"):
                return ScormVersion.SCORM_12
            if "2004" in text or "1.3" in text:
                return ScormVersion.SCORM_2004
    # No metadata: the ADL namespace of the SCO attributes says which it is.
    for element in root.iter():
        if any("adlcp_v1p3" in key for key in element.attrib):
            return ScormVersion.SCORM_2004
    return ScormVersion.SCORM_12


def _default_organisation(root):
    for organisations in _children(root, "organizations"):
        candidates = _children(organisations, "organization")
        default = _attr(organisations, "default")
        chosen = [org for org in candidates if _attr(org, "identifier") == default]
        if chosen or candidates:
            return (chosen or candidates)[0]
    return None


def _is_sco(resource) -> bool:
    return _attr(resource, "scormtype").lower() == "sco"


def _href(base: str, resource) -> str:
    return posixpath.join(base, _attr(resource, "base"), _attr(resource, "href"))


def _first_sco_launch(organisation, resources: dict) -> str:
    """The first item, in document order, whose resource is a SCO, with its parameters."""
    for item in organisation.iter():
        if _local(item.tag) != "item":
            continue
        found = resources.get(_attr(item, "identifierref"))
        if found is None or not _is_sco(found[1]) or not _attr(found[1], "href"):
            continue
        href = _href(*found)
        parameters = _attr(item, "parameters")
        if parameters:
            separator = "&" if "?" in href else "?"
            href += separator + parameters.lstrip("?&")
        return href
    return ""
