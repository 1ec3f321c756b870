"""Helpers the apps' demo loaders share (the loaders themselves run from `load_demo`)."""


def child_page_upsert(parent, model, slug: str, fields: dict):
    """The child page of `parent` with this slug, created or updated with `fields` (not yet
    published), so demo loaders can run twice without duplicating pages."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    return page
