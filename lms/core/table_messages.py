"""The user's wording of the file-level problems `lms.core.tables` reports, one place for every
importer (rosters, enrolment lists, the agency directory, training plans)."""

from django.utils.translation import gettext as _


def table_messages() -> dict[str, str]:
    """Error code -> message in the active language, with `{name}` placeholders."""
    return {
        "unsupported_file_type": _(
            "không hỗ trợ loại tệp “{extension}”; hãy tải lên tệp .csv hoặc .xlsx"
        ),
        "empty_file": _("tệp không có dữ liệu"),
        "not_utf8": _(
            "tệp không được mã hóa UTF-8 (byte {byte} ở vị trí {position}, dòng {line}); "
            "hãy lưu lại dưới dạng CSV UTF-8"
        ),
        "utf16": _("tệp được mã hóa UTF-16, không phải UTF-8; hãy lưu lại dưới dạng CSV UTF-8"),
        "csv_is_workbook": _(
            "tệp là bảng tính Excel, không phải CSV; hãy đặt đuôi .xlsx hoặc lưu lại dạng CSV UTF-8"
        ),
        "csv_unreadable": _("không đọc được tệp CSV ở gần dòng {line}"),
        "not_xlsx": _("tệp không phải bảng tính .xlsx đọc được; hãy mở bằng Excel và lưu lại"),
        "missing_column": _("thiếu cột {column}"),
        "no_data_rows": _("tệp có dòng tiêu đề nhưng không có dòng dữ liệu nào"),
        "missing_value": _("thiếu giá trị ở cột {column}"),
    }
