from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Render without a RequestContext: the failure may be in a context processor.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
