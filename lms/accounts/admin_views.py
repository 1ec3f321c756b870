"""The agency directory in the Wagtail admin: upload with preview, and download."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from lms.accounts.permissions import can_manage_directory
from lms.core.spreadsheet_import import SpreadsheetImportView

from .directory_import import agencies_import, directory_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AgencyImportView(SpreadsheetImportView):
    title = _("Nhập danh mục đơn vị")
    help_text = _(
        "Tải lên danh mục cơ quan, đơn vị của tỉnh (.xlsx hoặc .csv UTF-8). Dòng tiêu đề có thể "
        "nằm dưới các dòng tên bảng. Các cột: Mã đơn vị, Tên đơn vị, Loại, Mã đơn vị cấp trên, "
        "Chỉ tiêu đào tạo, Tên gọi khác (cách nhau bằng dấu ;), Sáp nhập vào, Ngày sáp nhập "
        "(dd/mm/yyyy). Đơn vị được cập nhật theo mã; nếu tệp có lỗi, không có gì được ghi."
    )
    url_name = "accounts_agency_import"
    done_url_name = "wagtailsnippets_accounts_agency:list"
    export_url_name = "accounts_agency_export"
    service = staticmethod(agencies_import)

    def may_import(self, user) -> bool:
        return can_manage_directory(user)


def spreadsheet_response(data: bytes, *, extension: str, stem: str) -> HttpResponse:
    content_type = "text/csv; charset=utf-8" if extension == ".csv" else XLSX
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}{extension}")
    return response


def agency_export_view(request):
    if not can_manage_directory(request.user):
        raise PermissionDenied
    extension = ".csv" if request.GET.get("format") == "csv" else ".xlsx"
    return spreadsheet_response(
        directory_file(extension), extension=extension, stem="danh-muc-don-vi"
    )
