"""StreamField blocks shared by the content pages of a unit's site."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = [
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
    "hr",
]


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="trích dẫn")
    source = blocks.CharBlock(label="nguồn", required=False)

    class Meta:
        icon = "openquote"
        label = "Trích dẫn"
        template = "cms/blocks/quote_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="tệp")
    title = blocks.CharBlock(label="tên hiển thị", required=False)

    class Meta:
        icon = "doc-full"
        label = "Tệp đính kèm"
        template = "cms/blocks/document_block.html"


class BaseStreamBlock(blocks.StreamBlock):
    """Body of articles, announcements, events and plain pages.

    ImageBlock asks for alt text (or an explicit "decorative" tick), so no
    image reaches a citizen without a text alternative.
    """

    paragraph = blocks.RichTextBlock(label="Đoạn văn", features=RICH_TEXT_FEATURES)
    image = ImageBlock(label="Hình ảnh")
    quote = QuoteBlock()
    document = DocumentBlock()

    class Meta:
        label = "Nội dung"
