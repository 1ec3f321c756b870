from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Tiêu đề mục")
        template = "courses/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Ảnh"))
    caption = blocks.CharBlock(label=_("Chú thích"), required=False)

    class Meta:
        icon = "image"
        label = _("Hình ảnh")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A self-hosted video file (from the document library) or an embed URL."""

    title = blocks.CharBlock(label=_("Tiêu đề"), required=False)
    file = DocumentChooserBlock(label=_("Tệp video (mp4, webm)"), required=False)
    embed = EmbedBlock(label=_("Hoặc nhúng từ địa chỉ"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Tên tài liệu"))
    document = DocumentChooserBlock(label=_("Tệp"))
    description = blocks.TextBlock(label=_("Mô tả"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Tài liệu tải về")
        template = "courses/blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Loại"),
        choices=[("note", _("Ghi chú")), ("warning", _("Lưu ý")), ("example", _("Ví dụ"))],
        default="note",
    )
    title = blocks.CharBlock(label=_("Tiêu đề"), required=False)
    text = blocks.RichTextBlock(
        label=_("Nội dung"), features=["bold", "italic", "link", "ol", "ul"]
    )

    class Meta:
        icon = "warning"
        label = _("Hộp chú ý")
        template = "courses/blocks/callout.html"


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Tiêu đề"), required=False)
    items = blocks.ListBlock(blocks.CharBlock(label=_("Mục")), label=_("Các mục"))

    class Meta:
        icon = "tick"
        label = _("Danh mục kiểm tra")
        template = "courses/blocks/checklist.html"


class ComparisonRowBlock(blocks.StructBlock):
    left = blocks.TextBlock(label=_("Cột trái"))
    right = blocks.TextBlock(label=_("Cột phải"))


class ComparisonBlock(blocks.StructBlock):
    """Side-by-side table, e.g. documents (tài liệu) vs records (hồ sơ)."""

    title = blocks.CharBlock(label=_("Tiêu đề"), required=False)
    left_heading = blocks.CharBlock(label=_("Tiêu đề cột trái"), default="Tài liệu")
    right_heading = blocks.CharBlock(label=_("Tiêu đề cột phải"), default="Hồ sơ")
    rows = blocks.ListBlock(ComparisonRowBlock(), label=_("Các dòng"))

    class Meta:
        icon = "table"
        label = _("Bảng so sánh tài liệu – hồ sơ")
        template = "courses/blocks/comparison.html"


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Đoạn văn"),
        features=["h3", "h4", "bold", "italic", "link", "ol", "ul", "hr", "document-link"],
        template="courses/blocks/paragraph.html",
    )
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    checklist = ChecklistBlock()
    comparison = ComparisonBlock()
