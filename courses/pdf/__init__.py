"""PDF documents of the courses app, drawn with reportlab and the fonts in lms/core/fonts."""
